import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// The follow-up queue is the same list whichever way the database finds
/// it: walking every visit due, or starting from a worker's own cases and
/// households (`FollowUpQueueQuery`).
@Suite struct FollowUpQueueTests {
    func demoSession(_ services: KomarServices, _ username: String) throws -> Session {
        guard case .success(let session) = try services.accounts.logIn(username: username, password: DemoData.password)
        else { throw StoreError.notFound }
        return session
    }

    /// Every page of `query`'s queue, `size` rows at a time.
    func everyPage(_ db: Database, _ query: FollowUpQueueQuery, today: LocalDate, size: Int) throws -> [FollowUpItem] {
        var all: [FollowUpItem] = []
        var cursor: FollowUpCursor?
        while true {
            let page = try query.page(db, today: today, after: cursor, limit: size)
            all += page
            guard let last = page.last, page.count == size else { return all }
            cursor = FollowUpCursor(after: last)
        }
    }

    @Test func bothWaysFindTheSameVisitsInTheSameOrderWithTheSameCounts() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 300)
        let coordinator = try demoSession(services, "coordinator")
        let newcomer = try session(services, "nita", .socialWorker)
        // A new social worker: three cases assigned to her, one household she
        // registered, and a household's visit she recorded (which schedules
        // the next in her name).
        try services.database.write { db in
            try db.execute(sql: """
                UPDATE child_case SET assigned_to = ? WHERE id IN (
                  SELECT case_id FROM follow_up WHERE status = 'scheduled' AND case_id IS NOT NULL ORDER BY due_date LIMIT 3)
                """, arguments: [newcomer.user.id])
        }
        _ = try services.households.register(newcomer, household())
        let householdVisit = try #require(try services.followUps.queue(coordinator, limit: 10_000).first { $0.caseId == 0 })
        var missed = VisitReport(outcome: .missed, type: .homeVisit, date: services.clock.today,
                                 reason: "ឪពុកម្ដាយមិននៅផ្ទះ")
        missed.nextVisitOn = services.clock.today.adding(days: 2)
        try services.followUps.record(newcomer, followUpId: householdVisit.id, missed)
        let sessions = [try demoSession(services, "socialworker"), try demoSession(services, "volunteer"), coordinator,
                        newcomer]
        let today = services.clock.today
        let someone = try #require(try services.followUps.queue(coordinator, limit: 10_000).first { $0.caseId != 0 })
        let texts = ["", String(someone.childNameLatin.split(separator: " ")[0]),
                     String(someone.childNameKm.split(separator: " ")[0]), "KC-", "HH-", "zzzz"]
        try services.database.read { db in
            for session in sessions {
                for text in texts {
                    let own = try FollowUpQueueQuery(session, matching: text)
                    let walk = try FollowUpQueueQuery(session, matching: text, ownLimit: -1)
                    let label = "\(session.user.username) '\(text)'"
                    if case .own = try walk.plan(db, upTo: today) { Issue.record("\(label): asked to walk") }
                    // A coordinator's queue is found from what the text matches (few
                    // records here), and walked without text.
                    switch (session.user.role, text.isEmpty, try own.plan(db, upTo: today)) {
                    case (.coordinator, true, .walk), (.coordinator, false, .own), (.socialWorker, _, .own),
                         (.volunteer, _, .own): break
                    default: Issue.record("\(label): the demo's workers have few records, the coordinator all")
                    }
                    let walked = try walk.page(db, today: today, after: nil, limit: 10_000)
                    #expect(try own.page(db, today: today, after: nil, limit: 10_000) == walked, "\(label)")
                    #expect(try everyPage(db, own, today: today, size: 7) == walked, "\(label) paged")
                    for last in [today, today.adding(days: FollowUpRules.upcomingWindowDays)] {
                        #expect(try own.count(db, today: today, upTo: last) == walk.count(db, today: today, upTo: last),
                                "\(label) counted")
                    }
                }
            }
        }
        let hers = try services.followUps.queue(newcomer, limit: 10_000)
        #expect(hers.filter { $0.caseId != 0 }.count == 3)
        #expect(hers.contains { $0.caseId == 0 && $0.caseCode == householdVisit.caseCode },
                "the household visit she scheduled")
        #expect(try services.followUps.queueCounts(newcomer).total == hers.count)
    }

    @Test func aWorkerWithNothingOfHerOwnHasAnEmptyQueueFoundFromHerRecords() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 120)
        let newcomer = try session(services, "nita", .socialWorker)
        let query = try FollowUpQueueQuery(newcomer)
        try services.database.read { db in
            guard case .own = try query.plan(db, upTo: services.clock.today) else {
                Issue.record("a worker with no records starts from them")
                return
            }
        }
        #expect(try services.followUps.queue(newcomer).isEmpty)
        #expect(try services.followUps.queueCounts(newcomer) == FollowUpCounts(overdue: 0, today: 0, upcoming: 0))
        #expect(try services.dashboard.dashboard(newcomer).overdueVisits == 0)
    }

    @Test func aWorkerWithMoreRecordsThanTheLimitWalks() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 60)
        let worker = try demoSession(services, "socialworker")
        let narrow = try FollowUpQueueQuery(worker, ownLimit: 5)
        try services.database.read { db in
            guard case .walk = try narrow.plan(db, upTo: services.clock.today) else {
                Issue.record("more cases than the limit: walk")
                return
            }
        }
    }
}
