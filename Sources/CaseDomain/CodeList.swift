/// A fixed list of codes stored as stable strings and shown through the
/// string tables under `"<labelPrefix>.<rawValue>"`.
public protocol CodeList: CaseIterable, RawRepresentable, Hashable, Sendable where RawValue == String {
    static var labelPrefix: String { get }
}

extension CodeList {
    /// The string-table key of this code's label.
    public var labelKey: String { "\(Self.labelPrefix).\(rawValue)" }
}

/// Who a user is in the organisation; decides what they may do (DESIGN §3).
public enum Role: String, CodeList {
    case volunteer
    case socialWorker = "social-worker"
    case coordinator
    case admin
    public static let labelPrefix = "role"
}

public enum Sex: String, CodeList {
    case female, male
    public static let labelPrefix = "sex"
}

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

public enum CaseStatus: String, CodeList {
    case new, open, closed
    public static let labelPrefix = "status"
}

public enum RiskLevel: String, CodeList, Comparable {
    case low, medium, high, critical
    public static let labelPrefix = "risk"
    public static func < (a: RiskLevel, b: RiskLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

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

public enum IDPoorStatus: String, CodeList {
    case none
    case level1 = "level-1"
    case level2 = "level-2"
    public static let labelPrefix = "idpoor"
}

public enum HouseholdStatus: String, CodeList {
    case active, graduated, moved, closed
    public static let labelPrefix = "household-status"
}

public enum FollowUpType: String, CodeList {
    case homeVisit = "home-visit"
    case phone
    case schoolVisit = "school-visit"
    case meeting
    public static let labelPrefix = "followup-type"
}

public enum FollowUpStatus: String, CodeList {
    case scheduled, done, missed, cancelled
    public static let labelPrefix = "followup-status"
}

public enum ReferralStatus: String, CodeList {
    case draft, sent, accepted, enrolled, completed, declined
    case droppedOut = "dropped-out"
    case cancelled
    public static let labelPrefix = "referral-status"
}
