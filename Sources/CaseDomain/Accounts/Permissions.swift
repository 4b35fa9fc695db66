/// Everything a user can ask Komar to do that a role may or may not allow.
public enum Action: String, CaseIterable, Sendable {
    case createIntake
    case viewAllCases
    case viewOwnCases
    case recordFollowUp
    case assessRisk
    case assignCase
    case closeCase
    case reopenCase
    case manageReferrals
    case readProviders
    case editProviders
    case readReports
    case exportData
    case importData
    case manageUsers
    case manageSettings
    case backupRestore
    case readAudit
}

/// The permission table of DESIGN §3, enforced by the service layer.
public enum PermissionPolicy {
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        switch action {
        case .createIntake, .recordFollowUp, .viewOwnCases:
            return role != .admin
        case .viewAllCases, .assessRisk, .assignCase, .closeCase, .reopenCase, .manageReferrals:
            return role == .socialWorker || role == .coordinator
        case .readProviders:
            return true
        case .editProviders, .exportData, .importData:
            return role == .coordinator
        case .readReports:
            return role == .socialWorker || role == .coordinator
        case .manageUsers, .manageSettings, .backupRestore, .readAudit:
            return role == .admin
        }
    }
}

/// Raised by a service when the logged-in role may not do what was asked.
public struct PermissionDenied: Error, Equatable, Sendable {
    public let role: Role
    public let action: Action
    public init(role: Role, action: Action) {
        self.role = role
        self.action = action
    }
}
