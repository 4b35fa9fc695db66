import CaseDomain
import Foundation
import GRDB

/// What the audit viewer is narrowed to. Empty means every event.
public struct AuditFilter: Equatable, Sendable {
    /// Events by this username.
    public var username: String?
    public var action: AuditAction?
    /// Events whose summary names this record code (KC-2026-0001, RF-…, HH-…).
    public var code: String?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(username: String? = nil, action: AuditAction? = nil, code: String? = nil, from: LocalDate? = nil,
                to: LocalDate? = nil) {
        self.username = username
        self.action = action
        self.code = code
        self.from = from
        self.to = to
    }

    public var isEmpty: Bool { self == AuditFilter() }
}

/// What checking the audit log found.
public struct AuditVerification: Equatable, Sendable {
    /// The first row whose hash or link to the row before is wrong.
    public let firstBrokenRow: Int64?
    /// Seals from outside the file that the log no longer matches: rows
    /// removed from its end, or a chain computed again from some row on.
    public let unmatchedSeals: [AuditSeal]
    /// Seals of backups made before a restore that the log does not match:
    /// the history the restore replaced (kept in its before-restore copy),
    /// not events removed. Said, but not counted as broken.
    public var replacedByRestore: [AuditSeal] = []
    /// When the append-only triggers were found missing (and put back) on
    /// opening the file; nil once an admin has acknowledged it.
    public let triggersMissingSince: Date?
    /// Accounts that differ from what the log last recorded of them.
    public var accountsChangedOutside: [AccountChangedOutside] = []

    public var isIntact: Bool { firstBrokenRow == nil && unmatchedSeals.isEmpty && accountsChangedOutside.isEmpty }
}

/// Reading, checking and exporting the audit log: admins only.
public struct AuditService: Sendable {
    let store: StoreContext

    /// Nil when every row's hash chains to the previous one; otherwise the id
    /// of the first row that was edited, inserted or removed out of order.
    public func firstBrokenRow(_ session: Session) throws -> Int64? {
        try session.require(.readAudit)
        return try store.read { db in try AuditLog.firstBrokenRow(db) }
    }

    /// The log's seal now: its row count and latest hash.
    public func seal(_ session: Session) throws -> AuditSeal {
        try session.require(.readAudit)
        return try store.read { db in try Self.seal(db) }
    }

