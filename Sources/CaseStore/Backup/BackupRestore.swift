import CaseDomain
import Foundation
import GRDB

/// What a restore needs: the backup, its passphrase if encrypted, where the
/// database lives, and an admin of the backup (checked against the
/// accounts in the backup, so a damaged database can still be restored).
public struct RestoreRequest: Sendable {
    public var backup: URL
    public var passphrase: String?
    public var databasePath: String
    public var username: String
    public var password: String
    /// Restore a backup from another organisation all the same.
    public var force = false

    public init(backup: URL, passphrase: String?, databasePath: String, username: String, password: String,
                force: Bool = false) {
        self.backup = backup
        self.passphrase = passphrase
        self.databasePath = databasePath
        self.username = username
        self.password = password
        self.force = force
    }
}

/// What a restore did.
public struct RestoreReport: Equatable, Sendable {
    public let manifest: BackupManifest
    /// Where the file it replaced was kept (nil when there was none).
    public let safetyCopy: URL?
    /// Komar windows of other processes that were open on the database:
    /// each ends its session at its next key (`AccountService.restoreMark`).
    public var otherWindows = 0
    /// Unsaved forms (drafts) of the replaced file put into the restored
    /// one (`RestoreCarryOver`).
    public var formsKept = 0
    /// Why those forms could not be kept (the database's words), when they
    /// could not: the restore itself is done either way.
    public var formsNotKept: String?
}

extension BackupService {
    /// Checks a backup against its manifest: the file's sha256 (the same
    /// bytes that passed the full check when it was made), then, with the
    /// passphrase when encrypted, the row counts, the audit seal and
    /// SQLite's `quick_check`; `thorough` repeats the full `integrity_check`
    /// (also done when the backup was not verified when made). A backup on
    /// the disk of the database at `besideDatabase` is read mapped, which is
    /// faster (see `BackupCopy.check`).
    @discardableResult
    public static func verify(_ file: URL, passphrase: String?, thorough: Bool = false,
                              besideDatabase databasePath: String? = nil) throws -> BackupManifest {
        let manifest = try manifest(of: file)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent(".komar-verify-\(getpid())-\(UUID().uuidString.prefix(8)).sqlite")
        defer { _ = unlink(scratch.path) }
        _ = try checked(file, manifest: manifest, passphrase: passphrase, scratch: scratch,
                        depth: thorough || !manifest.verified ? .full : .pages,
                        mapped: BackupCopy.isOnDisk(of: databasePath, file))
        return manifest
    }

    static func manifest(of file: URL) throws -> BackupManifest {
        let url = BackupFolder.manifestURL(for: file)
        guard let manifest = try? BackupManifest.read(url) else {
            throw FileManager.default.fileExists(atPath: url.path)
                ? BackupError.damagedManifest(url.lastPathComponent) : BackupError.noManifest(url.lastPathComponent)
        }
        return manifest
    }

    /// Checks a backup file against its manifest at `depth` and returns it
    /// as a plain SQLite file: itself when not encrypted (its checksum
    /// taken while it is checked), else, after its checksum, decrypted into
    /// `scratch`.
    static func checked(_ file: URL, manifest: BackupManifest, passphrase: String?, scratch: URL,
                        depth: BackupCopy.CheckDepth, mapped: Bool) throws -> URL {
        let plain: URL
        var alongside: (@Sendable () throws -> Void)?
        if manifest.encrypted {
            guard try BackupCopy.sha256(file) == manifest.sha256 else { throw BackupError.checksumMismatch }
            guard let passphrase else { throw BackupError.passphraseNeeded }
            let handle = try BackupCopy.create(scratch)
            // FileHandle writes go straight to the file; the check that follows reads what is there.
            defer { try? handle.close() }
            do {
                try BackupCipher.decrypt(file, to: handle, passphrase: passphrase)
            } catch BackupCipherError.wrongPassphrase {
                throw BackupError.wrongPassphrase
            } catch BackupCipherError.damaged {
                throw BackupError.damaged("the encrypted file is cut short or changed")
            }
            plain = scratch
        } else {
            plain = file
            alongside = {
                guard try BackupCopy.sha256(file) == manifest.sha256 else { throw BackupError.checksumMismatch }
            }
        }
        let seal = try BackupCopy.check(plain, expected: manifest.rowCounts, depth: depth, mapped: mapped,
                                        alongside: alongside)
        guard seal.description == manifest.auditSeal else { throw BackupError.rowCountsDiffer(table: "audit_event") }
        return plain
    }

