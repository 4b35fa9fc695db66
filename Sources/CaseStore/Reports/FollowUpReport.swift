import CaseDomain
import Foundation
import GRDB

/// The follow-ups report: visits due in the period, done on time, done
/// late, missed, cancelled and still overdue, by worker and by risk level.
enum FollowUpReport {
    /// What became of a visit due in the period.
    enum Fate: CaseIterable {
        case onTime, late, missed, cancelled, overdue, upcoming

        var columnKey: String? {
            switch self {
            case .onTime: "report.column.on-time"
            case .late: "report.column.late"
            case .missed: "report.column.missed"
            case .cancelled: "report.column.cancelled"
            case .overdue: "report.column.overdue-now"
            case .upcoming: "report.column.not-yet-due"
            }
        }
    }

    struct Counted {
        /// The worker's user id; nil when no one is known.
        let worker: Int64?
        let risk: RiskLevel?
        let fate: Fate
        /// A girl's or woman's visit (never a household's).
        let female: Bool
        let n: Int
    }

    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        var counted = try count(db, scope)
        // The tally keeps a worker's id; one no longer in the user table counts as no one known.
        let known = try Set(Int64.fetchAll(db, sql: "SELECT id FROM user WHERE id IN (SELECT value FROM json_each(?))",
                                           arguments: [String(decoding: try JSONEncoder().encode(counted.compactMap(\.worker)),
                                                              as: UTF8.self)]))
        counted = counted.map { row in
            row.worker.map(known.contains) ?? true ? row
                : Counted(worker: nil, risk: row.risk, fate: row.fate, female: row.female, n: row.n)
        }
        let byWorker = try workers(db, scope, counted: counted).map { id, name in
            [ReportCell.literal(name)] + cells(counted.filter { $0.worker == id })
        }
        var byRisk = RiskLevel.allCases.reversed().map { risk in
            [ReportCell.key(risk.labelKey)] + cells(counted.filter { $0.risk == risk })
        }
        byRisk.append([.key("report.row.not-assessed")] + cells(counted.filter { $0.risk == nil }))
        let total = [ReportCell.key("report.row.total")] + cells(counted)
        return [
            ReportTable(title: .key("report.followups.by-worker"), columns: columns("report.column.worker"),
                        rows: byWorker + [total], note: .key("report.note.household-visits")),
            ReportTable(title: .key("report.followups.by-risk"), columns: columns("report.column.risk"),
                        rows: byRisk + [total], chart: false),
        ]
    }

    /// Every active social worker (of the office counted, at head office)
    /// and anyone else who has visits here, by name; a name two people
    /// share (offices may each have a Sokha) is told apart by username.
    /// Visits with no known worker come last, as "—".
    static func workers(_ db: Database, _ scope: ReportScope, counted: [Counted]) throws -> [(Int64?, String)] {
        let listed = scope.inOffice("id")
        let others = Array(Set(counted.compactMap(\.worker)))
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, display_name, username FROM user
            WHERE (is_active AND role = 'social-worker' AND \(listed.sql)) OR id IN (SELECT value FROM json_each(?))
            ORDER BY display_name, username
            """, arguments: listed.arguments + [String(decoding: try JSONEncoder().encode(others), as: UTF8.self)])
        let shared = Dictionary(grouping: rows, by: { $0["display_name"] as String }).filter { $0.value.count > 1 }
        let named = rows.map { row -> (Int64?, String) in
            let name: String = row["display_name"]
            return (row["id"], shared[name] == nil ? name : "\(name) (\(row["username"] as String))")
        }
        return named + (counted.contains { $0.worker == nil } ? [(nil, "—")] : [])
    }

    static func columns(_ first: String) -> [ReportText] {
        [.key(first), .key("report.column.due")] + Fate.allCases.compactMap { $0.columnKey.map(ReportText.key) }
    }

    static func cells(_ rows: [Counted]) -> [ReportCell] {
        func tally(_ rows: [Counted]) -> Tally {
            var tally = Tally()
            for row in rows {
                tally.total += row.n
                if row.female { tally.female += row.n }
            }
            return tally
        }
        return [.tally(tally(rows))] + Fate.allCases.filter { $0.columnKey != nil }.map { fate in
            .tally(tally(rows.filter { $0.fate == fate }))
        }
    }

    /// Visits due in the period, grouped by worker (who made it, else the
    /// case's worker, else who scheduled it), risk level, fate and the
    /// child's sex (none for household visits). The tallies count a visit
    /// not yet done as open; those due from today on are not yet due, the
    /// rest overdue.
    static func count(_ db: Database, _ scope: ReportScope) throws -> [Counted] {
        var counts = try scope.tally(db, FollowUpMeasure.due)
        let open = Fate.allCases.firstIndex(of: .overdue) ?? 0, notYetDue = Fate.allCases.firstIndex(of: .upcoming) ?? 0
        for (key, n) in try FollowUpMeasure.upcoming(db, scope) {
            func with(_ fate: Int) -> TallyKey {
                TallyKey(key: key.key + String(FollowUpMeasure.separator) + String(fate), sex: key.sex, ageClass: 0)
            }
            counts[with(open), default: 0] -= n
            counts[with(notYetDue), default: 0] += n
        }
        return counts.compactMap { key, n in
            let parts = key.key.split(separator: FollowUpMeasure.separator, omittingEmptySubsequences: false)
            guard n != 0, parts.count == 3, let fate = Int(parts[2]), Fate.allCases.indices.contains(fate) else { return nil }
            return Counted(worker: Int64(parts[0]), risk: RiskLevel(rawValue: String(parts[1])), fate: Fate.allCases[fate],
                           female: key.sex == .female, n: n)
        }
    }
}
