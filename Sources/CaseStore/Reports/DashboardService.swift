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
                // Everyone's visits (a coordinator's queue) are counted from
                // one index, without the cases or households.
                if session.user.role == .coordinator {
                    let row = try Row.fetchOne(db, sql: """
                        SELECT COALESCE(SUM(follow_up.due_date < ?), 0) AS overdue, COALESCE(SUM(follow_up.due_date = ?), 0) AS today
                        FROM follow_up WHERE follow_up.status = 'scheduled' AND follow_up.due_date <= ?
                        """, arguments: [today.iso, today.iso, today.iso])
                    dashboard.overdueVisits = row?["overdue"] ?? 0
                    dashboard.visitsDueToday = row?["today"] ?? 0
                } else {
                    let counts = try FollowUpQueueQuery(session).count(db, today: today, upTo: today)
                    dashboard.overdueVisits = counts.overdue
                    dashboard.visitsDueToday = counts.today
                }
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
    /// each of the twelve months up to `today`'s, split by sex: read from
    /// the tallies the database keeps per month (`KeptTallies`), a few
    /// hundred rows rather than a year of cases and referrals.
    static func months(_ db: Database, ending today: LocalDate) throws -> [Dashboard.Month] {
        var months: [Dashboard.Month] = []
        var year = today.year, month = today.month
        for _ in 0..<12 {
            months.insert(Dashboard.Month(year: year, month: month, cases: Tally(), referrals: Tally()), at: 0)
            (year, month) = month == 1 ? (year - 1, 12) : (year, month - 1)
        }
        let index = Dictionary(uniqueKeysWithValues: months.enumerated().map {
            (String(format: "%04d-%02d", $1.year, $1.month), $0)
        })
        let range = [String(format: "%04d-%02d", months[0].year, months[0].month),
                     String(format: "%04d-%02d", today.year, today.month)]
        // A referral counts once it is sent, as in the referrals report.
        // `person` holds every referral that is not a draft, once each
        // (keyed by the person's previous referral): summed over its keys,
        // a few thousand rows at a head office of a million cases, where
        // the `referral` measure's keys (service, provider, status, reasons)
        // make hundreds of thousands.
        let counts: [(table: String, measure: String, into: WritableKeyPath<Dashboard.Month, Tally>)] = [
            (CaseMeasure.table, CaseMeasure.new.rawValue, \.cases),
            (ReferralMeasure.table, ReferralMeasure.person.rawValue, \.referrals),
        ]
        for count in counts {
            for row in try Row.fetchAll(db, sql: """
                SELECT month, sex, SUM(n) AS n FROM \(count.table)
                WHERE measure = ? AND month BETWEEN ? AND ?
                GROUP BY month, sex
                """, arguments: StatementArguments([count.measure] + range)) {
                guard let i = index[row["month"]] else { continue }
                months[i][keyPath: count.into].add(Sex(rawValue: row["sex"]) ?? .male, row["n"])
            }
        }
        return months
    }
}
