import KhmerText
import Foundation

/// What makes a household vulnerable to unsafe migration and trafficking
/// (DESIGN §1). Each factor carries a weight in `HouseholdRisk`.
public enum Vulnerability: String, CodeList {
    case debt
    case landless
    case memberPlanningMigration = "planning-migration"
    case memberMigrated = "member-migrated"
    case childOutOfSchool = "child-out-of-school"
    case disability
    case chronicIllness = "chronic-illness"
    case femaleHeaded = "female-headed"
    case elderlyHeaded = "elderly-headed"
    case domesticViolence = "domestic-violence"
    public static let labelPrefix = "vulnerability"
}

/// Where a household member is with respect to migration.
public enum MigrationStatus: String, CodeList {
    case none, planning
    case migratedInCountry = "migrated-in-country"
    case migratedAbroad = "migrated-abroad"
    public static let labelPrefix = "migration"
}

/// The countries Cambodians most often migrate to for work. A member
/// abroad records one of these by its code, so that the households report
/// counts "Thailand" and "ថៃ" as one destination; a country not listed is
/// kept as the text typed.
public enum Destination: String, CodeList {
    case thailand, malaysia
    case southKorea = "south-korea"
    case japan, vietnam, china, laos, singapore, taiwan
    case hongKong = "hong-kong"
    case saudiArabia = "saudi-arabia"
    public static let labelPrefix = "destination"

    /// The string-table key naming a stored country: a destination's
    /// label, or nil for a country kept as typed.
    public static func labelKey(of stored: String) -> String? {
        Destination(rawValue: stored)?.labelKey
    }

    /// The destination a person typed ("Thailand", " ថៃ ", "ប្រទេសថៃ",
    /// "korea", "thailand"), by its code, one of `names` (its labels in
    /// every language) or a common other name; nil for another country.
    public static func named(_ typed: String, names: (Destination) -> [String]) -> Destination? {
        var name = typed.trimmingSpaces()
        if name.hasPrefix(countryWord) { name = String(name.dropFirst(countryWord.count)) }
        let key = folded(name)
        guard !key.isEmpty else { return nil }
        if let alias = aliases[key] { return alias }
        return allCases.first { code in ([code.rawValue] + names(code)).contains { folded($0) == key } }
    }

    /// "Country", which Khmer writes before a country's name.
    private static let countryWord = "ប្រទេស"

    /// Other names people write, folded.
    private static let aliases: [String: Destination] = [
        "thai": .thailand, "korea": .southKorea, "s.korea": .southKorea, "កូរ៉េ": .southKorea, "saudi": .saudiArabia,
    ]

    /// Lower case, without spaces, dashes or underscores.
    private static func folded(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter {
            !$0.properties.isWhitespace && $0 != "-" && $0 != "_"
        }))
    }
}

/// A member's relationship to the head of the household.
public enum Relationship: String, CodeList {
    case head, spouse, child, grandchild, parent, sibling
    case otherRelative = "other-relative"
    case other
    public static let labelPrefix = "relationship"
}

/// The household risk score: ID Poor status and each vulnerability factor
/// add points, and the total proposes a level a social worker may override
/// with a reason. The weights favour what most often precedes unsafe
/// migration in the partners' experience: debt, a member planning to go,
/// and being ID Poor level 1.
public enum HouseholdRisk {
    public static func weight(_ factor: Vulnerability) -> Int {
        switch factor {
        case .memberPlanningMigration: return 3
        case .debt, .landless, .childOutOfSchool, .domesticViolence: return 2
        case .memberMigrated, .disability, .chronicIllness, .femaleHeaded, .elderlyHeaded: return 1
        }
    }

    public static func weight(_ idPoor: IDPoorStatus) -> Int {
        switch idPoor {
        case .none: return 0
        case .level2: return 2
        case .level1: return 3
        }
    }

    public static func score(idPoor: IDPoorStatus, factors: Set<Vulnerability>) -> Int {
        weight(idPoor) + factors.reduce(0) { $0 + weight($1) }
    }

    /// 0–2 low, 3–5 medium, 6–8 high, 9 or more critical.
    public static func level(score: Int) -> RiskLevel {
        switch score {
        case ..<3: return .low
        case 3...5: return .medium
        case 6...8: return .high
        default: return .critical
        }
    }
}

