import CaseDomain
import Foundation
import GRDB

/// A form's unsaved state, kept per user and form so a crash, a kill or a
/// power cut loses nothing typed.
public struct Draft: Equatable, Sendable {
    public let form: String
    public let payload: String
    public let updatedAt: Date
}

/// Saves drafts as the user types and gives them back after a restart.
/// Drafts are the user's own: nobody else reads them, and they are not
/// audited (they may hold narrative text, which the audit log never does).
public struct DraftService: Sendable {
    let store: StoreContext

    public func save(_ session: Session, form: String, payload: String) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO draft (user_id, form, payload, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(user_id, form) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at
                """, arguments: [session.user.id, form, payload, store.now])
        }
    }

    public func load(_ session: Session, form: String) throws -> Draft? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE user_id = ? AND form = ?",
                             arguments: [session.user.id, form]).map {
                Draft(form: $0["form"], payload: $0["payload"], updatedAt: $0["updated_at"])
            }
        }
    }

    public func discard(_ session: Session, form: String) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM draft WHERE user_id = ? AND form = ?", arguments: [session.user.id, form])
        }
    }
}
