import CaseDomain
import GRDB

/// Reading and verifying the audit log: admins only.
public struct AuditService: Sendable {
    let store: StoreContext

    /// Nil when every row's hash chains to the previous one; otherwise the id
    /// of the first row that was edited, inserted or removed out of order.
    public func firstBrokenRow(_ session: Session) throws -> Int64? {
        try session.require(.manageUsers)
        return try store.read { db in try AuditLog.firstBrokenRow(db) }
    }

    /// A page of events, newest first, before the event `beforeId`.
    public func recent(_ session: Session, before beforeId: Int64? = nil, limit: Int = 50) throws -> [AuditEntry] {
        try session.require(.manageUsers)
        return try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM audit_event WHERE id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [beforeId ?? Int64.max, limit]).map {
                AuditEntry(id: $0["id"], at: $0["at"], username: $0["username"], action: $0["action"],
                           entity: $0["entity"], entityId: $0["entity_id"], summary: $0["summary"])
            }
        }
    }

    /// How many events the log holds.
    public func count(_ session: Session) throws -> Int {
        try session.require(.manageUsers)
        return try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event") ?? 0 }
    }
}
