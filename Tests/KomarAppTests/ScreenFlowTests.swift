import CaseDomain
@testable import CaseStore
import Localization
import Terminal
import Testing
@testable import KomarApp

@MainActor
@Suite struct SetupAndLoginFlowTests {
    @Test func firstRunSetupThenLogin() throws {
        let h = try Harness(setUp: false)
        #expect(h.screen.contains("ការរៀបចំដំបូង"))
        h.type("អង្គការជំនួយកុមារ")
        h.press(.tab)
        h.type("prey")
        h.press(.enter, .tab)
        h.type("kanh")
        h.press(.enter, .tab)
        h.type("Admin")
        h.press(.tab)
        h.type("ប្រធាន Admin")
        h.press(.tab)
        h.type("secret12")
        h.press(.tab)
        h.type("secret12")
        h.press(.function(2))
        #expect(h.screen.contains("ពាក្យសម្ងាត់ត្រូវមានយ៉ាងតិច ១០ តួអក្សរ"))
        h.press(.ctrl("u"))
        h.type("ព្រៃវែងស្រុកកញ្ជ្រៀច")
        h.press(.tab, .ctrl("u"))
        h.type("ព្រៃវែងស្រុកកញ្ជ្រៀច")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "login.title")
        #expect(h.screen.contains("ការរៀបចំបានបញ្ចប់។ សូមចូលប្រើជា admin។"))
        #expect(h.screen.contains("អង្គការជំនួយកុមារ"))
        #expect(try h.services.accounts.setting("office_district") == "1404")
        h.type("ព្រៃវែងស្រុកកញ្ជ្រៀច")
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "home.title")
        #expect(h.screen.contains("សូមស្វាគមន៍ ប្រធាន Admin"))
        #expect(h.screen.contains("អ្នកគ្រប់គ្រងប្រព័ន្ធ"))
    }

    /// Accounts deleted with a sqlite3 shell: the next start says why no
    /// one can log in, and offers no setup (which would make whoever is at
    /// the keyboard the admin of every case).
    @Test func accountsRemovedFromUnderRecordsOfferNoSetup() throws {
        let first = try Harness(language: .en)
        try first.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM user")
        }
        let h = Harness(restartOf: first)
        #expect(h.app.topScreenTitleKey == "login.title")
        #expect(h.screen.contains("Records but no accounts: they were removed outside Komar. Restore a backup."))
        #expect(!h.screen.contains("First-run setup"))
        h.press(.function(6))
        #expect(h.screen.contains("គណនីត្រូវបានលុបនៅក្រៅ Komar"))
        // Trying to log in says it again, not "wrong password".
        h.press(.function(6))
        h.logIn("admin")
        #expect(h.screen.contains("Records but no accounts: they were removed outside Komar. Restore a backup."))
    }

    @Test func setupShowsEachProblemUnderItsField() throws {
        let h = try Harness(setUp: false, language: .en)
        h.press(.function(2))
        #expect(h.screen.contains("✗ Required."))
        #expect(h.screen.contains("✗ Use 3–32 characters"))
        #expect(h.screen.contains("Please correct the fields marked ✗."))
        #expect(h.screen.contains("✗ The password needs at least 10 characters."))
        // F6 says the messages and the status line again in Khmer, and back.
        h.press(.function(6))
        #expect(h.screen.contains("✗ ត្រូវតែបំពេញ។"))
        #expect(h.screen.contains("✗ ពាក្យសម្ងាត់ត្រូវមានយ៉ាងតិច ១០ តួអក្សរ។"))
        #expect(h.screen.contains("សូមកែតម្រូវប្រអប់ដែលមានសញ្ញា ✗។"))
        #expect(!h.screen.contains("Required."))
        h.press(.function(6))
        #expect(h.screen.contains("✗ The password needs at least 10 characters."))
        h.type("NGO")
        h.press(.tab, .tab, .tab)
        h.type("admin")
        h.press(.tab)
        h.type("Admin")
        h.press(.tab)
        h.type("longenough")
        h.press(.tab)
        h.type("different")
        h.press(.function(2))
        #expect(h.screen.contains("✗ The two passwords are not the same."))
        #expect(h.app.topScreenTitleKey == "setup.title")
        #expect(try !h.services.accounts.isSetUp())
    }

    @Test func failedLoginSaysSoWithoutSayingWhichPart() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom", "wrong-password")
        #expect(h.screen.contains("Username or password is not correct."))
        #expect(h.screen.contains("sreymom"))
        #expect(h.app.loggedInUser == nil)
        h.press(.function(6))
        #expect(h.screen.contains("ឈ្មោះអ្នកប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។"), "under the field and on the status line")
        #expect(!h.screen.contains("Username or password is not correct."))
        h.press(.function(6))
        h.press(.backTab, .ctrl("u"))
        h.logIn("nobody", testPassword)
        #expect(h.screen.contains("Username or password is not correct."))
    }

    @Test func loginUsesTheUsersLanguageAndShowsRole() throws {
        let h = try Harness(language: .en)
        h.logIn("dara")
        #expect(h.screen.contains("Welcome, ចាន់ ដារ៉ា"))
        #expect(h.screen.contains("Role: Social worker"))
        #expect(h.screen.contains("1  New intake"))
        #expect(h.screen.contains("2  Review new intakes (0)"))
        #expect(h.screen.contains("3  Follow-ups (0 due)"))
        #expect(h.screen.contains("4  Cases"))
    }

    @Test func demoLoginScreenListsTheAccounts() throws {
        let h = try Harness(language: .en, demoAccounts: [DemoAccount(username: "volunteer", password: "demo1234",
                                                                      role: .volunteer)])
        #expect(h.screen.contains("volunteer / demo1234"))
        #expect(h.screen.contains("Demo accounts"))
    }
}

