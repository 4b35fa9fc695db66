import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

func household(_ name: String = "សុខ ចាន់ថា", latin: String = "Sok Chantha") -> HouseholdInput {
    var input = HouseholdInput()
    input.headNameKm = name
    input.headNameLatin = latin
    input.headSex = .female
    input.headAge = 41
    input.villageCode = "14040201"
    input.idPoor = .level1
    input.vulnerabilities = [.debt, .memberPlanningMigration]
    return input
}

func youth(_ name: String = "សុខ ស្រីនាង", latin: String = "Sok Sreyneang") -> MemberInput {
    var input = MemberInput()
    input.nameKm = name
    input.nameLatin = latin
    input.sex = .female
    input.birth = .estimatedAge(17)
    input.relationship = .child
    input.inSchool = false
    input.migration = .planning
    return input
}

func sewingSchool(_ services: KomarServices, _ coordinator: Session, seats: Int? = 2,
                  areas: [String] = ["14"]) throws -> Provider {
    var input = ProviderInput()
    input.nameKm = "មជ្ឈមណ្ឌលកាត់ដេរ"
    input.nameLatin = "Prey Veng Sewing Centre"
    input.kind = .trainingCentre
    input.services = [.sewing, .hairdressingBeauty]
    input.areas = areas
    input.seatsPerIntake = seats
    return try services.providers.save(coordinator, id: nil, input)
}

