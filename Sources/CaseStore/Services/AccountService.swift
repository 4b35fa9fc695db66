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

/// Why an account change was refused; each maps to a message key.
public enum AccountError: Error, Equatable, Sendable {
    case alreadySetUp
    /// Records (or an audit log) but no account: the accounts were removed
    /// outside Komar. Setup here would hand the records to whoever is at
    /// the keyboard, so it is refused and a backup must be restored.
    case accountsRemoved
    case invalidUsername
    case usernameTaken
    case weakPassword(PasswordProblem)
    case wrongPassword
    case displayNameRequired
    case organisationRequired
    /// A name holds a control character (an escape sequence).
    case controlCharacters
    /// An admin cannot disable, demote or lock out the last active admin.
    case lastAdmin
    /// The account differs from what the audit log recorded of it: it was
    /// changed outside Komar, and cannot log in until an admin resets its
    /// password (`AccountFingerprint`).
    case changedOutsideKomar
    /// The file changed the account as Komar saved it (a trigger added
    /// outside Komar); nothing was saved.
    case alteredAsSaved
    /// An account changed outside Komar is saved only with a new password
    /// (or disabled): the role or state alone would record whatever
    /// password hash was put in.
    case newPasswordNeeded

    public var messageKey: String {
        switch self {
        case .alreadySetUp: return "error.already-set-up"
        case .accountsRemoved: return "error.accounts-removed"
        case .invalidUsername: return "error.username-invalid"
        case .usernameTaken: return "error.username-taken"
        case .weakPassword(let problem): return problem.messageKey
        case .wrongPassword: return "error.password-wrong"
        case .displayNameRequired: return "error.required"
        case .organisationRequired: return "error.required"
        case .controlCharacters: return "error.control-characters"
        case .lastAdmin: return "error.last-admin"
        case .changedOutsideKomar: return "error.account-changed-outside"
        case .alteredAsSaved: return "error.account-altered-as-saved"
        case .newPasswordNeeded: return "error.account-needs-new-password"
        }
    }
}

/// The outcome of a login attempt. An unknown username, a wrong password,
/// a disabled account and a locked one all give the same answer after the
/// same work, so neither the message nor the time tells a guesser which.
public enum LoginResult: Equatable, Sendable {
    case success(Session)
    case invalidCredentials
}

/// Accounts: first-run setup, logging in with lock-out, the session's
/// own password, locking the screen (user management is in
/// `AccountService+Users.swift`).
public struct AccountService: Sendable {
    public static let maximumFailedAttempts = 5

    let store: StoreContext
    let hasher: PasswordHasher

    /// True once an account exists; until then the app shows first-run setup.
    public func isSetUp() throws -> Bool {
        try store.read { db in try UserRecord.fetchCount(db) > 0 }
    }

    /// True when the file holds no accounts, cases, households, providers,
    /// referrals or audit entries: `komar init` may set it up.
    public func holdsNoRecords() throws -> Bool {
        try store.read(Self.holdsNoRecords)
    }

    /// True when the file holds records but no account: someone removed
    /// the accounts outside Komar (first-run setup is refused).
    public func accountsWereRemoved() throws -> Bool {
        try store.read { db in try UserRecord.fetchCount(db) == 0 && !Self.holdsNoRecords(db) }
    }

    static func holdsNoRecords(_ db: Database) throws -> Bool {
        try db.tablesAreEmpty(["user", "child_case", "household", "provider", "referral", "audit_event"])
    }

    /// The organisation name recorded at setup.
    public func organisation() throws -> String { try setting("organisation") ?? "" }

    /// A setting recorded at setup (office_province, office_district, …).
    public func setting(_ key: String) throws -> String? {
        try store.read { db in try Self.setting(db, key) }
    }

