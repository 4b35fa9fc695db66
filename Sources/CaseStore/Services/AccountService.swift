import CaseDomain
import Foundation
import GRDB

/// What first-run setup asks for.
public struct SetupInput: Sendable {
    public var organisation: String
    public var provinceCode: String?
    public var districtCode: String?
    public var adminUsername: String
    public var adminDisplayName: String
    public var adminPassword: String
    public var languageCode: String

    public init(organisation: String, provinceCode: String?, districtCode: String?, adminUsername: String,
                adminDisplayName: String, adminPassword: String, languageCode: String) {
        self.organisation = organisation
        self.provinceCode = provinceCode
        self.districtCode = districtCode
        self.adminUsername = adminUsername
        self.adminDisplayName = adminDisplayName
        self.adminPassword = adminPassword
        self.languageCode = languageCode
    }
}

/// Why creating an account was refused; each maps to a message key.
public enum AccountError: Error, Equatable, Sendable {
    case alreadySetUp
    case invalidUsername
    case usernameTaken
    case weakPassword
    case displayNameRequired
    case organisationRequired

    public var messageKey: String {
        switch self {
        case .alreadySetUp: return "error.already-set-up"
        case .invalidUsername: return "error.username-invalid"
        case .usernameTaken: return "error.username-taken"
        case .weakPassword: return "error.password-short"
        case .displayNameRequired: return "error.required"
        case .organisationRequired: return "error.required"
        }
    }
}

/// The outcome of a login attempt. A wrong username and a wrong password give
/// the same answer, so the screen cannot tell which part was wrong.
public enum LoginResult: Equatable, Sendable {
    case success(Session)
    case invalidCredentials
    case locked(until: Date)
}

/// Accounts: first-run setup, adding users, logging in with lock-out.
public struct AccountService: Sendable {
    public static let maximumFailedAttempts = 5
    public static let lockOutDuration: TimeInterval = 15 * 60

    let store: StoreContext
    let hasher: PasswordHasher

    /// True once an account exists; until then the app shows first-run setup.
    public func isSetUp() throws -> Bool {
        try store.read { db in try UserRecord.fetchCount(db) > 0 }
    }

    /// The organisation name recorded at setup.
    public func organisation() throws -> String {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'organisation'") ?? ""
        }
    }

    /// A setting recorded at setup (office_province, office_district, …).
    public func setting(_ key: String) throws -> String? {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
        }
    }

    /// The default language chosen at setup ("km" or "en").
    public func defaultLanguage() throws -> String {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'language'") ?? "km"
        }
    }

    /// First-run setup: settings and the first admin, in one transaction.
    @discardableResult
    public func setUp(_ input: SetupInput) throws -> UserAccount {
        if input.organisation.trimmingCharacters(in: .whitespaces).isEmpty { throw AccountError.organisationRequired }
        return try store.write { db in
            guard try UserRecord.fetchCount(db) == 0 else { throw AccountError.alreadySetUp }
            let settings: [(String, String?)] = [
                ("organisation", input.organisation.trimmingCharacters(in: .whitespaces)),
                ("office_province", input.provinceCode), ("office_district", input.districtCode),
                ("language", input.languageCode),
            ]
            for (key, value) in settings {
                guard let value else { continue }
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            let user = try insertUser(db, username: input.adminUsername, displayName: input.adminDisplayName,
                                      role: .admin, password: input.adminPassword, language: input.languageCode,
                                      createdBy: nil)
            try AuditLog.append(db, at: store.now, userId: user.id, username: user.username, action: .setup,
                                entity: "user", entityId: user.id, summary: "first-run setup")
            return user
        }
    }

    /// Adds an account. `by` is the admin doing it, or nil from the command
    /// line (whoever can write the database file).
    @discardableResult
    public func addUser(by session: Session?, username: String, displayName: String, role: Role,
                        password: String, languageCode: String = "km") throws -> UserAccount {
        if let session { try session.require(.manageUsers) }
        return try store.write { db in
            let user = try insertUser(db, username: username, displayName: displayName, role: role,
                                      password: password, language: languageCode, createdBy: session?.user.id)
            try AuditLog.append(db, at: store.now, userId: session?.user.id,
                                username: session?.user.username ?? "command-line", action: .userAdded,
                                entity: "user", entityId: user.id, summary: "role \(role.rawValue)")
            return user
        }
    }

    private func insertUser(_ db: Database, username: String, displayName: String, role: Role, password: String,
                            language: String, createdBy: Int64?) throws -> UserAccount {
        guard UsernameRules.isValid(username) else { throw AccountError.invalidUsername }
        guard !displayName.trimmingCharacters(in: .whitespaces).isEmpty else { throw AccountError.displayNameRequired }
        guard PasswordRules.isAcceptable(password) else { throw AccountError.weakPassword }
        let name = UsernameRules.normalized(username)
        if try UserRecord.filter(sql: "username = ?", arguments: [name]).fetchCount(db) > 0 {
            throw AccountError.usernameTaken
        }
        let now = store.now
        var record = UserRecord(
            id: nil, username: name, displayName: displayName.trimmingCharacters(in: .whitespaces),
            role: role.rawValue, passwordHash: try hasher.hash(password), isActive: true, failedAttempts: 0,
            lockedUntil: nil, language: language, homeCommunes: "", createdAt: now, updatedAt: now,
            createdBy: createdBy, version: 1)
        try record.insert(db)
        return record.account()
    }

    /// Checks a username and password, counting failures and locking the
    /// account for 15 minutes after five in a row.
    public func logIn(username: String, password: String) throws -> LoginResult {
        try store.database.requireIntact()
        let name = UsernameRules.normalized(username)
        let found = try store.read { db in
            try UserRecord.filter(sql: "username = ?", arguments: [name]).fetchOne(db)
        }
        let now = store.now
        guard var record = found, record.isActive else {
            _ = hasher.verify(password, against: "pbkdf2-sha256$1$AAAA$AAAA")
            try store.write { db in
                try AuditLog.append(db, at: now, userId: nil, username: name, action: .failedLogin,
                                    summary: "unknown or inactive user")
            }
            return .invalidCredentials
        }
        let passwordOK = hasher.verify(password, against: record.passwordHash)
        if let until = record.lockedUntil, until > now {
            return passwordOK ? .locked(until: until) : .invalidCredentials
        }
        return try store.write { db in
            if passwordOK {
                record.failedAttempts = 0
                record.lockedUntil = nil
                try record.update(db, columns: ["failed_attempts", "locked_until"])
                try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: .login)
                return .success(Session(user: record.account()))
            }
            record.failedAttempts += 1
            var action = AuditAction.failedLogin
            if record.failedAttempts >= Self.maximumFailedAttempts {
                record.lockedUntil = now.addingTimeInterval(Self.lockOutDuration)
                record.failedAttempts = 0
                action = .lockedOut
            }
            try record.update(db, columns: ["failed_attempts", "locked_until"])
            try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: action)
            return .invalidCredentials
        }
    }

    /// Saves the user's language choice (F6) for their next login.
    public func setLanguage(_ session: Session, languageCode: String) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE user SET language = ?, updated_at = ? WHERE id = ?",
                           arguments: [languageCode, store.now, session.user.id])
        }
    }

    public func logOut(_ session: Session) throws {
        try store.write { db in
            try store.audit(db, session, .logout)
        }
    }
}