@MainActor
@Suite struct IntakeFlowTests {
    /// Walk-through: an intake nobody assessed was saved as Low risk and
    /// sank to the bottom of the review queue. The risk factors must be
    /// answered: the ones that apply, or None of these (which unticks the
    /// others, and they it).
    @Test func aNewIntakeSaysWhetherAnyRiskFactorApplies() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake(riskAssessed: false)
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains("✗ Tick the risk factors that apply, or None of these."), "\(h.screen)")
        #expect(h.screen.contains("Proposed risk level     – (tick the risk factors that apply, or None of these)"))
        #expect(try h.allCases().isEmpty)
        h.press(.enter, .char(" "), .end, .char(" "), .enter)     // immediate danger, then None of these
        #expect(h.screen.contains("Risk factors *          None of these"), "\(h.screen)")
        #expect(h.screen.contains("Proposed risk level     Low"))
        h.press(.enter, .home, .char(" "), .enter)                 // immediate danger after all
        #expect(h.screen.contains("Risk factors *          The child is in immediate danger"), "\(h.screen)")
        #expect(h.screen.contains("Proposed risk level     Critical"))
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(try h.allCases().first?.riskLevel == .critical)
    }

    /// Walk-through: words typed into the age, and a sentence typed while a
    /// list field had the cursor, vanished without a word. The status line
    /// says what the field takes.
    @Test func typingAFieldDoesNotTakeSaysWhatItTakes() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        let intake = try #require(h.app.stack.last as? IntakeScreen)
        intake.form.focus("estimatedAge")
        h.type("ប្រាំបួន")
        #expect(h.screen.contains("Only digits go in this field (០–៩ or 0–9)."), "\(h.screen)")
        h.type("៩")
        #expect(!h.screen.contains("Only digits go in this field"))
        intake.form.focus("riskAnswers")
        h.type("ឪពុកវាយ")
        #expect(h.screen.contains("This field is chosen from a list: press Enter to open it, then type to find."))
        h.press(.function(6))
        #expect(h.screen.contains("ប្រអប់នេះត្រូវជ្រើសពីបញ្ជី"), "said again in Khmer")
    }

    @Test func volunteerRecordsAKhmerCaseAndFindsItInTheList() throws {
        let h = try Harness()
        h.logIn("sreymom")
        h.press(.char("1"))
        #expect(h.app.topScreenTitleKey == "intake.title")
        h.fillIntake()
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("បានរក្សាទុកករណី KC-2026-0001។"))
        #expect(h.screen.contains("ស្រីពេជ្រ ប្រាក់"))
        #expect(h.screen.contains("ព្រៃវែង › កញ្ជ្រៀច › កញ្ជ្រៀច"))
        #expect(h.screen.contains("១២ ឆ្នាំ (ប៉ាន់ស្មាន)"))
        // Consent never asked is not shown as recorded by someone on a day.
        h.press(.pageDown)
        #expect(h.screen.contains("មិនទាន់បានសួរនៅឡើយ (ទាំងអ្នកថែទាំ និងកុមារ)"), "\(h.screen)")
        // "None of these" is kept: assessed as safe, not never asked.
        #expect(h.screen.contains("គ្មានណាមួយទេ"), "\(h.screen)")
        h.press(.escape)
        #expect(h.app.topScreenTitleKey == "home.title")
        h.press(.char("3"))
        #expect(h.screen.contains("KC-2026-0001  ស្រីពេជ្រ ប្រាក់"))
        #expect(h.screen.contains("ករណីចំនួន ១"))
        let saved = try h.allCases()
        #expect(saved.count == 1)
        #expect(saved[0].childNameKm == "ស្រីពេជ្រ ប្រាក់")
        #expect(saved[0].villageCode.hasPrefix("140402"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "case.title")
    }

    @Test func listsAndCountsAreFreshAfterComingBack() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        #expect(h.screen.contains("Cases you can see: 0"))
        h.press(.char("3"))
        #expect(h.screen.contains("No cases yet"))
        h.press(.function(7))
        h.fillIntake()
        h.press(.function(2), .escape)
        #expect(h.app.topScreenTitleKey == "cases.title")
        #expect(h.screen.contains("1 case"))
        #expect(h.screen.contains("KC-2026-0001"))
        h.press(.escape)
        #expect(h.screen.contains("Cases you can see: 1"))
    }

    @Test func riskFactorsProposeALevelThatSocialWorkersMayOverride() throws {
        let volunteer = try Harness(language: .en)
        volunteer.logIn("sreymom")
        volunteer.press(.char("1"))
        volunteer.fillIntake()
        for _ in 0..<9 { volunteer.press(.tab) }               // from "Reported by" to "Risk factors"
        volunteer.press(.enter, .char(" "), .enter)           // The child is in immediate danger
        #expect(volunteer.screen.contains("Proposed risk level     Critical"))
        #expect(!volunteer.screen.contains("Set the risk level"))
        volunteer.press(.function(2))
        #expect(volunteer.screen.contains("Risk level              Critical"))

        let worker = Harness(restartOf: volunteer)
        worker.logIn("dara")
        worker.press(.char("1"))
        worker.fillIntake(nameKm: "ដារ៉ា", nameLatin: "Dara")
        for _ in 0..<9 { worker.press(.tab) }
        worker.press(.enter, .char(" "), .enter, .tab)
        worker.type("low")
        worker.press(.enter, .function(2))
        #expect(worker.screen.contains("✗ Say why it differs from the proposed level."))
        worker.press(.tab)
        worker.type("The child is already in the DoSVY shelter.")
        worker.press(.function(2))
        #expect(worker.screen.contains("Risk level              Low"))
        #expect(worker.screen.contains("Risk level set because  The child is already in the DoSVY shelter."))
    }

    @Test func missingFieldsAreMarkedAndNothingTypedIsLost() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("ស្រីពេជ្រ")
        h.press(.function(2))
        #expect(h.screen.contains("Please correct the fields marked ✗ ("))
        #expect(h.screen.contains("✗ Required."))
        #expect(h.screen.contains("✗ Give a date of birth or an estimated age."))
        #expect(h.screen.contains("ស្រីពេជ្រ"))
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(try h.allCases().isEmpty)
    }

    @Test func impossibleAndFutureDatesAreExplainedNextToTheField() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake(age: "")
        for _ in 0..<9 { h.press(.backTab) }          // from "Reported by" back to "Date of birth"
        h.type("៣១/០២/២០២០")
        h.press(.function(2))
        #expect(h.screen.contains("✗ This date does not exist."))
        #expect(h.screen.contains("៣១/០២/២០២០"))
        h.press(.ctrl("u"))
        h.type("1/1/2030")
        h.press(.function(2))
        #expect(h.screen.contains("✗ This date is in the future."))
        h.press(.ctrl("u"))
        h.type("12/3/2014")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("born 12 Mar 2014"))
    }

    /// The warning stands under the age it is about, and F6 says it and
    /// the status line again in the other language.
    @Test func over17WarnsAndASecondSaveKeepsIt() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake(age: "19")
        h.press(.function(2))
        #expect(h.screen.contains("⚠ Over 17: is this a child case?"))
        #expect(h.screen.contains("Press F2 again to save anyway."))
        let rows = h.screen.split(separator: "\n").map(String.init)
        let age = try #require(rows.firstIndex { $0.contains("Or estimated age") })
        #expect(rows[age + 1].contains("Over 17"), "the warning is under the age it is about")
        #expect(try h.allCases().isEmpty)
        h.press(.function(6))
        #expect(h.screen.contains("អាយុលើស ១៧ ឆ្នាំ៖ តើនេះជាករណីកុមារមែនឬ?"))
        #expect(!h.screen.contains("Over 17"))
        #expect(h.screen.contains("ចុច F2 ម្ដងទៀត ដើម្បីនៅតែរក្សាទុក។"), "the status line is said again, not cleared")
        h.press(.function(2))
        #expect(try h.allCases().count == 1)
    }

    @Test func languageSwitchKeepsWhatIsTyped() throws {
        let h = try Harness()
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("ស្រីពេជ្រ")
        #expect(h.screen.contains("ឈ្មោះកុមារ (ខ្មែរ)"))
        h.press(.function(6))
        #expect(h.screen.contains("Child's name (Khmer)"))
        #expect(h.screen.contains("ស្រីពេជ្រ"))
        #expect(h.screen.contains("F6 ខ្មែរ"))
        h.press(.function(6))
        #expect(h.screen.contains("ឈ្មោះកុមារ (ខ្មែរ)"))
        #expect(h.app.currentLanguage == .km)
    }

    @Test func escapeAsksBeforeDiscarding() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.press(.escape)
        #expect(h.screen.contains("Leave this form?"))
        #expect(h.screen.contains("[ Discard ]  [ Keep for later ]  [ Stay ]"))
        h.press(.char("n"))
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains("Dara"))
        h.press(.function(10), .right, .enter)                      // → stops at Stay
        #expect(h.app.topScreenTitleKey == "intake.title")
        h.press(.function(10), .left, .left, .enter)
        #expect(h.app.topScreenTitleKey == "home.title")
        h.press(.char("1"))
        #expect(!h.screen.contains("Dara"), "discarded")
    }

    /// Esc on a half-typed form can keep it for later: the same form
    /// brings the typing back, and so does the next login (walk-through:
    /// Esc offered only to discard, though Ctrl-C kept a draft).
    @Test func escapeCanKeepAFormForLater() throws {
        let h = try Harness(language: .km)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("ស្រីពេជ្រ ប្រាក់")
        h.press(.escape)
        #expect(h.screen.contains("ចាកចេញពីទម្រង់នេះឬ?"))
        #expect(h.screen.contains("[ បោះចោល ]  [ ទុកបន្តពេលក្រោយ ]  [ នៅលើទម្រង់នេះ ]"))
        h.press(.function(6))
        #expect(h.screen.contains("[ Discard ]  [ Keep for later ]  [ Stay ]"), "asked again in English")
        h.press(.left, .enter)                                       // Keep for later
        #expect(h.app.topScreenTitleKey == "home.title")
        #expect(h.screen.contains("Kept for later: open the same form again to continue."))
        // Home says it waits, and F4 lists it, without waiting for the next login.
        #expect(h.screen.contains("1 unsaved form waits for you: F4 opens it."))
        #expect(h.screen.contains("F4 Unsaved"))
        h.press(.function(4))
        #expect(h.app.topScreenTitleKey == "unsaved.title")
        #expect(h.screen.contains("New intake: ស្រីពេជ្រ ប្រាក់"))
        h.press(.escape)
        #expect(h.app.topScreenTitleKey == "home.title")
        h.press(.char("1"), .enter)                                  // New intake; Continue the kept one
        #expect(h.screen.contains("ស្រីពេជ្រ ប្រាក់"))
        #expect(h.screen.contains("What you typed earlier on this form is back."))
        h.press(.escape, .left, .enter)
        h.logOut()
        h.logIn("sreymom")
        #expect(h.app.topScreenTitleKey == "unsaved.title")
    }

    /// F6 while a question waits asks it again in the other language,
    /// the same answer highlighted.
    @Test func f6AsksAWaitingQuestionAgainInTheOtherLanguage() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.press(.escape, .left, .left)                              // "Discard" highlighted
        #expect(h.screen.contains("Leave this form?"))
        h.press(.function(6))
        #expect(h.screen.contains("ចាកចេញពីទម្រង់នេះឬ?"))
        #expect(!h.screen.contains("Leave this form?"))
        #expect(h.app.currentLanguage == .km)
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "home.title", "Yes stayed highlighted")
        #expect(h.screen.contains("បានបោះចោល៖ អ្វីដែលអ្នកបានវាយនៅលើទម្រង់នោះ លែងមានទៀតហើយ។"), "says it was discarded")
    }

    @Test func resizeToTooSmallAndBackKeepsTheForm() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("ស្រីពេជ្រ")
        h.backend.resize(to: Size(width: 60, height: 20))
        h.app.process(h.backend.readKey()!)
        #expect(h.screen.contains("Please enlarge the terminal to at least 80×24. It is now"))
        #expect(h.screen.contains("60×20. F10 quits."))
        h.type("xyz")      // ignored while too small
        h.backend.resize(to: Size(width: 100, height: 30))
        h.app.process(h.backend.readKey()!)
        #expect(h.screen.contains("ស្រីពេជ្រ"))
        #expect(!h.screen.contains("xyz"))
        #expect(h.backend.lastFrame.size == Size(width: 100, height: 30))
    }

    @Test func helpIsGeneratedFromTheScreensBindings() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"), .function(1))
        #expect(h.app.topScreenTitleKey == "help.title")
        #expect(h.screen.contains("Keys on the screen “New intake”"))
        #expect(h.screen.contains("F2      Save."))
        #expect(h.screen.contains("Esc 1 = F1"))
        h.press(.escape)
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains("F1 Help  F2 Save"))
    }
}