/// A household code such as HH-000123, or HH-PV1-000123 in an office
/// that joined head office as PV1.
public enum HouseholdCode {
    public static func make(number: Int, office: String? = nil) -> String {
        // Not String(format:): an import makes ten thousand codes at a time.
        let digits = String(number)
        return OfficeCode.prefix("HH", office: office) + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// What a person filled in to register a household.
public struct HouseholdInput: Equatable, Sendable {
    public var headNameKm = ""
    public var headNameLatin = ""
    public var headSex: Sex?
    public var headAge: Int?
    public var villageCode: String?
    public var addressDetail = ""
    public var phone = ""
    public var idPoor: IDPoorStatus = .none
    public var vulnerabilities: Set<Vulnerability> = []
    /// A level other than the proposed one, set by a social worker.
    public var riskOverride: RiskLevel?
    public var riskOverrideReason = ""
    public var status: HouseholdStatus = .active

    public init() {}

    public var score: Int { HouseholdRisk.score(idPoor: idPoor, factors: vulnerabilities) }
    public var proposedRisk: RiskLevel { HouseholdRisk.level(score: score) }
    public var riskLevel: RiskLevel { riskOverride ?? proposedRisk }
}

/// The household fields a validation message can point at.
public enum HouseholdField: String, CaseIterable, Sendable {
    case headName, headSex, headAge, village, phone, vulnerabilities, riskOverrideReason
}

/// Checks a household registration; each issue names its field.
public enum HouseholdRules {
    /// The age from which a head counts as elderly (Cambodia's National
    /// Ageing Policy).
    public static let elderlyAge = 60

    /// The factors a household's head makes true: a woman at its head makes
    /// it female-headed. Walk-through: neither the form nor an import ticked
    /// it, and the report said 0 female-headed households of 8 with 5
    /// women at their head.
    public static func addingHeadFactors(_ input: HouseholdInput) -> HouseholdInput {
        var input = input
        if input.headSex == .female { input.vulnerabilities.insert(.femaleHeaded) }
        if let age = input.headAge, age >= elderlyAge { input.vulnerabilities.insert(.elderlyHeaded) }
        return input
    }

    /// The factors once the head is `age`: elderly-headed from 60 on, not
    /// before (a head whose age was corrected).
    public static func factors(_ factors: Set<Vulnerability>, headAge age: Int) -> Set<Vulnerability> {
        var factors = factors
        if age >= elderlyAge { factors.insert(.elderlyHeaded) } else { factors.remove(.elderlyHeaded) }
        return factors
    }

    /// The factors the members make true: a member planning to migrate, a
    /// member gone. Walk-through: a husband recorded as gone to Thailand
    /// left "Member migrated 0" in the report, since nothing ticked it.
    /// `exactly`: also take away the factors no member makes true any more
    /// (a member's status was changed); otherwise only add (a member added,
    /// an import).
    public static func factors(_ factors: Set<Vulnerability>, members: [MigrationStatus],
                               exactly: Bool) -> Set<Vulnerability> {
        var factors = factors
        let made: [(Vulnerability, Bool)] = [
            (.memberPlanningMigration, members.contains(.planning)),
            (.memberMigrated, members.contains { $0 == .migratedInCountry || $0 == .migratedAbroad }),
        ]
        for (factor, isTrue) in made {
            if isTrue { factors.insert(factor) } else if exactly { factors.remove(factor) }
        }
        return factors
    }

    /// The factors once the head is of `sex`: female-headed added for a
    /// woman, taken away for a man (a head whose sex was corrected).
    public static func factors(_ factors: Set<Vulnerability>, headSex sex: Sex) -> Set<Vulnerability> {
        var factors = factors
        if sex == .female { factors.insert(.femaleHeaded) } else { factors.remove(.femaleHeaded) }
        return factors
    }

    public static func validate(_ input: HouseholdInput, isNew: Bool) -> [HouseholdField: String] {
        var issues: [HouseholdField: String] = [:]
        if input.headNameKm.trimmingSpaces().isEmpty && input.headNameLatin.trimmingSpaces().isEmpty {
            issues[.headName] = "error.person-name-required"
        }
        if isNew && input.headSex == nil { issues[.headSex] = "error.required" }
        if let age = input.headAge, !(14...110).contains(age) { issues[.headAge] = "error.adult-age" }
        if input.villageCode == nil { issues[.village] = "error.village-required" }
        if !PhoneRules.isValid(input.phone) { issues[.phone] = "error.phone" }
        // The two factors that describe the head must agree with the head.
        if input.vulnerabilities.contains(.femaleHeaded) && input.headSex == .male {
            issues[.vulnerabilities] = "error.female-headed-male-head"
        } else if input.vulnerabilities.contains(.elderlyHeaded), let age = input.headAge, age < elderlyAge {
            issues[.vulnerabilities] = "error.elderly-headed-young-head"
        }
        if input.riskOverride != nil && input.riskOverride != input.proposedRisk
            && input.riskOverrideReason.trimmingSpaces().isEmpty {
            issues[.riskOverrideReason] = "error.override-reason"
        }
        return issues
    }
}

/// Cambodian phone numbers as people write them: 8–10 digits (Khmer or
/// Western), optionally with spaces, dashes or a +855 prefix. Empty is
/// allowed (many families have no phone).
public enum PhoneRules {
    public static func isValid(_ phone: String) -> Bool {
        let trimmed = phone.trimmingSpaces()
        if trimmed.isEmpty { return true }
        let digits = normalized(trimmed)
        guard trimmed.unicodeScalars.allSatisfy({ "+- ()".unicodeScalars.contains($0)
            || $0.properties.numericType != nil }) else { return false }
        if digits.hasPrefix("855") { return (11...12).contains(digits.count) }
        return (8...10).contains(digits.count) && digits.hasPrefix("0")
    }

    /// Western digits only, no separators.
    public static func normalized(_ phone: String) -> String {
        String(String.UnicodeScalarView(phone.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            if ("0"..."9").contains(scalar) { return scalar }
            if (0x17E0...0x17E9).contains(scalar.value) { return Unicode.Scalar(scalar.value - 0x17E0 + 0x30) }
            return nil
        }))
    }
}

/// What a person filled in for a household member.
public struct MemberInput: Equatable, Sendable {
    public var nameKm = ""
    public var nameLatin = ""
    public var sex: Sex?
    public var birth: BirthInfo?
    public var relationship: Relationship = .child
    public var inSchool: Bool?
    public var occupation = ""
    public var migration: MigrationStatus = .none
    /// A `Destination` code, or the name of a country not listed.
    public var migrationCountry = ""
    public var phone = ""

