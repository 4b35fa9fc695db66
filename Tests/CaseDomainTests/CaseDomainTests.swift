import KhmerText
import Testing
@testable import CaseDomain

let today = LocalDate(year: 2026, month: 11, day: 21)!

@Suite struct LocalDateTests {
    @Test func parsesDayMonthYearInEitherDigits() throws {
        #expect(try LocalDate.parse(userInput: "21/11/2026").get() == today)
        #expect(try LocalDate.parse(userInput: "២១/១១/២០២៦").get() == today)
        #expect(try LocalDate.parse(userInput: " 1-2-26 ").get() == LocalDate(year: 2026, month: 2, day: 1))
        #expect(try LocalDate.parse(userInput: "29.02.2024").get() == LocalDate(year: 2024, month: 2, day: 29))
    }

    @Test func refusesImpossibleAndMalformed() {
        #expect(LocalDate.parse(userInput: "31/02/2026") == .failure(.impossible))
        #expect(LocalDate.parse(userInput: "29/02/2025") == .failure(.impossible))
        #expect(LocalDate.parse(userInput: "12/13/2020") == .failure(.impossible))
        #expect(LocalDate.parse(userInput: "2026") == .failure(.malformed))
        #expect(LocalDate.parse(userInput: "a/b/c") == .failure(.malformed))
        #expect(LocalDate.parse(userInput: "1/1/202") == .failure(.malformed))
    }

    @Test func isoRoundTripAndAges() {
        #expect(LocalDate(iso: today.iso) == today)
        #expect(today.iso == "2026-11-21")
        let dob = LocalDate(year: 2014, month: 11, day: 22)!
        #expect(dob.years(until: today) == 11)
        #expect(LocalDate(year: 2014, month: 11, day: 21)!.years(until: today) == 12)
    }
}

@Suite struct PermissionTests {
    /// DESIGN.md §3, row by row.
    @Test(arguments: Role.allCases)
    func matchesTheDesignTable(role: Role) {
        let expected: [Action: Set<Role>] = [
            .createIntake: [.volunteer, .socialWorker, .coordinator],
            .viewOwnCases: [.volunteer, .socialWorker, .coordinator],
            .recordFollowUp: [.volunteer, .socialWorker, .coordinator],
            .viewAllCases: [.socialWorker, .coordinator],
            .assessRisk: [.socialWorker, .coordinator],
            .assignCase: [.socialWorker, .coordinator],
            .closeCase: [.socialWorker, .coordinator],
            .reopenCase: [.socialWorker, .coordinator],
            .manageReferrals: [.socialWorker, .coordinator],
            .readProviders: Set(Role.allCases),
            .editProviders: [.coordinator],
            .readReports: [.socialWorker, .coordinator],
            .exportData: [.coordinator], .importData: [.coordinator],
            .manageUsers: [.admin], .manageSettings: [.admin], .backupRestore: [.admin], .readAudit: [.admin],
        ]
        for action in Action.allCases {
            #expect(PermissionPolicy.allows(role, action) == expected[action]!.contains(role), "\(role) \(action)")
        }
    }

    @Test func sessionRequireThrows() {
        let admin = Session(user: UserAccount(id: 1, username: "a", displayName: "A", role: .admin, languageCode: "km",
                                              isActive: true))
        #expect(throws: PermissionDenied(role: .admin, action: .createIntake)) { try admin.require(.createIntake) }
        #expect(throws: Never.self) { try admin.require(.manageUsers) }
    }
}

@Suite struct IntakeRuleTests {
    func valid() -> IntakeInput {
        var input = IntakeInput()
        input.childNameKm = "ស្រីពេជ្រ"
        input.sex = .female
        input.birth = .dateOfBirth(LocalDate(year: 2014, month: 3, day: 12)!)
        input.villageCode = "14040201"
        input.concerns = [.childLabour]
        input.narrative = "បានឃើញកុមារធ្វើការនៅឡឥដ្ឋ។"
        input.reporter = .teacher
        input.reportedDate = today
        return input
    }