@Suite struct HouseholdStoreTests {
    @Test func registeringAddsTheHeadScoresRiskAndSchedulesAVisit() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        let summary = try services.households.register(volunteer, household())
        #expect(summary.code == "HH-000001")
        // ID Poor 1 (3) + debt (2) + planning (3) + a woman at the head (1, ticked by the save) = 9
        #expect(summary.riskLevel == .critical)
        #expect(summary.memberCount == 1)
        let detail = try services.households.detail(volunteer, id: summary.id)
        #expect(detail.riskScore == 9)
        #expect(detail.vulnerabilities.contains(.femaleHeaded))
        #expect(detail.members.first?.relationship == .head)
        #expect(detail.followUps.first?.due == LocalDate(year: 2026, month: 11, day: 22))
        try services.households.addMember(volunteer, householdId: summary.id, youth())
        #expect(try services.households.list(volunteer, query: "ស្រីនាង").map(\.id) == [summary.id])
        #expect(try services.households.list(volunteer, query: "sreyneang").map(\.id) == [summary.id])
        #expect(try services.households.list(volunteer, query: "HH-000001").map(\.id) == [summary.id])
        let other = try session(services, "pov", .volunteer)
        #expect(try services.households.list(other).isEmpty)
        #expect(throws: PermissionDenied.self) { try services.households.detail(other, id: summary.id) }
    }

    /// Walk-through: a head corrected to a woman left the household
    /// unticked at its old score, and an edit saved a household the report
    /// counted otherwise. Female-headed follows the head member's sex.
    @Test func femaleHeadedFollowsTheHeadsSexAfterRegistering() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        var input = household()
        input.headSex = .male
        let summary = try services.households.register(worker, input)
        var detail = try services.households.detail(worker, id: summary.id)
        #expect(!detail.vulnerabilities.contains(.femaleHeaded) && detail.riskScore == 8)
        let headId = try services.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM household_member WHERE household_id = ? AND relationship = 'head'",
                               arguments: [summary.id])!
        }
        var head = try services.households.member(worker, id: headId)
        head.input.sex = .female
        try services.households.updateMember(worker, id: headId, head.input, expectedVersion: head.version)
        detail = try services.households.detail(worker, id: summary.id)
        #expect(detail.vulnerabilities.contains(.femaleHeaded) && detail.riskScore == 9)
        #expect(detail.summary.riskLevel == .critical)
        // An older record, saved before the factor followed the head: editing it ticks it.
        try services.database.write { db in
            try db.execute(sql: "UPDATE household SET vulnerabilities = 'debt,planning-migration' WHERE id = ?",
                           arguments: [summary.id])
        }
        let stored = try services.households.input(worker, id: summary.id)
        #expect(stored.input.headSex == .female && stored.input.vulnerabilities.contains(.femaleHeaded))
        var unticked = stored.input
        unticked.vulnerabilities.remove(.femaleHeaded)
        try services.households.update(worker, id: summary.id, unticked, expectedVersion: stored.version)
        #expect(try services.households.detail(worker, id: summary.id).vulnerabilities.contains(.femaleHeaded))
        // Back to a man at the head: the factor goes.
        head = try services.households.member(worker, id: headId)
        head.input.sex = .male
        try services.households.updateMember(worker, id: headId, head.input, expectedVersion: head.version)
        detail = try services.households.detail(worker, id: summary.id)
        #expect(!detail.vulnerabilities.contains(.femaleHeaded) && detail.riskScore == 8)
    }

    /// Walk-through: a husband gone to Thailand left "Member migrated 0" in
    /// the report: nothing ticked it. A member added planning or gone ticks
    /// its factor; a member's status changed ticks or unticks it as the
    /// members now are; an edit cannot untick what the members make true.
    @Test func migrationFactorsFollowTheMembers() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        var input = household()
        input.vulnerabilities = [.debt]
        let id = try services.households.register(worker, input).id
        func factors() throws -> Set<Vulnerability> { Set(try services.households.detail(worker, id: id).vulnerabilities) }
        #expect(try factors() == [.debt, .femaleHeaded])
        var gone = youth("សុខ ពិសិដ្ឋ", latin: "Sok Piseth")
        gone.sex = .male
        gone.relationship = .spouse
        gone.birth = .estimatedAge(44)
        gone.migration = .migratedAbroad
        gone.migrationCountry = Destination.thailand.rawValue
        let husband = try services.households.addMember(worker, householdId: id, gone)
        #expect(try factors() == [.debt, .femaleHeaded, .memberMigrated])
        let daughter = try services.households.addMember(worker, householdId: id, youth())
        #expect(try factors() == [.debt, .femaleHeaded, .memberMigrated, .memberPlanningMigration])
        #expect(try services.households.detail(worker, id: id).riskScore == 3 + 2 + 1 + 1 + 3)
        // He came home.
        var back = try services.households.member(worker, id: husband.id)
        back.input.migration = .none
        try services.households.updateMember(worker, id: husband.id, back.input, expectedVersion: back.version)
        #expect(try factors() == [.debt, .femaleHeaded, .memberPlanningMigration])
        // An edit that unticks what a member makes true keeps it.
        let stored = try services.households.input(worker, id: id)
        var unticked = stored.input
        unticked.vulnerabilities = [.debt]
        try services.households.update(worker, id: id, unticked, expectedVersion: stored.version)
        #expect(try factors() == [.debt, .femaleHeaded, .memberPlanningMigration])
        #expect(try services.households.memberFactors(worker, id: id) == [.memberPlanningMigration])
        // She gave up the plan.
        var stays = try services.households.member(worker, id: daughter.id)
        stays.input.migration = .none
        try services.households.updateMember(worker, id: daughter.id, stays.input, expectedVersion: stays.version)
        #expect(try factors() == [.debt, .femaleHeaded])
    }

    /// Walk-through: a head of 70 never made a household elderly-headed.
    /// From 60 it does, and a head's age corrected below 60 takes it away.
    @Test func elderlyHeadedFollowsTheHeadsAge() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        var input = household()
        input.headAge = 70
        let id = try services.households.register(worker, input).id
        #expect(try services.households.detail(worker, id: id).vulnerabilities.contains(.elderlyHeaded))
        let headId = try #require(try services.households.detail(worker, id: id).members.first?.id)
        var head = try services.households.member(worker, id: headId)
        head.input.birth = .estimatedAge(45)
        try services.households.updateMember(worker, id: headId, head.input, expectedVersion: head.version)
        #expect(try !services.households.detail(worker, id: id).vulnerabilities.contains(.elderlyHeaded))
        // A child at the head: editing the household is not refused for an age the edit form does not show.
        head = try services.households.member(worker, id: headId)
        head.input.birth = .estimatedAge(12)
        try services.households.updateMember(worker, id: headId, head.input, expectedVersion: head.version)
        let stored = try services.households.input(worker, id: id)
        var edited = stored.input
        edited.addressDetail = "ផ្ទះលេខ ៣"
        try services.households.update(worker, id: id, edited, expectedVersion: stored.version)
    }

    /// Walk-through: a household risen from Low to High kept the visit 30
    /// days out that Low had given it. A rise brings it forward; a fall
    /// keeps the date.
    @Test func aRiseInRiskBringsTheNextVisitForward() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        var input = household()
        input.headSex = .male
        input.idPoor = .none
        input.vulnerabilities = []
        let id = try services.households.register(worker, input).id
        let today = services.clock.today
        func due() throws -> LocalDate? {
            try services.households.detail(worker, id: id).followUps.first { $0.status == .scheduled }?.due
        }
        #expect(try due() == today.adding(days: 30))
        // A change that leaves the level as it was leaves the date as it is, even one further out.
        try services.database.write { db in
            try db.execute(sql: "UPDATE follow_up SET due_date = ? WHERE household_id = ?",
                           arguments: [today.adding(days: 45).iso, id])
        }
        var quiet = youth("សុខ ដារា", latin: "Sok Dara")
        quiet.migration = .none
        _ = try services.households.addMember(worker, householdId: id, quiet)
        #expect(try due() == today.adding(days: 45))
        _ = try services.households.addMember(worker, householdId: id, youth())     // planning to migrate: 3, Medium
        #expect(try services.households.detail(worker, id: id).summary.riskLevel == .medium)
        #expect(try due() == today.adding(days: 14))
        let planner = try #require(try services.households.detail(worker, id: id).members.first { $0.nameLatin == "Sok Sreyneang" })
        var stays = try services.households.member(worker, id: planner.id)
        stays.input.migration = .none
        try services.households.updateMember(worker, id: planner.id, stays.input, expectedVersion: stays.version)
        #expect(try services.households.detail(worker, id: id).summary.riskLevel == .low)
        #expect(try due() == today.adding(days: 14), "a fall keeps the earlier date")
        // An edit that raises it (ID Poor level 1 and debt: 5, Medium; landless too: 7, High).
        let stored = try services.households.input(worker, id: id)
        var raised = stored.input
        raised.idPoor = .level1
        raised.vulnerabilities = [.debt, .landless]
        try services.households.update(worker, id: id, raised, expectedVersion: stored.version)
        #expect(try due() == today.adding(days: 7))
    }

    @Test func membersChangeWithAVersionCheckAndTheHeadStaysInStepWithTheHousehold() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        let summary = try services.households.register(volunteer, household())
        let added = try services.households.addMember(volunteer, householdId: summary.id, youth())
        var loaded = try services.households.member(volunteer, id: added.id)
        #expect(loaded.input.migration == .planning)
        loaded.input.migration = .migratedInCountry
        loaded.input.occupation = "កម្មកររោងចក្រ"
        try services.households.updateMember(volunteer, id: added.id, loaded.input, expectedVersion: loaded.version)
        let stale = loaded
        #expect(throws: StoreError.changedElsewhere) {
            try services.households.updateMember(volunteer, id: added.id, stale.input, expectedVersion: stale.version)
        }
        let member = try services.households.detail(volunteer, id: summary.id).members[1]
        #expect(member.migration == .migratedInCountry && member.occupation == "កម្មកររោងចក្រ")
        #expect(member.age == 17)                          // unchanged: the estimated age was not rewritten

        // Renaming the household renames its head member, and the other way round.
        var edit = try services.households.input(volunteer, id: summary.id)
        edit.input.headNameLatin = "Sok Chanthy"
        try services.households.update(volunteer, id: summary.id, edit.input, expectedVersion: edit.version)
        #expect(try services.households.detail(volunteer, id: summary.id).members[0].nameLatin == "Sok Chanthy")
        let head = try services.households.detail(volunteer, id: summary.id).members[0]
        var headInput = try services.households.member(volunteer, id: head.id)
        headInput.input.nameKm = "សុខ ចាន់ធី"
        headInput.input.relationship = .child                  // ignored: the head stays the head
        try services.households.updateMember(volunteer, id: head.id, headInput.input, expectedVersion: headInput.version)
        let after = try services.households.detail(volunteer, id: summary.id)
        #expect(after.summary.headNameKm == "សុខ ចាន់ធី")
        #expect(after.members[0].relationship == .head)
        let other = try session(services, "pov", .volunteer)
        #expect(throws: StoreError.notFound) { try services.households.member(other, id: added.id) }
    }

    @Test func householdsAreFoundByPhoneHoweverItIsTyped() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        var input = household()
        input.phone = "០១២ ៣៤៥ ៦៧៨"
        let summary = try services.households.register(volunteer, input)
        for query in ["012 345", "012345678", "០១២៣៤៥", "345 678"] {
            #expect(try services.households.list(volunteer, query: query).map(\.id) == [summary.id], "\(query)")
        }
        #expect(try services.households.list(volunteer, query: "999").isEmpty)
    }

    @Test func volunteersMayNotOverrideTheRiskLevel() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        var input = household()
        input.riskOverride = .low
        input.riskOverrideReason = "family received land"
        #expect(throws: PermissionDenied.self) { try services.households.register(volunteer, input) }
        let worker = try session(services, "dara", .socialWorker)
        input.riskOverrideReason = ""
        #expect(throws: HouseholdRejected(issues: ["riskOverrideReason": "error.override-reason"])) {
            try services.households.register(worker, input)
        }
        input.riskOverrideReason = "family received land"
        #expect(try services.households.register(worker, input).riskLevel == .low)
    }

    @Test func aHouseholdVisitSchedulesTheNext() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        let id = try services.households.register(worker, household()).id
        let visit = try #require(try services.households.detail(worker, id: id).followUps.first)
        var record = VisitReport(outcome: .done, type: .homeVisit, date: LocalDate(year: 2026, month: 11, day: 21)!)
        record.wellbeing = .same
        record.notes = "ឪពុកនៅតែចង់ទៅថៃ"
        let next = try services.followUps.record(worker, followUpId: visit.id, record)
        #expect(next == LocalDate(year: 2026, month: 11, day: 22))
        let followUps = try services.households.detail(worker, id: id).followUps
        #expect(followUps.map(\.status) == [.scheduled, .done])
    }
}

