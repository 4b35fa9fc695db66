/// What a social worker or coordinator can do to a case's status.
public enum CaseAction: String, CodeList {
    /// new → open: accepted as a protection case, assigned, risk confirmed.
    case accept
    /// new or open → closed, with a closure reason.
    case close
    /// closed → open again, with a note saying why.
    case reopen
    /// open → open with another worker (one who left, or is away).
    case reassign
    public static let labelPrefix = "case-action"
}

/// Entries of a case's timeline.
public enum CaseEventKind: String, CodeList {
    case intake, accepted, closed, reopened
    case followUp = "follow-up"
    case referral
    /// Details of the child or the report corrected.
    case edited
    /// Given to another worker.
    case reassigned
    public static let labelPrefix = "case-event"
}

/// The case status machine (DESIGN §2: new → open → closed; closed can be
/// reopened; a new intake may be closed straight away as a duplicate or as
/// not a protection case).
public enum CaseStatusRules {
    /// Whether a role may correct a case it can see: those who record
    /// intakes, until the case is closed (reopen it to correct it).
    /// Volunteers may correct what they wrote only while the case is new:
    /// once a social worker has accepted it, the record is theirs.
    public static func mayEdit(role: Role, status: CaseStatus) -> Bool {
        guard PermissionPolicy.allows(role, .createIntake), status != .closed else { return false }
        return role != .volunteer || status == .new
    }

    /// Referrals are made for open cases only: not before a social worker
    /// has accepted the case, nor after it was closed.
    public static func mayRefer(status: CaseStatus) -> Bool { status == .open }

    public static func actions(for status: CaseStatus, role: Role) -> [CaseAction] {
        var actions: [CaseAction] = []
        switch status {
        case .new:
            if PermissionPolicy.allows(role, .assignCase) && PermissionPolicy.allows(role, .assessRisk) {
                actions.append(.accept)
            }
            if PermissionPolicy.allows(role, .closeCase) { actions.append(.close) }
        case .open:
            if PermissionPolicy.allows(role, .closeCase) { actions.append(.close) }
            if PermissionPolicy.allows(role, .assignCase) { actions.append(.reassign) }
        case .closed:
            if PermissionPolicy.allows(role, .reopenCase) { actions.append(.reopen) }
        }
        return actions
    }

    public static func target(of action: CaseAction) -> CaseStatus {
        switch action {
        case .accept, .reopen, .reassign: return .open
        case .close: return .closed
        }
    }

    public static func permission(for action: CaseAction) -> Action {
        switch action {
        case .accept: return .assignCase
        case .close: return .closeCase
        case .reopen: return .reopenCase
        case .reassign: return .assignCase
        }
    }
}

/// A requested status change, as filled in on the case's action form.
public struct CaseChange: Equatable, Sendable {
    public var action: CaseAction
    /// The case's version when the user opened it (optimistic concurrency).
    public var expectedVersion: Int
    public var assignTo: Int64?
    public var riskLevel: RiskLevel?
    public var closureReason: ClosureReason?
    /// For closure as a duplicate: the code of the case it duplicates.
    public var duplicateOf: String?
    public var note: String

    public init(action: CaseAction, expectedVersion: Int, assignTo: Int64? = nil, riskLevel: RiskLevel? = nil,
                closureReason: ClosureReason? = nil, duplicateOf: String? = nil, note: String = "") {
        self.action = action
        self.expectedVersion = expectedVersion
        self.assignTo = assignTo
        self.riskLevel = riskLevel
        self.closureReason = closureReason
        self.duplicateOf = duplicateOf
        self.note = note
    }
}

/// Which field of a `CaseChange` is missing or wrong.
public enum CaseChangeField: String, Sendable {
    case action, assignTo, riskLevel, closureReason, duplicateOf, note
}

/// A status change refused with a reason per field.
public struct CaseChangeRejected: Error, Equatable, Sendable {
    public let issues: [CaseChangeField: String]
    public init(_ issues: [CaseChangeField: String]) { self.issues = issues }
}

extension CaseChange {
    /// Field checks that need no database: what each action requires.
    /// Accepting at another level than `currentRisk` (the one the intake
    /// proposed) needs a reason in the note.
    public func validate(currentStatus: CaseStatus, currentRisk: RiskLevel? = nil) -> [CaseChangeField: String] {
        var issues: [CaseChangeField: String] = [:]
        let allowedFrom: [CaseStatus]
        switch action {
        case .accept: allowedFrom = [.new]
        case .close: allowedFrom = [.new, .open]
        case .reopen: allowedFrom = [.closed]
        case .reassign: allowedFrom = [.open]
        }
        if !allowedFrom.contains(currentStatus) { issues[.action] = "error.status-move" }
        switch action {
        case .accept:
            if assignTo == nil { issues[.assignTo] = "error.required" }
            if riskLevel == nil { issues[.riskLevel] = "error.required" }
            if let riskLevel, let currentRisk, riskLevel != currentRisk,
               note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues[.note] = "error.risk-reason"
            }
        case .close:
            if closureReason == nil { issues[.closureReason] = "error.required" }
            if closureReason == .duplicate && (duplicateOf ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                issues[.duplicateOf] = "error.required"
            }
        case .reopen:
            if note.trimmingCharacters(in: .whitespaces).isEmpty { issues[.note] = "error.reopen-note" }
        case .reassign:
            if assignTo == nil { issues[.assignTo] = "error.required" }
        }
        return issues
    }
}