    @Test func validInputHasNoIssues() {
        #expect(IntakeRules.validate(valid(), today: today).isEmpty)
    }

    @Test func emptyInputNamesEveryRequiredField() {
        let fields = Set(IntakeRules.validate(IntakeInput(), today: today).map(\.field))
        #expect(fields == [.childNameKm, .sex, .birth, .village, .concerns, .narrative, .reporter])
    }

    @Test func eitherNameIsEnough() {
        var input = valid()
        input.childNameKm = " "
        input.childNameLatin = "Sreypich"
        #expect(IntakeRules.validate(input, today: today).isEmpty)
    }

    @Test func futureDatesAreRefused() {
        var input = valid()
        input.birth = .dateOfBirth(LocalDate(year: 2027, month: 1, day: 1)!)
        input.reportedDate = LocalDate(year: 2026, month: 11, day: 22)
        let issues = IntakeRules.validate(input, today: today)
        #expect(issues.contains(FieldIssue(.birth, "error.future-date")))
        #expect(issues.contains(FieldIssue(.reportedDate, "error.future-date")))
    }

    @Test func over17WarnsButDoesNotBlock() {
        var input = valid()
        input.birth = .estimatedAge(19)
        #expect(IntakeRules.validate(input, today: today) == [FieldIssue(.birth, "warning.over-17", warning: true)])
        input.birth = .dateOfBirth(LocalDate(year: 2008, month: 1, day: 1)!)
        #expect(IntakeRules.validate(input, today: today).allSatisfy { $0.isWarning })
        input.birth = .estimatedAge(45)
        #expect(IntakeRules.validate(input, today: today) == [FieldIssue(.birth, "error.age-range")])
    }

    @Test func villageMustBeAnEightDigitCode() {
        var input = valid()
        input.villageCode = "1404"
        #expect(IntakeRules.validate(input, today: today).map(\.field) == [.village])
    }

    @Test func birthInfoAges() {
        #expect(BirthInfo.estimatedAge(7).age(on: today) == 7)
        #expect(BirthInfo.estimatedAge(7).isEstimated)
        #expect(!BirthInfo.dateOfBirth(today).isEstimated)
    }
}

@Suite struct AccountRuleTests {
    @Test func usernames() {
        #expect(UsernameRules.isValid("sok.dara"))
        #expect(UsernameRules.isValid(" Admin "))
        #expect(UsernameRules.normalized(" Admin ") == "admin")
        #expect(!UsernameRules.isValid("ab"))
        #expect(!UsernameRules.isValid("សុខា"))
        #expect(!UsernameRules.isValid("has space"))
    }

    @Test func codesAndLabels() {
        #expect(CaseCode.make(year: 2026, number: 1) == "KC-2026-0001")
        #expect(Role.socialWorker.labelKey == "role.social-worker")
        #expect(RiskLevel.low < RiskLevel.critical)
    }

    /// The policy: ten code points (a Khmer passphrase counts what was
    /// typed), not the username in any case or with digits around it, not a
    /// common password nor one with digits or symbols added to it.
    @Test func passwordPolicy() {
        let common: Set = ["password", "sunshine", "iloveyou1"]
        func problem(_ password: String, _ username: String = "sreymom") -> PasswordProblem? {
            PasswordRules.problem(password, username: username, isCommon: common.contains)
        }
        #expect(problem("short") == .tooShort)
        #expect(problem("123456789") == .tooShort)
        #expect(problem("ស្រីមុំទៅផ្សារ") == nil)                 // 14 code points, 7 clusters
        #expect(problem("ស្រីមុំ") == .tooShort)                   // 7 code points
        #expect(problem("Sreymom123", "sreymom") == .isUsername)
        #expect(problem("!!sreymom2026", "sreymom") == .isUsername)
        #expect(problem("Password2026!") == .tooCommon)
        #expect(problem("iloveyou1") == .tooShort)
        #expect(problem("sunshine!!12") == .tooCommon)
        #expect(problem("rice fields at dawn") == nil)
        #expect(problem("mekong-river-9") == nil)
    }
}

