import CaseDomain
import Foundation
import GRDB

/// What `komar bench` needs to time sync on a large demo without sending
/// the whole demo first: an office whose records head office already
/// holds, a head office that holds them, and a day of an office's work.
public enum SyncBench {
    /// Takes the office's snapshot from the database as it is now, as if
    /// a first file had carried everything to head office.
    public static func markEverythingSent(_ services: KomarServices) throws {
        guard let path = services.database.path else { throw SyncError.inMemory }
        let places = SyncFolder(databasePath: path)
        // One left by an earlier run, if any: the copy below replaces it either way.
        try? FileManager.default.removeItem(at: places.snapshot)
        try FileManager.default.createDirectory(at: places.outbox, withIntermediateDirectories: true)
        try services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [places.snapshot.path])
        }
        let snapshot = try SyncService.openSnapshot(places, alreadySent: 1)
        try snapshot.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('sync_sequence', '1')")
        }
        try services.database.write { db in
            let number = try AuditLog.ownOffice(db)
            try db.execute(sql: """
                UPDATE sync_change_guard SET sent = coalesce((SELECT MAX(id) FROM sync_change), 0), lost = 0
                """)
            try db.execute(sql: "DELETE FROM sync_change")
            try db.execute(sql: """
                INSERT OR REPLACE INTO sync_file (direction, office_number, sequence, file_name, written_at, changes, seal, sha256)
                VALUES ('out', ?, 1, 'bench', ?, 0, '', '')
                """, arguments: [number, Date()])
        }
    }

    /// A head office at `path` holding what the office holds now, with the
    /// office's first file counted as applied.
    public static func headOffice(holding office: KomarServices, at path: String) throws -> KomarServices {
        try office.database.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        let headOffice = KomarServices(database: try AppDatabase.open(path: path))
        try headOffice.database.write { db in
            guard let identity = try OfficeIdentity.read(db) else { throw SyncError.notAnOffice }
            try OfficeIdentity(kind: .headOffice, number: OfficeKeys.headOffice, code: "HQ",
                               headOfficeId: identity.headOfficeId).write(db)
            try db.execute(sql: "UPDATE office SET last_sequence = 1")
            try db.execute(sql: "DELETE FROM sync_file")
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'user'",
                           arguments: [OfficeKeys.base(OfficeKeys.headOffice)])
        }
        return headOffice
    }

    /// A day of an office's work: `deleted` case events removed, `added`
    /// notes on cases and `changed` case narratives edited.
    public static func work(_ services: KomarServices, added: Int, changed: Int, deleted: Int) throws {
        try services.database.write { db in
            try db.execute(sql: """
                DELETE FROM case_event WHERE id IN (SELECT id FROM case_event WHERE kind != 'intake' ORDER BY random() LIMIT ?)
                """, arguments: [deleted])
            try db.execute(sql: """
                INSERT INTO case_event (case_id, at, by_user, kind, note)
                SELECT id, ?, created_by, 'note', 'visited the family' FROM child_case ORDER BY random() LIMIT ?
                """, arguments: [Date(), added])
            try db.execute(sql: """
                UPDATE child_case SET narrative = narrative || '.', version = version + 1
                WHERE id IN (SELECT id FROM child_case ORDER BY random() LIMIT ?)
                """, arguments: [changed])
        }
    }
}