@Suite struct ReferralStoreTests {
    struct World {
        let services: KomarServices
        let worker: Session
        let coordinator: Session
        let provider: Provider
        let memberId: Int64
        let householdId: Int64
    }

    func world(seats: Int? = 2) throws -> World {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        let coordinator = try session(services, "vannak", .coordinator)
        let provider = try sewingSchool(services, coordinator, seats: seats)
        let hh = try services.households.register(worker, household())
        let member = try services.households.addMember(worker, householdId: hh.id, youth())
        return World(services: services, worker: worker, coordinator: coordinator, provider: provider,
                     memberId: member.id, householdId: hh.id)
    }

    func referral(_ w: World, send: Bool = true, consent: Bool = true) -> ReferralInput {
        var input = ReferralInput(subject: .member(memberId: w.memberId))
        input.service = .sewing
        input.providerId = w.provider.id
        input.reason = "ចង់ទៅធ្វើការនៅថៃ; training keeps her home"
        input.consentRecorded = consent
        input.send = send
        return input
    }

    @Test func aReferralMovesThroughToCompletedWithHistory() throws {
        let w = try world()
        let r = try w.services.referrals.create(w.worker, referral(w))
        #expect(r.code == "RF-2026-0001")
        #expect(r.status == .sent)
        #expect(r.sex == .female && r.age == 17)
        var version = try w.services.referrals.detail(w.coordinator, id: r.id).version
        for to in [ReferralStatus.accepted, .enrolled] {
            try w.services.referrals.move(w.coordinator, referralId: r.id, ReferralMove(to: to, expectedVersion: version))
            version += 1
        }
        #expect(throws: ReferralMoveRejected(issues: [.outcome: "error.required"])) {
            try w.services.referrals.move(w.coordinator, referralId: r.id,
                                          ReferralMove(to: .completed, expectedVersion: version))
        }
        try w.services.referrals.move(w.coordinator, referralId: r.id, ReferralMove(
            to: .completed, expectedVersion: version, outcome: .workingInSkill, note: "ធ្វើការនៅហាងកាត់ដេរ"))
        let detail = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(detail.history.map(\.to) == [.draft, .sent, .accepted, .enrolled, .completed])
        #expect(detail.outcome == .workingInSkill)
        #expect(detail.householdCode == "HH-000001")
        #expect(throws: ReferralMoveRejected(issues: [.to: "error.referral-final"])) {
            try w.services.referrals.move(w.coordinator, referralId: r.id,
                                          ReferralMove(to: .cancelled, expectedVersion: version + 1, reason: "x"))
        }
        #expect(throws: StoreError.changedElsewhere) {
            try w.services.referrals.move(w.coordinator, referralId: r.id,
                                          ReferralMove(to: .cancelled, expectedVersion: 1, reason: "x"))
        }
    }

    /// Walk-through: a status picked by mistake could never be put right.
    /// Undoing the last move takes it out of the history with what it
    /// wrote (the exit reason, the outcome), keeps the tallies true, and
    /// the audit log says so.
    @Test func theLastMoveCanBeUndoneWithWhatItWrote() throws {
        let w = try world()
        let r = try w.services.referrals.create(w.worker, referral(w))
        var version = try w.services.referrals.detail(w.coordinator, id: r.id).version
        try w.services.referrals.move(w.coordinator, referralId: r.id, ReferralMove(to: .accepted, expectedVersion: version))
        version += 1
        try w.services.referrals.move(w.coordinator, referralId: r.id, ReferralMove(
            to: .declined, expectedVersion: version, reason: ReferralExitReason.movedAway.rawValue))
        version += 1
        let declined = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(declined.summary.status == .declined && declined.exitReason == "moved-away")
        #expect(throws: StoreError.changedElsewhere) {
            try w.services.referrals.undoLastMove(w.coordinator, referralId: r.id, expectedVersion: version - 1)
        }
        let volunteer = try session(w.services, "sreymom", .volunteer)
        #expect(throws: PermissionDenied.self) {
            try w.services.referrals.undoLastMove(volunteer, referralId: r.id, expectedVersion: version)
        }
        try w.services.referrals.undoLastMove(w.coordinator, referralId: r.id, expectedVersion: version)
        let back = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(back.summary.status == .accepted)
        #expect(back.exitReason == nil)
        #expect(back.history.map(\.to) == [.draft, .sent, .accepted])
        #expect(back.version == version + 1)
        // Back to a draft the day it was made; the send was the worker's to undo.
        try w.services.referrals.undoLastMove(w.coordinator, referralId: r.id, expectedVersion: back.version)
        #expect(throws: ReferralMoveRejected(issues: [.to: "error.undo-not-yours"])) {
            try w.services.referrals.undoLastMove(w.coordinator, referralId: r.id, expectedVersion: back.version + 1)
        }
        let later = KomarServices(database: w.services.database, hasher: fastHasher,
                                  clock: Clock(now: { fixedNow.addingTimeInterval(8 * 86_400) }))
        #expect(throws: ReferralMoveRejected(issues: [.to: "error.undo-too-old"])) {
            try later.referrals.undoLastMove(w.worker, referralId: r.id, expectedVersion: back.version + 1)
        }
        try w.services.referrals.undoLastMove(w.worker, referralId: r.id, expectedVersion: back.version + 1)
        let draft = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(draft.summary.status == .draft && draft.history.count == 1)
        #expect(throws: ReferralMoveRejected(issues: [.to: "error.nothing-to-undo"])) {
            try w.services.referrals.undoLastMove(w.worker, referralId: r.id, expectedVersion: draft.version)
        }
        try w.services.database.read { db in
            let undone = try String.fetchAll(db, sql: "SELECT summary FROM audit_event WHERE summary LIKE '%(move undone)'")
            #expect(undone == ["RF-2026-0001 declined → accepted (move undone)", "RF-2026-0001 accepted → sent (move undone)",
                               "RF-2026-0001 sent → draft (move undone)"])
            let kept = try Row.fetchAll(db, sql: """
                SELECT key, SUM(n) AS n FROM referral_tally WHERE measure = 'referral' GROUP BY key HAVING SUM(n) != 0
                """).map { ($0["key"] as String).split(separator: "\u{1F}", omittingEmptySubsequences: false)[2] + "=\($0["n"] as Int)" }
            #expect(kept == ["draft=1"], "the tally follows every undo: \(kept)")
        }
    }

    @Test func consentIsNeededBeforeSending() throws {
        let w = try world()
        #expect(throws: ReferralRejected(issues: [.consent: "error.consent-before-sending"])) {
            try w.services.referrals.create(w.worker, referral(w, send: true, consent: false))
        }
        let draft = try w.services.referrals.create(w.worker, referral(w, send: false, consent: false))
        #expect(draft.status == .draft)
        #expect(throws: ReferralMoveRejected(issues: [.consent: "error.consent-before-sending"])) {
            try w.services.referrals.move(w.worker, referralId: draft.id, ReferralMove(to: .sent, expectedVersion: 1))
        }
        try w.services.referrals.move(w.worker, referralId: draft.id,
                                      ReferralMove(to: .sent, expectedVersion: 1, recordConsent: true))
        #expect(try w.services.referrals.detail(w.worker, id: draft.id).consentRecorded)
    }

    /// A draft referred nobody: sent weeks later, the referral counts from
    /// the day it was sent (its month in the reports and the dashboard),
    /// with the person's age on that day.
    @Test func aDraftSentLaterIsReferredOnTheDayItIsSent() throws {
        let w = try world()
        var turning = youth("ចាន់ ស្រីពៅ", latin: "Chan Sreypov")
        turning.birth = .dateOfBirth(LocalDate(year: 2008, month: 12, day: 10)!)   // 18 on 10 December 2026
        let member = try w.services.households.addMember(w.worker, householdId: w.householdId, turning)
        var input = referral(w, send: false)
        input.subject = .member(memberId: member.id)
        let draft = try w.services.referrals.create(w.worker, input)
        #expect(draft.referredOn == LocalDate(year: 2026, month: 11, day: 21) && draft.age == 17)
        let later = KomarServices(database: w.services.database, hasher: fastHasher,
                                  clock: Clock(now: { fixedNow.addingTimeInterval(20 * 86_400) }))
        try later.referrals.move(w.worker, referralId: draft.id, ReferralMove(to: .sent, expectedVersion: 1))
        let sent = try later.referrals.detail(w.coordinator, id: draft.id).summary
        #expect(sent.referredOn == LocalDate(year: 2026, month: 12, day: 11))
        #expect(sent.age == 18)
        let months = try w.services.database.read { db in
            try [String: Int](uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT month, SUM(n) AS n FROM referral_tally WHERE measure = 'referral' GROUP BY month HAVING SUM(n) != 0
                """).map { ($0["month"], $0["n"]) })
        }
        #expect(months == ["2026-12": 1], "the tally moved with it")
    }

    @Test func seatsHeldBySentAndAcceptedReferrals() throws {
        let w = try world(seats: 2)
        #expect(try w.services.providers.seats(w.worker, providerId: w.provider.id) == .available(2))
        try w.services.referrals.create(w.worker, referral(w))
        try w.services.referrals.create(w.worker, referral(w))
        #expect(try w.services.providers.seats(w.worker, providerId: w.provider.id) == .full(seats: 2, taken: 2))
    }

    @Test func onlySocialWorkersAndCoordinatorsRefer() throws {
        let w = try world()
        let volunteer = try session(w.services, "sreymom", .volunteer)
        #expect(throws: PermissionDenied(role: .volunteer, action: .manageReferrals)) {
            try w.services.referrals.create(volunteer, referral(w))
        }
        #expect(throws: PermissionDenied(role: .socialWorker, action: .editProviders)) {
            try w.services.providers.save(w.worker, id: nil, ProviderInput())
        }
        #expect(throws: PermissionDenied(role: .socialWorker, action: .exportData)) {
            try w.services.referrals.export(w.worker, filter: ReferralFilter(),
                                            to: URL(fileURLWithPath: "/tmp/x.csv"), khmerPlaceNames: true, label: { $0 })
        }
    }

    @Test func providerMustOfferTheService() throws {
        let w = try world()
        var input = referral(w)
        input.service = .motorbikeRepair
        #expect(throws: ReferralRejected(issues: [.provider: "error.provider-service"])) {
            try w.services.referrals.create(w.worker, input)
        }
        #expect(try w.services.providers.list(w.worker, service: .sewing, areaCode: "14040201").count == 1)
        #expect(try w.services.providers.list(w.worker, service: .sewing, areaCode: "09010101").isEmpty)
        #expect(try w.services.providers.list(w.worker, service: .legalAid).isEmpty)
    }

    @Test func listsFilterCountAndPageOldestMoveFirst() throws {
        let w = try world()
        var ids: [Int64] = []
        for _ in 0..<5 { ids.append(try w.services.referrals.create(w.worker, referral(w)).id) }
        try w.services.referrals.move(w.coordinator, referralId: ids[0], ReferralMove(to: .accepted, expectedVersion: 1))
        let counts = try w.services.referrals.countsByStatus(w.coordinator, filter: ReferralFilter(status: .accepted))
        #expect(counts == [.sent: 4, .accepted: 1])
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(status: .sent)).count == 4)
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(placeCode: "140402")).count == 5)
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(placeCode: "1405")).isEmpty)
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(sex: .male)).isEmpty)
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(ageGroup: .age15to17)).count == 5)
        #expect(try w.services.referrals.list(w.coordinator, filter: ReferralFilter(
            from: LocalDate(year: 2026, month: 11, day: 1), to: LocalDate(year: 2026, month: 11, day: 30))).count == 5)
        let first = try w.services.referrals.list(w.coordinator, limit: 2)
        let last = try #require(first.last)
        let rest = try w.services.referrals.list(
            w.coordinator, after: ReferralCursor(after: last))
        #expect(first.count + rest.count == 5)
        #expect(Set(first.map(\.id) + rest.map(\.id)).count == 5)
    }

    @Test func exportWritesExcelFriendlyCSV() throws {
        let w = try world()
        try w.services.referrals.create(w.worker, referral(w))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-export-\(getpid()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var reports: [(Int, Int)] = []
        let n = try w.services.referrals.export(w.coordinator, filter: ReferralFilter(), to: url, khmerPlaceNames: true,
                                                label: { $0 }, progress: { reports.append(($0, $1)) })
        #expect(n == 1)
        #expect(reports.last.map { $0.0 == 1 && $0.1 == 1 } == true)
        let data = try Data(contentsOf: url)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}export.code,export.referred-on,export.status"))
        #expect(text.contains("សុខ ស្រីនាង"))
        #expect(text.contains("កញ្ជ្រៀច"))
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aMoveHasTheDateItHappenedNeverInTheFutureNorBeforeTheLastMove() throws {
        let w = try world()
        let r = try w.services.referrals.create(w.worker, referral(w))
        let today = w.services.clock.today
        var version = try w.services.referrals.detail(w.coordinator, id: r.id).version
        func move(_ to: ReferralStatus, on date: LocalDate) throws {
            var move = ReferralMove(to: to, expectedVersion: version)
            move.effectiveOn = date
            try w.services.referrals.move(w.coordinator, referralId: r.id, move)
            version += 1
        }
        #expect(throws: ReferralMoveRejected(issues: [.date: "error.future-date"])) {
            try move(.accepted, on: today.adding(days: 1))
        }
        #expect(throws: ReferralMoveRejected(issues: [.date: "error.before-previous-move"])) {
            try move(.accepted, on: today.adding(days: -1))                 // sent today
        }
        try move(.accepted, on: today)
        // Enrolment recorded today happened... today at the earliest here;
        // a later move may carry a date between.
        try move(.enrolled, on: today)
        let detail = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(detail.history.map(\.effectiveOn) == [today, today, today, today])

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-dates-\(getpid()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try w.services.referrals.export(w.coordinator, filter: ReferralFilter(), to: url, khmerPlaceNames: false,
                                        label: { $0 })
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        let row = lines[1].components(separatedBy: ",")
        let sent = try #require(header.firstIndex(of: "export.sent-on"))
        #expect(row[sent] == today.iso && row[sent + 1] == today.iso && row[sent + 2] == today.iso)
        #expect(row[sent + 3] == "" && row[sent + 4] == "")
        #expect(row[try #require(header.firstIndex(of: "export.age-group"))] == "15-17")
    }

    @Test func aBackdatedMoveShowsItsOwnDateInTheHistory() throws {
        let w = try world()
        let r = try w.services.referrals.create(w.worker, referral(w))
        // The referral was sent a week ago (as if recorded then).
        try w.services.database.write { db in
            try db.execute(sql: "UPDATE referral_transition SET effective_on = ? WHERE referral_id = ?",
                           arguments: [w.services.clock.today.adding(days: -7).iso, r.id])
        }
        var move = ReferralMove(to: .accepted, expectedVersion: try w.services.referrals.detail(w.coordinator, id: r.id).version)
        move.effectiveOn = w.services.clock.today.adding(days: -3)                 // last Tuesday, say
        try w.services.referrals.move(w.coordinator, referralId: r.id, move)
        let detail = try w.services.referrals.detail(w.coordinator, id: r.id)
        #expect(detail.history.last?.effectiveOn == w.services.clock.today.adding(days: -3))
        // It has waited since the day it happened, not since it was recorded.
        #expect(detail.summary.daysSinceLastMove(now: w.services.clock.now()) == 3)
        // The audit log says the move was dated back.
        let logged = try w.services.audit.recent(try auditor(w.services), limit: 3).map(\.summary)
        #expect(logged.contains { $0.contains("sent → accepted (happened \(w.services.clock.today.adding(days: -3).iso))") })
    }

    @Test func csvCellsAreQuotedAndFormulasDefused() {
        #expect(CSV.cell("plain") == "plain")
        #expect(CSV.cell("a,b") == "\"a,b\"")
        #expect(CSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(CSV.cell("-5") == "-5")
        #expect(CSV.line(["ក", "x\ny"]) == "ក,\"x\ny\"\r\n")
    }
}
