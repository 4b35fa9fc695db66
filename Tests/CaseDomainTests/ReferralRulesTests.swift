import Testing
@testable import CaseDomain

@Suite struct ReferralRulesTests {
    static let allowed: [ReferralStatus: Set<ReferralStatus>] = [
        .draft: [.sent, .cancelled],
        .sent: [.accepted, .declined, .cancelled],
        .accepted: [.enrolled, .declined, .cancelled],
        .enrolled: [.completed, .droppedOut],
        .completed: [], .declined: [], .droppedOut: [], .cancelled: [],
    ]

    /// Every pair of statuses: the allowed moves pass (given what each
    /// needs), every other move is refused with a message for the status field.
    @Test(arguments: ReferralStatus.allCases)
    func everyMoveFrom(_ from: ReferralStatus) {
        for to in ReferralStatus.allCases {
            let move = ReferralMove(to: to, expectedVersion: 1, reason: "reason", outcome: .workingInSkill)
            let issues = ReferralRules.validate(move, from: from, consentRecorded: true)
            if Self.allowed[from]!.contains(to) {
                #expect(issues.isEmpty, "\(from) → \(to) should be allowed")
            } else {
                let expected = ReferralRules.isFinal(from) ? "error.referral-final" : "error.referral-move"
                #expect(issues == [.to: expected], "\(from) → \(to) should be refused")
            }
        }
    }

    @Test func exitsNeedAReasonAndCompletionAnOutcome() {
        for exit in [ReferralStatus.declined, .cancelled] {
            #expect(ReferralRules.validate(ReferralMove(to: exit, expectedVersion: 1), from: .sent, consentRecorded: true)
                == [.reason: "error.reason-required"])
        }
        #expect(ReferralRules.validate(ReferralMove(to: .droppedOut, expectedVersion: 1), from: .enrolled,
                                       consentRecorded: true) == [.reason: "error.reason-required"])
        #expect(ReferralRules.validate(ReferralMove(to: .completed, expectedVersion: 1), from: .enrolled,
                                       consentRecorded: true) == [.outcome: "error.required"])
    }

    @Test func sendingNeedsConsent() {
        let send = ReferralMove(to: .sent, expectedVersion: 1)
        #expect(ReferralRules.validate(send, from: .draft, consentRecorded: false) == [.consent: "error.consent-before-sending"])
        var withConsent = send
        withConsent.recordConsent = true
        #expect(ReferralRules.validate(withConsent, from: .draft, consentRecorded: false).isEmpty)
        var input = ReferralInput(subject: .member(memberId: 1))
        input.send = true
        #expect(ReferralInputRules.validate(input) == [.service: "error.required", .provider: "error.required",
                                                       .reason: "error.required", .consent: "error.consent-before-sending"])
    }

    @Test func seatCheck() {
        #expect(SeatAvailability(seats: nil, taken: 40) == .unlimited)
        #expect(SeatAvailability(seats: 0, taken: 0) == .unlimited)
        #expect(SeatAvailability(seats: 20, taken: 19) == .available(1))
        #expect(SeatAvailability(seats: 20, taken: 20).isFull)
        #expect(SeatAvailability(seats: 20, taken: 23) == .full(seats: 20, taken: 23))
    }

    @Test func providersServeTheirAreas() {
        let p = Provider(id: 1, nameKm: "", nameLatin: "X", kind: .ngo, services: [.sewing], areas: ["14", "2001"],
                         contactPerson: "", phone: "", address: "", seatsPerIntake: nil, nextIntake: nil, isActive: true,
                         version: 1)
        #expect(p.serves(villageCode: "14040201"))
        #expect(p.serves(villageCode: "20010101"))
        #expect(!p.serves(villageCode: "20020101"))
        var everywhere = p
        everywhere.areas = []
        #expect(everywhere.serves(villageCode: "09010101"))
    }

    @Test func referralPermissionsPerRole() {
        #expect(PermissionPolicy.allows(.socialWorker, .manageReferrals))
        #expect(PermissionPolicy.allows(.coordinator, .manageReferrals))
        #expect(!PermissionPolicy.allows(.volunteer, .manageReferrals))
        #expect(!PermissionPolicy.allows(.admin, .manageReferrals))
        for role in Role.allCases { #expect(PermissionPolicy.allows(role, .readProviders)) }
        #expect(Role.allCases.filter { PermissionPolicy.allows($0, .editProviders) } == [.coordinator])
        #expect(Role.allCases.filter { PermissionPolicy.allows($0, .exportData) } == [.coordinator])
    }
}

