import CaseDomain
@testable import CaseStore
import Foundation
import KhmerText
import Terminal
import Testing
@testable import KomarApp

/// The daily queues and decisions of a social worker: what comes first,
/// what each row says, and what a decision needs.
@MainActor
@Suite struct DailyWorkFlowTests {
    /// Three new intakes: a low-risk one reported 3 days ago, one in
    /// immediate danger reported today, and a medium one reported 10 days ago.
    func threeIntakes() throws -> Harness {
        let h = try Harness(language: .en)
        let mom = try h.session("sreymom")
        let today = h.services.clock.today
        var low = Harness.childIntake("សុខ ស្រីនាង", "Sok Sreyneang")
        low.reportedDate = today.adding(days: -3)
        var danger = Harness.childIntake("ចាន់ ធីតា", "Chan Thida")
        danger.reportedDate = today
        danger.riskAnswers = [.immediateDanger]
        var medium = Harness.childIntake("កែវ ពិសី", "Keo Pisey")
        medium.reportedDate = today.adding(days: -10)
        medium.riskAnswers = [.noSafeCaregiver]
        for input in [low, danger, medium] {
            _ = try h.services.cases.createIntake(mom, input, savedDespite: ["x"])
        }
        return h
    }

    func rowIndex(_ h: Harness, _ text: String) throws -> Int {
        try #require(h.screen.split(separator: "\n").firstIndex { $0.contains(text) })
    }

    @Test func theReviewQueueListsTheMostUrgentFirstThenTheOldestWithARiskColumn() throws {
        let h = try threeIntakes()
        h.logIn("dara")
        h.press(.char("2"))
        #expect(h.screen.contains("3 waiting: most urgent first, then the oldest."))
        #expect(h.screen.contains("Risk"))
        let danger = try rowIndex(h, "Chan Thida"), medium = try rowIndex(h, "Keo Pisey")
        let low = try rowIndex(h, "Sok Sreyneang")
        #expect(danger < medium && medium < low)
        #expect(h.screen.split(separator: "\n")[danger].contains("⚠ Critical"))
        #expect(h.screen.split(separator: "\n")[medium].contains("Medium"))
        // The same order page after page: one row per page.
        let dara = try h.session("dara")
        var seen: [String] = []
        var cursor: CaseListCursor?
        while let row = try h.services.cases.reviewQueue(dara, after: cursor, limit: 1).first {
            seen.append(row.childNameLatin)
            cursor = CaseListCursor(after: row)
        }
        #expect(seen == ["Chan Thida", "Keo Pisey", "Sok Sreyneang"])
    }

    @Test func acceptingAtAnotherLevelThanProposedAsksWhyAndTheTimelineKeepsIt() throws {
        let h = try threeIntakes()
        h.logIn("dara")
        h.press(.char("2"), .enter)                         // the child in immediate danger: proposed critical
        h.press(.function(4), .tab, .tab)
        h.type("med")
        h.press(.enter, .function(2))
        #expect(h.app.topScreenTitleKey == "action.title")
        #expect(h.screen.contains("✗ Say why the risk level differs from the one"))
        h.press(.tab)
        h.type("She moved to her aunt's; the stepfather left.")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("She moved to her aunt's; the stepfather left."))
        #expect(h.screen.contains("Risk level: Critical → Medium"))
        let audit = try h.services.audit.recent(h.auditor, limit: 5).map(\.summary)
        #expect(audit.contains { $0.contains("risk critical → medium") })
    }

    @Test func theFollowUpQueueShowsEachCasesRiskLevel() throws {
        let h = try threeIntakes()
        let dara = try h.session("dara")
        for c in try h.services.cases.reviewQueue(dara) {
            try h.services.cases.apply(dara, caseId: c.id, CaseChange(
                action: .accept, expectedVersion: 1, assignTo: dara.user.id, riskLevel: c.riskLevel, note: ""))
        }
        h.logIn("dara")
        h.press(.char("3"))
        #expect(h.screen.contains("Risk"))
        #expect(h.screen.split(separator: "\n")[try rowIndex(h, "Chan Thida")].contains("Critical"))
        // Lower risks are visited later, after the queue's seven days.
        #expect(!h.screen.contains("Sok Sreyneang"))
    }
}

