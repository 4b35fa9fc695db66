import CaseDomain
import Foundation
import GRDB

/// The cases report: new cases by concern and age band, by ethnicity, the
/// case load from the period's start to its end, closures by reason, how
/// long the first visit and closure took, and open cases nobody has seen
/// for 90 days.
enum CaseReport {
    /// The longest list of unseen cases a report prints.
    static let unseenListLimit = 500
    static let unseenDays = 90

    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        let new = try scope.tally(db, CaseMeasure.new)
        let closed = try scope.tally(db, CaseMeasure.closed)
        return [
            newByConcern(scope, try scope.tally(db, CaseMeasure.concern), all: new),
            newByEthnicity(try scope.tally(db, CaseMeasure.ethnicity)),
            try caseLoad(db, scope, new: new, closed: closed, reopened: try scope.tally(db, CaseMeasure.reopened)),
            closedByReason(closed),
            timeTaken(firstVisit: try scope.tally(db, CaseMeasure.firstVisit), closure: try scope.tally(db, CaseMeasure.closureDays)),
            try unseen(db, scope),
        ]
    }

    /// Counts by sex of kept counts whose key passes `include`.
    static func sexes(_ counts: [TallyKey: Int], where include: (TallyKey) -> Bool = { _ in true }) -> Tally {
        var tally = Tally()
        for (key, n) in counts where include(key) { tally.add(key.sex, n) }
        return tally
    }

    /// New cases by concern: a case with two concerns counts under each,
    /// and once in the total row.
    static func newByConcern(_ scope: ReportScope, _ concerns: [TallyKey: Int], all new: [TallyKey: Int]) -> ReportTable {
        var byConcern: [Concern: [Tally]] = [:]
        var all = scope.emptyBands
        for (key, n) in new { all[scope.band(AgeClass.lowerAge(key.ageClass))].add(key.sex, n) }
        for (key, n) in concerns {
            guard let concern = Concern(rawValue: key.key) else { continue }
            byConcern[concern, default: scope.emptyBands][scope.band(AgeClass.lowerAge(key.ageClass))].add(key.sex, n)
        }
        var table = Concern.allCases.map { concern -> [ReportCell] in
            let bands = byConcern[concern] ?? scope.emptyBands
            return [.key(concern.labelKey), .tally(bands.sum)] + bands.map(ReportCell.tally)
        }
        table.append([.key("report.row.all-new-cases"), .tally(all.sum)] + all.map(ReportCell.tally))
        return ReportTable(title: .key("report.cases.new-by-concern"),
                           columns: scope.bandColumns(first: "report.column.concern"), rows: table,
                           note: .key("report.note.several-concerns"), chart: true)
    }

    /// New cases by ethnicity, split into girls, boys, women and men.
    static func newByEthnicity(_ counts: [TallyKey: Int]) -> ReportTable {
        func cells(_ include: (TallyKey) -> Bool) -> [ReportCell] {
            var groups: [SexAgeGroup: Int] = [:]
            for (key, n) in counts where include(key) {
                groups[SexAgeGroup(sex: key.sex, age: AgeClass.lowerAge(key.ageClass)), default: 0] += n
            }
            return [.tally(sexes(counts, where: include))] + SexAgeGroup.allCases.map { .count(groups[$0] ?? 0) }
        }
        var table = Ethnicity.allCases.map { group in
            [ReportCell.key(group.labelKey)] + cells { $0.key == group.rawValue }
        }
        table.append([.key("report.row.not-recorded")] + cells { Ethnicity(rawValue: $0.key) == nil })
        table.append([.key("report.row.all-new-cases")] + cells { _ in true })
        return ReportTable(title: .key("report.cases.new-by-ethnicity"),
                           columns: [.key("report.column.ethnicity"), .key("report.column.total")]
                               + SexAgeGroup.allCases.map { .key($0.labelKey) },
                           rows: table)
    }

    /// Cases open (new or open) at the end of `day`: every case reported
    /// by then, less those closed by then, plus those reopened by then.
    static func openAt(_ db: Database, _ scope: ReportScope, day: LocalDate) throws -> Tally {
        let reported = sexes(try scope.tally(db, CaseMeasure.new, from: ReportScope.beginning, to: day))
        let closed = sexes(try scope.tally(db, CaseMeasure.closed, from: ReportScope.beginning, to: day))
        let reopened = sexes(try scope.tally(db, CaseMeasure.reopened, from: ReportScope.beginning, to: day))
        return Tally(total: reported.total - closed.total + reopened.total,
                     female: reported.female - closed.female + reopened.female)
    }

    static func caseLoad(_ db: Database, _ scope: ReportScope, new: [TallyKey: Int], closed: [TallyKey: Int],
                         reopened: [TallyKey: Int]) throws -> ReportTable {
        let rows: [[ReportCell]] = [
            [.key("report.row.open-at-start"), .tally(try openAt(db, scope, day: scope.request.period.start.adding(days: -1)))],
            [.key("report.row.new"), .tally(sexes(new))],
            [.key("report.row.closed"), .tally(sexes(closed))],
            [.key("report.row.reopened"), .tally(sexes(reopened))],
            [.key("report.row.open-at-end"), .tally(try openAt(db, scope, day: scope.request.period.end))],
        ]
        return ReportTable(title: .key("report.cases.load"),
                           columns: [.key("report.column.cases"), .key("report.column.total")], rows: rows)
    }

    /// The closure reason of a close move: "duplicate:KC-…" is a duplicate.
    static func closureReason(_ text: String?) -> ClosureReason {
        guard let text else { return .other }
        if text.hasPrefix("duplicate") { return .duplicate }
        return ClosureReason(rawValue: text) ?? .other
    }

    static func closedByReason(_ closed: [TallyKey: Int]) -> ReportTable {
        var byReason: [ClosureReason: Tally] = [:]
        for (key, n) in closed { byReason[closureReason(key.key), default: Tally()].add(key.sex, n) }
        var rows = ClosureReason.allCases.map { [ReportCell.key($0.labelKey), .tally(byReason[$0] ?? Tally())] }
        rows.append([.key("report.row.total"), .tally(sexes(closed))])
        return ReportTable(title: .key("report.cases.closed-by-reason"),
                           columns: [.key("report.column.reason"), .key("report.column.total")], rows: rows)
    }

    /// Median days from report to first visit (cases reported in the
    /// period that have had one) and from report to closure (cases closed
    /// in the period).
    static func timeTaken(firstVisit: [TallyKey: Int], closure: [TallyKey: Int]) -> ReportTable {
        func days(_ counts: [TallyKey: Int]) -> [Int: Int] {
            counts.reduce(into: [:]) { days, entry in days[max(0, Int(entry.key.key) ?? 0), default: 0] += entry.value }
        }
        return ReportTable(
            title: .key("report.cases.time-taken"),
            columns: [.key("report.column.measure"), .key("report.column.median-days"), .key("report.column.cases")],
            rows: [
                [.key("report.row.report-to-first-visit"), .days(median(counts: days(firstVisit))), .tally(sexes(firstVisit))],
                [.key("report.row.report-to-closure"), .days(median(counts: days(closure))), .tally(sexes(closure))],
            ])
    }

    /// Open cases whose last visit (or report, if never visited) was 90
    /// days or more before the period's end (today, if sooner), longest
    /// unseen first.
    static func unseen(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        let cutoff = scope.asOf.adding(days: -unseenDays).iso
        let area = scope.inArea("c.village_code", key: "c.id")
        // Until today, the last visit is the one the case keeps (and indexes); before, visits since do not count.
        let lastContact = scope.asOf >= scope.today ? SQLCondition("COALESCE(c.last_visit_on, c.reported_date)") : SQLCondition("""
            COALESCE((SELECT MAX(f.done_date) FROM follow_up AS f
                      WHERE f.case_id = c.id AND f.status = 'done' AND f.done_date <= ?), c.reported_date)
            """, [scope.asOf.iso])
        let unseen = SQLCondition("c.status IN ('new', 'open') AND c.reported_date <= ?", [cutoff]) && area
            && SQLCondition("\(lastContact.sql) <= ?", lastContact.arguments + [cutoff])
        let tally = Tally(rows: try Row.fetchAll(db, sql: """
            SELECT c.sex, COUNT(*) AS n FROM child_case AS c WHERE \(unseen.sql) GROUP BY c.sex
            """, arguments: unseen.arguments))
        // The longest unseen are picked first, then only they are joined to their worker and village.
        let shown = try Row.decodeAll(db, sql: """
            SELECT c.code, c.sex, v.name_km, v.name_latin, COALESCE(u.display_name, '') AS worker, pick.last FROM (
              SELECT c.id, c.code, \(lastContact.sql) AS last FROM child_case AS c
              WHERE \(unseen.sql) ORDER BY last, c.code LIMIT \(unseenListLimit)) AS pick
            JOIN child_case AS c ON c.id = pick.id LEFT JOIN user AS u ON u.id = c.assigned_to
            LEFT JOIN place AS v ON v.code = c.village_code ORDER BY pick.last, pick.code
            """, arguments: lastContact.arguments + unseen.arguments) { row -> [ReportCell] in
            let last = LocalDate(iso: row["last"])
            return [.literal(row["code"]), .key((Sex(rawValue: row["sex"]) ?? .male).shortLabelKey),
                    .text(.names(km: row["name_km"] ?? "", latin: row["name_latin"] ?? "")),
                    .text(last.map(ReportText.date) ?? .digits(row["last"])),
                    .count(last.map { $0.days(until: scope.asOf) } ?? 0), .literal(row["worker"])]
        }
        return ReportTable(
            title: .key("report.cases.unseen"),
            columns: [.key("report.column.case"), .key("report.column.sex"), .key("report.column.village"),
                      .key("report.column.last-contact"), .key("report.column.days"), .key("report.column.worker")],
            rows: shown,
            note: tally.total > unseenListLimit ? .key("report.note.list-cut") : nil)
            .with(summary: tally)
    }
}

extension ReportTable {
    /// The table with a summary tally noted in its title row (the list's
    /// full count, when it is longer than what is printed).
    func with(summary: Tally) -> ReportTable {
        var table = self
        table.summary = summary
        return table
    }
}
