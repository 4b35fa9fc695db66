import CaseDomain
import Foundation
import GRDB

/// `komar demo` (or `bench`) was pointed at a database that holds an
/// office's own records, history or backups.
public struct DemoRefused: Error, Equatable, Sendable {}

/// An account as the admin's user list shows it.
public struct UserSummary: Equatable, Sendable {
    public let account: UserAccount
    /// Until when failed logins lock it, if they do now.
    public let lockedUntil: Date?
    public let failedAttempts: Int
    /// For saving changes back (`updateUser`).
    public let version: Int
    /// How it differs from what the audit log recorded of it, when it was
    /// changed outside Komar (it cannot log in until its password is reset).
    public var changedOutside: AccountChangedOutside.Kind?

    public var isLocked: Bool { lockedUntil != nil }
}

/// User management, for admins: adding accounts, disabling and enabling
/// them, unlocking them, resetting passwords (which must then be changed
/// at the next login) and changing roles. Every change is audited; the
/// last active admin cannot be disabled or demoted.
extension AccountService {
    /// Every account, by username.
    public func users(_ session: Session) throws -> [UserSummary] {
        try session.require(.manageUsers)
        let now = store.now
        return try store.read { db in
            let changed = try AccountFingerprint.changeOfEach(db)
            return try UserRecord.fetchAll(db, sql: "SELECT * FROM user ORDER BY username").map {
                Self.summary($0, now: now, changedOutside: changed[$0.id ?? 0])
            }
        }
    }

