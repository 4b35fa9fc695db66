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
    /// A file head office wrote to rebuild an office: it is never applied at head office.
    case rebuildFile
    /// Rebuilding an office takes head office's rebuild file, not an office's file.
    case notARebuildFile
    /// No active admin of that name among the office's people.
    case noSuchAdmin(username: String)
    /// The shared folder the daily export goes to is not there (a network
    /// drive or USB stick not connected); the file waits in `sync/out/`.
    case sharedFolderMissing(path: String)
    /// Columns can be chosen one by one only where both sides have the row.
    case wholeRowsOnly
    /// A conflict whose office version is not a row (changed by hand).
    case conflictDamaged(id: Int64)
    /// An office is rebuilt only once its conflicts are settled: until
    /// then head office holds no one version of those rows to give it.
    case conflictsWaiting(code: String, count: Int)
}

/// Where an office keeps what sync needs beside its database: `sync/` with
/// the snapshot of the last export and `sync/out/` with every file sent.
struct SyncFolder {
    let folder: URL
    init(databasePath: String) {
        folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("sync")
    }
    var snapshot: URL { folder.appendingPathComponent("snapshot.sqlite") }
    /// A rebuild's snapshot, made before the rebuild commits and moved to
    /// `snapshot` after: one found here means the rebuild stopped between.
    var stagedSnapshot: URL { folder.appendingPathComponent("snapshot-rebuilt.sqlite") }
    /// The first export's copy of the live file: diffed against the empty
    /// snapshot, then made the snapshot once the file is written.
    var firstSnapshot: URL { folder.appendingPathComponent("snapshot-first.sqlite") }
    var outbox: URL { folder.appendingPathComponent("out") }
}

