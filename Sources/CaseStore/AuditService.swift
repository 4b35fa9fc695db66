import CaseDomain
import GRDB

/// Reading and verifying the audit log.
public struct AuditService: Sendable {
    let database: AppDatabase
    public init(database: AppDatabase) { self.database = database }

    /// Nil when every row's hash chains to the previous one; otherwise the id
    /// of the first row that was edited, inserted or removed out of order.
    public func firstBrokenRow() throws -> Int64? {
        try database.read { db in try AuditLog.firstBrokenRow(db) }
    }

    /// The newest events, newest first.
    public func recent(limit: Int = 50) throws -> [AuditEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_event ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(id: $0["id"], at: $0["at"], username: $0["username"], action: $0["action"],
                           entity: $0["entity"], entityId: $0["entity_id"], summary: $0["summary"])
            }
        }
    }
}
