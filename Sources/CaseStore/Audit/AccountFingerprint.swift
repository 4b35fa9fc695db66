import CaseDomain
import Crypto
import Foundation
import GRDB

/// What the audit log last recorded of an account: its role, whether it
/// was active, and a digest of those with its id, username and password
/// hash. Every change Komar makes to an account carries one at the end of
/// its audit event's summary, so the chain vouches for it. An account
/// changed with another program (a sqlite3 shell giving itself the admin
/// role, another account's password hash copied in, an admin inserted)
/// no longer matches its newest record, and cannot log in until an admin
/// records it again by changing it in Komar.
///
/// Someone who knows how the digest is made can write a matching event,
/// as they can any audit row; that event then stands in the log for the
/// admins to see, and seals kept off the PC show the rows added.
struct AccountFingerprint: Equatable {
    let role: Role
    let isActive: Bool
    let digest: String

    /// What begins the record in a summary: a unit separator, which no
    /// form lets anyone type, so a summary's own text never holds it.
    static let marker = "\u{1F}account "

    /// Accounts that can never log in (head office's copies of an office's
    /// people, people brought back without a password): nothing to check.
    static let noPassword = "!"

    init(_ record: UserRecord) {
        role = record.role
        isActive = record.isActive
        // The id enters as its place in the office's range, as in the audit
        // chain: joining head office moves every key and keeps this whole.
        let material = ["account1", String(OfficeKeys.local(record.id ?? 0)), record.username, record.role.rawValue,
                        record.isActive ? "1" : "0", record.passwordHash]
        digest = SHA256.hash(data: Array(material.joined(separator: "\u{1F}").utf8)).prefix(8)
            .map { String(format: "%02x", $0) }.joined()
    }

    private init(role: Role, isActive: Bool, digest: String) {
        self.role = role
        self.isActive = isActive
        self.digest = digest
    }

    /// The text appended to an audit summary.
    var tag: String { Self.marker + "\(role.rawValue) \(isActive ? 1 : 0) \(digest)" }

    /// The record at the end of a summary, if it holds one.
    init?(summary: String) {
        guard let range = summary.range(of: Self.marker, options: .backwards) else { return nil }
        let parts = summary[range.upperBound...].split(separator: " ")
        guard parts.count == 3, let role = Role(rawValue: String(parts[0])), parts[1] == "0" || parts[1] == "1",
              parts[2].count == 16, parts[2].allSatisfy(\.isHexDigit) else { return nil }
        self.init(role: role, isActive: parts[1] == "1", digest: String(parts[2]))
    }

    /// A summary as people read it: without the record.
    static func readable(_ summary: String) -> String {
        summary.range(of: marker).map { String(summary[..<$0.lowerBound]) } ?? summary
    }

    /// The tag for the account as it is stored now (after a write in the
    /// same transaction).
    static func tag(_ db: Database, userId: Int64) throws -> String {
        guard let record = try UserRecord.fetchOne(db, key: userId) else { throw StoreError.notFound }
        return AccountFingerprint(record).tag
    }