@MainActor
@Suite struct SearchFlowTests {
    @Test func f3FindsACaseAsYouTypeAndOpensIt() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .escape)
        #expect(h.screen.contains("F3 Search"))
        h.press(.function(3))
        #expect(h.app.topScreenTitleKey == "search.title")
        #expect(h.screen.contains("Type a name (Khmer or Latin), a case code or a village; Enter opens."))
        h.type("ពេជ្")
        #expect(h.screen.contains("1 found"))
        #expect(h.screen.contains("KC-2026-0001"))
        h.type("zz")
        #expect(h.screen.contains("Nothing found."))
        h.press(.backspace, .backspace, .ctrl("u"))
        h.type("prak")
        h.press(.down, .enter)
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("Sreypich Prak"))
    }

    @Test func searchIsNotOfferedBeforeLoginOrToAdmins() throws {
        let h = try Harness(language: .en)
        #expect(!h.screen.contains("F3"))
        h.press(.function(3))
        #expect(h.app.topScreenTitleKey == "login.title")
        h.logIn("admin")
        #expect(!h.screen.contains("F3"))
    }
}

@MainActor
@Suite struct DuplicateFlowTests {
    @Test func theSameChildTwiceShowsTheMatchAndCanBeSavedAnyway() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .escape, .char("1"))
        h.fillIntake()
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "duplicates.title")
        #expect(h.screen.contains("Existing cases that look like this child: 1."))
        #expect(h.screen.contains("KC-2026-0001"))
        #expect(h.screen.contains("100%"))
        #expect(h.screen.contains("F2 Save anyway"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "case.title")
        h.press(.escape, .escape)
        #expect(h.app.topScreenTitleKey == "intake.title")
        #expect(h.screen.contains("Sreypich Prak"))
        #expect(try h.allCases().count == 1)
        h.press(.function(2), .function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("Case KC-2026-0002 saved."))
        #expect(try h.allCases().count == 2)
    }

    @Test func anotherVolunteersMatchShowsOnlyItsCode() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .escape)
        h.logOut()
        h.logIn("pov")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2))
        #expect(h.screen.contains("KC-2026-0001  (another user's)"))
        #expect(!h.screen.contains("Sreypich Prak"))
        h.press(.enter)
        #expect(h.screen.contains("ask a social worker to compare them"))
        #expect(h.app.topScreenTitleKey == "duplicates.title")
    }
}

