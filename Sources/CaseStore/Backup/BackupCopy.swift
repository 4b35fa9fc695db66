import Crypto
import Dispatch
import Foundation
import GRDB
import Synchronization

/// Why a backup was refused or failed its check.
public enum BackupError: Error, Equatable, Sendable {
    /// There is no manifest beside the file.
    case noManifest(String)
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
    /// returns the row counts of that snapshot.
    static func copy(_ source: AppDatabase, to target: URL) throws -> (counts: [String: Int], schema: String) {
        _ = unlink(target.path)
        guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw BackupError.cannotWrite(String(cString: strerror(errno))) }
        var result: ([String: Int], String) = ([:], "")
        do {
            let destination = try DatabaseQueue(path: target.path)
            try destination.writeWithoutTransaction { dest in
                try source.writer.read { src in
                    result = (try rowCounts(src), try schemaVersion(src))
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
        return result
    }

    /// Checks a copy: its row counts against `expected`, and SQLite's
    /// `quick_check` (the structure of every page); `thorough` adds a full
    /// `integrity_check` of every table and index (each index entry against
    /// its row), run on two connections at once. Returns the copy's audit
    /// seal.
    static func check(_ file: URL, expected: [String: Int], thorough: Bool) throws -> AuditSeal {
        do {
            let queue = try readOnly(file)
            defer { try? queue.close() }
            let (seal, weights) = try queue.read { db -> (AuditSeal, [String: Int]) in
                let counts = try rowCounts(db)
                for (table, count) in expected where counts[table] != count {
                    throw BackupError.rowCountsDiffer(table: table)
                }
                var weights: [String: Int] = [:]
                for (table, count) in counts {
                    let indexes = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pragma_index_list(?)", arguments: [table]) ?? 0
                    weights[table] = (count + 1) * (indexes + 1)
                }
                return (try AuditService.seal(db), weights)
            }
            // Two workers: the heaviest tables first, each to the lighter
            // one; the page-level quick_check goes with the second.
            var groups: [[String]] = [[], []]
            var loads = [0, 0]
            if thorough {
                for (table, weight) in weights.sorted(by: { $0.value > $1.value }) {
                    let lighter = loads[0] <= loads[1] ? 0 : 1
                    groups[lighter].append(table)
                    loads[lighter] += weight
                }
            }
            let work = groups
            let problems = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                do {
                    let connection = try readOnly(file)
                    defer { try? connection.close() }
                    try connection.read { db in
                        var pragmas = work[worker].map { "PRAGMA integrity_check(\"\($0)\")" }
                        if worker == 1 { pragmas.append("PRAGMA quick_check") }
                        for pragma in pragmas {
                            let result = try String.fetchAll(db, sql: pragma)
                            if result != ["ok"] { problems.withLock { $0 += result.prefix(3) } }
                        }
                    }
                } catch {
                    problems.withLock { $0.append("\(error)") }
                }
            }
            let found = problems.withLock { $0 }
            guard found.isEmpty else { throw BackupError.damaged(found.prefix(3).joined(separator: "; ")) }
            return seal
        } catch let error as DatabaseError {
            throw BackupError.damaged(error.message ?? "\(error)")
        }
    }

    static func readOnly(_ file: URL) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: file.path, configuration: configuration)
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
