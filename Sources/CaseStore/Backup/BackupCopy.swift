import Crypto
import Dispatch
import Foundation
import GRDB
import Synchronization

/// Why a backup was refused or failed its check.
public enum BackupError: Error, Equatable, Sendable {
    /// There is no manifest beside the file.
    case noManifest(String)
    /// The manifest is there but cannot be read (cut short, or edited by hand).
    case damagedManifest(String)
    /// The file's sha256 is not the manifest's: it changed since.
    case checksumMismatch
    /// SQLite's `integrity_check` on the copy said this.
    case damaged(String)
    /// A table holds another number of rows than the manifest says.
    case rowCountsDiffer(table: String)
    /// The backup is encrypted and no passphrase was given.
    case passphraseNeeded
    case wrongPassphrase
    /// The backup is from another office; `--force` restores it anyway.
    case otherOrganisation(backup: String, current: String)
    /// The backup is of another database than the one it would replace
    /// (its organisation may have the same name); `--force` restores it.
    case otherDatabase(madeAt: Date)
    /// The username and password are not an active admin's in the backup.
    case notAnAdminInTheBackup
    /// Writing the copy failed: the system's words (full disk, no folder).
    case cannotWrite(String)
}

/// Copying a database to a file and checking the copy: the pieces that
/// making, verifying and restoring backups share.
enum BackupCopy {
    /// Ordinary tables (not SQLite's own, not FTS5's virtual ones) and their
    /// row counts.
    static func rowCounts(_ db: Database) throws -> [String: Int] {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
              AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name
            """)
        var counts: [String: Int] = [:]
        for table in tables {
            counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? 0
        }
        return counts
    }

    static func schemaVersion(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") ?? ""
    }

    /// Copies `source` as one consistent snapshot into a new file at
    /// `target` (0600, rollback journal so the copy is one file), and
    /// returns the row counts, schema version and audit seal of that
    /// snapshot. The copy is not yet on the disk: `whileSyncing` puts it
    /// there.
    static func copy(_ source: AppDatabase, to target: URL) throws
        -> (counts: [String: Int], schema: String, seal: AuditSeal) {
        _ = unlink(target.path)
        guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw BackupError.cannotWrite(String(cString: strerror(errno))) }
        var result: ([String: Int], String, AuditSeal)?
        do {
            let destination = try DatabaseQueue(path: target.path)
            try destination.writeWithoutTransaction { dest in
                // The target is a part file, renamed into place only once
                // synced and checked: a crash mid-copy leaves a part file,
                // never a backup. So no journal and no syncs while copying
                // (journalling and syncing 100,000 pages one spill at a
                // time took longer than the copy itself).
                try dest.execute(sql: "PRAGMA journal_mode = OFF")
                try dest.execute(sql: "PRAGMA synchronous = OFF")
                try source.writer.read { src in
                    result = (try rowCounts(src), try schemaVersion(src), try AuditService.seal(src))
                    try src.backup(to: dest)
                }
                try dest.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try destination.close()
        } catch let error as DatabaseError {
            _ = unlink(target.path)
            throw error.resultCode == .SQLITE_FULL ? BackupError.cannotWrite("disk full")
                : BackupError.cannotWrite(error.message ?? "\(error)")
        }
        guard let result else { throw BackupError.cannotWrite("the database could not be read") }
        return result
    }

    /// Runs `body` (checking or hashing the copy, which reads it from
    /// memory) while the copy at `file` is written to the disk, and
    /// returns once both are done.
    static func whileSyncing<T>(_ file: URL, _ body: () throws -> T) throws -> T {
        let (synced, result) = both({
            let handle = try FileHandle(forUpdating: file)
            // Once synced, closing can lose nothing; a sync that failed is thrown.
            defer { try? handle.close() }
            try handle.synchronize()
        }, while: body)
        if case .failure(let error) = synced { throw BackupError.cannotWrite((error as NSError).localizedDescription) }
        return try result.get()
    }

    /// Runs `background` on another thread while `body` runs on this one,
    /// and returns what each gave once both are done.
    static func both<A: Sendable, B>(_ background: @escaping @Sendable () throws -> A, while body: () throws -> B)
        -> (Result<A, any Error>, Result<B, any Error>) {
        let first = Mutex<Result<A, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            let result = Result(catching: background)
            first.withLock { $0 = result }
            done.signal()
        }
        let second = Result(catching: body)
        done.wait()
        return (first.withLock { $0 }!, second)
    }

    /// How much of a copy `check` reads.
    enum CheckDepth: Sendable {
        /// The row counts, the audit seal and SQLite's `quick_check` (the
        /// structure of every page).
        case pages
        /// Besides, a full `integrity_check` of every table and index (each
        /// index entry against its row).
        case full
    }

    /// One piece of a check, run by whichever of the two workers is free.
    private enum CheckTask {
        case counts
        case pragma(String)
        case alongside

        /// Rough cost, to start the longest pieces first.
        func weight(_ costs: [String: Int]) -> Int {
            switch self {
            case .counts: 0
            case .alongside: costs[""] ?? 0
            case .pragma(let sql): costs[sql] ?? 0
            }
        }
    }

    /// Checks a copy at `depth` and returns its audit seal. The pieces
    /// (row counts against `expected`, `quick_check`, `integrity_check` of
    /// each table, and `alongside`, such as the file's checksum) run on two
    /// connections at once, longest first. `mapped` reads the file through
    /// memory mapping, about twice as fast; only for a file on the
    /// database's own disk, since a read error in a mapped file (a failing
    /// USB stick) ends the process instead of failing the check.
    static func check(_ file: URL, expected: [String: Int], depth: CheckDepth, mapped: Bool,
                      alongside: (@Sendable () throws -> Void)? = nil) throws -> AuditSeal {
        let costs: [String: Int]
        do {
            let queue = try readOnly(file)
            defer { try? queue.close() }
            costs = try queue.read { db in try checkCosts(db, depth: depth) }
        } catch let error as DatabaseError {
            throw BackupError.damaged(error.message ?? "\(error)")
        }
        var tasks: [CheckTask] = [.counts, .pragma("PRAGMA quick_check")]
        if depth == .full {
            tasks += costs.keys.filter { $0.hasPrefix("PRAGMA integrity_check") }.sorted().map(CheckTask.pragma)
        }
        if alongside != nil { tasks.append(.alongside) }
        let ordered = tasks.sorted { $0.weight(costs) > $1.weight(costs) }
        let next = Atomic<Int>(0)
        let seal = Mutex<AuditSeal?>(nil)
        let problems = Mutex<[String]>([])
        let failures = Mutex<[Error]>([])
        // What `alongside` throws (a changed checksum) explains the rest.
        let firstly = Mutex<Error?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var connection: DatabaseQueue?
            // A read-only connection: closing it can lose nothing, and what it read is already judged.
            defer { try? connection?.close() }
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < ordered.count else { return }
                do {
                    if case .alongside = ordered[index] {
                        do { try alongside?() } catch { firstly.withLock { $0 = error } }
                        continue
                    }
                    if connection == nil { connection = try readOnly(file, mapped: mapped) }
                    try connection?.read { db in
                        switch ordered[index] {
                        case .counts:
                            let counts = try rowCounts(db)
                            if let table = expected.keys.sorted().first(where: { counts[$0] != expected[$0] }) {
                                throw BackupError.rowCountsDiffer(table: table)
                            }
                            let found = try AuditService.seal(db)
                            seal.withLock { $0 = found }
                        case .pragma(let sql):
                            let result = try String.fetchAll(db, sql: sql)
                            if result != ["ok"] { problems.withLock { $0 += result.prefix(3) } }
                        case .alongside:
                            break
                        }
                    }
                } catch let error as DatabaseError {
                    problems.withLock { $0.append(error.message ?? "\(error)") }
                } catch {
                    failures.withLock { $0.append(error) }
                }
            }
        }
        if let failure = firstly.withLock({ $0 }) ?? failures.withLock({ $0.first }) { throw failure }
        let found = problems.withLock { $0 }
        guard found.isEmpty, let result = seal.withLock({ $0 }) else {
            throw BackupError.damaged(found.prefix(3).joined(separator: "; "))
        }
        return result
    }

    /// Each check statement's rough cost: an `integrity_check` looks up
    /// every row in every index, so it costs rows times the index columns;
    /// `quick_check` and the checksum (key "") read every page once.
    private static func checkCosts(_ db: Database, depth: CheckDepth) throws -> [String: Int] {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        var costs = ["PRAGMA quick_check": pages * 40, "": pages * 20]
        guard depth == .full else { return costs }
        let tables = try Row.fetchAll(db, sql: """
            SELECT name, sql LIKE '%WITHOUT ROWID%' AS keyed FROM sqlite_master
             WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
            """)
        for row in tables {
            let table: String = row["name"]
            // The highest rowid stands in for the row count, which would
            // take a scan; tables without rowids here are small tallies.
            // Keys of offices start far above 1 (2^40 per office), so no
            // more rows than the file's pages could hold are counted.
            let highest = row["keyed"] ? 10_000 : try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \"\(table)\"") ?? 0
            let rows = min(max(0, highest), pages * 200)
            let keyColumns = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM pragma_index_list(?) AS list, pragma_index_info(list.name)
                """, arguments: [table]) ?? 0
            costs["PRAGMA integrity_check(\"\(table)\")"] = rows * (2 + keyColumns)
        }
        return costs
    }

    /// A read-only connection to `file`; `mapped` reads it through memory
    /// mapping (see `check`).
    static func readOnly(_ file: URL, mapped: Bool = false) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        if mapped {
            let bytes = size(file)
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = \(bytes)") }
        }
        return try DatabaseQueue(path: file.path, configuration: configuration)
    }

    /// Whether `file` is on the same disk as the database at `databasePath`,
    /// so that it may be read mapped.
    static func isOnDisk(of databasePath: String?, _ file: URL) -> Bool {
        guard let databasePath else { return false }
        var fileStatus = stat()
        var databaseStatus = stat()
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        return stat(file.path, &fileStatus) == 0 && stat(folder, &databaseStatus) == 0
            && fileStatus.st_dev == databaseStatus.st_dev
    }

    /// sha256 of a file, read 1 MiB at a time.
    static func sha256(_ file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func size(_ file: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    /// A new owner-only file to write into.
    static func create(_ url: URL) throws -> FileHandle {
        _ = unlink(url.path)
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw BackupError.cannotWrite(String(cString: strerror(errno))) }
        return try FileHandle(forWritingTo: url)
    }

    /// Writes `data` beside its final name and renames it into place.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let part = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".part")
        let handle = try create(part)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            try moveReplacing(part, to: url)
        } catch {
            _ = unlink(part.path)
            throw BackupError.cannotWrite((error as NSError).localizedDescription)
        }
    }

    static func moveReplacing(_ from: URL, to: URL) throws {
        guard rename(from.path, to.path) == 0 else { throw BackupError.cannotWrite(String(cString: strerror(errno))) }
    }
}