@MainActor
@Suite struct ReviewFlowTests {
    @Test func socialWorkerAcceptsClosesAndReopensWithAHistory() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2))
        #expect(!h.screen.contains("F4"))       // volunteers cannot change a status
        h.press(.escape)
        h.logOut()
        h.logIn("dara")
        #expect(h.screen.contains("2  Review new intakes (1)"))
        h.press(.char("2"))
        #expect(h.app.topScreenTitleKey == "review.title")
        #expect(h.screen.contains("1 waiting: most urgent first, then the oldest."))
        h.press(.enter)
        #expect(h.screen.contains("F4 Status"))
        h.press(.function(4))
        #expect(h.app.topScreenTitleKey == "action.title")
        #expect(h.screen.contains("Accept (open the case)"))
        #expect(h.screen.contains("Assign to *"))
        #expect(!h.screen.contains("Closure reason"))
        #expect(h.screen.contains("Risk level *              Low"))   // the intake's proposal
        h.press(.tab, .tab)
        h.type("hi")
        h.press(.enter)                                       // the list filters to High
        h.press(.tab)
        h.type("Home visit this week.")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("Case KC-2026-0001 is now Open."))
        #expect(h.screen.contains("Assigned to             ចាន់ ដារ៉ា"))
        #expect(h.screen.contains("ចាន់ ដារ៉ា · Accepted · Risk level: Low → High · Assigned"))
        #expect(h.screen.contains("ចាន់ ដារ៉ា — Home visit this week."))
        #expect(h.screen.contains("Intake recorded"))
        h.press(.function(4))
        #expect(h.screen.contains("Close the case"))
        h.press(.tab, .enter)
        h.type("goals")
        h.press(.enter, .function(2))
        #expect(h.screen.contains("is now Closed."))
        #expect(h.screen.contains("Closure reason          Goals met"))
        h.press(.function(4))
        #expect(h.screen.contains("Reopen the case"))
        h.press(.function(2))
        #expect(h.screen.contains("✗ Say why the case is reopened."))
        h.press(.tab)
        h.type("The family moved back.")
        h.press(.function(2))
        #expect(h.screen.contains("is now Open."))
        #expect(h.screen.contains("Reopened"))
        h.press(.escape)
        #expect(h.screen.contains("No new intakes are waiting."))
    }

    @Test func closingAsADuplicateNeedsAnExistingCode() throws {
        let h = try Harness(language: .en)
        h.logIn("dara")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .escape, .char("1"))
        h.fillIntake(nameKm: "ដារ៉ា", nameLatin: "Dara")
        h.press(.function(2))
        #expect(h.screen.contains("KC-2026-0002"))
        h.press(.function(4), .enter, .down, .enter)          // the action: Close the case
        #expect(h.screen.contains("Close the case"))
        #expect(!h.screen.contains("Assign to"))
        h.press(.tab)
        h.type("dupl")
        h.press(.enter)
        #expect(h.screen.contains("Duplicate of (case code)"))
        h.press(.tab)
        h.type("KC-2026-0099")
        h.press(.function(2))
        #expect(h.screen.contains("✗ No other case has this code."))
        h.press(.ctrl("u"))
        h.type("kc-2026-0001")
        h.press(.function(2))
        #expect(h.screen.contains("Case KC-2026-0002 is now Closed."))
        #expect(h.screen.contains("Duplicate KC-2026-0001"))
    }
}

