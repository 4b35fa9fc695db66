import CaseDomain
import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// The intake's household field: find the child's registered household,
/// or add one on the spot, and see the link in the case file.
@MainActor
@Suite struct IntakeHouseholdFlowTests {
    func household(_ h: Harness, by username: String, km: String, latin: String) throws -> HouseholdSummary {
        let session = try h.session(username)
        var input = HouseholdInput()
        input.headNameKm = km
        input.headNameLatin = latin
        input.headSex = .female
        input.headAge = 38
        input.villageCode = "14040201"
        return try h.services.households.register(session, input)
    }

    /// From the intake's last field back to the household field.
    func toHouseholdField(_ h: Harness) { h.press(.backTab, .backTab, .backTab) }

    @Test func volunteerFindsTheChildsHouseholdByAKhmerNameAndTheCaseFileNamesIt() throws {
        let h = try Harness(language: .en)
        let registered = try household(h, by: "sreymom", km: "ប្រាក់ សុភា", latin: "Prak Sophea")
        _ = try household(h, by: "sreymom", km: "កែវ ចន្ថា", latin: "Keo Chantha")
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        toHouseholdField(h)
        #expect(h.screen.contains("Not linked (Enter: find or add)"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "households.pick-title")
        #expect(h.screen.contains("Enter Choose"))
        h.type("សុភា")
        #expect(h.screen.contains("Prak Sophea"))
        #expect(!h.screen.contains("Keo Chantha"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains(registered.code + " · ប្រាក់ សុភា / Prak Sophea"))
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("Household"))
        #expect(h.screen.contains(registered.code + " · ប្រាក់ សុភា / Prak Sophea"))
        #expect(h.screen.contains("F5 Household"))
        h.press(.function(5))
        #expect(h.app.topScreenTitleKey == "household.title")
        #expect(h.screen.contains("Sreypich Prak"))     // the new case, listed in the household file
    }

    @Test func aNewHouseholdIsAddedFromTheIntakeInTheChildsVillageAndSurvivesARestart() throws {
        let h = try Harness()
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        toHouseholdField(h)
        h.press(.enter, .function(7))
        #expect(h.app.topScreenTitleKey == "household.new-title")
        #expect(h.screen.contains("កញ្ជ្រៀច"))             // the child's commune, already chosen
        h.type("ប្រាក់ សុភា")
        h.press(.tab, .tab, .enter, .enter, .tab)          // head's sex: female
        h.type("៣៨")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains("HH-"))
        #expect(h.screen.contains("ប្រាក់ សុភា"))
        // The link is part of the draft: a crash now loses nothing.
        let restarted = Harness(restartOf: h)
        restarted.logIn("sreymom")
        #expect(restarted.app.topScreenTitleKey == "unsaved.title")
        restarted.press(.enter)                            // open the unsaved intake
        #expect(restarted.screen.contains("ប្រាក់ សុភា"))
        restarted.press(.function(2))
        #expect(restarted.app.topScreenTitleKey == "case.title")
        let cases = try restarted.allCases()
        try #require(cases.count == 1)
        let worker = try h.session("dara")
        let detail = try h.services.cases.caseDetail(worker, id: cases[0].id)
        #expect(detail.household?.headNameKm == "ប្រាក់ សុភា")
    }

    @Test func aVolunteerCannotLinkAnotherVolunteersHousehold() throws {
        let h = try Harness(language: .en)
        let others = try household(h, by: "pov", km: "ប្រាក់ សុភា", latin: "Prak Sophea")
        let sreymom = try h.session("sreymom")
        var input = Harness.childIntake("ស្រីពេជ្រ")
        input.householdId = others.id
        let rejected = #expect(throws: IntakeRejected.self) { try h.services.cases.createIntake(sreymom, input) }
        #expect(rejected?.issues == [FieldIssue(.household, "error.household-missing")])
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        toHouseholdField(h)
        h.press(.enter)
        h.type("sophea")
        #expect(h.screen.contains("Nothing found."))
    }
}
