import CaseDomain
import CaseStore
import Localization
import Terminal
import Testing
@testable import KomarApp

@MainActor
@Suite struct DraftFlowTests {
    @Test func aCrashLosesNothingTypedAndTheNextLoginOffersTheDraft() throws {
        let first = try Harness(language: .en)
        first.logIn("sreymom")
        first.press(.char("1"))
        first.fillIntake()
        // The first app is gone without saving or quitting: a crash.
        let second = Harness(restartOf: first)
        second.logIn("sreymom")
        #expect(second.app.topScreenTitleKey == "unsaved.title")
        #expect(second.screen.contains("1 form you did not save."))
        #expect(second.screen.contains("New intake: ស្រីពេជ្រ ប្រាក់"))
        // Typed in English, listed in the language of the moment.
        second.press(.function(6))
        #expect(second.screen.contains("ការទទួលករណីថ្មី៖ ស្រីពេជ្រ ប្រាក់"), "\(second.screen)")
        second.press(.function(6))
        second.press(.enter)
        #expect(second.app.topScreenTitleKey == "intake.title")
        #expect(second.screen.contains("What you typed earlier on this form is back."))
        #expect(second.screen.contains("ស្រីពេជ្រ ប្រាក់"))
        #expect(second.screen.contains("Prey Veng"))
        #expect(second.screen.contains("Kanhchriech"))
        #expect(second.screen.contains("Physical abuse, Child labour"))
        #expect(second.screen.contains("កុមារីត្រូវបានគេសន្យាការងារនៅប្រទេសថៃ។"))
        #expect(second.screen.contains("CPC member"))
        second.press(.function(2))
        #expect(second.app.topScreenTitleKey == "case.title")
        #expect(try second.allCases().count == 1)
        // Saved, and its draft deleted in the same transaction: nothing is
        // offered any more.
        let third = Harness(restartOf: second)
        third.logIn("sreymom")
        #expect(third.app.topScreenTitleKey == "home.title")
    }

