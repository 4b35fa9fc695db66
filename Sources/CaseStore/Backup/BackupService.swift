import CaseDomain
import Foundation
import GRDB
import Synchronization

/// How recent the office's backups are, for the admin's reminders.
public struct BackupStatus: Equatable, Sendable {
    /// The newest verified backup in `backups/`.
    public let newestVerified: Date?
    /// The last copy made to another disk (`komar backup --to`).
    public let lastExternalCopy: Date?

    /// Warn when the newest verified backup is older than this many days…
    public static let maximumAgeDays = 7
    /// …or when nothing was copied to another disk for this many.
    public static let externalCopyDays = 30

    public func backupIsStale(now: Date) -> Bool {
        guard let newestVerified else { return true }
        return now.timeIntervalSince(newestVerified) > Double(Self.maximumAgeDays) * 86_400
    }

    public func externalCopyIsStale(now: Date) -> Bool {
        guard let lastExternalCopy else { return true }
        return now.timeIntervalSince(lastExternalCopy) > Double(Self.externalCopyDays) * 86_400
    }
}

/// Backups: copies made with SQLite's online backup API (others may keep
/// working), each checked before it counts (`integrity_check` on the copy
/// and its row counts against the database's), described by a manifest
/// with the audit seal, optionally encrypted, and thinned to 14 daily and
/// 12 monthly. Automatic ones are made at the first login of a day and on
/// quitting after changes; admins make them by hand, to `backups/` or to
/// another disk.
public struct BackupService: Sendable {
    let store: StoreContext

    /// Actions that change nothing a backup would miss.
    static let readOnlyActions: [AuditAction] = [
        .view, .search, .login, .logout, .failedLogin, .lockedOut, .lock, .unlock, .export, .backup,
    ]

    /// `backups/` beside the database (nil for an in-memory one).
    public var folder: URL? { store.database.path.map(BackupFolder.url(besideDatabase:)) }