@MainActor
@Suite struct FollowUpFlowTests {
    @Test func acceptedCaseAppearsInTheQueueAndAVisitSchedulesTheNext() throws {
        let h = try Harness(language: .en)
        h.logIn("dara")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .function(4), .tab, .tab)
        h.type("crit")
        h.press(.enter, .tab)
        h.type("Her stepfather is back in the house.")
        h.press(.function(2))
        #expect(h.screen.contains("Next follow-up          22 Nov 2026"))
        h.press(.escape)
        #expect(h.screen.contains("3  Follow-ups (0 due)"))
        h.press(.char("3"))
        #expect(h.app.topScreenTitleKey == "followups.title")
        #expect(h.screen.contains("Overdue: 0 · due today: 0 · next 7 days: 1"))
        #expect(h.screen.contains("22/11/2026"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "visit.title")
        #expect(h.screen.contains("Due 22 Nov 2026"))
        h.press(.function(2))
        #expect(h.screen.contains("✗ Required."))
        h.press(.enter, .enter, .tab)                         // focus is on the first problem: wellbeing Better
        h.type("low")
        h.press(.enter, .tab)
        h.type("Back at school; mother attends the savings group.")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "followups.title")
        #expect(h.screen.contains("Follow-up of KC-2026-0001 recorded. Next one due 21 Dec 2026."))
        // F6 says the saved message again, its date too, in Khmer and back.
        h.press(.function(6))
        #expect(h.screen.contains("បានកត់ត្រាការតាមដាន KC-2026-0001។ ការតាមដានបន្ទាប់ដល់កំណត់ថ្ងៃ ២១ ធ្នូ ២០២៦។"))
        h.press(.function(6))
        #expect(h.screen.contains("Follow-up of KC-2026-0001 recorded. Next one due 21 Dec 2026."))
        #expect(h.screen.contains("No follow-ups due in the next seven days."))
        h.press(.escape, .char("4"), .enter)
        #expect(h.screen.contains("· Follow-up · Risk level: Low · Done · Home"))
        #expect(h.screen.contains("Risk level              Low"))
    }

    @Test func aMissedVisitNeedsAReason() throws {
        let h = try Harness(language: .en)
        h.logIn("dara")
        h.press(.char("1"))
        h.fillIntake()
        h.press(.function(2), .function(4), .tab, .tab)
        h.type("high")
        h.press(.enter, .tab)
        h.type("Two concerns and no safe caregiver.")
        h.press(.function(2), .escape, .char("3"), .enter)
        h.press(.enter, .down, .enter)                          // outcome: Missed
        #expect(!h.screen.contains("What you found"))
        h.press(.function(2))
        #expect(h.screen.contains("✗ Required."))
        h.type("Family at the rice harvest.")                   // focus is on the first problem: the reason
        h.press(.function(2))
        #expect(h.screen.contains("Next one due 22 Nov 2026."))
    }
}
