import Foundation
import GRDB

/// What a restore keeps from the database it replaces, because it is not
/// the records the backup puts back: the forms people were typing in other
/// windows (their drafts; each window ends its session at the restore and
/// its user finds them among the unsaved forms at the next login), and the
/// date of the last copy to another disk (the backup being restored may
/// just have come from one).
struct RestoreCarryOver: Sendable {
    /// A draft and the username of its owner: ids may differ in the backup.
    struct KeptDraft: Sendable {
        let username: String
        let kind: String
        let record: String
        let terminal: String
        let title: String
        let payload: String
        let updatedAt: DatabaseValue
    }

    var drafts: [KeptDraft] = []
    var lastExternalBackup: Double?

    /// Reads them from the database about to be replaced.
    static func read(_ db: Database) throws -> RestoreCarryOver {
        var kept = RestoreCarryOver()
        kept.drafts = try Row.decodeAll(db, sql: """
            SELECT u.username, d.kind, d.record, d.terminal, d.title, d.payload, d.updated_at
              FROM form_draft AS d JOIN user AS u ON u.id = d.user_id
            """) { row in
                KeptDraft(username: row[0], kind: row[1], record: row[2], terminal: row[3], title: row[4], payload: row[5],
                          updatedAt: row[6])
            }
        kept.lastExternalBackup = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'last_external_backup'")
            .flatMap(Double.init)
        return kept
    }

    /// Puts them into the restored database: each draft for the account of
    /// the same username (none when the backup has no such account), the
    /// newer where the backup holds a draft of the same form, and the later
    /// of the two dates of a copy to another disk. Returns how many drafts
    /// were kept.
    @discardableResult
    func put(_ db: Database) throws -> Int {
        var count = 0
        for draft in drafts {
            guard let userId = try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = ?",
                                                  arguments: [draft.username]) else { continue }
            try db.execute(sql: """
                INSERT INTO form_draft (user_id, kind, record, terminal, title, payload, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, kind, record, terminal) DO UPDATE SET
                  title = excluded.title, payload = excluded.payload, updated_at = excluded.updated_at
                WHERE excluded.updated_at > form_draft.updated_at
                """, arguments: [userId, draft.kind, draft.record, draft.terminal, draft.title, draft.payload,
                                 draft.updatedAt])
            count += 1
        }
        if let lastExternalBackup {
            let restored = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'last_external_backup'")
                .flatMap(Double.init) ?? 0
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('last_external_backup', ?)",
                           arguments: [String(format: "%.0f", max(restored, lastExternalBackup))])
        }
        return count
    }
}
