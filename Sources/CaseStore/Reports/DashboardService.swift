import CaseDomain
import Foundation
import GRDB

/// The numbers on a user's home screen: their work today, twelve months
/// of new cases and referrals, and for admins the state of backups and
/// accounts. Each part is only what the role may see.
public struct Dashboard: Equatable, Sendable {
    /// New cases and new referrals of one month.
    public struct Month: Equatable, Sendable {
        public let year: Int
        public let month: Int
        public var cases: Tally
        public var referrals: Tally
    }

    public var overdueVisits: Int?
    public var visitsDueToday: Int?
    /// Referrals not finished whose last move is more than 14 days old:
    /// the user's own, or every one for coordinators.
    public var referralsWaiting: Int?
    /// Twelve months, oldest first, ending with this one; empty for roles
    /// that do not read reports.
    public var months: [Month] = []
    public var lockedAccounts: Int?
}

/// Reads the dashboard in one snapshot.
public struct DashboardService: Sendable {
    let store: StoreContext
    /// How old a referral's last move may be before it counts as waiting.
    public static let waitingDays = 14

    public func dashboard(_ session: Session) throws -> Dashboard {
        let today = store.today
        var dashboard = Dashboard()
        try store.read { db in
            if session.may(.recordFollowUp) {
                let scope = try FollowUpService.queueScope(session)
                let row = try Row.fetchOne(db, sql: """
                    SELECT COALESCE(SUM(follow_up.due_date < ?), 0) AS overdue, COALESCE(SUM(follow_up.due_date = ?), 0) AS today
                    FROM follow_up JOIN child_case ON child_case.id = follow_up.case_id
                    WHERE follow_up.status = 'scheduled' AND follow_up.due_date <= ? AND \(scope.sql)
                    """, arguments: [today.iso, today.iso, today.iso] + scope.arguments)
                dashboard.overdueVisits = row?["overdue"] ?? 0
                dashboard.visitsDueToday = row?["today"] ?? 0
            }
            if session.may(.manageReferrals) {
                let mine = session.user.role == .coordinator ? SQLCondition.always
                    : SQLCondition("referral.created_by = ?", [session.user.id])
                let cutoff = store.now.addingTimeInterval(-Double(Self.waitingDays) * 86_400)
                dashboard.referralsWaiting = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM referral WHERE status IN ('draft', 'sent', 'accepted')
                      AND status_changed_at < ? AND \(mine.sql)
                    """, arguments: [cutoff] + mine.arguments)
            }
            if session.may(.readReports) {
                dashboard.months = try Self.months(db, ending: today)
            }
            if session.may(.manageUsers) {
                dashboard.lockedAccounts = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM user WHERE is_active AND locked_until IS NOT NULL AND locked_until > ?
                    """, arguments: [store.now])
            }
        }
        return dashboard
    }

    /// New cases (by day reported) and new referrals (by day referred) in
    /// each of the twelve months up to `today`'s, split by sex.
    static func months(_ db: Database, ending today: LocalDate) throws -> [Dashboard.Month] {
        var months: [Dashboard.Month] = []
        var year = today.year, month = today.month
        for _ in 0..<12 {
            months.insert(Dashboard.Month(year: year, month: month, cases: Tally(), referrals: Tally()), at: 0)
            (year, month) = month == 1 ? (year - 1, 12) : (year, month - 1)
        }
        let first = String(format: "%04d-%02d-01", months[0].year, months[0].month)
        let index = Dictionary(uniqueKeysWithValues: months.enumerated().map {
            (String(format: "%04d-%02d", $1.year, $1.month), $0)
        })
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(reported_date, 1, 7) AS month, sex, COUNT(*) AS n FROM child_case
            WHERE reported_date >= ? AND reported_date <= ? GROUP BY month, sex
            """, arguments: [first, today.iso]) {
            guard let i = index[row["month"]] else { continue }
            months[i].cases.add(Sex(rawValue: row["sex"]) ?? .male, row["n"])
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(referred_on, 1, 7) AS month, sex, COUNT(*) AS n FROM referral
            WHERE referred_on >= ? AND referred_on <= ? GROUP BY month, sex
            """, arguments: [first, today.iso]) {
            guard let i = index[row["month"]] else { continue }
            months[i].referrals.add(Sex(rawValue: row["sex"]) ?? .male, row["n"])
        }
        return months
    }
}
