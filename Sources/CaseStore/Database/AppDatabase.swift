import Dispatch
import CaseDomain
import Foundation
import GRDB
import Synchronization

/// The one SQLite file: opened in WAL mode with a busy timeout and foreign
/// keys, checked with `quick_check`, and migrated to the current schema.
public final class AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// Drafts' own connection: it never waits for a lock (a busy or full
    /// file fails at once, and the app tries again later), and skips the
    /// fsync of each commit. The writer itself for an in-memory database.
    let draftWriter: any DatabaseWriter
    /// Path of the file, or nil for an in-memory database (tests).
    public let path: String?

    /// What `quick_check` found; nil while it has not finished.
    private let integrity = Mutex<StoreError??>(nil)
    private let integrityDone = DispatchGroup()

    /// From this size, a file a command opens is read whole by
    /// `quick_check` at most once a day: a head office's file of several
    /// gigabytes takes seconds to read, on every command. The pages a
    /// command reads are still checked by SQLite as it reads them, and the
    /// daily backup checks a whole copy.
    public static let checkedDailyFrom: Int64 = 1 << 30

    /// Opens (creating if needed) the database file at `path`. With
    /// `checkInBackground`, `quick_check` (which reads the whole file: about
    /// 0.2 s at 100,000 cases) runs while the login screen is shown, and
    /// `requireIntact()` waits for it; otherwise it runs before returning,
    /// unless the file is `checkedDailyFrom` bytes or more and passed a
    /// check today.
    public static func open(path: String, checkInBackground: Bool = false,
                            checkedDailyFrom: Int64 = checkedDailyFrom) throws -> AppDatabase {
        try DatabaseLocation.prepareFile(at: path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration())
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                throw StoreError.corrupt(path: path, detail: error.message ?? "\(error)")
            }
            throw StoreError.cannotOpen(path: path, detail: error.message ?? "\(error)")
        }
        // GRDB sets synchronous=NORMAL with WAL; FULL makes "saved" survive
        // a power cut, at the cost of one fsync per save.
        // The app checkpoints while the user is idle (`checkpoint()`), so a
        // save never pays for moving the log into the file; the automatic
        // checkpoint stays only as a ceiling for long batch writes.
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 20000")
            }
        } catch let error as DatabaseError {
            throw StoreError.from(error)
        }
        let db = AppDatabase(writer: pool, path: path, draftWriter: (try? draftConnection(path)) ?? pool)
        // A migration waits for every read to end, the background check
        // included (1–2 s at 100,000 cases): a file that needs migrating
        // is checked first, then migrated, before anything else reads it.
        if checkInBackground, try db.isMigrated() {
            db.startIntegrityCheck(notingFrom: checkedDailyFrom)
        } else {
            if try !db.passedCheckToday(ifLargerThan: checkedDailyFrom) {
                try db.checkIntegrity()
                db.notePassedCheck(ifLargerThan: checkedDailyFrom)
            }
            try db.migrate()
        }
        try db.restoreAuditTriggers()
        try db.recordAccountsOnce()
        return db
    }

    /// Whether every migration this Komar knows has been applied.
    func isMigrated() throws -> Bool {
        do {
            return try writer.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
        } catch let error as DatabaseError {
            throw StoreError.from(error)
        }
    }

    /// A migrated in-memory database with the gazetteer, built once per
    /// process; `inMemory()` copies it with SQLite's backup API.
    private static let template: Result<DatabaseQueue, any Error> = Result {
        let queue = try DatabaseQueue(configuration: configuration())
        try Migrations.migrator.migrate(queue)
        return queue
    }

    /// A private, migrated in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        let queue = try DatabaseQueue(configuration: configuration())
        try template.get().backup(to: queue)
        let db = AppDatabase(writer: queue, path: nil)
        try db.migrate()
        return db
    }

    init(writer: any DatabaseWriter, path: String?, draftWriter: (any DatabaseWriter)? = nil) {
        self.writer = writer
        self.path = path
        self.draftWriter = draftWriter ?? writer
    }

    /// A connection for drafts on the file at `path`.
    private static func draftConnection(_ path: String) throws -> DatabaseQueue {
        var config = configuration()
        config.busyMode = .immediateError
        config.label = "komar-drafts"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return try DatabaseQueue(path: path, configuration: config)
    }

    private static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(3)
        config.label = "komar"
        return config
    }

    private func startIntegrityCheck(notingFrom size: Int64) {
        integrityDone.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do {
                try checkIntegrity()
                notePassedCheck(ifLargerThan: size)
                integrity.withLock { $0 = .some(nil) }
            } catch let error as StoreError {
                integrity.withLock { $0 = .some(error) }
            } catch {
                integrity.withLock { $0 = .some(.corrupt(path: path ?? "", detail: "\(error)")) }
            }
            integrityDone.leave()
        }
    }

    /// The damage `quick_check` found, if it has finished and found some.
    public var integrityProblem: StoreError? {
        integrity.withLock { $0 ?? nil }
    }

    /// Waits for a background `quick_check` and throws what it found.
    public func requireIntact() throws {
        integrityDone.wait()
        if let problem = integrityProblem { throw problem }
    }

    /// The setting holding the day the whole file last passed `quick_check`.
    static let checkedOnSetting = "integrity_checked_on"

    /// Whether the file is at least `size` bytes; a size that cannot be
    /// read counts as small (the file is checked every time).
    private func isLarge(_ size: Int64) -> Bool {
        guard let path, let bytes = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int64 else {
            return false
        }
        return bytes >= size
    }

    /// Whether the file is at least `size` bytes and passed a whole check
    /// today (local day).
    private func passedCheckToday(ifLargerThan size: Int64) throws -> Bool {
        guard isLarge(size) else { return false }
        // A file not yet migrated has no settings: it is checked.
        let day = try? writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [Self.checkedOnSetting])
        }
        return day == LocalDate.today().iso
    }

    /// Notes that the whole file, of `size` bytes or more, passed today
    /// (a smaller one is checked every time and needs no note). Should the
    /// note not be written (a read-only or full disk), the next command
    /// checks again.
    private func notePassedCheck(ifLargerThan size: Int64) {
        guard isLarge(size) else { return }
        do {
            try writer.write { db in
                guard try db.tableExists("setting") else { return }
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                               arguments: [Self.checkedOnSetting, LocalDate.today().iso])
            }
        } catch {
            return
        }
    }

    /// Runs SQLite's `quick_check`; a damaged file is reported, not used.
    func checkIntegrity() throws {
        do {
            let result = try writer.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            if let result, result != "ok" {
                throw StoreError.corrupt(path: path ?? ":memory:", detail: result)
            }
        } catch let error as DatabaseError {
            throw StoreError.corrupt(path: path ?? ":memory:", detail: error.message ?? "\(error)")
        }
    }

    /// Anyone holding the file can drop the triggers that keep the audit
    /// log append-only; each start puts them back, and says so in the log
    /// and to the admins.
    func restoreAuditTriggers() throws {
        // A read first: a write transaction (and its fsync) only when
        // something is wrong.
        guard try !read({ db in try AuditLog.triggersAreIntact(db) }) else { return }
        _ = try write { db in try AuditLog.restoreTriggers(db, at: Date()) }
    }

    /// A file whose log never recorded an account (made before accounts
    /// were recorded) has each account that can log in recorded as it is
    /// now, once: later changes outside Komar are told from it. Not a file
    /// whose log was emptied (it does not begin with the office's setup):
    /// that would vouch for whatever accounts someone left in it.
    func recordAccountsOnce() throws {
        let needed = try read { db in
            try !AccountFingerprint.anyRecorded(db)
                && Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user WHERE password_hash != ?",
                                arguments: [AccountFingerprint.noPassword]) ?? 0 > 0
                && AuditLog.beganWithSetup(db)
        }
        guard needed else { return }
        _ = try write { db in try AccountFingerprint.recordAllOnce(db, at: Date()) }
    }

    /// Moves what the write-ahead log holds into the database file when no
    /// one is reading, so saves never pay for it; the app calls it while the
    /// user is idle.
    public func checkpoint() {
        _ = try? writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
    }

    /// The `synchronous` setting of the connection that writes (2 = FULL).
    public func synchronousMode() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 0 }
    }

    /// Copies the whole database, consistently, into a new file at `path`
    /// with SQLite's online backup API (others may keep working meanwhile).
    public func copy(to path: String) throws {
        do {
            let target = try DatabaseQueue(path: path, configuration: Self.configuration())
            try writer.backup(to: target)
            try target.close()
        } catch let error as DatabaseError {
            throw StoreError.from(error)
        }
    }

    func migrate() throws {
        do {
            try Migrations.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError.from(error)
        }
    }

    /// Runs `access`, turning SQLite's errors into `StoreError`, and a
    /// value Komar never writes into `.unreadable` (GRDB's own error
    /// prints the whole row, password hashes included).
    private func translatingErrors<T>(_ access: () throws -> T) throws -> T {
        do { return try access() } catch let error as DatabaseError {
            throw StoreError.from(error)
        } catch is RowDecodingError {
            throw StoreError.unreadable
        }
    }

    /// Reads inside a snapshot, turning SQLite errors into `StoreError`.
    func read<T>(_ block: (Database) throws -> T) throws -> T {
        try translatingErrors { try writer.read(block) }
    }

    /// Writes a draft on the drafts' connection, failing at once when the
    /// file is busy.
    func writeDraft(_ block: (Database) throws -> Void) throws {
        try translatingErrors { try draftWriter.write(block) }
    }

    /// Writes inside a transaction, turning SQLite errors into `StoreError`.
    func write<T>(_ block: (Database) throws -> T) throws -> T {
        try translatingErrors { try writer.write(block) }
    }

    /// Writes inside a transaction whose statement journals stay in memory.
    /// An insert that fires triggers journals the pages it changes in case
    /// it must be undone; past 64 KiB SQLite moves that journal to a file
    /// for the rest of the transaction (1 GB written to /var/tmp for an
    /// import of 10,000 households). Not for every write: applying an
    /// office's changeset took twice as long with the setting (0.6 → 1.4 s).
    /// SQLite changes the setting only outside a transaction.
    func writeWithJournalsInMemory<T>(_ block: (Database) throws -> T) throws -> T {
        try translatingErrors {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                // Should putting it back fail, journals stay in memory for later writes: slower changesets, nothing lost.
                defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
                var result: Result<T, any Error>?
                try db.inTransaction {
                    result = Result { try block(db) }
                    if case .failure = result { return .rollback }
                    return .commit
                }
                guard let result else { throw StoreError.sqlite("the write did not run") }
                return try result.get()
            }
        }
    }
}

extension StoreError {
    static func from(_ error: DatabaseError) -> StoreError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: "", detail: error.message ?? "")
        default: return .sqlite(error.message ?? "\(error)")
        }
    }
}