@Suite struct DuplicateScoringTests {
    func existing(km: String, latin: String, sex: Sex = .female, age: Int = 12, village: String = "14040201")
        -> CaseSummary {
        CaseSummary(id: 1, code: "KC-2026-0001", childNameKm: km, childNameLatin: latin, sex: sex, ageYears: age,
                    ageIsEstimated: true, villageCode: village, status: .new, riskLevel: nil, reportedDate: today)
    }

    func input(km: String, latin: String = "", sex: Sex = .female, age: Int = 12, village: String = "14040201")
        -> IntakeInput {
        var i = IntakeInput()
        i.childNameKm = km
        i.childNameLatin = latin
        i.sex = sex
        i.birth = .estimatedAge(age)
        i.villageCode = village
        return i
    }

    @Test func sameChildScoresHigh() {
        let c = existing(km: "ស្រីពេជ្រ ប្រាក់", latin: "Sreypich Prak")
        #expect(DuplicateScoring.score(input(km: "ស្រីពេជ្រ ប្រាក់"), today: today, against: c) == 100)
        // Word order, a zero-width space and a nearby age still match.
        let moved = input(km: "ប្រាក់ ស្រី\u{200B}ពេជ្រ", age: 13, village: "14040202")
        #expect(DuplicateScoring.score(moved, today: today, against: c) >= DuplicateScoring.threshold)
        // Latin alone is enough.
        #expect(DuplicateScoring.score(input(km: "", latin: "sreypich prak"), today: today, against: c)
            >= DuplicateScoring.threshold)
    }

    @Test func differentSexOrDifferentChildDoesNotMatch() {
        let c = existing(km: "ស្រីពេជ្រ ប្រាក់", latin: "Sreypich Prak")
        #expect(DuplicateScoring.score(input(km: "ស្រីពេជ្រ ប្រាក់", sex: .male), today: today, against: c) == 0)
        let other = input(km: "សុខា ចាន់", latin: "Sokha Chan", age: 4, village: "20010101")
        #expect(DuplicateScoring.score(other, today: today, against: c) < DuplicateScoring.threshold)
        let farAge = input(km: "ស្រីពេជ្រ ប្រាក់", age: 3, village: "20010101")
        #expect(DuplicateScoring.score(farAge, today: today, against: c) == 70)
    }

    @Test func similarityIsSymmetricAndBounded() {
        let a = DuplicateScoring.similarity("Sok Dara", "Dara Sok")
        #expect(a == DuplicateScoring.similarity("Dara Sok", "Sok Dara"))
        #expect(a > 0.8)
        #expect(DuplicateScoring.similarity("", "Dara") == 0)
        #expect(DuplicateScoring.similarity("Dara", "Dara") == 1)
        #expect(DuplicateScoring.searchWords(input(km: "ស្រីពេជ្រ ប្រាក់", latin: "Sok A"))
            == ["sok", SearchKey.make("ប្រាក់"), SearchKey.make("ស្រីពេជ្រ")].sorted())
    }
}

@Suite struct CaseStatusRuleTests {
    @Test func actionsFollowStatusAndRole() {
        #expect(CaseStatusRules.actions(for: .new, role: .socialWorker) == [.accept, .close])
        #expect(CaseStatusRules.actions(for: .open, role: .coordinator) == [.close, .reassign])
        #expect(CaseStatusRules.target(of: .reassign) == .open, "another worker; still open")
        #expect(CaseStatusRules.actions(for: .closed, role: .socialWorker) == [.reopen])
        for status in CaseStatus.allCases {
            #expect(CaseStatusRules.actions(for: status, role: .volunteer).isEmpty)
            #expect(CaseStatusRules.actions(for: status, role: .admin).isEmpty)
        }
        #expect(CaseStatusRules.target(of: .accept) == .open)
        #expect(CaseStatusRules.target(of: .close) == .closed)
        #expect(CaseStatusRules.target(of: .reopen) == .open)
    }

