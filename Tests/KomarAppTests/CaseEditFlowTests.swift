import CaseDomain
import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// Correcting a saved case from its file, and what happens when someone
/// else saved it in the meantime.
@MainActor
@Suite struct CaseEditFlowTests {
    /// A volunteer's intake, opened from the case list.
    func openCase(_ h: Harness) {
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2))
    }

    @Test func aVolunteerCorrectsTheNameAndTheTimelineSaysSo() throws {
        let h = try Harness(language: .en)
        openCase(h)
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("F7 Edit"))
        h.press(.function(7))
        #expect(h.app.topScreenTitleKey == "case.edit-title")
        #expect(h.screen.contains("ស្រីពេជ្រ ប្រាក់"))
        #expect(!h.screen.contains("Risk questions"))
        h.press(.ctrl("u"))
        h.type("ស្រីពេជ្រ ប្រាក់សុខ")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("Case corrected."))
        #expect(h.screen.contains("ស្រីពេជ្រ ប្រាក់សុខ"))
        #expect(h.screen.contains("Details corrected"))
        let cases = try h.allCases()
        #expect(cases.first?.childNameKm == "ស្រីពេជ្រ ប្រាក់សុខ")
        // Found by the new name.
        let dara = try h.session("dara")
        #expect(try h.services.cases.search(dara, "ប្រាក់សុខ").count == 1)
    }

    @Test func anEditMeetingANewerSaveMergesTheirChangesWithoutLosingEither() throws {
        let h = try Harness(language: .en)
        openCase(h)
        h.press(.function(7))
        // Meanwhile a social worker corrects the Latin name.
        let dara = try h.session("dara")
        let id = try #require(try h.allCases().first?.id)
        var theirs = try h.services.cases.editableCase(dara, id: id)
        theirs.input.childNameLatin = "Sreypich Prak Sok"
        try h.services.cases.editCase(dara, id: id, theirs.input, expectedVersion: theirs.version)
        // The volunteer changes the Khmer name and saves.
        h.press(.ctrl("u"))
        h.type("ស្រីពេជ្រ ប្រាក់សុខ")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.edit-title")
        #expect(h.screen.contains("ចាន់ ដារ៉ា saved this meanwhile; their changes are now in your form."))
        #expect(h.screen.contains("ស្រីពេជ្រ ប្រាក់សុខ"))
        #expect(h.screen.contains("Sreypich Prak Sok"))
        #expect(try h.allCases().first?.childNameKm == "ស្រីពេជ្រ ប្រាក់")   // nothing of the volunteer's written yet
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        let saved = try #require(try h.allCases().first)
        #expect(saved.childNameKm == "ស្រីពេជ្រ ប្រាក់សុខ")
        #expect(saved.childNameLatin == "Sreypich Prak Sok")                // theirs was not reverted
    }

    @Test func fieldsBothChangedAreChosenSideBySide() throws {
        let h = try Harness(language: .en)
        openCase(h)
        h.press(.function(7))
        let dara = try h.session("dara")
        let id = try #require(try h.allCases().first?.id)
        var theirs = try h.services.cases.editableCase(dara, id: id)
        theirs.input.childNameKm = "ស្រីពៅ ប្រាក់"
        theirs.input.childNameLatin = "Sreypov Prak"
        try h.services.cases.editCase(dara, id: id, theirs.input, expectedVersion: theirs.version)
        h.press(.ctrl("u"))
        h.type("ស្រីពេជ្រ ប្រាក់សុខ")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "merge.title")
        #expect(h.screen.contains("ចាន់ ដារ៉ា changed the same fields: choose which to keep."))
        h.press(.function(6))
        #expect(h.screen.contains("ចាន់ ដារ៉ា បានកែប្រែប្រអប់ដដែល"), "the status line said again in Khmer")
        h.press(.function(6))
        #expect(h.screen.contains("ចាន់ ដារ៉ា changed the same fields: choose which to keep."))
        #expect(h.screen.contains("Yours: ស្រីពេជ្រ ប្រាក់សុខ"))
        #expect(!h.screen.contains("Sreypov"))                                  // only the field both changed
        h.press(.enter, .down, .enter)                                         // theirs
        #expect(h.screen.contains("Theirs: ស្រីពៅ ប្រាក់"))
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.edit-title")
        #expect(h.screen.contains("Your choices are in the form."))
        h.press(.function(2))
        let saved = try #require(try h.allCases().first)
        #expect(saved.childNameKm == "ស្រីពៅ ប្រាក់")
        #expect(saved.childNameLatin == "Sreypov Prak")
    }

    @Test func closedCasesAreNotEditedAndAdminsCannotEdit() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        let created = try h.services.cases.createIntake(dara, Harness.childIntake("ដារ៉ា", sex: .male, age: 9))
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(
            action: .close, expectedVersion: 1, closureReason: .notProtectionCase, note: "Family support only."))
        let current = try h.services.cases.editableCase(dara, id: created.id)
        #expect(throws: PermissionDenied.self) {
            try h.services.cases.editCase(dara, id: created.id, current.input, expectedVersion: current.version)
        }
        #expect(!CaseStatusRules.mayEdit(role: .admin, status: .open))
        #expect(CaseStatusRules.mayEdit(role: .volunteer, status: .new))
        // Once a social worker has accepted it, the record is theirs.
        #expect(!CaseStatusRules.mayEdit(role: .volunteer, status: .open))
        #expect(CaseStatusRules.mayEdit(role: .socialWorker, status: .open))
    }

    @Test func aVolunteerCannotCorrectACaseASocialWorkerHasAccepted() throws {
        let h = try Harness(language: .en)
        let mom = try h.session("sreymom"), dara = try h.session("dara")
        let created = try h.services.cases.createIntake(mom, Harness.childIntake("ស្រីពេជ្រ", "Sreypich"))
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(
            action: .accept, expectedVersion: 1, assignTo: dara.user.id, riskLevel: .low))
        let current = try h.services.cases.editableCase(dara, id: created.id)
        #expect(throws: PermissionDenied.self) {
            try h.services.cases.editCase(mom, id: created.id, current.input, expectedVersion: current.version)
        }
        h.logIn("sreymom")
        h.select("Cases")
        h.press(.enter)                                   // her only case, now accepted
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(!h.screen.contains("F7 "))               // no correction offered
        h.press(.function(7))
        #expect(h.app.topScreenTitleKey == "case.title")
    }

    @Test func referIsOfferedOnlyOnOpenCasesAndTheServiceRefusesTheOthers() throws {
        let h = try Harness(language: .en)
        try h.services.accounts.addUser(by: h.auditor, username: "vannak", displayName: "Vannak", role: .coordinator,
                                        password: testPassword, languageCode: "en")
        let dara = try h.session("dara"), vannak = try h.session("vannak")
        var school = ProviderInput()
        school.nameKm = "សាលាកាត់ដេរ"
        school.kind = .trainingCentre
        school.services = [.sewing]
        let provider = try h.services.providers.save(vannak, id: nil, school)
        let created = try h.services.cases.createIntake(dara, Harness.childIntake("ស្រីពេជ្រ", "Sreypich"))
        var input = ReferralInput(subject: .child(caseId: created.id))
        input.service = .sewing
        input.providerId = provider.id
        input.reason = "Wants to learn sewing."
        input.consentRecorded = true
        #expect(throws: ReferralRejected(issues: [.person: "error.refer-open-case"])) {
            try h.services.referrals.create(vannak, input)
        }
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(
            action: .accept, expectedVersion: 1, assignTo: dara.user.id, riskLevel: .low))
        try h.services.referrals.create(vannak, input)
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(
            action: .close, expectedVersion: 2, closureReason: .goalsMet))
        #expect(throws: ReferralRejected(issues: [.person: "error.refer-open-case"])) {
            try h.services.referrals.create(vannak, input)
        }
        h.logIn("vannak")
        h.select("Cases")
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(!h.screen.contains("F8 "))
    }
}
