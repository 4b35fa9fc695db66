import CaseDomain
import Foundation
import GRDB

/// A row of `user`: an account. The password hash never leaves the store.
struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "user"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var username: String
    var displayName: String
    var role: String
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

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func account() -> UserAccount {
        UserAccount(id: id ?? 0, username: username, displayName: displayName,
                    role: Role(rawValue: role) ?? .volunteer, languageCode: language, isActive: isActive)
    }
}
