import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// DESIGN.md §3 as a table: every service read and write, for every role,
/// on the volunteer's own records and on another volunteer's, must be
/// allowed or refused exactly as the design says. The expectations are
/// written out here by hand from the design, not computed from
/// `PermissionPolicy`, so a change to either shows up.
@Suite struct PermissionMatrixTests {
    /// An office with two volunteers' records, and a social worker's case
    /// and referral attached to the first volunteer's household.
    struct Office {
        let services: KomarServices
        let sessions: [Role: Session]
        let ownCase: Int64, otherCase: Int64, workerCase: Int64
        let ownHousehold: Int64, otherHousehold: Int64
        let ownMember: Int64, otherMember: Int64
        let ownVisit: Int64, otherVisit: Int64
        let provider: Int64
        let referral: Int64

        init() throws {
            services = try makeServices()
            try setUp(services)
            let volunteer = try session(services, "sreymom", .volunteer)
            let other = try session(services, "pov", .volunteer)
            let worker = try session(services, "dara", .socialWorker)
            let coordinator = try session(services, "vannak", .coordinator)
            sessions = [.volunteer: volunteer, .socialWorker: worker, .coordinator: coordinator,
                        .admin: try auditor(services)]
            ownHousehold = try services.households.register(volunteer, household()).id
            otherHousehold = try services.households.register(other, household("ចាន់ ស្រីពៅ", latin: "Chan Sreypov")).id
            ownMember = try services.households.addMember(volunteer, householdId: ownHousehold, youth()).id
            otherMember = try services.households.addMember(other, householdId: otherHousehold, youth("ចាន់ ធីតា")).id
            var mine = intake()
            mine.householdId = ownHousehold
            ownCase = try services.cases.createIntake(volunteer, mine).id
            var theirs = intake("ដារ៉ា សុខ", latin: "Dara Sok")
            theirs.householdId = otherHousehold
            otherCase = try services.cases.createIntake(other, theirs).id
            var workers = intake("វិចិត្រ ពៅ", latin: "Vichet Pov")
            workers.householdId = ownHousehold
            workerCase = try services.cases.createIntake(worker, workers).id
            provider = try sewingSchool(services, coordinator).id
            var input = ReferralInput(subject: .member(memberId: ownMember))
            input.service = .sewing
            input.providerId = provider
            input.reason = "skills"
            input.consentRecorded = true
            input.send = true
            referral = try services.referrals.create(worker, input).id
            let visits = try services.database.read { db in
                try Row.fetchAll(db, sql: "SELECT id, household_id FROM follow_up WHERE household_id IS NOT NULL")
            }
            let (own, others) = (ownHousehold, otherHousehold)
            let ownVisit: Int64? = visits.first { $0["household_id"] == own }?["id"]
            let otherVisit: Int64? = visits.first { $0["household_id"] == others }?["id"]
            guard let ownVisit, let otherVisit else { throw StoreError.notFound }
            self.ownVisit = ownVisit
            self.otherVisit = otherVisit
        }

        func pick(_ target: Target, own: Int64, other: Int64) -> Int64 { target == .own ? own : other }

        /// Accepts a new case at its proposed level (only open cases can be
        /// referred), as the social worker.
        func open(_ caseId: Int64) throws {
            let worker = sessions[.socialWorker]!
            let detail = try services.cases.caseDetail(worker, id: caseId)
            guard detail.summary.status == .new else { return }
            try services.cases.apply(worker, caseId: caseId, CaseChange(
                action: .accept, expectedVersion: detail.version, assignTo: worker.user.id,
                riskLevel: detail.summary.riskLevel ?? .low))
        }
    }

    enum Target: CaseIterable { case own, other }

    /// One service call, and which roles may make it on the volunteer's
    /// own records and on another volunteer's.
    struct Operation: CustomTestStringConvertible, Sendable {
        let name: String
        let own: Set<Role>
        let other: Set<Role>
        let call: @Sendable (Office, Session, Target) throws -> Void
        var testDescription: String { name }

