import CaseDomain
import Crypto
import Foundation
import GRDB

/// What an audit event records. Summaries never carry narrative text, nor
/// what was typed into a search box or a login form.
public enum AuditAction: String, CaseIterable, Sendable {
    case login, failedLogin = "failed-login", lockedOut = "locked-out", logout
    case lock, unlock
    case setup, view, search, create, update, statusChange = "status-change"
    case export, backup, restore, demoData = "demo-data"
    case userAdded = "user-added", userDisabled = "user-disabled", userEnabled = "user-enabled"
    case userUnlocked = "user-unlocked", roleChanged = "role-changed"
    case passwordReset = "password-reset", passwordChanged = "password-changed"
    case settingChanged = "setting-changed"
    case auditTriggersRestored = "audit-triggers-restored", auditAlertCleared = "audit-alert-cleared"
    case tallyRepair = "tally-repair"
    case officeAdded = "office-added", officeJoined = "office-joined", syncExport = "sync-export"
    case syncImport = "sync-import", conflictResolved = "conflict-resolved"
    case officeRestored = "office-restored", syncCaughtUp = "sync-caught-up"
    case accountRecorded = "account-recorded"
}

/// An audit row could not be written although the insert succeeded:
/// something in the file discards it. Nothing of the action is saved.
public struct AuditRowLost: Error, Equatable, Sendable {}

/// One row of the audit log as read back for display or verification.
public struct AuditEntry: Equatable, Sendable {
    public let id: Int64
    public let at: Date
    public let username: String
    public let action: String
    public let entity: String
    public let entityId: Int64?
    public let summary: String
}