    /// Makes a backup now. Into `backups/` unless `directory` is given (a USB
    /// stick); encrypted when a passphrase is given. Admins only, except the
    /// automatic kinds, which any logged-in user's session makes.
    /// `verify: false` leaves the copy unchecked, listed as not verified
    /// (a restore then checks it in full); `komar bench` times the copy and
    /// its check apart that way.
    @discardableResult
    public func make(_ session: Session, kind: BackupManifest.Kind = .manual, to directory: URL? = nil,
                     passphrase: String? = nil, verify: Bool = true) throws -> BackupEntry {
        if kind == .manual || kind == .beforeRestore { try session.require(.backupRestore) }
        guard let target = directory ?? folder else { throw BackupError.cannotWrite("the database is in memory") }
        let entry = try Self.write(store.database, into: target, kind: kind, madeBy: session.user.username,
                                   organisation: try AccountService.setting(in: store, "organisation"), passphrase: passphrase,
                                   at: store.now, check: verify ? .full : nil)
        let external = directory != nil && directory?.standardizedFileURL != folder?.standardizedFileURL
        try store.write { db in
            try store.audit(db, session, .backup, entity: "backup",
                            summary: "\(kind.rawValue) \(entry.file.lastPathComponent)\(external ? " (other disk)" : "")"
                                + " seal \(entry.manifest.auditSeal)")
            if external {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('last_external_backup', ?)",
                               arguments: [String(format: "%.0f", store.now.timeIntervalSince1970)])
            }
        }
        if directory == nil, let folder { BackupFolder.prune(folder, of: store.database.path) }
        return entry
    }

    /// Whether an automatic backup is due: for `.daily`, none was made today;
    /// for `.quit`, something changed since the newest backup. Never for a
    /// demo database.
    public func isDue(_ kind: BackupManifest.Kind) throws -> Bool {
        // A demo is never backed up on its own: its copies would sit among
        // the office's own in the same folder.
        guard let folder, try !store.read(AccountService.isDemo) else { return false }
        let newest = BackupFolder.list(folder, of: store.database.path).first { $0.manifest.kind != .beforeRestore }
        switch kind {
        case .daily:
            guard let newest else { return true }
            let calendar = Calendar(identifier: .gregorian)
            return !calendar.isDate(newest.manifest.createdAt, inSameDayAs: store.now)
        case .quit:
            let since = newest?.seal?.count ?? 0
            let quiet = Self.readOnlyActions.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            return try store.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit_event WHERE id > ? AND action NOT IN (\(quiet)))",
                                  arguments: [since]) ?? false
            }
        case .manual, .beforeRestore:
            return true
        }
    }

    /// Makes the automatic backup of `kind` if it is due; nil when not.
    @discardableResult
    public func makeIfDue(_ session: Session, _ kind: BackupManifest.Kind) throws -> BackupEntry? {
        try isDue(kind) ? try make(session, kind: kind) : nil
    }

    /// The backups in `backups/`, newest first. Admins only.
    public func list(_ session: Session) throws -> [BackupEntry] {
        try session.require(.backupRestore)
        return entries
    }

    /// Backup files in `backups/` whose manifest is missing or damaged
    /// (`BackupFolder.unreadable`), newest first. Admins only.
    public func unreadable(_ session: Session) throws -> [URL] {
        try session.require(.backupRestore)
        return try folder.map(BackupFolder.unreadable(in:)) ?? []
    }

    /// This database's backups in `backups/`, newest first: the seals in
    /// their manifests are what the audit log is checked against. Not those
    /// of another database in the same folder.
    public var entries: [BackupEntry] {
        folder.map { BackupFolder.list($0, of: store.database.path) } ?? []
    }

    /// The tables a restore question sets side by side, backup and now:
    /// what an office would miss if a restore took it back.
    public static let restoreSummaryTables = ["child_case", "household", "household_member", "follow_up", "referral", "user"]

    /// The rows of `restoreSummaryTables` in the database now, counted as
    /// a backup's manifest counts them. Admins only.
    public func currentCounts(_ session: Session) throws -> [String: Int] {
        try session.require(.backupRestore)
        return try store.read { db in
            var counts: [String: Int] = [:]
            for table in Self.restoreSummaryTables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
            }
            return counts
        }
    }

    /// The newest verified backup and the last copy to another disk.
    public func status(_ session: Session) throws -> BackupStatus {
        try session.require(.backupRestore)
        let newest = entries.first { $0.manifest.verified && $0.manifest.kind != .beforeRestore }
        let external = try AccountService.setting(in: store, "last_external_backup").flatMap(Double.init)
        return BackupStatus(newestVerified: newest?.manifest.createdAt,
                            lastExternalCopy: external.map(Date.init(timeIntervalSince1970:)))
    }

    /// Copies `database` into `folder` as a backup with its manifest;
    /// encrypted when a passphrase is given. The copy is checked at `check`
    /// before it takes its name; only a full check makes it verified (every
    /// backup but the safety copy a restore keeps of the file it replaces).
    /// Where a backup's plain copy is made. An encrypted backup's never
    /// touches the folder it goes to (a USB stick: a backup killed while
    /// encrypting left the plain copy there, security probe); it is made in
    /// the database's own backups folder (owner-only, on this disk) and
    /// deleted once encrypted.
    static func stagingFolder(of database: AppDatabase, target: URL, encrypted: Bool) -> URL {
        guard encrypted else { return target }
        return database.path.map(BackupFolder.url(besideDatabase:)) ?? FileManager.default.temporaryDirectory
    }

    static func write(_ database: AppDatabase, into folder: URL, kind: BackupManifest.Kind, madeBy: String,
                      organisation: String?, passphrase: String?, at now: Date,
                      check: BackupCopy.CheckDepth? = .full) throws -> BackupEntry {
        let staging = stagingFolder(of: database, target: folder, encrypted: passphrase != nil)
        do {
            try BackupFolder.prepare(folder)
            try BackupFolder.prepare(staging)
        } catch { throw BackupError.cannotWrite((error as NSError).localizedDescription) }
        // The database's own folder is owner-only even if something else
        // made it first; a folder named with `--to` keeps its own mode.
        let own = database.path.map { BackupFolder.url(besideDatabase: $0).standardizedFileURL }
        for place in Set([folder.standardizedFileURL, staging.standardizedFileURL]) {
            if place == own { _ = chmod(place.path, 0o700) }
            BackupFolder.removeLeftovers(in: place)
        }
        let base = try BackupFolder.claimBaseName(in: folder, now, kind: kind)
        // Unique in the staging folder too, which another backup's target may be.
        let plainPart = staging.appendingPathComponent(".\(base)-\(getpid())-\(UInt32.random(in: 0 ... .max)).sqlite.part")
        var finished = false
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { _ = unlink(plainPart.path + suffix) }
            if !finished { BackupFolder.release(base, in: folder) }
        }
        let (counts, schema, sourceSeal) = try BackupCopy.copy(database, to: plainPart)
        // A plain copy keeps these bytes: their checksum is taken while the
        // copy is checked, and both while it is written to the disk. An
        // encrypted one keeps only the encrypted bytes, synced as written.
        let checksum = Mutex<String?>(nil)
        let checkAndHash = { () throws -> AuditSeal in
            let hash = { @Sendable () throws -> Void in
                if passphrase == nil {
                    let sum = try BackupCopy.sha256(plainPart)
                    checksum.withLock { $0 = sum }
                }
            }
            guard let check else {
                try hash()
                return sourceSeal
            }
            return try BackupCopy.check(plainPart, expected: counts, depth: check,
                                        mapped: BackupCopy.isOnDisk(of: database.path, staging), alongside: hash)
        }
        let seal = try passphrase == nil ? BackupCopy.whileSyncing(plainPart, checkAndHash) : checkAndHash()
        let final: URL
        if let passphrase {
            final = folder.appendingPathComponent(base + ".sqlite.enc")
            let encryptedPart = folder.appendingPathComponent(".\(base).sqlite.enc.part")
            do {
                let handle = try BackupCopy.create(encryptedPart)
                try BackupCipher.encrypt(plainPart, to: handle, passphrase: passphrase)
                try handle.synchronize()
                try handle.close()
                try BackupCopy.moveReplacing(encryptedPart, to: final)
            } catch {
                _ = unlink(encryptedPart.path)
                throw error as? BackupError ?? BackupError.cannotWrite((error as NSError).localizedDescription)
            }
        } else {
            final = folder.appendingPathComponent(base + ".sqlite")
            try BackupCopy.moveReplacing(plainPart, to: final)
        }
        let manifest = BackupManifest(
            organisation: organisation ?? "", createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            kind: kind, schemaVersion: schema, rowCounts: counts,
            auditSeal: seal.description, sha256: try checksum.withLock({ $0 }) ?? BackupCopy.sha256(final),
            bytes: BackupCopy.size(final), encrypted: passphrase != nil, verified: check == .full, madeBy: madeBy,
            databaseId: try database.read { db in try AccountService.setting(db, "database_id") },
            databaseFile: database.path.map { URL(fileURLWithPath: $0).lastPathComponent })
        do {
            try BackupCopy.writeAtomically(try manifest.data(), to: BackupFolder.manifestURL(for: final))
        } catch {
            _ = unlink(final.path)
            throw error
        }
        finished = true
        return BackupEntry(file: final, manifest: manifest)
    }
}

extension AccountService {
    static func setting(in store: StoreContext, _ key: String) throws -> String? {
        try store.read { db in try setting(db, key) }
    }
}