        init(_ name: String, own: Set<Role>, other: Set<Role>? = nil,
             _ call: @escaping @Sendable (Office, Session, Target) throws -> Void) {
            self.name = name
            self.own = own
            self.other = other ?? own
            self.call = call
        }
    }

    static let workers: Set<Role> = [.volunteer, .socialWorker, .coordinator]
    static let staff: Set<Role> = [.socialWorker, .coordinator]
    static let everyone = Set(Role.allCases)

    static let operations: [Operation] = [
        // Cases
        Operation("new intake", own: workers) { o, s, _ in _ = try o.services.cases.createIntake(s, intake("សុភា")) },
        Operation("case file", own: workers, other: staff) { o, s, t in
            _ = try o.services.cases.caseDetail(s, id: o.pick(t, own: o.ownCase, other: o.otherCase))
        },
        Operation("case timeline", own: workers, other: staff) { o, s, t in
            _ = try o.services.cases.timeline(s, caseId: o.pick(t, own: o.ownCase, other: o.otherCase))
        },
        Operation("case's household", own: workers, other: staff) { o, s, t in
            _ = try o.services.cases.householdLink(s, caseId: o.pick(t, own: o.ownCase, other: o.otherCase))
        },
        Operation("correct a new case", own: workers, other: staff) { o, s, t in
            let id = o.pick(t, own: o.ownCase, other: o.otherCase)
            let (input, version, _) = try o.services.cases.editableCase(s, id: id)
            try o.services.cases.editCase(s, id: id, input, expectedVersion: version)
        },
        Operation("next visit due", own: workers, other: staff) { o, s, t in
            _ = try o.services.followUps.nextDue(s, caseId: o.pick(t, own: o.ownCase, other: o.otherCase))
        },
        Operation("accept a case", own: staff) { o, s, t in
            let id = o.pick(t, own: o.ownCase, other: o.otherCase)
            let version = try o.services.cases.caseDetail(o.sessions[.socialWorker]!, id: id).version
            try o.services.cases.apply(s, caseId: id, CaseChange(action: .accept, expectedVersion: version,
                                                                 assignTo: s.user.id, riskLevel: .high,
                                                                 note: "Seen at home."))
        },
        Operation("close a case", own: staff) { o, s, t in
            let id = o.pick(t, own: o.ownCase, other: o.otherCase)
            let version = try o.services.cases.caseDetail(o.sessions[.socialWorker]!, id: id).version
            try o.services.cases.apply(s, caseId: id, CaseChange(action: .close, expectedVersion: version,
                                                                 closureReason: .goalsMet, note: "done"))
        },
        Operation("assignees", own: staff) { o, s, _ in _ = try o.services.cases.assignees(s) },
        Operation("review queue", own: staff) { o, s, _ in _ = try o.services.cases.reviewQueue(s) },
        Operation("case list", own: workers) { o, s, _ in _ = try o.services.cases.listCases(s) },
        Operation("search", own: workers) { o, s, _ in _ = try o.services.cases.search(s, "ដារ៉ា") },
        Operation("record a search", own: workers) { o, s, _ in try o.services.cases.recordSearch(s, found: .exact(1)) },
        // Follow-ups
        Operation("follow-up queue", own: workers) { o, s, _ in _ = try o.services.followUps.queue(s) },
        Operation("record a household visit", own: workers, other: staff) { o, s, t in
            _ = try o.services.followUps.record(s, followUpId: o.pick(t, own: o.ownVisit, other: o.otherVisit),
                                                VisitReport(outcome: .done, type: .homeVisit, date: o.services.clock.today,
                                                            notes: "ជួបគ្រួសារ", wellbeing: .same))
        },
        // Households
        Operation("register a household", own: workers) { o, s, _ in
            _ = try o.services.households.register(s, household("សុខ ណារី"))
        },
        Operation("household list", own: workers) { o, s, _ in _ = try o.services.households.list(s) },
        Operation("household file", own: workers, other: staff) { o, s, t in
            _ = try o.services.households.detail(s, id: o.pick(t, own: o.ownHousehold, other: o.otherHousehold))
        },
        Operation("change a household", own: workers, other: staff) { o, s, t in
            let id = o.pick(t, own: o.ownHousehold, other: o.otherHousehold)
            let (input, version) = try o.services.households.input(s, id: id)
            try o.services.households.update(s, id: id, input, expectedVersion: version)
        },
        Operation("add a member", own: workers, other: staff) { o, s, t in
            _ = try o.services.households.addMember(s, householdId: o.pick(t, own: o.ownHousehold, other: o.otherHousehold),
                                                    youth("សុខ វណ្ណា"))
        },
        Operation("change a member", own: workers, other: staff) { o, s, t in
            let id = o.pick(t, own: o.ownMember, other: o.otherMember)
            let (input, version) = try o.services.households.member(s, id: id)
            try o.services.households.updateMember(s, id: id, input, expectedVersion: version)
        },
        // Providers
        Operation("provider directory", own: everyone) { o, s, _ in _ = try o.services.providers.list(s) },
        Operation("a provider", own: everyone) { o, s, _ in _ = try o.services.providers.provider(s, id: o.provider) },
        Operation("change a provider", own: [.coordinator]) { o, s, _ in
            var input = ProviderInput()
            input.nameKm = "មជ្ឈមណ្ឌលជួសជុលម៉ូតូ"
            input.kind = .trainingCentre
            input.services = [.motorbikeRepair]
            input.areas = ["14"]
            _ = try o.services.providers.save(s, id: nil, input)
        },
        // Referrals
        Operation("referral list", own: staff) { o, s, _ in _ = try o.services.referrals.list(s) },
        Operation("referral counts", own: staff) { o, s, _ in _ = try o.services.referrals.countsByStatus(s) },
        Operation("a case's referrals", own: staff) { o, s, t in
            _ = try o.services.referrals.forCase(s, caseId: o.pick(t, own: o.ownCase, other: o.otherCase))
        },
        Operation("referral file", own: staff) { o, s, _ in _ = try o.services.referrals.detail(s, id: o.referral) },
        Operation("refer a child", own: staff) { o, s, t in
            let caseId = o.pick(t, own: o.ownCase, other: o.otherCase)
            try o.open(caseId)
            var input = ReferralInput(subject: .child(caseId: caseId))
            input.service = .sewing
            input.providerId = o.provider
            input.reason = "skills"
            _ = try o.services.referrals.create(s, input)
        },
        Operation("move a referral", own: staff) { o, s, _ in
            let version = try o.services.referrals.detail(o.sessions[.socialWorker]!, id: o.referral).version
            try o.services.referrals.move(s, referralId: o.referral, ReferralMove(to: .accepted, expectedVersion: version))
        },
        Operation("export referrals", own: [.coordinator]) { o, s, _ in
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-matrix-\(UUID()).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try o.services.referrals.export(s, filter: ReferralFilter(), to: url, khmerPlaceNames: true, label: { $0 })
        },
        // Administration
        Operation("user list", own: [.admin]) { o, s, _ in _ = try o.services.accounts.users(s) },
        Operation("add a user", own: [.admin]) { o, s, _ in
            _ = try o.services.accounts.addUser(by: s, username: "sokha", displayName: "Sokha", role: .admin,
                                                password: testPassword)
        },
        Operation("disable a user", own: [.admin]) { o, s, _ in
            try o.services.accounts.setActive(s, userId: o.sessions[.volunteer]!.user.id, active: false)
        },
        Operation("unlock a user", own: [.admin]) { o, s, _ in
            try o.services.accounts.unlock(s, userId: o.sessions[.volunteer]!.user.id)
        },
        Operation("reset a password", own: [.admin]) { o, s, _ in
            try o.services.accounts.resetPassword(s, userId: o.sessions[.volunteer]!.user.id, newPassword: "another-river-7")
        },
        Operation("change a role", own: [.admin]) { o, s, _ in
            try o.services.accounts.setRole(s, userId: o.sessions[.volunteer]!.user.id, role: .coordinator)
        },
        Operation("change settings", own: [.admin]) { o, s, _ in
            try o.services.settings.save(s, try o.services.settings.office())
        },
        Operation("audit log", own: [.admin]) { o, s, _ in _ = try o.services.audit.recent(s) },
        Operation("audit seal", own: [.admin]) { o, s, _ in _ = try o.services.audit.seal(s) },
        Operation("verify the audit log", own: [.admin]) { o, s, _ in _ = try o.services.audit.verify(s) },
        Operation("export the audit log", own: [.admin]) { o, s, _ in
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-matrix-\(UUID()).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try o.services.audit.export(s, filter: AuditFilter(), to: url, label: { $0 })
        },
    ]