    /// How many open cases wait on this user: disabling them leaves those
    /// cases with nobody, so the admin is told first.
    public func openCasesAssigned(_ session: Session, userId: Int64) throws -> Int {
        try session.require(.manageUsers)
        return try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE assigned_to = ? AND status = 'open'",
                             arguments: [userId]) ?? 0
        }
    }

    public func user(_ session: Session, id: Int64) throws -> UserSummary {
        try session.require(.manageUsers)
        let now = store.now
        return try store.read { db in
            guard let record = try UserRecord.fetchOne(db, key: id) else { throw StoreError.notFound }
            return Self.summary(record, now: now, changedOutside: try AccountFingerprint.change(db, record))
        }
    }

    static func summary(_ record: UserRecord, now: Date, changedOutside: AccountChangedOutside.Kind?) -> UserSummary {
        UserSummary(account: record.account(), lockedUntil: record.isLocked(at: now) ? record.lockedUntil : nil,
                    failedAttempts: record.failedAttempts, version: record.version, changedOutside: changedOutside)
    }

    /// Adds an account, by an admin. The password must meet the policy;
    /// with `mustChange` the user chooses their own at the first login.
    @discardableResult
    public func addUser(by session: Session, username: String, displayName: String, role: Role, password: String,
                        languageCode: String = "km", mustChange: Bool = false, draft: DraftRef? = nil) throws -> UserAccount {
        try session.require(.manageUsers)
        try checkNewPassword(password, username: username)
        return try store.write(clearing: draft, for: session) { db in
            let user = try insertUser(db, username: username, displayName: displayName, role: role, password: password,
                                      language: languageCode, createdBy: session.user.id, mustChangePassword: mustChange)
            try store.audit(db, session, .userAdded, entity: "user", id: user.id,
                            summary: "\(user.username), role \(role.rawValue)" + AccountFingerprint.confirmedTag(db, user))
            return user.account()
        }
    }

    /// Makes a new database a demo (setup done, marked `demo`), or checks
    /// that it is one already; refuses an office's own database, and any
    /// file with records, a history or backups of its own, whatever its
    /// settings say (accounts and log emptied with a shell do not make a
    /// new file: security probe).
    func prepareDemo(organisation: String, provinceCode: String) throws {
        // Only backups that name this file: the demo shares `backups/` with the office's database.
        let hasBackups = store.database.path.map { path in
            BackupFolder.list(BackupFolder.url(besideDatabase: path)).contains {
                $0.manifest.databaseFile == URL(fileURLWithPath: path).lastPathComponent
            }
        } ?? false
        try store.write { db in
            if try Self.isDemo(db) { return }
            guard try !hasBackups && Self.holdsNoRecords(db) else { throw DemoRefused() }
            for (key, value) in [("organisation", organisation), ("office_province", provinceCode), ("language", "km"),
                                 ("demo", "1")] {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            try AuditLog.append(db, at: store.now, userId: nil, username: "komar", action: .setup,
                                summary: AuditLog.demoSetupSummary)
        }
    }

    /// The demo accounts: added without the password policy (their password
    /// is printed on the demo's login screen), only to a demo database.
    func addDemoUser(username: String, displayName: String, role: Role, password: String) throws -> UserAccount {
        try store.write { db in
            guard try Self.isDemo(db) else { throw DemoRefused() }
            let user = try insertUser(db, username: username, displayName: displayName, role: role, password: password,
                                      language: "km", createdBy: nil)
            try AuditLog.append(db, at: store.now, userId: nil, username: "komar", action: .userAdded, entity: "user",
                                entityId: user.id,
                                summary: "\(user.username), role \(role.rawValue) (demo)" + AccountFingerprint.confirmedTag(db, user))
            return user.account()
        }
    }

    /// Disables or enables an account. A disabled user's open session ends
    /// at their next action.
    public func setActive(_ session: Session, userId: Int64, active: Bool) throws {
        try change(session, userId: userId, action: active ? .userEnabled : .userDisabled) { db, record in
            if !active { try Self.keepAnAdmin(db, losing: record) }
            record.isActive = active
            return ""
        }
    }

    /// Lifts a lock-out after failed logins.
    public func unlock(_ session: Session, userId: Int64) throws {
        try change(session, userId: userId, action: .userUnlocked) { _, record in
            record.lockedUntil = nil
            record.failedAttempts = 0
            return ""
        }
    }

    /// Sets a new password for a user who forgot theirs; they must choose
    /// their own at their next login. It also lifts a lock-out.
    public func resetPassword(_ session: Session, userId: Int64, newPassword: String) throws {
        let username = try user(session, id: userId).account.username
        try checkNewPassword(newPassword, username: username)
        let hash = try hasher.hash(newPassword)
        try change(session, userId: userId, action: .passwordReset) { _, record in
            record.passwordHash = hash
            record.mustChangePassword = true
            record.passwordChangedAt = store.now
            record.lockedUntil = nil
            record.failedAttempts = 0
            return ""
        }
    }

    /// Gives a user another role; they log in again to work in it.
    public func setRole(_ session: Session, userId: Int64, role: Role) throws {
        try change(session, userId: userId, action: .roleChanged) { db, record in
            let old = record.role
            if role != .admin { try Self.keepAnAdmin(db, losing: record) }
            record.role = role
            return "\(old.rawValue) → \(role.rawValue)"
        }
    }

    /// An admin's changes to one account, in one transaction: its role,
    /// whether it is active, and a new password (to be changed at the next
    /// login). A save by someone else since `expectedVersion` refuses it.
    public func updateUser(_ session: Session, userId: Int64, role: Role, active: Bool, newPassword: String?,
                           expectedVersion: Int, draft: DraftRef? = nil) throws {
        try session.require(.manageUsers)
        let current = try user(session, id: userId)
        if let newPassword { try checkNewPassword(newPassword, username: current.account.username) }
        let hash = try newPassword.map { try hasher.hash($0) }
        let now = store.now
        try store.write(clearing: draft, for: session) { db in
            guard var record = try UserRecord.fetchOne(db, key: userId) else { throw StoreError.notFound }
            guard record.version == expectedVersion else { throw StoreError.changedElsewhere }
            // Saving an account changed outside Komar records it: only with
            // a new password (or disabled), never with a hash put in by hand.
            if hash == nil, active, try AccountFingerprint.change(db, record) != nil {
                throw AccountError.newPasswordNeeded
            }
            var events: [(AuditAction, String)] = []
            if role != record.role {
                if role != .admin { try Self.keepAnAdmin(db, losing: record) }
                events.append((.roleChanged, "\(record.username): \(record.role.rawValue) → \(role.rawValue)"))
                record.role = role
            }
            if active != record.isActive {
                if !active { try Self.keepAnAdmin(db, losing: record) }
                events.append((active ? .userEnabled : .userDisabled, record.username))
                record.isActive = active
            }
            if let hash {
                events.append((.passwordReset, record.username))
                record.passwordHash = hash
                record.mustChangePassword = true
                record.passwordChangedAt = now
                record.lockedUntil = nil
                record.failedAttempts = 0
            }
            // Audited before the change is written (see `change`), each with
            // the account as it is saved.
            for (action, summary) in events {
                try store.audit(db, session, action, entity: "user", id: userId,
                                summary: summary + AccountFingerprint(record).tag)
            }
            record.updatedAt = now
            record.version += 1
            try record.update(db)
            _ = try AccountFingerprint.confirmedTag(db, record)
        }
    }

    /// Changes one account in a transaction with its audit row.
    private func change(_ session: Session, userId: Int64, action: AuditAction,
                        _ body: (Database, inout UserRecord) throws -> String) throws {
        try session.require(.manageUsers)
        try store.write { db in
            guard var record = try UserRecord.fetchOne(db, key: userId) else { throw StoreError.notFound }
            // An account changed outside Komar is recorded again only by a
            // new password, or disabled; anything else would record the
            // hash put in by hand.
            let changedOutside = try AccountFingerprint.change(db, record)
            if action != .passwordReset && action != .userDisabled, changedOutside != nil {
                throw AccountError.newPasswordNeeded
            }
            var detail = try body(db, &record)
            // A new password records the account again with the role and
            // state the log had, not the ones put in by hand (third probe:
            // a volunteer raised to admin asks for a reset).
            switch changedOutside {
            case .role(let recorded):
                detail = "role put back to \(recorded.rawValue)"
                record.role = recorded
            case .enabled:
                detail = record.isActive ? "disabled again" : "enabled again"
                record.isActive.toggle()
            default: break
            }
            // Audited before the change is written: an admin who disables
            // or demotes themselves is still an admin for this row.
            try store.audit(db, session, action, entity: "user", id: userId,
                            summary: record.username + (detail.isEmpty ? "" : ": " + detail) + AccountFingerprint(record).tag)
            record.updatedAt = store.now
            record.version += 1
            try record.update(db)
            _ = try AccountFingerprint.confirmedTag(db, record)
        }
    }

    /// Refuses to leave the office without an active admin.
    private static func keepAnAdmin(_ db: Database, losing record: UserRecord) throws {
        guard record.role == .admin && record.isActive else { return }
        let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user WHERE role = 'admin' AND is_active AND id != ?",
                                      arguments: [record.id]) ?? 0
        if others == 0 { throw AccountError.lastAdmin }
    }
}