    static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
    }

    /// The default language chosen at setup ("km" or "en").
    public func defaultLanguage() throws -> String { try setting("language") ?? "km" }

    /// Whether `komar demo` made this database (its title bars say DEMO):
    /// marked so, and its audit chain began as a demo.
    public func isDemo() throws -> Bool { try store.read(Self.isDemo) }

    static func isDemo(_ db: Database) throws -> Bool {
        try setting(db, "demo") == "1" && AuditLog.beganAsDemo(db)
    }

    /// First-run setup: settings and the first admin, in one transaction.
    @discardableResult
    public func setUp(_ input: SetupInput) throws -> UserAccount {
        if input.organisation.trimmingCharacters(in: .whitespaces).isEmpty { throw AccountError.organisationRequired }
        if TextRules.hasControlCharacters(input.organisation) { throw AccountError.controlCharacters }
        try checkNewPassword(input.adminPassword, username: input.adminUsername)
        return try store.write { db in
            guard try UserRecord.fetchCount(db) == 0 else { throw AccountError.alreadySetUp }
            guard try Self.holdsNoRecords(db) else { throw AccountError.accountsRemoved }
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
                                entity: "user", entityId: user.id,
                                summary: "first-run setup" + AccountFingerprint.confirmedTag(db, user))
            return user.account()
        }
    }

    /// What the password policy says of a new password for `username`
    /// (nil: acceptable), so a form can say it under the field before
    /// saving. Whether it repeats the previous one is checked on saving.
    public func passwordProblem(_ password: String, username: String) -> PasswordProblem? {
        Self.passwordProblem(password, username: username)
    }

    /// The same check without a database (the command line checks before
    /// it creates one).
    public static func passwordProblem(_ password: String, username: String) -> PasswordProblem? {
        PasswordRules.problem(password, username: username, isCommon: CommonPasswords.contains)
    }

    /// Refuses a new password the policy refuses (`PasswordRules`).
    func checkNewPassword(_ password: String, username: String) throws {
        if let problem = passwordProblem(password, username: username) { throw AccountError.weakPassword(problem) }
    }

    func insertUser(_ db: Database, username: String, displayName: String, role: Role, password: String,
                    language: String, createdBy: Int64?, mustChangePassword: Bool = false) throws -> UserRecord {
        guard UsernameRules.isValid(username) else { throw AccountError.invalidUsername }
        guard !displayName.trimmingCharacters(in: .whitespaces).isEmpty else { throw AccountError.displayNameRequired }
        guard !TextRules.hasControlCharacters(displayName) else { throw AccountError.controlCharacters }
        let name = UsernameRules.normalized(username)
        if try UserRecord.filter(sql: "username = ?", arguments: [name]).fetchCount(db) > 0 {
            throw AccountError.usernameTaken
        }
        let now = store.now
        var record = UserRecord(
            id: nil, username: name, displayName: displayName.trimmingCharacters(in: .whitespaces),
            role: role, passwordHash: try hasher.hash(password), isActive: true, failedAttempts: 0,
            lockedUntil: nil, language: language, homeCommunes: "", createdAt: now, updatedAt: now,
            createdBy: createdBy, version: 1, mustChangePassword: mustChangePassword, passwordChangedAt: now)
        try record.insert(db)
        // Accounts live in the office's own key range, where their records
        // are written; a key counter moved outside it (by a shell) would make
        // an account no record vouches for.
        guard let id = record.id, OfficeKeys.office(of: id) == (try AuditLog.ownOffice(db)) else {
            throw AccountError.alteredAsSaved
        }
        return record
    }

    /// The lock-out after five failures, in minutes (an admin setting).
    static func lockOutMinutes(_ db: Database) throws -> Int {
        try SettingsService.office(db).lockoutMinutes
    }

    /// Checks a username and password. Every attempt runs the full password
    /// hash (a stand-in with the same cost for an unknown name), is counted
    /// against the account and audited (naming the account only when it
    /// exists, never what was typed). Five failures in a row lock the
    /// account for the lock-out time; a locked or disabled account refuses
    /// even the right password, with the same answer as a wrong one.
    public func logIn(username: String, password: String) throws -> LoginResult {
        try store.database.requireIntact()
        // Said again at every attempt, not only when Komar starts: no
        // password can work, and "wrong password" would send the user
        // guessing.
        if try accountsWereRemoved() { throw AccountError.accountsRemoved }
        return try attempt(username: username, password: password, success: .login).map { .success(Session(user: $0)) }
            ?? .invalidCredentials
    }

    /// One attempt at an account's password; the account when it may log
    /// in. `success` is what a right password is audited as (nil: nothing,
    /// for a password asked again inside a session).
    private func attempt(username: String, password: String, success: AuditAction?) throws -> UserAccount? {
        let name = UsernameRules.normalized(username)
        let found = try store.read { db in try UserRecord.filter(sql: "username = ?", arguments: [name]).fetchOne(db) }
        let passwordOK = hasher.verify(password, against: found?.passwordHash ?? hasher.standIn)
        let now = store.now
        var changedOutside = false
        let account = try store.write { db -> UserAccount? in
            // The account as it is now, inside the write: attempts made at the same time (in other
            // terminals or processes) are counted one after another, each on the count the one before
            // left, so parallel guesses cannot share one count or slip past a lock set meanwhile.
            guard let id = found?.id, var record = try UserRecord.fetchOne(db, key: id) else {
                try AuditLog.append(db, at: now, userId: nil, username: "", action: .failedLogin,
                                    summary: "unknown account")
                return nil
            }
            // A password changed since it was checked was checked against the old one.
            let passwordOK = passwordOK && record.passwordHash == found?.passwordHash
            // Only the right password learns this: the account differs from
            // what the log recorded of it, so it was changed outside Komar
            // (a role raised, a password hash copied in, an account added).
            if passwordOK, try AccountFingerprint.change(db, record) != nil {
                try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: .failedLogin,
                                    entity: "user", entityId: record.id, summary: "changed outside Komar")
                changedOutside = true
                return nil
            }
            if passwordOK && record.isActive && !record.isLocked(at: now) {
                if record.failedAttempts != 0 || record.lockedUntil != nil {
                    record.failedAttempts = 0
                    record.lockedUntil = nil
                    try record.update(db, columns: ["failed_attempts", "locked_until"])
                }
                if let success {
                    try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: success)
                }
                return record.account()
            }
            var action = AuditAction.failedLogin
            var why = !record.isActive ? "disabled" : record.isLocked(at: now) ? "locked" : "wrong password"
            if record.isLocked(at: now) {
                // Counted in the log, but guessing during a lock does not
                // make it longer: nobody can keep an account locked for good.
                try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: action,
                                    entity: "user", entityId: record.id, summary: why)
                return nil
            }
            record.failedAttempts += 1
            if record.failedAttempts >= Self.maximumFailedAttempts {
                record.lockedUntil = now.addingTimeInterval(Double(try Self.lockOutMinutes(db)) * 60)
                record.failedAttempts = 0
                action = .lockedOut
                why += "; locked"
            }
            try record.update(db, columns: ["failed_attempts", "locked_until"])
            try AuditLog.append(db, at: now, userId: record.id, username: record.username, action: action,
                                entity: "user", entityId: record.id, summary: why)
            return nil
        }
        if changedOutside { throw AccountError.changedOutsideKomar }
        return account
    }

    /// The setting a restore changes: a window that logged in before it
    /// sees another value and ends its session.
    static let restoreMarkSetting = "restore_mark"

    /// The mark of the latest restore (nil before any).
    public func restoreMark() throws -> String? { try setting(Self.restoreMarkSetting) }

    /// The session's user as stored now, if they may still work: an admin
    /// may have disabled them or changed their role since they logged in.
    public func current(_ session: Session) throws -> UserAccount? {
        try store.read { db in
            guard let record = try UserRecord.fetchOne(db, key: session.user.id), record.isActive,
                  record.role == session.user.role else { return nil }
            return record.account()
        }
    }

    /// Checks the session user's own password again (to unlock the screen,
    /// or before an export or a change to accounts) without a new login.
    /// A wrong one counts like a failed login.
    public func confirmPassword(_ session: Session, _ password: String) throws -> Bool {
        try attempt(username: session.user.username, password: password, success: nil)?.id == session.user.id
    }

    /// Changes the session user's own password: the current one first, then
    /// a new one the policy accepts and that is not the current one.
    public func changeOwnPassword(_ session: Session, current: String, new: String) throws {
        try checkNewPassword(new, username: session.user.username)
        let now = store.now
        // The current password counts like a login: a wrong one is audited
        // and counts towards the lock-out, and a locked account is refused.
        guard try attempt(username: session.user.username, password: current, success: nil)?.id == session.user.id,
              let stored = try store.read({ db in try UserRecord.fetchOne(db, key: session.user.id) }) else {
            throw AccountError.wrongPassword
        }
        if hasher.verify(new, against: stored.passwordHash) { throw AccountError.weakPassword(.isPrevious) }
        let hash = try hasher.hash(new)
        try store.write { db in
            guard var record = try UserRecord.fetchOne(db, key: session.user.id) else { throw StoreError.notFound }
            try db.execute(sql: """
                UPDATE user SET password_hash = ?, must_change_password = 0, password_changed_at = ?, updated_at = ?,
                  version = version + 1 WHERE id = ?
                """, arguments: [hash, now, now, session.user.id])
            record.passwordHash = hash
            try store.audit(db, session, .passwordChanged, entity: "user", id: session.user.id,
                            summary: AccountFingerprint.confirmedTag(db, record))
        }
    }

    /// Saves the user's language choice (F6) for their next login.
    public func setLanguage(_ session: Session, languageCode: String) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE user SET language = ?, updated_at = ? WHERE id = ?",
                           arguments: [languageCode, store.now, session.user.id])
        }
    }

    /// Ends a session in the audit log; `summary` says why when the user
    /// did not choose to (another user took over, an admin disabled them).
    public func logOut(_ session: Session, summary: String = "") throws {
        try store.write { db in try store.audit(db, session, .logout, summary: summary) }
    }

    /// The screen was locked (idle, or Ctrl-L) or unlocked by its user.
    public func recordLock(_ session: Session, locked: Bool, idle: Bool = false) throws {
        try store.write { db in
            try store.audit(db, session, locked ? .lock : .unlock, summary: locked && idle ? "idle" : "")
        }
    }
}