    @Test(arguments: operations)
    func everyRoleOnOwnAndOtherRecords(_ operation: Operation) throws {
        for role in Role.allCases {
            for target in Target.allCases {
                let office = try Office()
                let session = try #require(office.sessions[role])
                let allowed = (target == .own ? operation.own : operation.other).contains(role)
                do {
                    try operation.call(office, session, target)
                    #expect(allowed, "\(role) was let \(operation.name) on \(target) records")
                } catch is PermissionDenied {
                    #expect(!allowed, "\(role) was refused \(operation.name) on \(target) records")
                } catch StoreError.notFound {
                    // A record the role may not see is as good as absent.
                    #expect(!allowed, "\(role) could not find the \(target) record to \(operation.name)")
                }
            }
        }
    }

    /// Reads that narrow rather than refuse: the volunteer's lists, counts,
    /// searches, queues and household file hold nothing of another
    /// volunteer's, nor of the social worker's case and referral attached
    /// to her household.
    @Test func aVolunteerSeesNothingOfOthersInAnyListCountOrFile() throws {
        let o = try Office()
        let volunteer = try #require(o.sessions[.volunteer])
        let worker = try #require(o.sessions[.socialWorker])
        #expect(try o.services.cases.listCases(volunteer).map(\.id) == [o.ownCase])
        #expect(try o.services.cases.countCases(volunteer) == 1)
        #expect(try o.services.cases.search(volunteer, "ដារ៉ា").isEmpty)
        #expect(try o.services.cases.search(volunteer, "Vichet").isEmpty)
        #expect(try o.services.cases.countCases(volunteer, filter: CaseFilter(text: "dara")) == 0)
        #expect(try o.services.households.list(volunteer).map(\.id) == [o.ownHousehold])
        #expect(try o.services.households.count(volunteer) == 1)
        #expect(try o.services.followUps.queue(volunteer).allSatisfy { $0.id != o.otherVisit })
        // Her own household's visit is in her queue and in its counts.
        try o.services.database.write { db in
            try db.execute(sql: "UPDATE follow_up SET due_date = ? WHERE id = ?", arguments: [o.services.clock.today.iso, o.ownVisit])
        }
        #expect(try o.services.followUps.queue(volunteer).contains { $0.id == o.ownVisit && $0.caseId == 0 })
        #expect(try o.services.followUps.queueCounts(volunteer).today >= 1)
        #expect(try o.services.followUps.countDue(volunteer) == o.services.dashboard.dashboard(volunteer).visitsDueToday
                    .map { $0 + (try o.services.dashboard.dashboard(volunteer).overdueVisits ?? 0) })
        let file = try o.services.households.detail(volunteer, id: o.ownHousehold)
        #expect(file.cases.map(\.id) == [o.ownCase])
        #expect(file.referrals.isEmpty)
        // The social worker sees all of it.
        #expect(try Set(o.services.cases.listCases(worker).map(\.id)) == [o.ownCase, o.otherCase, o.workerCase])
        let full = try o.services.households.detail(worker, id: o.ownHousehold)
        #expect(Set(full.cases.map(\.id)) == [o.ownCase, o.workerCase])
        #expect(full.referrals.map(\.id) == [o.referral])
    }
}
