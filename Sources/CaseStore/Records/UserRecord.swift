import CaseDomain
import Foundation
import GRDB

/// A row of `user`: an account. The password hash never leaves the store.
struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "user"

    var id: Int64?
    var username: String
    var displayName: String
    var role: Role
    var passwordHash: String
    var isActive: Bool
    var failedAttempts: Int
    var lockedUntil: Date?
    var language: String
    var homeCommunes: String
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int
    var mustChangePassword = false
    var passwordChangedAt: Date?

    /// Whether failed logins have locked the account at `now`.
    func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    func account() -> UserAccount {
        UserAccount(id: id ?? 0, username: username, displayName: displayName, role: role, languageCode: language,
                    isActive: isActive, mustChangePassword: mustChangePassword)
    }
}