/// The provider directory and the demo's household register.
@MainActor
@Suite struct DirectoryFlowTests {
    @Test func theProviderListShowsSeatsLeftInTheNextIntake() throws {
        let h = try Harness(setUp: false, language: .en)
        try DemoData.fill(h.services, cases: 40)
        let coordinator = try h.demoSession(.coordinator)
        let left = try h.services.providers.seatsLeft(coordinator)
        let providers = try h.services.providers.list(coordinator)
        let limited = try #require(providers.first { ($0.seatsPerIntake ?? 0) > 0 && $0.isActive })
        let seats = try #require(limited.seatsPerIntake)
        let taken = left[limited.id] ?? .available(seats)
        let office = Harness(restartOf: h)
        office.logIn("coordinator", DemoData.password)
        if !office.screen.contains("Providers") { office.press(.function(6)) }     // her account is in Khmer
        office.select("Providers")
        let screen = office.screen
        #expect(screen.contains("Seats left"))
        let expected = switch taken {
        case .available(let n): "\(n) / \(seats)"
        case .full: "⚠ 0 / \(seats)"
        case .unlimited: "—"
        }
        let row = try #require(screen.split(separator: "\n").first { $0.contains(limited.nameLatin.prefix(10)) })
        #expect(row.contains(expected))
    }

    @Test func aVolunteerSeesTheHouseholdsOfHerCasesInTheDemo() throws {
        let h = try Harness(setUp: false, language: .en)
        try DemoData.fill(h.services, cases: 60)
        let volunteer = try h.demoSession(.volunteer)
        #expect(try h.services.households.count(volunteer) > 0)
        let cases = try h.services.cases.listCases(volunteer, limit: 100)
        #expect(!cases.isEmpty)
    }
}

/// Search: every word must match, in any order.
@MainActor
@Suite struct SearchWordsFlowTests {
    @Test func wordsMatchInAnyOrderInTheListF3AndTheQueues() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        _ = try h.services.cases.createIntake(dara, Harness.childIntake("ពៅ ស្រីនាង", "Pov Sreyneang"))
        _ = try h.services.cases.createIntake(dara, Harness.childIntake("ពៅ ធីតា", "Pov Thida"), savedDespite: ["x"])
        // Both orders, both scripts, long and short words.
        for text in ["ស្រីនាង ពៅ", "ពៅ ស្រីនាង", "sreyneang pov", "pov sreyneang", "ពៅ\u{200B}ស្រីនាង"] {
            #expect(try h.services.cases.search(dara, text).map(\.childNameLatin) == ["Pov Sreyneang"], "\(text)")
            #expect(try h.services.cases.countReviewQueue(dara, matching: text) == 1, "\(text)")
        }
        #expect(try h.services.cases.search(dara, "ពៅ").count == 2)
        #expect(try h.services.cases.search(dara, "ពៅ ម៉ៅ").isEmpty)
        h.logIn("dara")
        h.press(.function(3))
        h.type("ស្រីនាង ពៅ")
        #expect(h.screen.contains("Pov Sreyneang"))
        #expect(!h.screen.contains("Pov Thida"))
    }

    @Test func aPickerFindsWordsInAnyOrder() {
        let query = SearchQuery("ស្រី ពៅ")
        #expect(query.words.count == 2)
        #expect(query.matches(folded: SearchKey.make("ពៅ ស្រី")))
        #expect(!query.matches(folded: SearchKey.make("ពៅ ធីតា")))
    }
}

