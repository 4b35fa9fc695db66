import CaseDomain
import Crypto
import Foundation
import GRDB

/// What rebuilding a lost office from head office's file did.
public struct OfficeRebuildReport: Equatable, Sendable {
    public let office: String
    /// The number of the last file head office had applied; the rebuilt
    /// office's next file follows it.
    public let sequence: Int
    public let changes: Int
    public let users: Int
}

/// What head office wrote for an office to be rebuilt from.
public struct RebuildFiles: Equatable, Sendable {
    public let file: URL
    public let enrolment: URL
    public let manifest: SyncManifest
}

/// A lost office, rebuilt from what head office holds of it, and an office
/// put back from a copy older than its last export, caught up from the
/// snapshot of that export. Either way no key head office already holds
/// is made again.
extension SyncService {
    /// At head office: writes into `folder` everything head office holds of
    /// office `code` as one sealed file (numbered as the last file applied),
    /// and the office's enrolment again, to rebuild the office from.
    public func exportRebuild(_ session: Session, office code: String, to folder: URL) throws -> RebuildFiles {
        try session.require(.manageSettings)
        guard let path = store.database.path else { throw SyncError.inMemory }
        let (identity, office, organisation) = try store.read { db -> (OfficeIdentity, Row, String) in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .headOffice else { throw SyncError.notHeadOffice }
            guard let office = try Row.fetchOne(db, sql: "SELECT * FROM office WHERE code = ?", arguments: [code]) else {
                throw SyncError.unknownOffice(code: code)
            }
            let waiting = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM sync_conflict WHERE office_number = ? AND resolved_at IS NULL
                """, arguments: [office["number"]]) ?? 0
            guard waiting == 0 else { throw SyncError.conflictsWaiting(code: code, count: waiting) }
            return (identity, office, try AccountService.setting(db, "organisation") ?? "")
        }
        let number: Int64 = office["number"]
        let range = OfficeKeys.range(number)
        let held = try Self.gather(livePath: path, extra: nil) { db in
            for (table, key) in SyncTables.marked {
                try Self.copyRows(db, table: table, from: "live", into: "now_rows", where: "\"\(key)\" >= ? AND \"\(key)\" < ?",
                                  arguments: [range.lowerBound, range.upperBound])
                try Self.copyRows(db, table: table, from: "live", into: "sent_rows", where: "0")
            }
            var counts: [String: Int] = [:]
            for table in SyncTables.shared {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM now_rows.\"\(table)\"") ?? 0
            }
            var floors: [String: Int64] = [:]
            for table in OfficeKeyShift.keyedTables {
                let held = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM live.\"\(table)\" WHERE id >= ? AND id < ?",
                                              arguments: [range.lowerBound, range.upperBound]) ?? 0
                // A change that waits as a conflict was received too: its key is taken.
                let waiting = try Int64.fetchOne(db, sql: """
                    SELECT MAX(CAST(row_key AS INTEGER)) FROM live.sync_conflict WHERE office_number = ? AND table_name = ?
                    """, arguments: [number, table]) ?? 0
                floors[table] = max(held, waiting)
            }
            let suffix = "@" + code
            let users = try Row.decodeAll(db, sql: """
                SELECT id, username, display_name, role, is_active FROM live.user WHERE id >= ? AND id < ? ORDER BY id
                """, arguments: [range.lowerBound, range.upperBound]) { row -> SyncUser in
                let name: String = row["username"]
                return SyncUser(id: row["id"], username: name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name,
                                displayName: row["display_name"], role: row["role"], isActive: row["is_active"])
            }
            let auditCount = counts["audit_event"] ?? 0
            let hash = try String.fetchOne(db, sql: "SELECT hash FROM now_rows.audit_event ORDER BY id DESC LIMIT 1")
                ?? AuditLog.genesis
            return Gathered(changeset: try Changeset.diff(db, session: "now_rows", from: "sent_rows", tables: SyncTables.shared),
                            users: users, counts: counts, floors: floors,
                            seal: AuditSeal(count: auditCount, hashPrefix: String(hash.prefix(12))),
                            schemaVersion: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM live.grdb_migrations") ?? 0)
        }
        let content = try SyncContent(users: held.users, changeset: held.changeset).encoded()
        let sequence: Int = office["last_sequence"]
        let manifest = SyncManifest(
            office: code, officeNumber: number, headOfficeId: identity.headOfficeId, sequence: sequence,
            schemaVersion: held.schemaVersion, writtenAt: store.now, rowCounts: held.counts,
            changes: try Changeset.count(held.changeset), auditSeal: held.seal.description,
            sha256: SyncFile.sha256(content), rebuild: true, keyFloors: held.floors)
        let key = SymmetricKey(data: office["sync_key"] as Data)
        let parts = try SyncFile.seal(manifest, content, key: key)
        let file = folder.appendingPathComponent(String(format: "%@-rebuild-%06d-%@.%@", code, sequence, store.today.iso,
                                                        SyncFile.fileExtension))
        let enrolmentFile = folder.appendingPathComponent("\(code)-enrolment.json")
        let enrolment = OfficeEnrolment(code: code, number: number, name: office["name"], headOfficeId: identity.headOfficeId,
                                        headOffice: organisation, key: office["sync_key"])
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try SyncFile.write(parts, to: file)
            try OfficeService.write(enrolment, to: enrolmentFile)
        } catch {
            throw SyncError.cannotWrite(path: folder.path, detail: "\(error)")
        }
        try store.write { db in
            try store.audit(db, session, .syncExport,
                            summary: "\(file.lastPathComponent): all head office holds of \(code), to rebuild it")
        }
        return RebuildFiles(file: file, enrolment: enrolmentFile, manifest: manifest)
    }

    /// What a scratch connection read from the live file.
    struct Gathered {
        var changeset: Data
        var users: [SyncUser]
        var counts: [String: Int] = [:]
        var floors: [String: Int64]
        var seal = AuditSeal(count: 0, hashPrefix: "")
        var schemaVersion = 0
    }

    /// Runs `body` in one read transaction on a scratch connection holding
    /// the live file (`live`), optionally another (`held`), and two empty
    /// scratch databases in memory (`now_rows`, `sent_rows`) to diff.
    static func gather<T>(livePath: String, extra: String?, _ body: (Database) throws -> T) throws -> T {
        let scratch = try DatabaseQueue()
        return try scratch.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS live", arguments: [livePath])
            if let extra { try db.execute(sql: "ATTACH DATABASE ? AS held", arguments: [extra]) }
            try db.execute(sql: "ATTACH DATABASE ':memory:' AS now_rows")
            try db.execute(sql: "ATTACH DATABASE ':memory:' AS sent_rows")
            var result: T?
            try db.inTransaction(.deferred) {
                result = try body(db)
                return .commit
            }
            guard let result else { throw ChangesetError("nothing could be read") }
            return result
        }
    }

    /// At an office whose database was put back from a copy older than its
    /// last export (the snapshot holds files the database never recorded
    /// sending): brings back every row head office already holds that the
    /// copy lacks, and its people, and moves each key counter past the
    /// highest key sent, so nothing made from now on reuses a key head
    /// office holds. Rows both have stay as the copy has them; the next
    /// export compares the whole files and sends them. Returns the number
    /// of rows brought back, or nil when the database is not behind.
    static func catchUp(_ database: AppDatabase, userId: Int64?, username: String, now: Date) throws -> Int? {
        guard let path = database.path else { return nil }
        let places = SyncFolder(databasePath: path)
        guard FileManager.default.fileExists(atPath: places.snapshot.path) else { return nil }
        let (identity, sent) = try database.read { db in
            (try OfficeIdentity.read(db),
             try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM sync_file WHERE direction = 'out'") ?? 0)
        }
        guard let identity, identity.kind == .office else { return nil }
        let snapshot = try openSnapshot(places, alreadySent: 1)
        let held = try sequence(snapshot)
        try snapshot.close()
        guard sent < held else { return nil }
        let missing = try gather(livePath: path, extra: places.snapshot.path) { db in
            for (table, _) in SyncTables.marked {
                let keys = table == "case_visitor" ? ["case_id", "user_id"] : ["id"]
                let same = keys.map { "here.\"\($0)\" = \"\(table)\".\"\($0)\"" }.joined(separator: " AND ")
                try copyRows(db, table: table, from: "held", into: "now_rows",
                             where: "NOT EXISTS (SELECT 1 FROM live.\"\(table)\" AS here WHERE \(same))")
                try copyRows(db, table: table, from: "live", into: "sent_rows", where: "0")
            }
            var floors: [String: Int64] = [:]
            for table in OfficeKeyShift.keyedTables {
                floors[table] = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM held.\"\(table)\"") ?? 0
            }
            let users = try Row.decodeAll(db, sql: """
                SELECT id, username, display_name, role, is_active FROM held.user
                WHERE id NOT IN (SELECT id FROM live.user) ORDER BY id
                """) { row -> SyncUser in
                let name: String = row["username"]
                // The snapshot keeps people as head office does, with an empty office code.
                return SyncUser(id: row["id"], username: name.hasSuffix("@") ? String(name.dropLast()) : name,
                                displayName: row["display_name"], role: row["role"], isActive: row["is_active"])
            }
            return Gathered(changeset: try Changeset.diff(db, session: "now_rows", from: "sent_rows", tables: SyncTables.shared),
                            users: users, floors: floors)
        }
        return try database.write { db in
            var changes = 0
            var reindex = try SearchReindex(db)
            try Changeset.forEach(missing.changeset) { change in
                changes += 1
                reindex.note(change)
            }
            try insertPeople(db, missing.users, at: now)
            let conflicts = try Changeset.apply(db, missing.changeset, tables: SyncTables.shared)
            guard conflicts.isEmpty else {
                throw SyncError.snapshotDamaged(detail: "\(conflicts.count) rows of the last export did not fit this database")
            }
            try moveKeyCounters(db, past: missing.floors, office: identity.number)
            try reindex.write(db)
            try AuditLog.append(db, at: now, userId: userId, username: username, action: .syncCaughtUp,
                                summary: "this database was older than file \(held); \(changes) rows and "
                                    + "\(missing.users.count) people head office holds were brought back")
            return changes
        }
    }

    /// Adds people without a password: an admin sets one before they log in.
    static func insertPeople(_ db: Database, _ users: [SyncUser], at now: Date, passwords: [Int64: String] = [:]) throws {
        for user in users {
            try db.execute(sql: """
                INSERT INTO user (id, username, display_name, role, password_hash, is_active, must_change_password,
                                  created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [user.id, user.username, user.displayName, user.role, passwords[user.id] ?? "!",
                                 user.isActive, passwords[user.id] == nil, now, now])
        }
    }

