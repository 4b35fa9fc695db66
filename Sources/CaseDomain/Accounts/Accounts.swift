import Foundation

/// A person who can log in.
public struct UserAccount: Equatable, Sendable {
    public let id: Int64
    public let username: String
    public let displayName: String
    public let role: Role
    public let languageCode: String
    public let isActive: Bool
    /// An admin reset the password: the user must choose a new one before
    /// anything else.
    public let mustChangePassword: Bool

    public init(id: Int64, username: String, displayName: String, role: Role, languageCode: String, isActive: Bool,
                mustChangePassword: Bool = false) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.languageCode = languageCode
        self.isActive = isActive
        self.mustChangePassword = mustChangePassword
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

/// Why a new password was refused.
public enum PasswordProblem: String, CaseIterable, Sendable {
    case tooShort = "too-short"
    case isUsername = "is-username"
    case isPrevious = "is-previous"
    case tooCommon = "too-common"

    /// The string-table key of the message.
    public var messageKey: String { "error.password-" + rawValue }
}

/// The password policy (OWASP ASVS 2.1): at least ten characters, counted
/// in code points so a Khmer passphrase counts what was typed; not the
/// username; not the password it replaces (the service checks that); and
/// not a common password, nor a common one with digits or symbols added.
public enum PasswordRules {
    public static let minimumLength = 10

    /// The first problem of `password` for `username`, or nil when it is
    /// acceptable. `isCommon` says whether a lower-cased text is on the
    /// common-password list.
    public static func problem(_ password: String, username: String, isCommon: (String) -> Bool) -> PasswordProblem? {
        guard password.unicodeScalars.count >= minimumLength else { return .tooShort }
        let lower = password.lowercased()
        let core = String(lower.drop { !$0.isLetter }.reversed().drop { !$0.isLetter }.reversed())
        let name = UsernameRules.normalized(username)
        if !name.isEmpty && (lower == name || core == name) { return .isUsername }
        if isCommon(lower) || (core.count >= 4 && core != lower && isCommon(core)) { return .tooCommon }
        // One character over and over, or a run straight along a keyboard
        // row or the digits, is as good as common.
        let scalars = Array(lower.unicodeScalars)
        if Set(scalars).count <= 2 { return .tooCommon }
        for row in ["1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"]
            where row.contains(lower) || lower.hasPrefix(row) { return .tooCommon }
        return nil
    }
}