/// Pickers filter as you type, and a person picker says who each person is.
@MainActor
@Suite struct PickerFlowTests {
    @Test func theHouseholdsPersonToReferIsChosenNotAssumedAndFilteredByTyping() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        var input = Harness.householdInput("ពៅ ចាន់ថា", "Pov Chantha", sex: .male, age: 40)
        input.idPoor = .level1
        let household = try h.services.households.register(dara, input)
        var girl = MemberInput()
        girl.nameKm = "ពៅ ស្រីនាង"
        girl.nameLatin = "Pov Sreyneang"
        girl.sex = .female
        girl.birth = .estimatedAge(17)
        girl.relationship = .child
        _ = try h.services.households.addMember(dara, householdId: household.id, girl)
        h.logIn("dara")
        h.select("Households")
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "household.title")
        h.press(.function(8))
        #expect(h.app.topScreenTitleKey == "referral.new-title")
        #expect(h.screen.contains("Person *            Enter to choose"))   // nobody chosen for the user
        #expect(h.screen.contains("A member of household HH-"))              // and for which household
        h.press(.function(2))
        #expect(h.screen.contains("✗ Required."))
        h.press(.enter)
        #expect(h.screen.contains("Pov Chantha · Male, 40 years"))
        #expect(h.screen.contains("Pov Sreyneang · Female, 17 years~"), "an estimated age says so")
        h.type("sreyneang")
        #expect(!h.screen.contains("Pov Chantha · Male"))
        h.press(.enter)
        #expect(h.screen.contains("Person *            ពៅ ស្រីនាង / Pov Sreyneang · Female, 17 years"))
    }

    /// The household list's heading counts what the search finds, not
    /// the whole register.
    @Test func theHouseholdListSaysHowManyItsSearchFinds() throws {
        let h = try Harness(language: .en)
        try h.fillDemoRecords(cases: 60)
        let households = try h.services.households.list(try h.session("dara"), limit: 500)
        let code = try #require(households.last?.code)
        h.logIn("dara")
        h.select("Households")
        #expect(h.screen.contains("\(households.count) households. Type to search"))
        h.type(code)
        #expect(h.screen.contains("1 household found."))
        h.press(.ctrl("u"))
        h.type("HH-")
        #expect(h.screen.contains("\(households.count) households found (newest first)."))
        h.press(.function(6))
        #expect(h.screen.contains("រកឃើញគ្រួសារចំនួន \(Digits.toKhmer(String(households.count))) (គ្រួសារថ្មីៗមុន)។"))
    }

    @Test func theServiceAreaPickerFiltersItsLongList() {
        let options = (1...235).map { ChoiceOption(id: "\($0)", labels: ["Place \($0)"]) }
            + [ChoiceOption(id: "pv", labels: ["ព្រៃវែង", "Prey Veng"])]
        let field = MultiChoiceField(options: options, filterable: true)
        #expect(field.handle(.enter))
        for c in "veng".unicodeScalars { _ = field.handle(.char(c)) }
        _ = field.handle(.char(" "))                                   // Space ticks the one found
        _ = field.handle(.enter)
        #expect(field.selectedIds == ["pv"])
    }
}

/// A missed visit is moved to the day the worker chooses.
@MainActor
@Suite struct RescheduleFlowTests {
    /// A case accepted by Dara at critical risk: its first visit is in her queue.
    static func caseInDarasQueue(_ h: Harness) throws -> CaseSummary {
        let dara = try h.session("dara")
        var input = Harness.childIntake("ចាន់ ធីតា", "Chan Thida")
        input.riskAnswers = [.immediateDanger]
        let created = try h.services.cases.createIntake(dara, input)
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(
            action: .accept, expectedVersion: 1, assignTo: dara.user.id, riskLevel: .critical))
        return created
    }

    @Test func aMissedVisitIsRescheduledToAChosenDayWithAReason() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        let created = try Self.caseInDarasQueue(h)
        let today = h.services.clock.today
        let chosen = today.adding(days: 5)
        h.logIn("dara")
        h.select("Follow-ups")
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "visit.title")
        h.press(.enter, .down, .enter)                          // outcome: Missed
        #expect(h.screen.contains("Next visit on"))
        h.press(.tab, .tab, .tab)
        h.type("The family was at the rice harvest.")
        h.press(.tab, .ctrl("u"))
        h.type(String(format: "%02d/%02d/%04d", today.adding(days: -1).day, today.adding(days: -1).month,
                      today.adding(days: -1).year))
        h.press(.function(2))
        #expect(h.screen.contains("The next visit cannot be in the past."))
        h.press(.ctrl("u"))
        h.type(String(format: "%02d/%02d/%04d", chosen.day, chosen.month, chosen.year))
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "followups.title")
        #expect(try h.services.followUps.nextDue(dara, caseId: created.id) == chosen)
    }
}

/// A household's visits are in the worker's follow-up queue beside the
/// children's, counted on the home screen as in the follow-ups report.
@MainActor
@Suite struct HouseholdVisitFlowTests {
    /// Sok Chanthy's household, registered by dara, its first visit (of
    /// `type`) due today.
    static func householdDueToday(_ h: Harness, type: FollowUpType = .homeVisit) throws -> HouseholdSummary {
        var input = HouseholdInput()
        input.headNameKm = "សុខ ចាន់ធី"
        input.headNameLatin = "Sok Chanthy"
        input.headSex = .female
        input.headAge = 38
        input.villageCode = "14040201"
        input.vulnerabilities = [.femaleHeaded, .debt]
        let household = try h.services.households.register(try h.session("dara"), input)
        try h.services.database.writer.write { db in
            try db.execute(sql: "UPDATE follow_up SET due_date = ?, type = ? WHERE household_id = ?",
                           arguments: [h.services.clock.today.iso, type.rawValue, household.id])
        }
        return household
    }