    /// Sets each keyed table's counter to at least `floors[table]`, and
    /// never below the office's range.
    static func moveKeyCounters(_ db: Database, past floors: [String: Int64], office: Int64) throws {
        for table in OfficeKeyShift.keyedTables {
            let current = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table]) ?? 0
            let highest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \"\(table)\"") ?? 0
            let next = max(current, highest, floors[table] ?? 0, OfficeKeys.base(office))
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [table, next])
        }
    }
}

extension OfficeService {
    /// In a new, empty database: builds office `enrolment` again from head
    /// office's rebuild file. Its people come back without passwords but
    /// for the admin named `admin`, who sets `password` now and then sets
    /// the others'. Its keys and file numbers continue after what head
    /// office holds, and the snapshot of the last export is made anew.
    public func rebuild(from file: URL, enrolment: OfficeEnrolment, admin: String, password: String,
                        hasher: PasswordHasher) throws -> OfficeRebuildReport {
        guard let path = store.database.path else { throw SyncError.inMemory }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw SyncError.cannotWrite(path: file.path, detail: "cannot read it: \(error.localizedDescription)")
        }
        let (manifest, sealed) = try SyncFile.open(data, key: SymmetricKey(data: enrolment.key))
        guard manifest.rebuild == true else { throw SyncError.notARebuildFile }
        guard manifest.office == enrolment.code, manifest.officeNumber == enrolment.number,
              manifest.headOfficeId == enrolment.headOfficeId else { throw SyncError.unknownOffice(code: manifest.office) }
        let content = try SyncContent(decoding: sealed)
        let name = UsernameRules.normalized(admin)
        guard let person = content.users.first(where: { UsernameRules.normalized($0.username) == name }),
              person.role == Role.admin.rawValue, person.isActive else { throw SyncError.noSuchAdmin(username: admin) }
        if let problem = AccountService.passwordProblem(password, username: person.username) {
            throw AccountError.weakPassword(problem)
        }
        let hash = try hasher.hash(password)
        let range = OfficeKeys.range(enrolment.number)
        var changes = 0
        try Changeset.forEach(content.changeset) { change in
            guard change.leadingKey.map(range.contains) ?? false else {
                throw SyncError.rowsOfAnotherOffice(code: manifest.office, table: change.table)
            }
            changes += 1
        }
        let now = store.now
        // The snapshot is what head office holds: the file's content, as an export would have left it. It is
        // made first, beside its place, and moved there once the rows are in: a kill between leaves it for
        // the next export to take (`takeStagedSnapshot`), never an office that cannot send.
        let places = SyncFolder(databasePath: path)
        for suffix in ["", "-journal"] { _ = unlink(places.stagedSnapshot.path + suffix) }
        let staged = try SyncService.openSnapshot(places, alreadySent: 0, at: places.stagedSnapshot)
        try SyncService.advance(staged, with: content, sequence: manifest.sequence)
        try staged.close()
        do {
            try store.write { db in try Self.build(db, enrolment: enrolment, manifest: manifest, content: content, file: file,
                                                   person: person, hash: hash, changes: changes, now: now) }
        } catch {
            _ = unlink(places.stagedSnapshot.path)
            throw error
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { _ = unlink(places.snapshot.path + suffix) }
        guard rename(places.stagedSnapshot.path, places.snapshot.path) == 0 else {
            throw SyncError.cannotWrite(path: places.snapshot.path, detail: String(cString: strerror(errno)))
        }
        return OfficeRebuildReport(office: enrolment.code, sequence: manifest.sequence, changes: changes,
                                   users: content.users.count)
    }