@Suite struct HouseholdRulesTests {
    @Test func riskScoreAddsWeights() {
        #expect(HouseholdRisk.score(idPoor: .none, factors: []) == 0)
        #expect(HouseholdRisk.score(idPoor: .level1, factors: [.debt, .memberPlanningMigration]) == 8)
        #expect(HouseholdRisk.score(idPoor: .level2, factors: [.femaleHeaded]) == 3)
        #expect(HouseholdRisk.level(score: 2) == .low)
        #expect(HouseholdRisk.level(score: 3) == .medium)
        #expect(HouseholdRisk.level(score: 6) == .high)
        #expect(HouseholdRisk.level(score: 9) == .critical)
        let everything = HouseholdRisk.score(idPoor: .level1, factors: Set(Vulnerability.allCases))
        #expect(HouseholdRisk.level(score: everything) == .critical)
    }

    @Test func validation() {
        var input = HouseholdInput()
        #expect(HouseholdRules.validate(input, isNew: true) == [.headName: "error.person-name-required",
                                                                .headSex: "error.required",
                                                                .village: "error.village-required"])
        input.headNameKm = "សុខ"
        input.headSex = .male
        input.villageCode = "14040201"
        input.phone = "012 345 678"
        #expect(HouseholdRules.validate(input, isNew: true).isEmpty)
        input.phone = "០១២ ៣៤៥ ៦៧៨"
        #expect(HouseholdRules.validate(input, isNew: true).isEmpty)
        input.phone = "12"
        #expect(HouseholdRules.validate(input, isNew: true) == [.phone: "error.phone"])
        input.phone = ""
        input.riskOverride = .critical
        #expect(HouseholdRules.validate(input, isNew: true) == [.riskOverrideReason: "error.override-reason"])
    }

    @Test func aDestinationIsKnownByItsCodeItsNamesOrACommonOtherName() {
        let names: (Destination) -> [String] = { $0 == .thailand ? ["ថៃ", "Thailand"] : $0 == .southKorea ? ["South Korea"] : [] }
        for typed in ["Thailand", " thailand ", "ថៃ", "ប្រទេសថៃ", "ប្រទេស ថៃ", "thai", "THAILAND"] {
            #expect(Destination.named(typed, names: names) == .thailand, "\(typed)")
        }
        for typed in ["south-korea", "South Korea", "southkorea", "korea", "កូរ៉េ"] {
            #expect(Destination.named(typed, names: names) == .southKorea, "\(typed)")
        }
        for typed in ["", "  ", "Qatar", "ប្រទេស", "Thailandia"] {
            #expect(Destination.named(typed, names: names) == nil, "\(typed)")
        }
    }

    @Test func theFactorsThatDescribeTheHeadAgreeWithTheHead() {
        var input = HouseholdInput()
        input.headNameKm = "សុខ"
        input.headSex = .male
        input.headAge = 45
        input.villageCode = "14040201"
        input.vulnerabilities = [.debt, .femaleHeaded]
        #expect(HouseholdRules.validate(input, isNew: true) == [.vulnerabilities: "error.female-headed-male-head"])
        input.headSex = .female
        #expect(HouseholdRules.validate(input, isNew: true).isEmpty)
        input.vulnerabilities = [.elderlyHeaded]
        #expect(HouseholdRules.validate(input, isNew: true) == [.vulnerabilities: "error.elderly-headed-young-head"])
        input.headAge = HouseholdRules.elderlyAge
        #expect(HouseholdRules.validate(input, isNew: true).isEmpty)
        input.headAge = nil                                            // an age not known is not contradicted
        #expect(HouseholdRules.validate(input, isNew: false).isEmpty)
    }

    @Test func phoneNumbers() {
        for ok in ["", "012345678", "097 123 4567", "+855 12 345 678", "០៩៧ ១២៣ ៤៥៦៧"] { #expect(PhoneRules.isValid(ok), "\(ok)") }
        for bad in ["12345", "abc12345678", "0123456789012", "12345678"] { #expect(!PhoneRules.isValid(bad), "\(bad)") }
        #expect(PhoneRules.normalized("០១២-៣៤៥") == "012345")
    }

    @Test func members() {
        var m = MemberInput()
        let today = LocalDate(year: 2026, month: 11, day: 21)!
        #expect(MemberRules.validate(m, today: today).keys.sorted { $0.rawValue < $1.rawValue } == [.birth, .name, .sex])
        m.nameLatin = "Dara"
        m.sex = .male
        m.birth = .estimatedAge(19)
        m.migration = .migratedAbroad
        #expect(MemberRules.validate(m, today: today) == [.migrationCountry: "error.country-required"])
        m.migrationCountry = "ថៃ"
        #expect(MemberRules.validate(m, today: today).isEmpty)
        m.birth = .dateOfBirth(LocalDate(year: 2027, month: 1, day: 1)!)
        #expect(MemberRules.validate(m, today: today) == [.birth: "error.future-date"])
    }
}
