import CaseDomain
import GRDB

/// The data-quality report: cases reported in the period missing a birth
/// date, a village or consent; intakes saved although they looked like
/// duplicates; and referrals sent without consent (which should be none).
enum DataQualityReport {
    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        // One pass over the period's cases, through an index that holds every column checked. A village
        // code names a gazetteer place (a foreign key); a village's has 8 digits, a commune's or a
        // district's fewer.
        let cases = scope.inPeriod("c.reported_date", indexed: true) && scope.inArea("c.village_code", key: "c.id")
        let checked = try Row.fetchAll(db, sql: """
            SELECT c.sex, COUNT(*), SUM(c.date_of_birth IS NULL),
              SUM(length(c.village_code) IS NOT 8),
              SUM(c.caregiver_consent IS NULL), SUM(c.caregiver_consent = 0)
            FROM child_case AS c WHERE \(cases.sql) GROUP BY c.sex
            """, arguments: cases.arguments)
        func count(_ column: Int) -> Tally {
            var tally = Tally()
            for row in checked { tally.add(Sex(rawValue: row[0]) ?? .male, row[column] as Int? ?? 0) }
            return tally
        }
        let duplicates = scope.inArea("c.village_code", key: "c.id")
        // The first three terms are those of the partial index that holds just these events.
        let savedDespite = Tally(rows: try Row.fetchAll(db, sql: """
            SELECT c.sex, COUNT(*) AS n FROM audit_event AS a JOIN child_case AS c ON c.id = a.entity_id
            WHERE a.action = 'create' AND a.entity = 'case' AND a.summary LIKE '%saved despite possible duplicates%'
              AND date(a.at, 'localtime') BETWEEN ? AND ? AND \(duplicates.sql)
            GROUP BY c.sex
            """, arguments: [scope.start, scope.end] + duplicates.arguments))
        let referrals = scope.inPeriod("referred_on") && scope.inArea("village_code", key: "id")
        let withoutConsent = Tally(rows: try Row.fetchAll(db, sql: """
            SELECT sex, COUNT(*) AS n FROM referral
            WHERE status != 'draft' AND NOT consent_recorded AND \(referrals.sql) GROUP BY sex
            """, arguments: referrals.arguments))
        let all = count(1)
        let checks: [(String, Tally)] = [
            ("report.row.cases-reported", all),
            ("report.row.no-birth-date", count(2)),
            ("report.row.no-village", count(3)),
            ("report.row.consent-not-recorded", count(4)),
            ("report.row.consent-refused", count(5)),
            ("report.row.saved-despite-duplicates", savedDespite),
            ("report.row.referrals-without-consent", withoutConsent),
        ]
        // Referrals are not a share of cases.
        let rows = checks.map { key, tally -> [ReportCell] in
            [.key(key), .tally(tally),
             key == "report.row.referrals-without-consent" ? .literal("") : .share(part: tally.total, whole: all.total)]
        }
        return [ReportTable(title: .key("report.quality.checks"),
                            columns: [.key("report.column.check"), .key("report.column.records"),
                                      .key("report.column.share-of-cases")], rows: rows,
                            note: .key(withoutConsent.total == 0 ? "report.note.no-referral-without-consent"
                                                                 : "report.note.referrals-without-consent"))]
    }
}