    /// The rebuild's one transaction: the office's people and rows, its
    /// identity, key counters past what head office holds, and the file
    /// numbers it continues from.
    private static func build(_ db: Database, enrolment: OfficeEnrolment, manifest: SyncManifest, content: SyncContent,
                              file: URL, person: SyncUser, hash: String, changes: Int, now: Date) throws {
        guard try OfficeIdentity.read(db) == nil, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") == 0 else {
            throw OfficeError.notEmpty
        }
        let here = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0
        guard manifest.schemaVersion == here else {
            throw SyncError.schemaDiffers(file: String(manifest.schemaVersion), here: String(here))
        }
        try SyncService.insertPeople(db, content.users, at: now, passwords: [person.id: hash])
        let conflicts = try Changeset.apply(db, content.changeset, tables: SyncTables.shared)
        guard conflicts.isEmpty else { throw SyncError.brokenReferences(detail: "\(conflicts.count) rows did not apply") }
        try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('organisation', ?)",
                       arguments: [enrolment.headOffice])
        try OfficeIdentity(kind: .office, number: enrolment.number, code: enrolment.code,
                           headOfficeId: enrolment.headOfficeId).write(db)
        try db.execute(sql: """
            INSERT INTO office (number, code, name, sync_key, added_at, last_sequence) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [enrolment.number, enrolment.code, enrolment.name, enrolment.key, now, manifest.sequence])
        try SyncService.moveKeyCounters(db, past: manifest.keyFloors ?? [:], office: enrolment.number)
        try OfficeKeyShift.reindexSearch(db)
        if manifest.sequence > 0 {
            try db.execute(sql: """
                INSERT INTO sync_file (direction, office_number, sequence, file_name, written_at, by_user, changes, seal, sha256)
                VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [enrolment.number, manifest.sequence, file.lastPathComponent, manifest.writtenAt,
                                 person.id, changes, manifest.auditSeal, manifest.sha256])
        }
        // Names the person whose password was set here, and records their
        // account: the log brought back recorded it with its old password.
        try AuditLog.append(db, at: now, userId: person.id, username: person.username, action: .officeRestored,
                            entity: "user", entityId: person.id,
                            summary: "rebuilt from \(file.lastPathComponent): \(changes) rows, "
                                + "\(content.users.count) people, after file \(manifest.sequence)"
                                + AccountFingerprint.tag(db, userId: person.id))
    }
}