    @Test func anotherRiskLevelThanTheProposedOneNeedsAReason() {
        let lowered = CaseChange(action: .accept, expectedVersion: 1, assignTo: 2, riskLevel: .medium)
        #expect(lowered.validate(currentStatus: .new, currentRisk: .high) == [.note: "error.risk-reason"])
        #expect(lowered.validate(currentStatus: .new, currentRisk: .medium).isEmpty)
        var explained = lowered
        explained.note = "The uncle has moved away."
        #expect(explained.validate(currentStatus: .new, currentRisk: .high).isEmpty)
        explained.note = "  \n "
        #expect(explained.validate(currentStatus: .new, currentRisk: .high) == [.note: "error.risk-reason"])
    }

    @Test func everyActionSaysWhatItNeeds() {
        #expect(CaseChange(action: .accept, expectedVersion: 1).validate(currentStatus: .new)
            == [.assignTo: "error.required", .riskLevel: "error.required"])
        #expect(CaseChange(action: .accept, expectedVersion: 1, assignTo: 2, riskLevel: .high)
            .validate(currentStatus: .new).isEmpty)
        #expect(CaseChange(action: .accept, expectedVersion: 1, assignTo: 2, riskLevel: .high)
            .validate(currentStatus: .open) == [.action: "error.status-move"])
        #expect(CaseChange(action: .close, expectedVersion: 1, closureReason: .duplicate)
            .validate(currentStatus: .open) == [.duplicateOf: "error.required"])
        #expect(CaseChange(action: .close, expectedVersion: 1, closureReason: .goalsMet)
            .validate(currentStatus: .closed) == [.action: "error.status-move"])
        #expect(CaseChange(action: .reopen, expectedVersion: 1).validate(currentStatus: .closed)
            == [.note: "error.reopen-note"])
    }
}

@Suite struct FollowUpRuleTests {
    @Test func intervalsByRiskWithSettingsOverrides() {
        let rules = FollowUpRules()
        #expect(RiskLevel.allCases.map(rules.interval(for:)) == [30, 14, 7, 1])
        #expect(rules.nextDue(after: today, risk: .high) == LocalDate(year: 2026, month: 11, day: 28))
        let custom = FollowUpRules(overrides: [.low: 60, .critical: 0])
        #expect(custom.interval(for: .low) == 60)
        #expect(custom.interval(for: .critical) == 1)
    }

    @Test func datesRollOverMonthsYearsAndLeapDays() {
        #expect(LocalDate(year: 2026, month: 12, day: 31)!.adding(days: 1) == LocalDate(year: 2027, month: 1, day: 1))
        #expect(LocalDate(year: 2028, month: 2, day: 28)!.adding(days: 1) == LocalDate(year: 2028, month: 2, day: 29))
        #expect(today.adding(days: -21) == LocalDate(year: 2026, month: 10, day: 31))
        #expect(LocalDate(year: 2026, month: 12, day: 31)!.days(until: LocalDate(year: 2027, month: 3, day: 1)!) == 60)
        #expect(today.days(until: today.adding(days: -21)) == -21)
        #expect(today.days(until: today) == 0)
    }

    @Test func urgency() {
        #expect(FollowUpRules.urgency(due: today.adding(days: -1), today: today) == .overdue)
        #expect(FollowUpRules.urgency(due: today, today: today) == .dueToday)
        #expect(FollowUpRules.urgency(due: today.adding(days: 7), today: today) == .upcoming)
        #expect(FollowUpRules.urgency(due: today.adding(days: 8), today: today) == .later)
    }