    public init() {}
}

/// The member fields a validation message can point at.
public enum MemberField: String, CaseIterable, Sendable {
    case name, sex, birth, migrationCountry, phone
}

public enum MemberRules {
    /// Whether a member's age sits oddly with their relationship to a head
    /// of `headAge`: a child fewer than 12 years younger, a grandchild fewer
    /// than 24, a parent fewer than 12 years older. Asked about, never
    /// refused (walk-through: the form's Child, left as it was, made a
    /// 45-year-old the child of a head of 40).
    public static func relationshipIsUnlikely(_ relationship: Relationship, age: Int, headAge: Int) -> Bool {
        switch relationship {
        case .child: age > headAge - 12
        case .grandchild: age > headAge - 24
        case .parent: age < headAge + 12
        default: false
        }
    }

    public static func validate(_ input: MemberInput, today: LocalDate) -> [MemberField: String] {
        var issues: [MemberField: String] = [:]
        if input.nameKm.trimmingSpaces().isEmpty && input.nameLatin.trimmingSpaces().isEmpty {
            issues[.name] = "error.person-name-required"
        }
        if input.sex == nil { issues[.sex] = "error.required" }
        switch input.birth {
        case nil: issues[.birth] = "error.birth-required"
        case .dateOfBirth(let d) where d > today: issues[.birth] = "error.future-date"
        case .estimatedAge(let years) where !(0...110).contains(years): issues[.birth] = "error.member-age"
        default: break
        }
        if input.migration == .migratedAbroad && input.migrationCountry.trimmingSpaces().isEmpty {
            issues[.migrationCountry] = "error.country-required"
        }
        if !PhoneRules.isValid(input.phone) { issues[.phone] = "error.phone" }
        return issues
    }
}

/// One row of the household register.
public struct HouseholdSummary: Equatable, Sendable {
    public let id: Int64
    public let code: String
    public let headNameKm: String
    public let headNameLatin: String
    public let villageCode: String
    public let villageNameKm: String
    public let villageNameLatin: String
    public let idPoor: IDPoorStatus
    public let riskLevel: RiskLevel
    public let status: HouseholdStatus
    public let memberCount: Int