    @Test func aHouseholdVisitDueIsInTheQueueAndIsRecordedFromIt() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        let household = try Self.householdDueToday(h)
        #expect(try h.services.dashboard.dashboard(dara).visitsDueToday == 1)
        #expect(try h.services.followUps.countDue(dara) == 1)
        // Another social worker's queue does not hold it.
        #expect(try h.services.followUps.queue(try h.session("sreymom")).isEmpty)
        h.logIn("dara")
        h.select("Follow-ups")
        #expect(h.screen.contains(household.code))
        #expect(h.screen.contains("Sok Chanthy"))
        #expect(h.screen.split(separator: "\n").contains { $0.contains("Sok Chanthy") && $0.trimmingCharacters(in: .whitespaces).hasSuffix("Household") },
                "a household's home visit says so where a child's says its type")
        h.type("Chanthy")
        #expect(h.screen.contains(household.code), "the queue finds a household by its head's name")
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "visit.title")
        h.press(.tab, .tab, .tab)
        h.press(.enter, .enter)                                          // wellbeing: the first choice
        h.press(.tab, .tab)
        h.type("The family repaid part of the debt.")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "followups.title")
        let visits = try h.services.households.detail(dara, id: household.id).followUps
        #expect(visits.contains { $0.status == .done })
        #expect(visits.contains { $0.status == .scheduled })
        // The household file says who made each visit, and whose the next one is.
        h.app.push(HouseholdViewScreen(app: h.app, session: dara, householdId: household.id))
        h.app.render()
        #expect(h.screen.contains("Home visit · Done · ចាន់ ដារ៉ា · "), "\(h.screen)")
        #expect(h.screen.contains("Home visit · Scheduled · ចាន់ ដារ៉ា"), "\(h.screen)")
        // The member numbers are Khmer digits in Khmer: ១ opens the first member as 1 does.
        h.press(.char("១"))
        #expect(h.app.topScreenTitleKey == "member.edit-title")
    }

    /// A household's visit of another kind says its kind whole, in both
    /// languages ("Household: Phone call" was cut to "Household: …"); its
    /// HH- code and its head's name say whose it is.
    @Test func aHouseholdsPhoneCallSaysHouseholdAndItsKind() throws {
        let h = try Harness(language: .en)
        let household = try Self.householdDueToday(h, type: .phone)
        h.logIn("dara")
        h.select("Follow-ups")
        let row = {
            h.screen.split(separator: "\n").first { $0.contains(household.code) }
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        #expect(row().hasSuffix("Sok Chanthy    Phone call"), "\(h.screen)")
        #expect(row().contains("HH-"))
        h.press(.function(6))
        #expect(row().hasSuffix("ហៅទូរស័ព្ទ"), "\(h.screen)")
        #expect(!row().contains("…"))
    }

    /// F6 writes the dates a form filled in with the new language's digits,
    /// and that is not a change to keep.
    @Test func f6WritesAFormsDatesInTheNewLanguagesDigits() throws {
        let h = try Harness(language: .en)
        _ = try RescheduleFlowTests.caseInDarasQueue(h)
        let today = h.services.clock.today
        let western = String(format: "%02d/%02d/%04d", today.day, today.month, today.year)
        h.logIn("dara")
        h.select("Follow-ups")
        h.press(.enter)
        #expect(h.screen.contains(western))
        h.press(.function(6))
        #expect(h.screen.contains(Digits.toKhmer(western)))
        #expect(!h.screen.contains(western))
        h.press(.escape)
        #expect(h.app.topScreenTitleKey == "followups.title", "nothing to ask about: the date is the same")
    }

    /// A message under a field is said again in the language F6 chose.
    @Test func f6SaysAFieldsMessageInTheNewLanguage() throws {
        let h = try Harness(language: .en)
        _ = try RescheduleFlowTests.caseInDarasQueue(h)
        h.logIn("dara")
        h.select("Follow-ups")
        h.press(.enter)
        h.press(.tab, .tab, .ctrl("u"))                // the visit's date
        h.type("31/02/2026")
        h.press(.function(2))
        #expect(h.screen.contains("This date does not exist."))
        h.press(.function(6))
        #expect(h.screen.contains("កាលបរិច្ឆេទនេះមិនមានទេ។"))
        #expect(!h.screen.contains("This date does not exist."))
        h.press(.function(6))
        #expect(h.screen.contains("This date does not exist."))
    }
}