/// The append-only audit log. Each row stores the SHA-256 of the previous
/// row's hash and of every one of its own columns, so editing, inserting,
/// deleting or reordering a row breaks the chain that `firstBrokenRow`
/// walks. Triggers make SQLite refuse edits; anyone holding the file can
/// drop them and recompute the whole chain, which only a seal kept
/// outside the file (`AuditSeal`) catches.
///
/// Rows carry the version of the hash that sealed them (`chain`): rows
/// written before 2026-11-22 are version 1, which did not cover the
/// user's id or the row's own id; every later row is version 2.
///
/// Each office keeps its own chain in its own key range (`OfficeKeys`);
/// head office holds every office's chain beside its own. Ids enter the
/// hash as their place within the office's range, so joining head office,
/// which moves every key into the office's range, keeps the chain whole.
enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)
    static let currentChain = 2
    static let triggers = [
        "audit_event_no_update": "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            + "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "audit_event_no_delete": "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
            + "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ]

    /// Every trigger the audit table should have: the two that keep it
    /// append-only, and the three that mark its rows for the next export
    /// to head office (`FrozenSyncChanges20261206`).
    static let expectedTriggers = triggers.merging(FrozenSyncChanges20261206.triggers(table: "audit_event", key: "id")) { $1 }

    /// The fields of a row that its hash covers.
    struct Fields {
        var id: Int64
        var stamp: String
        var userId: Int64?
        var username: String
        var action: String
        var entity: String
        var entityId: Int64?
        var summary: String
        var chain: Int
    }

    /// Every column of a row that its hash covers, with `well_typed`:
    /// Komar writes every column with one storage type, and no text with
    /// a NUL. A row stored otherwise (a blob 'user', 'user' and a NUL)
    /// hashes the same as it reads, but SQL compares it differently
    /// (security probes): a break.
    static let selectHashed = """
        SELECT id, at, user_id, username, action, entity, entity_id, summary, prev_hash, hash, chain,
          typeof(username) = 'text' AND typeof(action) = 'text' AND typeof(entity) = 'text'
            AND typeof(summary) = 'text' AND typeof(prev_hash) = 'text' AND typeof(hash) = 'text'
            AND typeof(user_id) IN ('integer', 'null') AND typeof(entity_id) IN ('integer', 'null')
            AND typeof(chain) = 'integer'
            AND instr(CAST(username AS BLOB), X'00') = 0 AND instr(CAST(action AS BLOB), X'00') = 0
            AND instr(CAST(entity AS BLOB), X'00') = 0 AND instr(CAST(summary AS BLOB), X'00') = 0 AS well_typed
        FROM audit_event
        """

    /// What `komar demo` writes as the first event of a demo's chain.
    static let demoSetupSummary = "demo database"

    /// The file's first event, when it is a true start of a chain: stored
    /// as Komar writes, hashed right from nothing, and linked to the event
    /// after it. Rewriting it breaks that link; only recomputing the whole
    /// chain hides it, and a seal shows that.
    private static func genuineFirstEvent(_ db: Database) throws -> Fields? {
        let rows = try Row.fetchAll(db, sql: "\(selectHashed) ORDER BY id LIMIT 2")
        guard let first = rows.first, first["well_typed"] as Bool, first["prev_hash"] as String == genesis else { return nil }
        let fields = Fields(first)
        let stored: String = first["hash"]
        guard stored == hash(prev: genesis, fields) else { return nil }
        // At head office the next event may start another office's chain.
        if rows.count == 2, OfficeKeys.office(of: rows[1]["id"]) == OfficeKeys.office(of: fields.id),
           rows[1]["prev_hash"] as String != stored {
            return nil
        }
        return fields
    }

    /// Whether this file's chain began with `komar demo`'s setup. The demo
    /// mark is one setting anyone holding the file can write, and a demo
    /// takes accounts whose password is printed and is never backed up
    /// (security probe), so the chain decides.
    static func beganAsDemo(_ db: Database) throws -> Bool {
        guard let first = try genuineFirstEvent(db) else { return false }
        return first.action == AuditAction.setup.rawValue && first.userId == nil && first.summary == demoSetupSummary
    }

    /// Whether the log begins with the office's setup, as every file Komar
    /// makes does. One emptied with a shell does not (security probe): its
    /// accounts cannot be vouched for, so none is recorded from it as it is.
    static func beganWithSetup(_ db: Database) throws -> Bool {
        try genuineFirstEvent(db)?.action == AuditAction.setup.rawValue
    }

    static func append(_ db: Database, at: Date, userId: Int64?, username: String, action: AuditAction,
                       entity: String = "", entityId: Int64? = nil, summary: String = "") throws {
        let range = OfficeKeys.range(try ownOffice(db))
        let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_event WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1",
                                    arguments: [range.lowerBound, range.upperBound])
        let prev: String = last?["hash"] ?? genesis
        let fields = Fields(id: (last?["id"] ?? max(0, range.lowerBound)) + 1, stamp: String(format: "%.3f", at.timeIntervalSince1970),
                            userId: userId, username: username, action: action.rawValue, entity: entity,
                            entityId: entityId, summary: summary, chain: currentChain)
        let insert = """
            INSERT INTO audit_event (id, at, user_id, username, action, entity, entity_id, summary, prev_hash, hash, chain)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        let arguments: StatementArguments = [fields.id, Date(timeIntervalSince1970: Double(fields.stamp)!), userId, username,
                                             action.rawValue, entity, entityId, summary, prev, hash(prev: prev, fields),
                                             currentChain]
        try db.execute(sql: insert, arguments: arguments)
        if try !landed(db, id: fields.id) {
            // Something swallowed the row (a trigger added to the file):
            // put the triggers right, say so, and write the event again.
            guard action != .auditTriggersRestored, try restoreTriggers(db, at: at) else { throw AuditRowLost() }
            try append(db, at: at, userId: userId, username: username, action: action, entity: entity,
                       entityId: entityId, summary: summary)
        }
    }

    private static func landed(_ db: Database, id: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit_event WHERE id = ?)", arguments: [id]) ?? false
    }

    /// The hash of a row, by the version of the chain it was written with.
    static func hash(prev: String, _ f: Fields) -> String {
        let local = { (id: Int64) in String(OfficeKeys.local(id)) }
        let material = f.chain == 1
            ? [prev, f.stamp, f.username, f.action, f.entity, f.entityId.map(local) ?? "", f.summary]
            : [prev, "2", local(f.id), f.stamp, f.userId.map(local) ?? "", f.username, f.action, f.entity,
               f.entityId.map(local) ?? "", f.summary]
        return SHA256.hash(data: Array(material.joined(separator: "\u{1F}").utf8)).map { String(format: "%02x", $0) }
            .joined()
    }

    /// This database's office number: 0 for a lone office.
    static func ownOffice(_ db: Database) throws -> Int64 {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'office_number'").flatMap { Int64($0) } ?? 0
    }

    /// The id of the first row whose hash or link does not match, or nil
    /// when every chain is intact: this office's, and at head office each
    /// office's. Elsewhere a row in another office's range is itself a break.
    /// With `office`, only that office's chain; with `after` too, only the
    /// rows after that one, which was checked before (head office checks
    /// what each file adds, not an office's whole history every time).
    static func firstBrokenRow(_ db: Database, office: Int64? = nil, after checked: Int64? = nil) throws -> Int64? {
        let own = try ownOffice(db)
        let holdsOthers = own == OfficeKeys.headOffice
        var prev = genesis
        var newestChain = 1
        var chainOffice: Int64 = -1
        var range = office.map(OfficeKeys.range) ?? Int64.min..<Int64.max
        if let checked, let office, let last = try Row.fetchOne(db, sql: "SELECT hash, chain FROM audit_event WHERE id = ?",
                                                                arguments: [checked]) {
            prev = last["hash"]
            newestChain = last["chain"]
            chainOffice = office
            range = checked + 1..<range.upperBound
        }
        let rows = try Row.fetchCursor(db, sql: "\(selectHashed) WHERE id >= ? AND id < ? ORDER BY id",
                                       arguments: [range.lowerBound, range.upperBound])
        while let row = try rows.next() {
            let rowOffice = OfficeKeys.office(of: row["id"])
            if rowOffice != chainOffice {
                if !holdsOthers && rowOffice != own && office == nil { return row["id"] }
                chainOffice = rowOffice
                prev = genesis
                newestChain = 1
            }
            let fields = Fields(row)
            let stored: String = row["hash"]
            // A row never goes back to an older chain: one marked version 1
            // after version 2 rows was re-sealed to hide a changed user.
            if (row["prev_hash"] as String) != prev || stored != hash(prev: prev, fields) || fields.chain < newestChain
                || !(row["well_typed"] as Bool) {
                return fields.id
            }
            newestChain = fields.chain
            prev = stored
        }
        return nil
    }

    /// Makes the audit table's triggers exactly the expected ones (the two
    /// that keep it append-only, the three that mark rows for head office):
    /// puts them back if someone dropped or changed them, and
    /// drops any other trigger on it (one that silently ignores inserts
    /// would hide events without breaking the chain). Records what it
    /// found in the log and raises an alert for the admins. Returns whether
    /// anything was wrong.
    @discardableResult
    static func restoreTriggers(_ db: Database, at: Date) throws -> Bool {
        let present = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
        var problems: [String] = []
        for row in present {
            let name: String = row["name"]
            let sql: String = row["sql"] ?? ""
            if let expected = expectedTriggers[name], normalized(expected) == normalized(sql) { continue }
            try db.execute(sql: "DROP TRIGGER \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
            problems.append(expectedTriggers[name] == nil ? "foreign \(name)" : "changed \(name)")
        }
        // Komar puts no trigger on `user`: one there could change an account
        // as Komar saves it, after its record is taken.
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'user'") {
            try db.execute(sql: "DROP TRIGGER \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
            problems.append("foreign \(name) on user")
        }
        let kept = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"))
        for name in expectedTriggers.keys.sorted() where !kept.contains(name) {
            try db.execute(sql: expectedTriggers[name]!)
            if !problems.contains("changed \(name)") { problems.append("missing \(name)") }
        }
        guard !problems.isEmpty else { return false }
        try append(db, at: at, userId: nil, username: "komar", action: .auditTriggersRestored,
                   summary: problems.joined(separator: ", "))
        try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('audit_alert', ?)",
                       arguments: [String(format: "%.0f", at.timeIntervalSince1970)])
        return true
    }

    /// Whether the audit table's triggers are exactly the expected ones.
    static func triggersAreIntact(_ db: Database) throws -> Bool {
        let present = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
        let onUser = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'user'") ?? 0
        return onUser == 0 && present.count == expectedTriggers.count && present.allSatisfy { row in
            expectedTriggers[row["name"] as String].map { normalized($0) == normalized(row["sql"] ?? "") } ?? false
        }
    }

    /// A trigger's SQL without spacing, quoting or case, to compare.
    private static func normalized(_ sql: String) -> String {
        sql.lowercased().filter { !$0.isWhitespace && $0 != "\"" && $0 != ";" }
    }
}

/// A short fingerprint of the audit log at one moment: how many rows it
/// held and the first 12 hex digits of its latest hash ("1234:a1b2c3d4e5f6").
/// Copies of it kept outside the file (backup manifests, report footers,
/// an admin's notebook) prove later that no row was removed or rewritten.
public struct AuditSeal: Equatable, Sendable, CustomStringConvertible {
    public let count: Int
    public let hashPrefix: String

    public init(count: Int, hashPrefix: String) {
        self.count = count
        self.hashPrefix = hashPrefix
    }

    /// Parses "count:hex".
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let count = Int(parts[0]), count >= 0, parts[1].count == 12,
              parts[1].allSatisfy(\.isHexDigit) else { return nil }
        self.init(count: count, hashPrefix: parts[1].lowercased())
    }

    public var description: String { "\(count):\(hashPrefix)" }
}

extension AuditLog.Fields {
    /// The fields of a row read with `AuditLog.selectHashed`.
    init(_ row: Row) {
        let at: Date = row["at"]
        self.init(id: row["id"], stamp: String(format: "%.3f", at.timeIntervalSince1970), userId: row["user_id"],
                  username: row["username"], action: row["action"], entity: row["entity"], entityId: row["entity_id"],
                  summary: row["summary"], chain: row["chain"])
    }
}
