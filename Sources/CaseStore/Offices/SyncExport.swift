import CaseDomain
import Crypto
import Foundation
import GRDB

/// Why a sync file could not be written or applied.
public enum SyncError: Error, Equatable, Sendable {
    case notAnOffice
    case notHeadOffice
    case inMemory
    /// The copy of the last export is gone although files were sent.
    case snapshotMissing(path: String)
    /// The copy of the last export does not match what was sent.
    case snapshotDamaged(detail: String)
    case unknownOffice(code: String)
    case otherHeadOffice(code: String)
    case schemaDiffers(file: String, here: String)
    /// A file with this number was applied already, and this one differs.
    case sequenceReused(code: String, sequence: Int)
    case missingFiles(code: String, from: Int, to: Int)
    case rowsOfAnotherOffice(code: String, table: String)
    case brokenReferences(detail: String)
    case conflictResolved(id: Int64)
    case noSuchConflict(id: Int64)
    /// Head office never rewrites an audit event it received.
    case auditEventsStay
    case cannotWrite(path: String, detail: String)
}

/// Where an office keeps what sync needs beside its database: `sync/` with
/// the snapshot of the last export and `sync/out/` with every file sent.
struct SyncFolder {
    let folder: URL
    init(databasePath: String) {
        folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("sync")
    }
    var snapshot: URL { folder.appendingPathComponent("snapshot.sqlite") }
    var outbox: URL { folder.appendingPathComponent("out") }
}

/// The tables that travel from an office to head office, parents first.
/// People travel beside them without their passwords (`SyncUser`); drafts,
/// settings, counts kept by triggers and search rows stay where they are.
enum SyncTables {
    static let shared = ["provider", "household", "household_member", "child_case", "case_event", "case_visitor",
                         "follow_up", "referral", "referral_transition", "audit_event"]
}

/// What an export wrote.
public struct SyncExportReport: Equatable, Sendable {
    public let files: [URL]
    public let manifest: SyncManifest
    /// A file written earlier whose snapshot had not moved on (the export
    /// before was cut off) and was completed first.
    public let completedEarlier: Int?
}

/// Sync between offices and head office: an office exports its changes
/// since its last export (here); head office imports them (`SyncImport`).
public struct SyncService: Sendable {
    let store: StoreContext

