import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// The home screen's numbers are the queues' numbers, and the twelve
/// months add up to the cases and referrals of those months.
@Suite struct DashboardTests {
    @Test func dashboardNumbersEqualTheQueuesAndTheRegisters() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 300)
        for username in ["socialworker", "coordinator"] {
            guard case .success(let session) = try services.accounts.logIn(username: username,
                                                                          password: DemoData.password) else {
                Issue.record("login")
                return
            }
            let dashboard = try services.dashboard.dashboard(session)
            let today = services.clock.today
            let due = try services.followUps.countDue(session)
            #expect((dashboard.overdueVisits ?? -1) + (dashboard.visitsDueToday ?? -1) == due, "\(username)")
            // Counted from the rows, as the queue's rule says: children's visits of her cases, and
            // households' she registered or whose visit she scheduled (a coordinator's: all).
            let plain = try services.database.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM follow_up f LEFT JOIN child_case c ON c.id = f.case_id
                      LEFT JOIN household h ON h.id = f.household_id
                    WHERE f.status = 'scheduled' AND f.due_date <= ?
                      AND (? OR (c.id IS NOT NULL AND c.assigned_to = ?)
                           OR (h.id IS NOT NULL AND (f.created_by = ? OR h.created_by = ?)))
                    """, arguments: [today.iso, username == "coordinator", session.user.id, session.user.id,
                                     session.user.id])!
            }
            #expect(due == plain, "\(username)")
            #expect(try services.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follow_up WHERE household_id IS NOT NULL AND status = 'scheduled'")!
            } > 0, "the demo has households' visits to count")
            let queue = try services.followUps.queueCounts(session)
            #expect(dashboard.overdueVisits == queue.overdue && dashboard.visitsDueToday == queue.today, "\(username)")
            let cutoff = fixedNow.addingTimeInterval(-14 * 86_400)
            let waiting = try services.database.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM referral WHERE finished = 0 AND status IN ('draft', 'sent', 'accepted')
                      AND status_changed_at < ? AND (? OR created_by = ?)
                    """, arguments: [cutoff, username == "coordinator", session.user.id])!
            }
            #expect(dashboard.referralsWaiting == waiting)
            #expect(dashboard.months.count == 12)
            #expect(dashboard.months.last.map { ($0.year, $0.month) } ?? (0, 0) == (today.year, today.month))
            let first = try #require(dashboard.months.first)
            let since = String(format: "%04d-%02d-01", first.year, first.month)
            let (cases, female) = try services.database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE reported_date >= ?", arguments: [since])!,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE reported_date >= ? AND sex = 'female'",
                                  arguments: [since])!)
            }
            let sum = dashboard.months.map(\.cases).reduce(Tally(), +)
            #expect(sum == Tally(total: cases, female: female))
            // New referrals are those sent, as in the referrals report: drafts are not counted.
            let (referrals, referredFemale, drafts) = try services.database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral WHERE referred_on >= ? AND status != 'draft'",
                                  arguments: [since])!,
                 try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM referral WHERE referred_on >= ? AND status != 'draft' AND sex = 'female'
                    """, arguments: [since])!,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral WHERE referred_on >= ? AND status = 'draft'",
                                  arguments: [since])!)
            }
            #expect(drafts > 0, "the demo has draft referrals in the last twelve months")
            #expect(dashboard.months.map(\.referrals).reduce(Tally(), +) == Tally(total: referrals, female: referredFemale))
            #expect(dashboard.lockedAccounts == nil, "only admins see accounts")
        }
    }
}
