import Crypto
import Foundation
import GRDB

/// What an audit event records. Summaries never carry narrative text.
public enum AuditAction: String, Sendable {
    case login, failedLogin = "failed-login", lockedOut = "locked-out", logout
    case setup, view, create, update, statusChange = "status-change"
    case export, backup, restore, userAdded = "user-added", demoData = "demo-data"
}

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
/// row's hash and its own fields, so editing or deleting a row breaks the
/// chain that `verify` walks.
enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)

    static func append(_ db: Database, at: Date, userId: Int64?, username: String, action: AuditAction,
                       entity: String = "", entityId: Int64? = nil, summary: String = "") throws {
        let prev = try String.fetchOne(db, sql: "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1") ?? genesis
        let stamp = String(format: "%.3f", at.timeIntervalSince1970)
        let hash = chainHash(prev: prev, stamp: stamp, username: username, action: action.rawValue,
                             entity: entity, entityId: entityId, summary: summary)
        try db.execute(sql: """
            INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, summary, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Date(timeIntervalSince1970: Double(stamp)!), userId, username, action.rawValue,
                             entity, entityId, summary, prev, hash])
    }

    static func chainHash(prev: String, stamp: String, username: String, action: String, entity: String,
                          entityId: Int64?, summary: String) -> String {
        let material = [prev, stamp, username, action, entity, entityId.map(String.init) ?? "", summary]
            .joined(separator: "\u{1F}")
        return SHA256.hash(data: Array(material.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The id of the first row whose hash does not match, or nil when the
    /// whole chain is intact.
    static func firstBrokenRow(_ db: Database) throws -> Int64? {
        var prev = genesis
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, at, username, action, entity, entity_id, summary, prev_hash, hash FROM audit_event ORDER BY id
            """)
        while let row = try rows.next() {
            let at: Date = row["at"]
            let stamp = String(format: "%.3f", at.timeIntervalSince1970)
            let expected = chainHash(prev: prev, stamp: stamp, username: row["username"], action: row["action"],
                                     entity: row["entity"], entityId: row["entity_id"], summary: row["summary"])
            let stored: String = row["hash"]
            let storedPrev: String = row["prev_hash"]
            if storedPrev != prev || stored != expected { return row["id"] }
            prev = stored
        }
        return nil
    }
}