    /// Diffs the database against the snapshot of the last export and
    /// writes the difference as the office's next file, into `sync/out/`
    /// and, with `folder`, there too. The snapshot moves on only once every
    /// file is written and read back.
    public func export(_ session: Session, to folder: URL? = nil) throws -> SyncExportReport {
        try session.require(.manageSettings)
        guard let path = store.database.path else { throw SyncError.inMemory }
        let (identity, key) = try store.read { db -> (OfficeIdentity, SymmetricKey) in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .office,
                  let key = try Data.fetchOne(db, sql: "SELECT sync_key FROM office WHERE number = ?",
                                              arguments: [identity.number]) else { throw SyncError.notAnOffice }
            return (identity, SymmetricKey(data: key))
        }
        let places = SyncFolder(databasePath: path)
        let sent = try store.read { db in try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM sync_file WHERE direction = 'out'") }
        let snapshot = try Self.openSnapshot(places, alreadySent: sent ?? 0)
        var sequence = try Self.sequence(snapshot) + 1
        var completed: Int?
        // A file written but the snapshot not moved on: the export before
        // was cut off after writing. Its changes are head office's already.
        if let pending = try Self.pendingFile(places, identity, sequence: sequence, key: key) {
            try Self.advance(snapshot, with: pending, sequence: sequence)
            completed = sequence
            sequence += 1
        }
        let today = store.today.iso
        let now = store.now
        let diff = try Self.diff(snapshot, livePath: path, office: identity.number)
        let content = try SyncContent(users: diff.users, changeset: diff.changeset).encoded()
        let manifest = SyncManifest(
            office: identity.code, officeNumber: identity.number, headOfficeId: identity.headOfficeId,
            sequence: sequence, schemaVersion: diff.schemaVersion, writtenAt: now, rowCounts: diff.counts,
            changes: diff.changes, auditSeal: diff.seal.description, sha256: SyncFile.sha256(content))
        let data = try SyncFile.encode(manifest, content, key: key)
        let name = SyncFile.name(office: identity.code, sequence: sequence, date: today)
        var files = [places.outbox.appendingPathComponent(name)]
        if let folder { files.append(folder.appendingPathComponent(name)) }
        for file in files {
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(data, to: file)
                _ = try SyncFile.open(Data(contentsOf: file), key: key)
            } catch {
                throw SyncError.cannotWrite(path: file.path, detail: "\(error)")
            }
        }
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO sync_file (direction, office_number, sequence, file_name, written_at, by_user, changes, seal, sha256)
                VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [identity.number, sequence, name, now, session.user.id, diff.changes, manifest.auditSeal,
                                 manifest.sha256])
            try store.audit(db, session, .syncExport, summary: "\(name): \(diff.changes) changes")
        }
        try Self.advance(snapshot, with: SyncContent(users: diff.users, changeset: diff.changeset), sequence: sequence)
        return SyncExportReport(files: files, manifest: manifest, completedEarlier: completed)
    }

    struct Diff {
        var changeset: Data
        var changes: Int
        var users: [SyncUser]
        var counts: [String: Int]
        var seal: AuditSeal
        var schemaVersion: Int
    }

    /// The difference between the live database and the snapshot, with
    /// what the office holds, all read in one transaction of the live file.
    static func diff(_ snapshot: DatabaseQueue, livePath: String, office: Int64) throws -> Diff {
        try snapshot.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS live", arguments: [livePath])
            // Should detaching fail, the connection closes with this function's caller.
            defer { try? db.execute(sql: "DETACH DATABASE live") }
            var result: Diff?
            try db.inTransaction(.deferred) {
                let range = OfficeKeys.range(office)
                var counts: [String: Int] = [:]
                for table in SyncTables.shared {
                    counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.\"\(table)\"") ?? 0
                }
                let users = try Row.fetchAll(db, sql: """
                    SELECT id, username, display_name, role, is_active FROM live.user WHERE id >= ? AND id < ? ORDER BY id
                    """, arguments: [range.lowerBound, range.upperBound]).map { row in
                    SyncUser(id: row["id"], username: row["username"], displayName: row["display_name"], role: row["role"],
                             isActive: row["is_active"])
                }
                let auditCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.audit_event WHERE id >= ? AND id < ?",
                                                  arguments: [range.lowerBound, range.upperBound]) ?? 0
                let hash = try String.fetchOne(db, sql: """
                    SELECT hash FROM live.audit_event WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1
                    """, arguments: [range.lowerBound, range.upperBound]) ?? AuditLog.genesis
                let version = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.grdb_migrations") ?? 0
                let changeset = try diffLive(db)
                let diff = Diff(changeset: changeset, changes: try Changeset.changes(changeset).count, users: users,
                                counts: counts, seal: AuditSeal(count: auditCount, hashPrefix: String(hash.prefix(12))),
                                schemaVersion: version)
                result = diff
                return .commit
            }
            guard let result else { throw ChangesetError("the changes could not be read") }
            return result
        }
    }

    /// The changeset from the snapshot (main) to the live file (attached).
    private static func diffLive(_ db: Database) throws -> Data {
        try Changeset.diff(db, session: "live", from: "main", tables: SyncTables.shared)
    }

    /// Opens the snapshot of the last export, migrated to today's schema
    /// as the live file was. Before the first export it is made empty, so
    /// the first file carries every record.
    static func openSnapshot(_ places: SyncFolder, alreadySent: Int) throws -> DatabaseQueue {
        let exists = FileManager.default.fileExists(atPath: places.snapshot.path)
        if !exists && alreadySent > 0 { throw SyncError.snapshotMissing(path: places.snapshot.path) }
        do {
            try FileManager.default.createDirectory(at: places.outbox, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: places.snapshot.path, configuration: configuration)
            if !exists { _ = chmod(places.snapshot.path, 0o600) }
            try Migrations.migrator.migrate(queue)
            // A copy, not the log: it must follow whatever the office's log
            // did, even a rewrite, which head office then catches.
            try queue.write { db in
                for name in AuditLog.triggers.keys { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            }
            return queue
        } catch let error as DatabaseError {
            throw SyncError.snapshotDamaged(detail: error.message ?? "\(error)")
        }
    }

    static func sequence(_ snapshot: DatabaseQueue) throws -> Int {
        try snapshot.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'sync_sequence'").flatMap { Int($0) } ?? 0
        }
    }

    /// The content of a file already in the outbox with number `sequence`.
    static func pendingFile(_ places: SyncFolder, _ identity: OfficeIdentity, sequence: Int,
                            key: SymmetricKey) throws -> SyncContent? {
        let prefix = String(format: "%@-%06d-", identity.code, sequence)
        // A file that is missing, unreadable or not authentic was never finished: nothing to complete.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: places.outbox.path)) ?? []
        guard let name = names.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix("." + SyncFile.fileExtension) }),
              let data = try? Data(contentsOf: places.outbox.appendingPathComponent(name)),
              let (_, content) = try? SyncFile.open(data, key: key) else { return nil }
        return try SyncContent(decoding: content)
    }

    /// Moves the snapshot on by a file's content, which must apply cleanly.
    static func advance(_ snapshot: DatabaseQueue, with content: SyncContent, sequence: Int) throws {
        do {
            try snapshot.write { db in
                // Its people first, as head office does: the records refer to them.
                try mergeUsers(db, content.users, office: "", at: Date(timeIntervalSince1970: 0))
                let conflicts = try Changeset.apply(db, content.changeset, tables: SyncTables.shared)
                guard conflicts.isEmpty else {
                    throw SyncError.snapshotDamaged(detail: "\(conflicts.count) changes did not apply to it")
                }
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('sync_sequence', ?)",
                               arguments: [String(sequence)])
            }
        } catch let error as DatabaseError {
            throw SyncError.snapshotDamaged(detail: error.message ?? "\(error)")
        } catch let error as ChangesetError {
            throw SyncError.snapshotDamaged(detail: error.description)
        }
    }
}