    /// The account records of the log in `range` (all of it by default),
    /// newest first when `newestFirst`, each read exactly as the chain's
    /// hash reads its row: `entity` as text up to any NUL, `entity_id` as a
    /// number whatever its storage, and only its place in its office's range
    /// (the part the hash covers). A shell can re-store a column in a way
    /// SQL compares differently (a blob, a NUL at the end, the office part
    /// of an id changed) without breaking the hash, so SQL only narrows the
    /// rows to those whose summary holds a record, and Swift decides (three
    /// security probes). The table is read with NOT INDEXED: an index can be
    /// made to hold fewer rows than its definition says (`writable_schema`).
    /// A scan of 600,000 events takes about 0.2 s, once per login, after the
    /// password was found right.
    private static func records(_ db: Database, in range: Range<Int64> = Int64.min..<Int64.max, newestFirst: Bool,
                                _ body: (_ rowId: Int64, _ localAccount: Int64, AccountFingerprint) throws -> Bool) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, entity, CAST(entity_id AS INTEGER) AS account, summary FROM audit_event NOT INDEXED
            WHERE id >= ? AND id < ? AND instr(summary, char(31) || 'account ') > 0
            ORDER BY id \(newestFirst ? "DESC" : "")
            """, arguments: [range.lowerBound, range.upperBound])
        while let row = try rows.next() {
            let entity: String = row["entity"]
            guard entity == "user", let account: Int64 = row["account"],
                  let found = AccountFingerprint(summary: row["summary"]) else { continue }
            guard try body(row["id"], OfficeKeys.local(account), found) else { return }
        }
    }

    /// The newest record of the account in the range of the office that
    /// owns it: where Komar writes its events, whatever `office_number`
    /// says now (a shell can change that setting too).
    static func newest(_ db: Database, userId: Int64) throws -> AccountFingerprint? {
        var newest: AccountFingerprint?
        try records(db, in: OfficeKeys.range(OfficeKeys.office(of: userId)), newestFirst: true) { _, account, found in
            guard account == OfficeKeys.local(userId) else { return true }
            newest = found
            return false
        }
        return newest
    }

    /// The newest record of every account, in one pass over the log, by
    /// account id (office of the row, place in its range).
    static func newestOfEach(_ db: Database) throws -> [Int64: AccountFingerprint] {
        var newest: [Int64: AccountFingerprint] = [:]
        try records(db, newestFirst: false) { rowId, account, found in
            newest[OfficeKeys.base(OfficeKeys.office(of: rowId)) + account] = found
            return true
        }
        return newest
    }

    /// Whether any account was ever recorded in this file. Until then (a
    /// file from before accounts were recorded) nothing is compared.
    static func anyRecorded(_ db: Database) throws -> Bool {
        var any = false
        try records(db, newestFirst: false) { _, _, _ in
            any = true
            return false
        }
        return any
    }

    /// How the account differs from its newest record, or nil when it
    /// matches (or cannot log in at all).
    static func change(_ db: Database, _ record: UserRecord) throws -> AccountChangedOutside.Kind? {
        guard record.passwordHash != noPassword, let id = record.id else { return nil }
        return try compare(record, with: newest(db, userId: id), unrecordedIsChanged: { try unrecordedIsChanged(db) })
    }

    /// Whether an account with no record counts as changed outside Komar:
    /// once any account was recorded, or when the log does not begin with
    /// the office's setup (emptied with a shell). Only in a file from
    /// before accounts were recorded is it not compared yet.
    private static func unrecordedIsChanged(_ db: Database) throws -> Bool {
        try anyRecorded(db) || !AuditLog.beganWithSetup(db)
    }

    private static func compare(_ record: UserRecord, with recorded: AccountFingerprint?,
                                unrecordedIsChanged: () throws -> Bool) rethrows -> AccountChangedOutside.Kind? {
        guard let recorded else { return try unrecordedIsChanged() ? .unrecorded : nil }
        let now = AccountFingerprint(record)
        if recorded.role != now.role { return .role(recorded: recorded.role) }
        if recorded.isActive != now.isActive { return .enabled }
        return recorded.digest == now.digest ? nil : .passwordOrName
    }

    /// How each account that differs from its record differs, by id: one
    /// pass over the log for a whole list (a look-up per account would read
    /// the log once for each).
    static func changeOfEach(_ db: Database) throws -> [Int64: AccountChangedOutside.Kind] {
        let newest = try newestOfEach(db)
        guard try !newest.isEmpty || !AuditLog.beganWithSetup(db) else { return [:] }
        var kinds: [Int64: AccountChangedOutside.Kind] = [:]
        for record in try UserRecord.fetchAll(db) where record.passwordHash != noPassword {
            guard let id = record.id, let kind = compare(record, with: newest[id], unrecordedIsChanged: { true }) else {
                continue
            }
            kinds[id] = kind
        }
        return kinds
    }

    /// Every account that differs from its record, by username.
    static func changes(_ db: Database) throws -> [AccountChangedOutside] {
        let kinds = try changeOfEach(db)
        guard !kinds.isEmpty else { return [] }
        return try UserRecord.fetchAll(db, sql: "SELECT * FROM user ORDER BY username").compactMap { record in
            kinds[record.id ?? 0].map {
                AccountChangedOutside(userId: record.id ?? 0, username: record.username, role: record.role, kind: $0)
            }
        }
    }

    /// The tag for an account Komar has just written as `expected`, after
    /// checking the row in the file is what was written: a trigger added
    /// outside Komar could change it as it is saved (security probe: an
    /// admin adding a user made an admin). Nothing is saved then.
    static func confirmedTag(_ db: Database, _ expected: UserRecord) throws -> String {
        guard let id = expected.id, let stored = try UserRecord.fetchOne(db, key: id),
              AccountFingerprint(stored) == AccountFingerprint(expected) else {
            throw AccountError.alteredAsSaved
        }
        return AccountFingerprint(expected).tag
    }

    /// Records every account that can log in, once, in a file whose log
    /// has never recorded one (made before accounts were recorded): what
    /// they are then is what later changes are compared with. Returns how
    /// many were recorded.
    @discardableResult
    static func recordAllOnce(_ db: Database, at now: Date) throws -> Int {
        guard try !anyRecorded(db) else { return 0 }
        let records = try UserRecord.fetchAll(db, sql: "SELECT * FROM user WHERE password_hash != ? ORDER BY id",
                                              arguments: [noPassword])
        for record in records {
            try AuditLog.append(db, at: now, userId: nil, username: "komar", action: .accountRecorded, entity: "user",
                                entityId: record.id, summary: record.username + AccountFingerprint(record).tag)
        }
        return records.count
    }
}

/// An account that differs from what the audit log last recorded of it:
/// it was changed outside Komar. It cannot log in until an admin changes
/// it in Komar (role, enabled, password), which records it again.
public struct AccountChangedOutside: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Its role is not the one recorded (`recorded`).
        case role(recorded: Role)
        /// Enabled or disabled outside Komar.
        case enabled
        /// Its password hash or username was changed.
        case passwordOrName
        /// Added outside Komar: the log never recorded it.
        case unrecorded
    }

    public let userId: Int64
    public let username: String
    /// Its role in the file now.
    public let role: Role
    public let kind: Kind
}
