/// The short structured risk assessment on an intake: yes/no questions
/// whose answers propose a risk level.
public enum RiskQuestion: String, CodeList {
    case immediateDanger = "immediate-danger"
    case perpetratorHasAccess = "perpetrator-access"
    case repeatedHarm = "repeated-harm"
    case outOfSchoolOrWorking = "out-of-school-working"
    case plannedMigration = "planned-migration"
    case noSafeCaregiver = "no-safe-caregiver"
    /// None of the others applies: an answer, kept with the case, so an
    /// intake assessed as safe is told from one never asked.
    case noneApply = "none"
    public static let labelPrefix = "risk-question"
}

/// Ethnic groups the partners work with (DESIGN §1).
public enum Ethnicity: String, CodeList {
    case khmer, cham, tampuan, jarai, kreung, brao, bunong, kuy, vietnamese, lao, other
    public static let labelPrefix = "ethnicity"
}

/// Yes, no, or not known: for questions a reporter often cannot answer.
public enum YesNoUnknown: String, CodeList {
    case yes, no, unknown
    public static let labelPrefix = "answer"

    public var bool: Bool? { self == .unknown ? nil : self == .yes }
    public init(_ value: Bool?) { self = value.map { $0 ? .yes : .no } ?? .unknown }
}

/// Proposes a risk level from the answers, in words a social worker can
/// check: immediate danger is critical; a perpetrator with access who has
/// harmed repeatedly, or three or more concerns, is high; one or two is
/// medium; none is low.
public enum RiskAssessment {
    public static func proposedLevel(_ given: Set<RiskQuestion>) -> RiskLevel {
        let answers = given.subtracting([.noneApply])
        if answers.contains(.immediateDanger) { return .critical }
        if answers.contains(.perpetratorHasAccess) && answers.contains(.repeatedHarm) { return .high }
        switch answers.count {
        case 0: return .low
        case 1, 2: return .medium
        default: return .high
        }
    }
}
