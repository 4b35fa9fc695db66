import CaseDomain
import GRDB

/// The data-quality report: cases reported in the period missing a birth
/// date, a village or consent; intakes saved although they looked like
/// duplicates; and referrals sent without consent (which should be none).
enum DataQualityReport {
    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        let cases = scope.inPeriod("c.reported_date") && scope.inArea("c.village_code", key: "c.id")
        func count(_ extra: String) throws -> Tally {
            Tally(rows: try Row.fetchAll(db, sql: """
                SELECT c.sex, COUNT(*) AS n FROM child_case AS c WHERE \(cases.sql) AND \(extra) GROUP BY c.sex
                """, arguments: cases.arguments))
        }
        let duplicates = scope.inArea("c.village_code", key: "c.id")
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
        let all = try count("1")
        let checks: [(String, Tally)] = [
            ("report.row.cases-reported", all),
            ("report.row.no-birth-date", try count("c.date_of_birth IS NULL")),
            ("report.row.no-village",
             try count("NOT EXISTS (SELECT 1 FROM place AS p WHERE p.code = c.village_code AND p.level = 'village')")),
            ("report.row.consent-not-recorded", try count("c.caregiver_consent IS NULL")),
            ("report.row.consent-refused", try count("c.caregiver_consent = 0")),
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