    /// Walk-through: a kept intake stood in the way of the next child's;
    /// "New intake" now offers to continue it or start another beside it,
    /// and both wait, each with what was typed.
    @Test func aSecondIntakeCanBeStartedBesideOneKeptForLater() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.press(.escape, .left, .enter)                              // Keep for later
        h.press(.char("1"))
        #expect(h.screen.contains("[ Continue ]  [ Start a new one ]  [ Cancel ]"))
        h.press(.escape)                                             // Cancel
        #expect(h.app.topScreenTitleKey == "home.title")
        h.press(.char("1"), .right, .enter)                          // Start a new one
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(!h.screen.contains("Dara"))
        #expect(!h.screen.contains("is back"))
        h.type("Sokha")
        h.press(.escape, .left, .enter)                              // Keep for later
        #expect(h.screen.contains("2 unsaved forms wait for you: F4 lists them."))
        h.press(.char("1"))
        #expect(h.screen.contains("You kept 2 intakes for later. Continue one of them, or start a new"))
        h.press(.enter)                                              // Continue: the list
        #expect(h.app.topScreenTitleKey == "unsaved.title")
        #expect(h.screen.contains("New intake: Dara"))
        #expect(h.screen.contains("New intake: Sokha"))
        let next = Harness(restartOf: h)
        next.logIn("sreymom")
        #expect(next.app.topScreenTitleKey == "unsaved.title")
        #expect(next.screen.contains("2 forms you did not save."))
        next.press(.enter)
        #expect(next.app.topScreenTitleKey == "intake.title")
        #expect(next.screen.contains("Sokha") != next.screen.contains("Dara"), "one intake, with its own name")
    }

    @Test func leavingTheListKeepsTheDraftsForLater() throws {
        let first = try Harness(language: .en)
        first.logIn("sreymom")
        first.press(.char("1"))
        first.type("Dara")
        let second = Harness(restartOf: first)
        second.logIn("sreymom")
        second.press(.function(10))
        #expect(second.app.topScreenTitleKey == "home.title")
        second.press(.char("1"))
        #expect(second.screen.contains("You kept “New intake: Dara” for later. Continue it, or start a new"))
        #expect(second.screen.contains("[ Continue ]  [ Start a new one ]  [ Cancel ]"))
        second.press(.enter)                                          // Continue, chosen first
        #expect(second.screen.contains("What you typed earlier on this form is back."))
        #expect(second.screen.contains("Dara"))
    }

    /// A form opened from the list and kept for later is still listed on
    /// the way back (walk-through: the list dropped it until the next login).
    @Test func aFormKeptForLaterFromTheListStaysListed() throws {
        let first = try Harness(language: .en)
        first.logIn("sreymom")
        first.press(.char("1"))
        first.type("Dara")
        first.press(.escape, .left, .enter)                          // Keep for later
        first.select("Households")
        first.press(.function(7))
        #expect(first.app.topScreenTitleKey == "household.new-title")
        first.type("សុខា")
        let second = Harness(restartOf: first)
        second.logIn("sreymom")
        #expect(second.screen.contains("2 forms you did not save."))
        second.press(.enter)
        second.press(.escape, .left, .enter)                         // Keep for later
        #expect(second.app.topScreenTitleKey == "unsaved.title")
        #expect(second.screen.contains("2 forms you did not save."))
        #expect(second.screen.contains("just now"))
    }

    /// Walk-through: a form kept for later reopened on its first field,
    /// not where the user left it.
    @Test func aFormKeptForLaterReopensInTheFieldItWasLeftIn() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.press(.tab, .tab)
        let left = (h.app.stack.last as? IntakeScreen)?.form.focused?.id
        #expect(left != nil && left != (h.app.stack.last as? IntakeScreen)?.form.fields.first?.id)
        h.press(.escape, .left, .enter)                              // Keep for later
        h.press(.char("1"), .enter)                                  // New intake; Continue the kept one
        #expect(h.screen.contains("What you typed earlier on this form is back."))
        #expect((h.app.stack.last as? IntakeScreen)?.form.focused?.id == left)
    }

    @Test func discardingOnPurposeDropsTheDraftAndQuittingKeepsIt() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.press(.escape, .char("y"))
        #expect(h.screen.contains("Leave this form?"), "a y typed on does not throw the form away")
        h.press(.left, .left, .enter)                                // Discard
        #expect(h.screen.contains("Discarded: what you typed on that form is gone."))
        let after = Harness(restartOf: h)
        after.logIn("sreymom")
        #expect(after.app.topScreenTitleKey == "home.title")
        after.press(.char("1"))
        after.type("Sokha")
        after.press(.ctrl("c"))
        #expect(after.screen.contains("What you typed is kept as a draft"))
        after.press(.char("y"))
        #expect(!after.app.isRunning)
        let next = Harness(restartOf: after)
        next.logIn("sreymom")
        #expect(next.screen.contains("New intake: Sokha"))
        next.press(.delete)
        #expect(next.screen.contains("Discard “New intake: Sokha” for good?"))
        #expect(next.screen.contains("← → and Enter, or y for Yes and n or Esc for No"), "the keys that answer")
        next.press(.function(6))
        #expect(next.screen.contains("បោះចោល «ការទទួលករណីថ្មី៖ Sokha» ជាស្ថាពរឬ?"), "asked again in Khmer: \(next.screen)")
        #expect(next.screen.contains("ចុច y (យ) សម្រាប់ «បាទ/ចាស»"))
        next.press(.function(6))
        next.press(.char("y"))
        #expect(next.app.topScreenTitleKey == "home.title")
        #expect(next.screen.contains("Discarded: New intake: Sokha"))
        #expect(!next.screen.contains("unsaved form"), "none left to list")
        #expect(!next.screen.contains("F4 Unsaved"))
        next.press(.function(4))
        #expect(next.screen.contains("You have no unsaved forms."))
        let last = Harness(restartOf: next)
        last.logIn("sreymom")
        #expect(last.app.topScreenTitleKey == "home.title")
    }

    @Test func anUnreadableDraftIsNotRestored() throws {
        let first = try Harness(language: .en)
        let mom = try first.session("sreymom")
        try first.services.drafts.write(mom, terminal: TerminalSession(id: "gone", pid: 0),
                                        [DraftKey("intake"): .save(title: "", payload: "not json")])
        first.logIn("sreymom")
        #expect(first.app.topScreenTitleKey == "unsaved.title")
        first.press(.enter)
        #expect(first.app.topScreenTitleKey == "intake.title")
        #expect(!first.screen.contains("is back"))
    }

    @Test func draftsAreEachUsersOwn() throws {
        let first = try Harness(language: .en)
        first.logIn("sreymom")
        first.press(.char("1"))
        first.type("Dara")
        let second = Harness(restartOf: first)
        second.logIn("pov")
        #expect(second.app.topScreenTitleKey == "home.title")
        second.press(.char("1"))
        #expect(!second.screen.contains("Dara"))
    }

    @Test func twoTerminalsOfOneAccountNeverShareADraft() throws {
        let left = try Harness(language: .en)
        left.logIn("sreymom")
        left.press(.char("1"))
        left.type("Dara")
        left.app.drafts.flush()
        let right = Harness(alongside: left)
        right.logIn("sreymom")
        #expect(right.app.topScreenTitleKey == "home.title")      // the left terminal still holds its draft
        right.press(.char("1"))
        #expect(!right.screen.contains("Dara"))
        right.type("Sokha")
        right.app.drafts.flush()
        left.type(" Prak")
        left.app.drafts.flush()
        // Each terminal's draft is its own: the left one's crash leaves
        // "Dara Prak", and the right one keeps "Sokha".
        let after = Harness(restartOf: left)
        after.logIn("sreymom")
        #expect(after.screen.contains("New intake: Dara Prak"))
        #expect(!after.screen.contains("Sokha"))
        #expect(right.screen.contains("Sokha"))
    }
}