    /// Restores a backup over the database at `request.databasePath`. It is
    /// verified first; the admin is checked against the backup's accounts;
    /// a backup from another organisation needs `force`; the current file is
    /// kept as a safety copy in `backups/` (made while the backup is checked,
    /// and removed if the restore is refused); the restore is written into
    /// the audit log. `live` is the database when this process has it open (the
    /// TUI); its content is replaced in place.
    public static func restore(_ request: RestoreRequest, live: AppDatabase? = nil,
                               hasher: PasswordHasher = PasswordHasher(), now: Date = Date()) throws -> RestoreReport {
        let manifest = try manifest(of: request.backup)
        let folder = URL(fileURLWithPath: request.databasePath).deletingLastPathComponent()
        let scratch = folder.appendingPathComponent(".komar-restore-\(getpid()).sqlite")
        defer { _ = unlink(scratch.path) }
        // The database as it is now: readable (keep a verified copy and
        // check its organisation) or not (keep the files as they are).
        let current = try live ?? openIfPresent(request.databasePath)
        let backups = BackupFolder.url(besideDatabase: request.databasePath)
        // The current file is copied aside while the backup is checked:
        // the copy is mostly the disk's work, the check the processors'.
        // Should the backup, its admin or its office be refused, the copy
        // goes again.
        let (safetyCopy, checkedBackup) = BackupCopy.both({
            try keepSafetyCopy(of: current, path: request.databasePath, in: backups, madeBy: request.username, now: now)
        }, while: {
            try checked(request.backup, manifest: manifest, passphrase: request.passphrase, scratch: scratch,
                        depth: manifest.verified ? .pages : .full,
                        mapped: BackupCopy.isOnDisk(of: request.databasePath, request.backup))
        })
        let plain: URL
        let admin: UserAccount
        let safety: URL?
        do {
            plain = try checkedBackup.get()
            admin = try authenticate(request, in: plain, hasher: hasher)
            try refuseAnotherOffice(manifest, current: current, force: request.force)
            safety = try safetyCopy.get()
        } catch {
            if case .success(let made?) = safetyCopy { BackupFolder.remove(made) }
            throw error
        }
        let otherWindows = try current?.read { db in try DraftService.otherProcessesTerminals(db, now: now).count } ?? 0
        // Not worth refusing a restore over (a file that cannot give them back is the reason for some
        // restores), but said in the report.
        var carried: RestoreCarryOver?
        var formsNotKept: String?
        do { carried = try current?.read(RestoreCarryOver.read) } catch { formsNotKept = Self.words(error) }

        let restored: AppDatabase
        if let current {
            do {
                let source = try BackupCopy.readOnly(plain)
                try source.backup(to: current.writer)
                try source.close()
            } catch let error as DatabaseError {
                throw BackupError.cannotWrite(error.message ?? "\(error)")
            }
            try current.migrate()
            try current.restoreAuditTriggers()
            restored = current
        } else {
            if plain != scratch {
                do {
                    _ = unlink(scratch.path)
                    try FileManager.default.copyItem(at: plain, to: scratch)
                } catch {
                    throw BackupError.cannotWrite((error as NSError).localizedDescription)
                }
            }
            _ = chmod(scratch.path, 0o600)
            for suffix in ["-wal", "-shm", ""] { _ = unlink(request.databasePath + suffix) }
            try BackupCopy.moveReplacing(scratch, to: URL(fileURLWithPath: request.databasePath))
            restored = try AppDatabase.open(path: request.databasePath)
        }
        // An office's copy older than its last export takes back, from the
        // snapshot of that export, what head office already holds.
        _ = try SyncService.catchUp(restored, userId: admin.id, username: admin.username, now: now)
        var formsKept = 0
        if let carried {
            do { formsKept = try restored.write { db in try carried.put(db) } } catch { formsNotKept = Self.words(error) }
        }
        try restored.write { db in
            try AuditLog.append(db, at: now, userId: admin.id, username: admin.username, action: .restore,
                                entity: "backup", summary: "\(request.backup.lastPathComponent) seal \(manifest.auditSeal)"
                                    + (safety.map { "; previous file kept as \($0.lastPathComponent)" } ?? ""))
            // Every window still open on the file ends its session at its next key.
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                           arguments: [AccountService.restoreMarkSetting, UUID().uuidString])
        }
        return RestoreReport(manifest: manifest, safetyCopy: safety, otherWindows: otherWindows, formsKept: formsKept,
                             formsNotKept: formsNotKept)
    }

    /// Refuses, unless forced, a backup of another organisation, or of
    /// another database of the same name, over a database with records.
    private static func refuseAnotherOffice(_ manifest: BackupManifest, current: AppDatabase?, force: Bool) throws {
        guard let current, !force else { return }
        if let organisation = try current.read({ db in try AccountService.setting(db, "organisation") }),
           !organisation.isEmpty, organisation != manifest.organisation {
            throw BackupError.otherOrganisation(backup: manifest.organisation, current: organisation)
        }
        // Same name, another database (two demos, or another office called the same): unless this one holds
        // no records yet (a new file made to restore into).
        if let theirs = manifest.databaseId,
           let ours = try current.read({ db in try AccountService.setting(db, "database_id") }), ours != theirs,
           try current.read({ db in try !db.tablesAreEmpty(["child_case", "household", "referral"]) }) {
            throw BackupError.otherDatabase(madeAt: manifest.createdAt)
        }
    }

    /// An error in the database's own words, for a report.
    private static func words(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }

    /// The active admin with this username and password in the backup at
    /// `file`, checked with the full password hash whether or not the name
    /// exists there.
    private static func authenticate(_ request: RestoreRequest, in file: URL, hasher: PasswordHasher) throws -> UserAccount {
        let queue = try BackupCopy.readOnly(file)
        defer { try? queue.close() }
        let (record, changedOutside) = try queue.read { db in
            let record = try UserRecord.filter(sql: "username = ?", arguments: [UsernameRules.normalized(request.username)])
                .fetchOne(db)
            // An admin account written into the backup with another program does not restore it.
            return (record, try record.map { try AccountFingerprint.change(db, $0) != nil } ?? false)
        }
        let passwordOK = hasher.verify(request.password, against: record?.passwordHash ?? hasher.standIn)
        guard let record, passwordOK, record.isActive, record.role == .admin, !changedOutside else {
            throw BackupError.notAnAdminInTheBackup
        }
        return record.account()
    }

    /// The database as it is now, or nil when there is none to keep or it
    /// is damaged (then its raw files are kept and replaced). Any other
    /// failure (busy, no permission) stops the restore: replacing a file
    /// that could not be opened for another reason could destroy it.
    private static func openIfPresent(_ path: String) throws -> AppDatabase? {
        guard case .present = DatabaseFileState.inspect(path) else { return nil }
        do {
            return try AppDatabase.open(path: path)
        } catch StoreError.corrupt {
            return nil
        }
    }

    /// Keeps the file a restore replaces: a verified backup when it can be
    /// read, else the raw files (database and write-ahead log) as they are.
    private static func keepSafetyCopy(of current: AppDatabase?, path: String, in folder: URL, madeBy: String,
                                       now: Date) throws -> URL? {
        if let current {
            let organisation = try current.read { db in try AccountService.setting(db, "organisation") }
            return try write(current, into: folder, kind: .beforeRestore, madeBy: madeBy, organisation: organisation ?? "",
                             passphrase: nil, at: now, check: .pages).file
        }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { try BackupFolder.prepare(folder) } catch { throw BackupError.cannotWrite((error as NSError).localizedDescription) }
        let base = try BackupFolder.claimBaseName(in: folder, now, kind: .beforeRestore)
        var kept = false
        defer { if !kept { BackupFolder.release(base, in: folder) } }
        let target = folder.appendingPathComponent(base + ".sqlite")
        do {
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                _ = unlink(target.path + suffix)
                try FileManager.default.copyItem(atPath: path + suffix, toPath: target.path + suffix)
                _ = chmod(target.path + suffix, 0o600)
            }
        } catch {
            throw BackupError.cannotWrite((error as NSError).localizedDescription)
        }
        let manifest = BackupManifest(organisation: "", createdAt: now, kind: .beforeRestore, schemaVersion: "",
                                      rowCounts: [:], auditSeal: "", sha256: try BackupCopy.sha256(target),
                                      bytes: BackupCopy.size(target), encrypted: false, verified: false, madeBy: madeBy,
                                      databaseFile: URL(fileURLWithPath: path).lastPathComponent)
        try BackupCopy.writeAtomically(try manifest.data(), to: BackupFolder.manifestURL(for: target))
        kept = true
        return target
    }
}