    @Test func visitsNeedWhatTheirOutcomeNeeds() {
        #expect(VisitReport(outcome: .done, type: .homeVisit, date: today).validate(today: today)
            == ["wellbeing": "error.required", "notes": "error.required"])
        #expect(VisitReport(outcome: .missed, type: .phone, date: today).validate(today: today)
            == ["reason": "error.required"])
        #expect(VisitReport(outcome: .done, type: .homeVisit, date: today.adding(days: 1), notes: "ok",
                               wellbeing: .same).validate(today: today) == ["date": "error.future-date"])
    }
}

@Suite struct RiskAssessmentTests {
    @Test func answersProposeALevel() {
        #expect(RiskAssessment.proposedLevel([]) == .low)
        #expect(RiskAssessment.proposedLevel([.plannedMigration]) == .medium)
        #expect(RiskAssessment.proposedLevel([.plannedMigration, .outOfSchoolOrWorking]) == .medium)
        #expect(RiskAssessment.proposedLevel([.perpetratorHasAccess, .repeatedHarm]) == .high)
        #expect(RiskAssessment.proposedLevel([.plannedMigration, .outOfSchoolOrWorking, .noSafeCaregiver]) == .high)
        #expect(RiskAssessment.proposedLevel([.immediateDanger]) == .critical)
    }

    @Test func anOverrideNeedsAReason() {
        var input = IntakeRuleTests().valid()
        input.riskAnswers = [.immediateDanger]
        #expect(input.riskLevel == .critical)
        input.riskOverride = .critical
        #expect(IntakeRules.validate(input, today: today).isEmpty)
        input.riskOverride = .high
        #expect(IntakeRules.validate(input, today: today) == [FieldIssue(.riskOverrideReason, "error.override-reason")])
        input.riskOverrideReason = "Child now staying with the aunt."
        #expect(IntakeRules.validate(input, today: today).isEmpty)
        #expect(input.riskLevel == .high)
        #expect(YesNoUnknown(nil) == .unknown && YesNoUnknown(true).bool == true)
    }
}

@Suite struct OfficeSettingsRulesTests {
    let valid = OfficeSettings(organisation: "អង្គការកុមារ", languageCode: "km")

    @Test func theDefaultsAreValid() {
        #expect(OfficeSettingsRules.validate(valid).isEmpty)
    }

    @Test func daysMustBeFromOneToAYearAndPresent() {
        var s = valid
        s.followUpDays[.low] = 0
        s.followUpDays[.medium] = 366
        s.followUpDays[.high] = nil
        s.organisation = "  "
        #expect(OfficeSettingsRules.validate(s) == [
            .followUpDays(.low): "error.days-range", .followUpDays(.medium): "error.days-range",
            .followUpDays(.high): "error.required", .organisation: "error.required",
        ])
    }

    @Test func aRiskierLevelNeverWaitsLongerThanASaferOne() {
        var s = valid
        s.followUpDays[.high] = 20                    // medium is 14
        #expect(OfficeSettingsRules.validate(s) == [.followUpDays(.high): "error.days-order"])
        s.followUpDays[.high] = 14                    // the same is allowed
        #expect(OfficeSettingsRules.validate(s).isEmpty)
        s.followUpDays[.high] = 0                     // out of range: that message alone
        #expect(OfficeSettingsRules.validate(s) == [.followUpDays(.high): "error.days-range"])
    }
}

@Suite struct IntakeDifferencesTests {
    @Test func differencesNameEachChangedFieldInFormOrderAndIgnoreSpacesAndRisk() {
        var a = IntakeInput()
        a.childNameKm = "ស្រីពេជ្រ"
        a.birth = .estimatedAge(12)
        a.concerns = [.neglect]
        var b = a
        b.childNameKm = "ស្រីពេជ្រ "
        b.riskAnswers = [.immediateDanger]
        #expect(b.differences(from: a).isEmpty)
        b.concerns = [.neglect, .childLabour]
        b.birth = .estimatedAge(13)
        b.householdId = 4
        b.consentRecordedBy = "Dara"
        #expect(b.differences(from: a) == [.birth, .household, .concerns, .consentBy])
    }
}
