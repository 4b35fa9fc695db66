import Foundation

/// One row of a case list: just what the list shows.
public struct CaseSummary: Equatable, Sendable {
    public let id: Int64
    public let code: String
    public let childNameKm: String
    public let childNameLatin: String
    public let sex: Sex
    public let ageYears: Int
    public let ageIsEstimated: Bool
    public let villageCode: String
    public let status: CaseStatus
    public let riskLevel: RiskLevel?
    public let reportedDate: LocalDate
    public let villageNameKm: String
    public let villageNameLatin: String
    /// The intake said the child is in immediate danger.
    public let immediateDanger: Bool

    public init(id: Int64, code: String, childNameKm: String, childNameLatin: String, sex: Sex, ageYears: Int,
                ageIsEstimated: Bool, villageCode: String, status: CaseStatus, riskLevel: RiskLevel?,
                reportedDate: LocalDate, villageNameKm: String = "", villageNameLatin: String = "",
                immediateDanger: Bool = false) {
        self.id = id
        self.code = code
        self.childNameKm = childNameKm
        self.childNameLatin = childNameLatin
        self.sex = sex
        self.ageYears = ageYears
        self.ageIsEstimated = ageIsEstimated
        self.villageCode = villageCode
        self.status = status
        self.riskLevel = riskLevel
        self.reportedDate = reportedDate
        self.villageNameKm = villageNameKm
        self.villageNameLatin = villageNameLatin
        self.immediateDanger = immediateDanger
    }
}

/// Everything the case view shows about one case.
public struct CaseDetail: Equatable, Sendable {
    public let summary: CaseSummary
    public let birth: BirthInfo
    public let concerns: [Concern]
    public let narrative: String
    public let reporter: Reporter
    public let createdByName: String
    public let createdAt: Date
    public let version: Int
    public let assignedToName: String?
    /// The assigned worker's account is disabled: the case waits on nobody.
    public let assigneeDisabled: Bool
    public let closureReason: ClosureReason?
    public let background: ChildBackground
    public let household: HouseholdLink?

    public init(summary: CaseSummary, birth: BirthInfo, concerns: [Concern], narrative: String,
                reporter: Reporter, createdByName: String, createdAt: Date, version: Int,
                assignedToName: String? = nil, assigneeDisabled: Bool = false, closureReason: ClosureReason? = nil,
                background: ChildBackground = ChildBackground(), household: HouseholdLink? = nil) {
        self.summary = summary
        self.birth = birth
        self.concerns = concerns
        self.narrative = narrative
        self.reporter = reporter
        self.createdByName = createdByName
        self.createdAt = createdAt
        self.version = version
        self.assignedToName = assignedToName
        self.assigneeDisabled = assigneeDisabled
        self.closureReason = closureReason
        self.background = background
        self.household = household
    }
}

/// The household a case belongs to, as a case file names it.
public struct HouseholdLink: Equatable, Sendable {
    public let id: Int64
    public let code: String
    public let headNameKm: String
    public let headNameLatin: String

    public init(id: Int64, code: String, headNameKm: String, headNameLatin: String) {
        self.id = id
        self.code = code
        self.headNameKm = headNameKm
        self.headNameLatin = headNameLatin
    }
}

/// A case code such as KC-2026-0001: year of registration and a number
/// counted per year; KC-PV1-2026-0001 in an office that joined head office
/// as PV1.
public enum CaseCode {
    public static func make(year: Int, number: Int, office: String? = nil) -> String {
        OfficeCode.prefix("KC", office: office) + String(format: "%04d-%04d", year, number)
    }
}

/// What the intake recorded beyond the basics: the child's background,
/// consent, and the risk assessment's answers.
public struct ChildBackground: Equatable, Sendable {
    public var ethnicity: Ethnicity?
    public var disability: Bool?
    public var inSchool: Bool?
    public var caregiverConsent: Bool?
    public var childAssent: Bool?
    public var consentBy: String?
    public var consentDate: LocalDate?
    public var riskAnswers: [RiskQuestion]
    public var riskOverrideReason: String?

    public init(ethnicity: Ethnicity? = nil, disability: Bool? = nil, inSchool: Bool? = nil,
                caregiverConsent: Bool? = nil, childAssent: Bool? = nil, consentBy: String? = nil,
                consentDate: LocalDate? = nil, riskAnswers: [RiskQuestion] = [], riskOverrideReason: String? = nil) {
        self.ethnicity = ethnicity
        self.disability = disability
        self.inSchool = inSchool
        self.caregiverConsent = caregiverConsent
        self.childAssent = childAssent
        self.consentBy = consentBy
        self.consentDate = consentDate
        self.riskAnswers = riskAnswers
        self.riskOverrideReason = riskOverrideReason
    }
}

/// One entry of a case's timeline.
public struct CaseEvent: Equatable, Sendable {
    public let at: Date
    public let byName: String
    public let kind: CaseEventKind
    public let riskLevel: RiskLevel?
    public let assignedToName: String?
    public let reason: String?
    public let note: String

    public init(at: Date, byName: String, kind: CaseEventKind, riskLevel: RiskLevel?, assignedToName: String?,
                reason: String?, note: String) {
        self.at = at
        self.byName = byName
        self.kind = kind
        self.riskLevel = riskLevel
        self.assignedToName = assignedToName
        self.reason = reason
        self.note = note
    }
}

/// What a case list is narrowed to. Empty means every case the user may see.
public struct CaseFilter: Equatable, Sendable {
    public var status: CaseStatus?
    public var riskLevel: RiskLevel?
    /// Only cases with a scheduled follow-up due before today.
    public var overdueOnly = false
    /// Only cases assigned to this user.
    public var assignedTo: Int64?
    /// Only cases in this commune (6-digit gazetteer code).
    public var communeCode: String?
    /// At head office: only cases of this office (by its number; its
    /// records' keys are in its range).
    public var office: Int64?
    /// Only cases whose name, code or village contains this (the list's
    /// search box).
    public var text = ""

    public init(status: CaseStatus? = nil, riskLevel: RiskLevel? = nil, overdueOnly: Bool = false,
                assignedTo: Int64? = nil, communeCode: String? = nil, office: Int64? = nil, text: String = "") {
        self.text = text
        self.office = office
        self.status = status
        self.riskLevel = riskLevel
        self.overdueOnly = overdueOnly
        self.assignedTo = assignedTo
        self.communeCode = communeCode
    }

    public var isEmpty: Bool { self == CaseFilter() }
}

/// The orders the case list offers. Each has its own index, so a page
/// costs the same at any depth.
public enum CaseSort: String, CodeList {
    case newest, oldest
    /// By the child's Khmer name (Unicode order is the Khmer alphabet's).
    case name
    /// Critical first, then high, medium, low, not yet assessed; newest
    /// first within a level.
    case risk
    public static let labelPrefix = "sort"
}