    /// The seal of this office's own chain (at head office, of head
    /// office's own events), or of `office`'s chain.
    static func seal(_ db: Database, office: Int64? = nil) throws -> AuditSeal {
        let range = OfficeKeys.range(try office ?? AuditLog.ownOffice(db))
        let arguments: StatementArguments = [range.lowerBound, range.upperBound]
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event WHERE id >= ? AND id < ?",
                                     arguments: arguments) ?? 0
        let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit_event WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1",
                                       arguments: arguments) ?? AuditLog.genesis
        return AuditSeal(count: count, hashPrefix: String(hash.prefix(12)))
    }

    /// Walks the chain, and checks each seal taken earlier: the row that was
    /// the newest then must still be there, with the same hash. `seals`
    /// (printed, kept away from the PC) must all match. A backup's seal that
    /// does not is the history a restore replaced when the log records a
    /// restore made after that backup; otherwise it is broken.
    /// Whether the office's own log holds the events `seal` was made of:
    /// as many at least, the last of them with the seal's hash.
    private static func log(_ db: Database, range: Range<Int64>, matches seal: AuditSeal) throws -> Bool {
        guard seal.count > 0 else { return true }
        let hash = try String.fetchOne(db, sql: """
            SELECT hash FROM audit_event WHERE id >= ? AND id < ? ORDER BY id LIMIT 1 OFFSET ?
            """, arguments: [range.lowerBound, range.upperBound, seal.count - 1])
        return hash.map { $0.hasPrefix(seal.hashPrefix) } ?? false
    }

    /// The newest verified backup (not a before-restore copy) of the history
    /// the file holds now: one whose seal the log still matches, not one a
    /// restore replaced (restoring that would undo the restore). Asked where
    /// no one can log in, as when the accounts were removed, so it takes no
    /// session; it says only which file. Without one, the newest verified.
    public func newestBackupOfThisHistory(_ backups: [BackupEntry]) throws -> BackupEntry? {
        let candidates = backups.filter { $0.manifest.verified && $0.manifest.kind != .beforeRestore }
            .sorted { $0.manifest.createdAt > $1.manifest.createdAt }
        return try store.read { db in
            let range = OfficeKeys.range(try AuditLog.ownOffice(db))
            return try candidates.first { entry in try entry.seal.map { try Self.log(db, range: range, matches: $0) } ?? false }
        } ?? candidates.first
    }

    public func verify(_ session: Session, against seals: [AuditSeal] = [], backups: [BackupEntry] = [])
        throws -> AuditVerification {
        try session.require(.readAudit)
        return try store.read { db in
            let range = OfficeKeys.range(try AuditLog.ownOffice(db))
            func matches(_ seal: AuditSeal) throws -> Bool { try Self.log(db, range: range, matches: seal) }
            var unmatched = try seals.filter { try !matches($0) }
            let restores = try Date.fetchAll(db, sql: """
                SELECT at FROM audit_event WHERE action = ? AND id >= ? AND id < ?
                """, arguments: [AuditAction.restore.rawValue, range.lowerBound, range.upperBound])
            var replaced: [AuditSeal] = []
            for backup in backups {
                guard let seal = backup.seal, try !matches(seal) else { continue }
                if restores.contains(where: { $0 >= backup.manifest.createdAt }) {
                    replaced.append(seal)
                } else {
                    unmatched.append(seal)
                }
            }
            let alert = try AccountService.setting(db, "audit_alert").flatMap(Double.init)
            return AuditVerification(firstBrokenRow: try AuditLog.firstBrokenRow(db), unmatchedSeals: unmatched,
                                     replacedByRestore: replaced,
                                     triggersMissingSince: alert.map(Date.init(timeIntervalSince1970:)),
                                     accountsChangedOutside: try AccountFingerprint.changes(db))
        }
    }

    /// Accounts changed outside Komar: one pass over the log's account
    /// records (no index: see `AccountFingerprint`).
    public func accountsChangedOutside(_ session: Session) throws -> [AccountChangedOutside] {
        try session.require(.readAudit)
        return try store.read { db in try AccountFingerprint.changes(db) }
    }

    /// When the audit triggers were found missing, until an admin
    /// acknowledges it (cheap: no walk of the chain).
    public func triggersMissingSince(_ session: Session) throws -> Date? {
        try session.require(.readAudit)
        return try store.read { db in
            try AccountService.setting(db, "audit_alert").flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// An admin has seen the alert about missing triggers.
    public func clearAlert(_ session: Session) throws {
        try session.require(.readAudit)
        try store.write { db in
            try db.execute(sql: "DELETE FROM setting WHERE key = 'audit_alert'")
            try store.audit(db, session, .auditAlertCleared)
        }
    }

    /// A page of events matching `filter`, newest first, before the event
    /// `beforeId`.
    public func recent(_ session: Session, filter: AuditFilter = AuditFilter(), before beforeId: Int64? = nil,
                       limit: Int = 50) throws -> [AuditEntry] {
        try session.require(.readAudit)
        let condition = Self.condition(filter) && SQLCondition("id < ?", [beforeId ?? Int64.max])
        return try store.read { db in
            try Row.decodeAll(db, sql: "SELECT * FROM audit_event WHERE \(condition.sql) ORDER BY id DESC LIMIT ?",
                             arguments: condition.arguments + [limit], Self.entry)
        }
    }

    /// How many events match `filter`.
    public func count(_ session: Session, filter: AuditFilter = AuditFilter()) throws -> Int {
        try session.require(.readAudit)
        let condition = Self.condition(filter)
        return try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event WHERE \(condition.sql)",
                             arguments: condition.arguments) ?? 0
        }
    }

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(id: row["id"], at: row["at"], username: row["username"], action: row["action"],
                   entity: row["entity"], entityId: row["entity_id"],
                   summary: AccountFingerprint.readable(row["summary"]))
    }

    static func condition(_ filter: AuditFilter) -> SQLCondition {
        var condition = SQLCondition.always
        if let username = filter.username?.trimmingCharacters(in: .whitespaces), !username.isEmpty {
            condition = condition && SQLCondition("username = ? COLLATE NOCASE", [username])
        }
        if let action = filter.action { condition = condition && SQLCondition("action = ?", [action.rawValue]) }
        if let code = filter.code?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            condition = condition && SQLCondition("instr(upper(summary), upper(?)) > 0", [code])
        }
        // Stored times are UTC ("2026-11-21 05:00:00.000"); a day is the
        // machine's local day.
        if let from = filter.from { condition = condition && SQLCondition("at >= ?", [Self.start(of: from)]) }
        if let to = filter.to { condition = condition && SQLCondition("at < ?", [Self.start(of: to.adding(days: 1))]) }
        return condition
    }

    static func start(of day: LocalDate) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day) = (day.year, day.month, day.day)
        return Calendar(identifier: .gregorian).date(from: components) ?? Date()
    }

    /// Writes the events matching `filter` to `url` as CSV (times in ISO
    /// form, actions as `label` says them), oldest first. Audited.
    @discardableResult
    public func export(_ session: Session, filter: AuditFilter, to url: URL, label: (String) -> String) throws -> Int {
        try session.require(.readAudit)
        let condition = Self.condition(filter)
        let rows = try store.read { db in
            try Row.decodeAll(db, sql: "SELECT * FROM audit_event WHERE \(condition.sql) ORDER BY id",
                             arguments: condition.arguments, Self.entry)
        }
        var text = CSV.byteOrderMark + CSV.line(["audit.id", "audit.when", "audit.who", "audit.action", "audit.entity",
                                                 "audit.summary"].map(label))
        let stamp = ISO8601DateFormatter()
        for e in rows {
            text += CSV.line([String(e.id), stamp.string(from: e.at), e.username, label("audit-action." + e.action),
                              e.entity + (e.entityId.map { " \($0)" } ?? ""), e.summary])
        }
        try AtomicFile.write(Data(text.utf8), to: url)
        try store.write { db in
            try store.audit(db, session, .export, entity: "audit", summary: "\(rows.count) events to \(url.lastPathComponent)")
        }
        return rows.count
    }
}
