/// Child protection concerns (DESIGN §1).
public enum Concern: String, CodeList {
    case physicalAbuse = "physical-abuse"
    case emotionalAbuse = "emotional-abuse"
    case sexualAbuse = "sexual-abuse"
    case neglect
    case childLabour = "child-labour"
    case trafficking
    case unsafeMigration = "unsafe-migration"
    case earlyMarriage = "early-marriage"
    case onlineExploitation = "online-exploitation"
    case other
    public static let labelPrefix = "concern"
}

/// Who reported the concern.
public enum Reporter: String, CodeList {
    case cpcMember = "cpc-member"
    case parent, teacher
    case religiousLeader = "religious-leader"
    case child, police, anonymous, other
    public static let labelPrefix = "reporter"
}

/// Where a case stands: new (waiting for review), open, closed.
public enum CaseStatus: String, CodeList {
    case new, open, closed
    public static let labelPrefix = "status"
}

/// Why a case was closed.
public enum ClosureReason: String, CodeList {
    case goalsMet = "goals-met"
    case movedAway = "moved-away"
    case transferred
    case turned18 = "turned-18"
    case unreachable, duplicate
    case notProtectionCase = "not-protection-case"
    case other
    public static let labelPrefix = "closure"
}
