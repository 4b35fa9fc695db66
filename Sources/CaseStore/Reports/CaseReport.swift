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
        let moves = try statusMoves(db, scope)
        let new = try newCases(db, scope)
        return [
            newByConcern(scope, new),
            newByEthnicity(new),
            try caseLoad(db, scope, moves, new: Tally(rows: new)),
            closedByReason(scope, moves),
            try timeTaken(db, scope, moves),
            try unseen(db, scope),
        ]
    }

    static let ageAtReport = ReportScope.age(on: "reported_date", dateOfBirth: "date_of_birth",
                                             estimated: "estimated_age", asOf: "age_as_of")

    /// Cases reported in the period, grouped by their concerns, sex, age
    /// on the day reported and ethnicity: one pass serves every table of
    /// new cases.
    static func newCases(_ db: Database, _ scope: ReportScope) throws -> [Row] {
        let condition = scope.inPeriod("reported_date") && scope.inArea("village_code")
        return try Row.fetchAll(db, sql: """
            SELECT concerns, sex, \(ageAtReport) AS age, ethnicity, COUNT(*) AS n FROM child_case
            WHERE \(condition.sql) GROUP BY concerns, sex, age, ethnicity
            """, arguments: condition.arguments)
    }

    /// New cases by concern: a case with two concerns counts under each,
    /// and once in the total row.
    static func newByConcern(_ scope: ReportScope, _ rows: [Row]) -> ReportTable {
        var byConcern: [Concern: [Tally]] = [:]
        var all = scope.emptyBands
        for row in rows {
            let sex = Sex(rawValue: row["sex"]) ?? .male
            let band = scope.band(row["age"] ?? 0)
            let n: Int = row["n"]
            all[band].add(sex, n)
            for code in (row["concerns"] as String).split(separator: ",") {
                guard let concern = Concern(rawValue: String(code)) else { continue }
                byConcern[concern, default: scope.emptyBands][band].add(sex, n)
            }
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
    static func newByEthnicity(_ rows: [Row]) -> ReportTable {
        func cells(_ matching: [Row]) -> [ReportCell] {
            var groups: [SexAgeGroup: Int] = [:]
            for row in matching {
                let group = SexAgeGroup(sex: Sex(rawValue: row["sex"]) ?? .male, age: row["age"] ?? 0)
                groups[group, default: 0] += row["n"] as Int
            }
            return [.tally(Tally(rows: matching))] + SexAgeGroup.allCases.map { .count(groups[$0] ?? 0) }
        }
        let ethnicity = { (row: Row) in (row["ethnicity"] as String?).flatMap(Ethnicity.init(rawValue:)) }
        var table = Ethnicity.allCases.map { group in
            [ReportCell.key(group.labelKey)] + cells(rows.filter { ethnicity($0) == group })
        }
        table.append([.key("report.row.not-recorded")] + cells(rows.filter { ethnicity($0) == nil }))
        table.append([.key("report.row.all-new-cases")] + cells(rows))
        return ReportTable(title: .key("report.cases.new-by-ethnicity"),
                           columns: [.key("report.column.ethnicity"), .key("report.column.total")]
                               + SexAgeGroup.allCases.map { .key($0.labelKey) },
                           rows: table)
    }

    /// A close or reopen of a case, on the day it happened (local time).
    struct StatusMove {
        let caseId: Int64
        let sex: Sex
        let reported: String
        let day: String
        let closed: Bool
        let reason: String?
    }

    /// Every close and reopen of the area's cases, oldest first, on the
    /// day it happened in local time.
    static func statusMoves(_ db: Database, _ scope: ReportScope) throws -> [StatusMove] {
        let area = scope.inArea("c.village_code")
        return try Row.fetchAll(db, sql: """
            SELECT c.id, c.sex, c.reported_date, date(e.at, 'localtime') AS day, e.kind = 'closed' AS closed,
              COALESCE(e.reason, c.closure_reason) FROM case_event AS e JOIN child_case AS c ON c.id = e.case_id
            WHERE e.kind IN ('closed', 'reopened') AND \(area.sql)
            ORDER BY e.at, e.id
            """, arguments: area.arguments).map { row in
            StatusMove(caseId: row[0], sex: Sex(rawValue: row[1]) ?? .male, reported: row[2], day: row[3],
                       closed: row[4], reason: row[5])
        }
    }

    /// Cases open (new or open) at the end of `day`: reported by then and
    /// not closed by their last move up to then.
    static func openAt(_ db: Database, _ scope: ReportScope, _ moves: [StatusMove], day: String) throws -> Tally {
        let condition = SQLCondition("reported_date <= ?", [day]) && scope.inArea("village_code")
        let reported = Tally(rows: try Row.fetchAll(db, sql: """
            SELECT sex, COUNT(*) AS n FROM child_case WHERE \(condition.sql) GROUP BY sex
            """, arguments: condition.arguments))
        var last: [Int64: StatusMove] = [:]
        for move in moves where move.day <= day && move.reported <= day { last[move.caseId] = move }
        var closed = Tally()
        for move in last.values where move.closed { closed.add(move.sex) }
        return Tally(total: reported.total - closed.total, female: reported.female - closed.female)
    }

    static func caseLoad(_ db: Database, _ scope: ReportScope, _ moves: [StatusMove], new: Tally) throws -> ReportTable {
        var closed = Tally(), reopened = Tally()
        for move in moves where move.day >= scope.start && move.day <= scope.end {
            if move.closed { closed.add(move.sex) } else { reopened.add(move.sex) }
        }
        let rows: [[ReportCell]] = [
            [.key("report.row.open-at-start"),
             .tally(try openAt(db, scope, moves, day: scope.request.period.start.adding(days: -1).iso))],
            [.key("report.row.new"), .tally(new)],
            [.key("report.row.closed"), .tally(closed)],
            [.key("report.row.reopened"), .tally(reopened)],
            [.key("report.row.open-at-end"), .tally(try openAt(db, scope, moves, day: scope.end))],
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

    static func closedByReason(_ scope: ReportScope, _ moves: [StatusMove]) -> ReportTable {
        var byReason: [ClosureReason: Tally] = [:]
        for move in moves where move.closed && move.day >= scope.start && move.day <= scope.end {
            byReason[closureReason(move.reason), default: Tally()].add(move.sex)
        }
        var rows = ClosureReason.allCases.map { [ReportCell.key($0.labelKey), .tally(byReason[$0] ?? Tally())] }
        rows.append([.key("report.row.total"), .tally(Array(byReason.values).sum)])
        return ReportTable(title: .key("report.cases.closed-by-reason"),
                           columns: [.key("report.column.reason"), .key("report.column.total")], rows: rows)
    }

    /// Median days from report to first visit (cases reported in the
    /// period that have had one) and from report to closure (cases closed
    /// in the period).
    static func timeTaken(_ db: Database, _ scope: ReportScope, _ moves: [StatusMove]) throws -> ReportTable {
        let condition = scope.inPeriod("c.reported_date") && scope.inArea("c.village_code")
        let visits = try Row.fetchAll(db, sql: """
            SELECT sex, CAST(julianday(first) - julianday(reported_date) AS INTEGER) AS days, COUNT(*) AS n FROM (
              SELECT c.sex, c.reported_date, (SELECT MIN(f.done_date) FROM follow_up AS f
                                               WHERE f.case_id = c.id AND f.status = 'done') AS first
              FROM child_case AS c WHERE \(condition.sql))
            WHERE first IS NOT NULL GROUP BY sex, days
            """, arguments: condition.arguments)
        let visitTally = Tally(rows: visits)
        let visitDays = Dictionary(visits.map { (max(0, $0["days"] as Int), $0["n"] as Int) }, uniquingKeysWith: +)
        var closeTally = Tally()
        var closeDays: [Int] = []
        for move in moves where move.closed && move.day >= scope.start && move.day <= scope.end {
            guard let reported = LocalDate(iso: move.reported), let day = LocalDate(iso: move.day) else { continue }
            closeTally.add(move.sex)
            closeDays.append(max(0, reported.days(until: day)))
        }
        return ReportTable(
            title: .key("report.cases.time-taken"),
            columns: [.key("report.column.measure"), .key("report.column.median-days"), .key("report.column.cases")],
            rows: [
                [.key("report.row.report-to-first-visit"), .days(median(counts: visitDays)), .tally(visitTally)],
                [.key("report.row.report-to-closure"), .days(median(closeDays)), .tally(closeTally)],
            ])
    }

    /// Open cases whose last visit (or report, if never visited) was 90
    /// days or more before the period's end (today, if sooner), longest
    /// unseen first.
    static func unseen(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        let cutoff = scope.asOf.adding(days: -unseenDays).iso
        let area = scope.inArea("c.village_code")
        let lastContact = """
            COALESCE((SELECT MAX(f.done_date) FROM follow_up AS f
                      WHERE f.case_id = c.id AND f.status = 'done' AND f.done_date <= ?), c.reported_date)
            """
        let unseen = SQLCondition("c.status IN ('new', 'open') AND c.reported_date <= ?", [cutoff]) && area
            && SQLCondition("\(lastContact) <= ?", [scope.asOf.iso, cutoff])
        let tally = Tally(rows: try Row.fetchAll(db, sql: """
            SELECT c.sex, COUNT(*) AS n FROM child_case AS c WHERE \(unseen.sql) GROUP BY c.sex
            """, arguments: unseen.arguments))
        let shown = try Row.fetchAll(db, sql: """
            SELECT c.code, c.sex, v.name_km, v.name_latin, COALESCE(u.display_name, '') AS worker,
              \(lastContact) AS last
            FROM child_case AS c LEFT JOIN user AS u ON u.id = c.assigned_to
            LEFT JOIN place AS v ON v.code = c.village_code
            WHERE \(unseen.sql) ORDER BY last, c.code LIMIT \(unseenListLimit)
            """, arguments: [scope.asOf.iso] + unseen.arguments).map { row -> [ReportCell] in
            let last = LocalDate(iso: row["last"])
            return [.literal(row["code"]), .key((Sex(rawValue: row["sex"]) ?? .male).shortLabelKey),
                    .text(.names(km: row["name_km"] ?? "", latin: row["name_latin"] ?? "")), .literal(row["last"]),
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
