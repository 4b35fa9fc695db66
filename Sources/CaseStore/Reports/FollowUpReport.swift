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
        let sex: Sex?
        let n: Int
    }

    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        let counted = try count(db, scope)
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
                if row.sex == .female { tally.female += row.n }
            }
            return tally
        }
        return [.tally(tally(rows))] + Fate.allCases.filter { $0.columnKey != nil }.map { fate in
            .tally(tally(rows.filter { $0.fate == fate }))
        }
    }

    /// Visits due in the period, grouped by worker (who made it, else the
    /// case's worker, else who scheduled it), risk level, fate and the
    /// child's sex (none for household visits).
    static func count(_ db: Database, _ scope: ReportScope) throws -> [Counted] {
        let condition = scope.inPeriod("f.due_date") && scope.inArea("COALESCE(c.village_code, h.village_code)", key: "f.id")
        let today = scope.today.iso
        return try Row.fetchAll(db, sql: """
            SELECT w.id AS worker, COALESCE(c.risk_level, h.risk_override, h.risk_level) AS risk,
              CASE f.status
                WHEN 'done' THEN CASE WHEN f.done_date <= f.due_date THEN 0 ELSE 1 END
                WHEN 'missed' THEN 2
                WHEN 'cancelled' THEN 3
                ELSE CASE WHEN f.due_date < ? THEN 4 ELSE 5 END
              END AS fate,
              c.sex, COUNT(*) AS n
            FROM follow_up AS f
            LEFT JOIN child_case AS c ON c.id = f.case_id
            LEFT JOIN household AS h ON h.id = f.household_id
            LEFT JOIN user AS w ON w.id = COALESCE(f.done_by, c.assigned_to, f.created_by)
            WHERE \(condition.sql)
            GROUP BY worker, risk, fate, c.sex
            """, arguments: [today] + condition.arguments).map { row in
            Counted(worker: row["worker"], risk: (row["risk"] as String?).flatMap(RiskLevel.init(rawValue:)),
                    fate: Fate.allCases[row["fate"] as Int], sex: (row["sex"] as String?).flatMap(Sex.init(rawValue:)),
                    n: row["n"])
        }
    }
}