/// The tables that travel from an office to head office, parents first.
/// People travel beside them without their passwords (`SyncUser`); drafts,
/// settings, counts kept by triggers and search rows stay where they are.
enum SyncTables {
    static let shared = ["provider", "household", "household_member", "child_case", "case_event", "case_visitor",
                         "follow_up", "referral", "referral_transition", "audit_event"]
    /// Each shared table with the column its rows are marked by in
    /// `sync_change`, as the migration that added the marks set them.
    static let marked = FrozenSyncChanges20261206.tables
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
        return try write(session, to: folder)
    }

    /// The export itself, for whoever may start it: an admin by hand, or
    /// anyone's first login of the day when an admin set a shared folder.
    func write(_ session: Session, to folder: URL?) throws -> SyncExportReport {
        guard let path = store.database.path else { throw SyncError.inMemory }
        let (identity, key) = try store.read { db -> (OfficeIdentity, SymmetricKey) in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .office,
                  let key = try Data.fetchOne(db, sql: "SELECT sync_key FROM office WHERE number = ?",
                                              arguments: [identity.number]) else { throw SyncError.notAnOffice }
            return (identity, SymmetricKey(data: key))
        }
        // A database put back from an older copy first takes back what head office holds.
        _ = try Self.catchUp(store.database, userId: session.user.id, username: session.user.username, now: store.now)
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
        // The marks hold every change since the snapshot only when the
        // live file sent exactly the files the snapshot holds: not before
        // the first file, nor in a file put back from an older copy.
        let marked = sequence > 1 && (sent ?? 0) == sequence - 1
        // The first file carries every record. Moving the empty snapshot on
        // by it meant applying every change again (25 of an office's first
        // export's 28 s); a copy of the live file, taken in one read and
        // diffed in its place, is what that would have made.
        for suffix in ["", "-wal", "-shm", "-journal"] { _ = unlink(places.firstSnapshot.path + suffix) }
        let copied = sequence == 1 ? try Self.copy(store.database, to: places.firstSnapshot) : nil
        var diff = try Self.diff(snapshot, livePath: copied?.path ?? path, office: identity.number, marked: marked)
        // From here the content holds the changes, and the diff lets go of
        // its own copy: an office's first file is hundreds of megabytes.
        let content = try SyncContent(users: diff.users, changeset: diff.changeset).encoded()
        diff.changeset = Data()
        let manifest = SyncManifest(
            office: identity.code, officeNumber: identity.number, headOfficeId: identity.headOfficeId,
            sequence: sequence, schemaVersion: diff.schemaVersion, writtenAt: now, rowCounts: diff.counts,
            changes: diff.changes, auditSeal: diff.seal.description, sha256: SyncFile.sha256(content))
        let name = SyncFile.name(office: identity.code, sequence: sequence, date: today)
        var files = [places.outbox.appendingPathComponent(name)]
        if let folder { files.append(folder.appendingPathComponent(name)) }
        try Self.write(SyncFile.seal(manifest, content, key: key), to: files)
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO sync_file (direction, office_number, sequence, file_name, written_at, by_user, changes, seal, sha256)
                VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [identity.number, sequence, name, now, session.user.id, diff.changes, manifest.auditSeal,
                                 manifest.sha256])
            try store.audit(db, session, .syncExport, summary: "\(name): \(diff.changes) changes")
            // The file holds these rows' changes: should the snapshot not
            // move on below, the next export finishes this file first.
            try Self.forgetSentMarks(db, diff)
        }
        if let copied {
            try snapshot.close()
            try Self.takeFirstSnapshot(copied, places, sequence: sequence)
        } else {
            try Self.advance(snapshot, with: SyncContent(decoding: content), sequence: sequence)
        }
        return SyncExportReport(files: files, manifest: manifest, completedEarlier: completed)
    }

    /// Copies the live database, as one read sees it, to `url` (readable by
    /// this account alone, like the snapshot).
    private static func copy(_ database: AppDatabase, to url: URL) throws -> URL {
        do {
            let copy = try DatabaseQueue(path: url.path)
            _ = chmod(url.path, 0o600)
            try database.writer.backup(to: copy)
            try copy.close()
            return url
        } catch let error as DatabaseError {
            _ = unlink(url.path)
            throw SyncError.cannotWrite(path: url.path, detail: error.message ?? "\(error)")
        }
    }

    /// Makes the first export's copy the snapshot: what only the live file
    /// needs (drafts, terminals, passwords, the enrolment key, the marks
    /// sent) is taken out of it, the audit log's triggers too (as
    /// `openSnapshot` does), and it is moved over the empty snapshot. A kill
    /// before the move leaves the file for the next export to complete.
    private static func takeFirstSnapshot(_ copied: URL, _ places: SyncFolder, sequence: Int) throws {
        do {
            let queue = try DatabaseQueue(path: copied.path)
            try queue.write { db in
                for name in AuditLog.triggers.keys { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
                try db.execute(sql: """
                    DELETE FROM form_draft;
                    DELETE FROM terminal_session;
                    DELETE FROM sync_change;
                    DELETE FROM office;
                    UPDATE user SET password_hash = '!';
                    """)
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('sync_sequence', ?)",
                               arguments: [String(sequence)])
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw SyncError.snapshotDamaged(detail: error.message ?? "\(error)")
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { _ = unlink(places.snapshot.path + suffix) }
        guard rename(copied.path, places.snapshot.path) == 0 else {
            throw SyncError.cannotWrite(path: places.snapshot.path, detail: String(cString: strerror(errno)))
        }
    }

    /// Writes the sealed file to each of `files`; the sealed copy is let
    /// go of when they are written.
    private static func write(_ parts: SyncFile.Parts, to files: [URL]) throws {
        for file in files {
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try SyncFile.write(parts, to: file)
            } catch {
                throw SyncError.cannotWrite(path: file.path, detail: "\(error)")
            }
        }
    }

    struct Diff {
        var changeset: Data
        var changes: Int
        var users: [SyncUser]
        var counts: [String: Int]
        var seal: AuditSeal
        var schemaVersion: Int
        /// The newest mark the diff saw: marks up to it are sent.
        var marks: Int64
        /// Marks lost by hand as the diff saw them: a whole compare covers them.
        var lostMarks: Int
        var comparedWhole: Bool
    }

    /// The difference between the live database and the snapshot, with
    /// what the office holds, all read in one transaction of the live file.
    /// With `marked`, only the rows `sync_change` marks are compared (a
    /// day's work in milliseconds); otherwise, or when a marking trigger is
    /// missing, every row of both files.
    static func diff(_ snapshot: DatabaseQueue, livePath: String, office: Int64, marked: Bool) throws -> Diff {
        try snapshot.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS live", arguments: [livePath])
            try db.execute(sql: "ATTACH DATABASE ':memory:' AS now_rows")
            try db.execute(sql: "ATTACH DATABASE ':memory:' AS sent_rows")
            // Should detaching fail, the connection closes with this function's caller.
            defer {
                for name in ["sent_rows", "now_rows", "live"] { try? db.execute(sql: "DETACH DATABASE \(name)") }
            }
            var result: Diff?
            try db.inTransaction(.deferred) {
                let range = OfficeKeys.range(office)
                var counts: [String: Int] = [:]
                for table in SyncTables.shared {
                    counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.\"\(table)\"") ?? 0
                }
                let users = try Row.decodeAll(db, sql: """
                    SELECT id, username, display_name, role, is_active FROM live.user WHERE id >= ? AND id < ? ORDER BY id
                    """, arguments: [range.lowerBound, range.upperBound]) { row in
                    SyncUser(id: row["id"], username: row["username"], displayName: row["display_name"], role: row["role"],
                             isActive: row["is_active"])
                }
                let auditCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.audit_event WHERE id >= ? AND id < ?",
                                                  arguments: [range.lowerBound, range.upperBound]) ?? 0
                let hash = try String.fetchOne(db, sql: """
                    SELECT hash FROM live.audit_event WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1
                    """, arguments: [range.lowerBound, range.upperBound]) ?? AuditLog.genesis
                let version = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.grdb_migrations") ?? 0
                let marks = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM live.sync_change") ?? 0
                let lost = try Int.fetchOne(db, sql: "SELECT lost FROM live.sync_change_guard WHERE id = 1")
                let trusted = try marked && lost == 0 && markingIsWhole(db)
                let changeset = try trusted
                    ? diffMarked(db, upTo: marks)
                    : Changeset.diff(db, session: "live", from: "main", tables: SyncTables.shared)
                let diff = Diff(changeset: changeset, changes: try Changeset.count(changeset), users: users,
                                counts: counts, seal: AuditSeal(count: auditCount, hashPrefix: String(hash.prefix(12))),
                                schemaVersion: version, marks: marks, lostMarks: lost ?? 0, comparedWhole: !trusted)
                result = diff
                return .commit
            }
            guard let result else { throw ChangesetError("the changes could not be read") }
            return result
        }
    }

    /// Whether every marking trigger, and both triggers that count marks
    /// lost, are in the live file: one dropped by hand would hide changes
    /// from the marks.
    private static func markingIsWhole(_ db: Database) throws -> Bool {
        let names = try String.fetchSet(db, sql: "SELECT name FROM live.sqlite_master WHERE type = 'trigger'")
        return names.isSuperset(of: ["sync_change_guard_deleted", "sync_change_guard_updated"])
            && SyncTables.marked.allSatisfy { table, _ in
                ["insert", "update", "delete"].allSatisfy { names.contains("sync_change_\(table)_\($0)") }
            }
    }

    /// Records that the marks up to `diff.marks` are sent, then deletes
    /// them; a whole compare also forgives the marks it saw lost (any lost
    /// since still count).
    static func forgetSentMarks(_ db: Database, _ diff: Diff) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO sync_change_guard (id) VALUES (1)")
        try db.execute(sql: "UPDATE sync_change_guard SET sent = max(sent, ?), lost = max(0, lost - ?) WHERE id = 1",
                       arguments: [diff.marks, diff.comparedWhole ? diff.lostMarks : 0])
        try db.execute(sql: "DELETE FROM sync_change WHERE id <= ?", arguments: [diff.marks])
    }

    /// The changeset of the marked rows alone: each table's marked rows are
    /// copied, as they are now (`now_rows`) and as they were sent
    /// (`sent_rows`), into two scratch databases in memory, which SQLite
    /// then compares as it would the whole files.
    private static func diffMarked(_ db: Database, upTo marks: Int64) throws -> Data {
        for (table, key) in SyncTables.marked {
            let chosen = "\"\(key)\" IN (SELECT row_key FROM live.sync_change WHERE table_name = ? AND id <= ?)"
            try copyRows(db, table: table, from: "live", into: "now_rows", where: chosen, arguments: [table, marks])
            try copyRows(db, table: table, from: "main", into: "sent_rows", where: chosen, arguments: [table, marks])
        }
        return try Changeset.diff(db, session: "now_rows", from: "sent_rows", tables: SyncTables.shared)
    }

    /// Copies the rows of `table` in schema `source` that `condition`
    /// chooses into a table of the same columns and key in the scratch
    /// schema `scratch`, made first. SQLite's diff compares tables by their
    /// columns and key alone, so the scratch tables need no other rule.
    static func copyRows(_ db: Database, table: String, from source: String, into scratch: String,
                         where condition: String, arguments: StatementArguments = []) throws {
        let columns = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?, ?) ORDER BY cid",
                                       arguments: [table, source])
        let names = columns.map { "\"\($0["name"] as String)\"" }
        let keys = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
            .map { "\"\($0["name"] as String)\"" }
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS \(scratch)."\(table)" (\(names.joined(separator: ", ")), PRIMARY KEY (\(keys.joined(separator: ", "))))
            """)
        try db.execute(sql: "INSERT INTO \(scratch).\"\(table)\" SELECT * FROM \(source).\"\(table)\" WHERE \(condition)",
                       arguments: arguments)
    }

    /// Opens the snapshot of the last export, migrated to today's schema
    /// as the live file was. Before the first export it is made empty, so
    /// the first file carries every record.
    static func openSnapshot(_ places: SyncFolder, alreadySent: Int, at url: URL? = nil) throws -> DatabaseQueue {
        let path = (url ?? places.snapshot).path
        if url == nil && alreadySent > 0 { try takeStagedSnapshot(places, sent: alreadySent) }
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && alreadySent > 0 { throw SyncError.snapshotMissing(path: path) }
        do {
            try FileManager.default.createDirectory(at: places.outbox, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            if !exists { _ = chmod(path, 0o600) }
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

    /// Moves a rebuild's staged snapshot into place when the snapshot is
    /// missing and the staged one holds the files the database sent: the
    /// rebuild committed, then stopped (a kill, a power cut) before it
    /// moved the snapshot. Anything else is left for `snapshotMissing`.
    static func takeStagedSnapshot(_ places: SyncFolder, sent: Int) throws {
        let files = FileManager.default
        guard !files.fileExists(atPath: places.snapshot.path), files.fileExists(atPath: places.stagedSnapshot.path) else { return }
        let staged: Int
        do {
            let queue = try DatabaseQueue(path: places.stagedSnapshot.path)
            staged = try sequence(queue)
            try queue.close()
        } catch let error as DatabaseError {
            throw SyncError.snapshotDamaged(detail: error.message ?? "\(error)")
        }
        guard staged == sent else { return }
        for suffix in ["-wal", "-shm", "-journal"] { _ = unlink(places.snapshot.path + suffix) }
        guard rename(places.stagedSnapshot.path, places.snapshot.path) == 0 else {
            throw SyncError.cannotWrite(path: places.snapshot.path, detail: String(cString: strerror(errno)))
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
                // A snapshot copied from an office marks what it applies; nobody reads those marks.
                try db.execute(sql: "DELETE FROM sync_change")
            }
        } catch let error as DatabaseError {
            throw SyncError.snapshotDamaged(detail: error.message ?? "\(error)")
        } catch let error as ChangesetError {
            throw SyncError.snapshotDamaged(detail: error.description)
        }
    }
}
