import Foundation

/// A person who can log in.
public struct UserAccount: Equatable, Sendable {
    public let id: Int64
    public let username: String
    public let displayName: String
    public let role: Role
    public let languageCode: String
    public let isActive: Bool

    public init(id: Int64, username: String, displayName: String, role: Role, languageCode: String, isActive: Bool) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.languageCode = languageCode
        self.isActive = isActive
    }
}

/// The logged-in user; every service call takes one and checks the policy.
public struct Session: Equatable, Sendable {
    public let user: UserAccount
    public init(user: UserAccount) { self.user = user }

    public func may(_ action: Action) -> Bool { PermissionPolicy.allows(user.role, action) }

    /// Throws `PermissionDenied` unless the user's role allows `action`.
    public func require(_ action: Action) throws {
        guard may(action) else { throw PermissionDenied(role: user.role, action: action) }
    }
}

/// Username rules: 3–32 characters of a–z, 0–9, dot, dash, underscore;
/// compared case-insensitively.
public enum UsernameRules {
    public static func normalized(_ username: String) -> String {
        username.trimmingCharacters(in: .whitespaces).lowercased()
    }

    public static func isValid(_ username: String) -> Bool {
        let u = normalized(username)
        return (3...32).contains(u.count) && u.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

/// Password rules for new accounts.
public enum PasswordRules {
    public static let minimumLength = 8
    public static func isAcceptable(_ password: String) -> Bool { password.count >= minimumLength }
}