    public init(id: Int64, code: String, headNameKm: String, headNameLatin: String, villageCode: String,
                villageNameKm: String, villageNameLatin: String, idPoor: IDPoorStatus, riskLevel: RiskLevel,
                status: HouseholdStatus, memberCount: Int) {
        self.id = id
        self.code = code
        self.headNameKm = headNameKm
        self.headNameLatin = headNameLatin
        self.villageCode = villageCode
        self.villageNameKm = villageNameKm
        self.villageNameLatin = villageNameLatin
        self.idPoor = idPoor
        self.riskLevel = riskLevel
        self.status = status
        self.memberCount = memberCount
    }
}

/// A member as the household file shows them.
public struct HouseholdMember: Equatable, Sendable {
    public let id: Int64
    public let householdId: Int64
    public let nameKm: String
    public let nameLatin: String
    public let sex: Sex
    public let age: Int
    public let ageIsEstimated: Bool
    public let relationship: Relationship
    public let inSchool: Bool?
    public let occupation: String
    public let migration: MigrationStatus
    public let migrationCountry: String?
    public let phone: String

    public init(id: Int64, householdId: Int64, nameKm: String, nameLatin: String, sex: Sex, age: Int,
                ageIsEstimated: Bool, relationship: Relationship, inSchool: Bool?, occupation: String,
                migration: MigrationStatus, migrationCountry: String?, phone: String) {
        self.id = id
        self.householdId = householdId
        self.nameKm = nameKm
        self.nameLatin = nameLatin
        self.sex = sex
        self.age = age
        self.ageIsEstimated = ageIsEstimated
        self.relationship = relationship
        self.inSchool = inSchool
        self.occupation = occupation
        self.migration = migration
        self.migrationCountry = migrationCountry
        self.phone = phone
    }

    /// The name to show: Khmer and Latin where both are known.
    public var displayName: String {
        [nameKm, nameLatin].filter { !$0.isEmpty }.joined(separator: " / ")
    }
}

/// A follow-up of a household, as its file lists them.
public struct HouseholdFollowUp: Equatable, Sendable {
    public let id: Int64
    public let type: FollowUpType
    public let due: LocalDate
    public let status: FollowUpStatus
    public let doneDate: LocalDate?
    public let wellbeing: Wellbeing?
    public let notes: String
    /// Who recorded the visit, or whose queue a scheduled one is in.
    public let workerName: String?

    public init(id: Int64, type: FollowUpType, due: LocalDate, status: FollowUpStatus, doneDate: LocalDate?,
                wellbeing: Wellbeing?, notes: String, workerName: String? = nil) {
        self.id = id
        self.type = type
        self.due = due
        self.status = status
        self.doneDate = doneDate
        self.wellbeing = wellbeing
        self.notes = notes
        self.workerName = workerName
    }
}

/// Everything the household file shows.
public struct HouseholdDetail: Equatable, Sendable {
    public let summary: HouseholdSummary
    public let addressDetail: String
    public let phone: String
    public let vulnerabilities: [Vulnerability]
    public let riskScore: Int
    public let proposedRisk: RiskLevel
    public let riskOverrideReason: String?
    public let createdByName: String
    public let version: Int
    public let members: [HouseholdMember]
    public let cases: [CaseSummary]
    public let referrals: [ReferralSummary]
    public let followUps: [HouseholdFollowUp]

    public init(summary: HouseholdSummary, addressDetail: String, phone: String, vulnerabilities: [Vulnerability],
                riskScore: Int, proposedRisk: RiskLevel, riskOverrideReason: String?, createdByName: String,
                version: Int, members: [HouseholdMember], cases: [CaseSummary], referrals: [ReferralSummary],
                followUps: [HouseholdFollowUp]) {
        self.summary = summary
        self.addressDetail = addressDetail
        self.phone = phone
        self.vulnerabilities = vulnerabilities
        self.riskScore = riskScore
        self.proposedRisk = proposedRisk
        self.riskOverrideReason = riskOverrideReason
        self.createdByName = createdByName
        self.version = version
        self.members = members
        self.cases = cases
        self.referrals = referrals
        self.followUps = followUps
    }
}
