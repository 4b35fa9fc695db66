import CaseDomain
import Crypto
import Foundation
import GRDB

/// What importing one file did.
public struct SyncImportReport: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case applied
        /// The same file was applied before: nothing was done.
        case alreadyApplied
    }
    public let file: URL
    public let office: String
    public let sequence: Int
    public let outcome: Outcome
    public let changes: Int
    public let conflicts: Int
    /// What the checks after applying found wrong with the office's audit
    /// log or counts; empty when all is as the office said.
    public let warnings: [String]
}

/// A change from an office that waits for a person at head office.
public struct SyncConflict: Equatable, Sendable {
    public let id: Int64
    public let office: String
    public let sequence: Int
    public let table: String
    public let rowKey: String
    public let kind: String
    public let changed: [String]
    /// Column values as the office has them, and as head office has them.
    public let theirs: [String: String]?
    public let ours: [String: String]?
    public let resolution: String?

    public init(id: Int64, office: String, sequence: Int, table: String, rowKey: String, kind: String, changed: [String],
                theirs: [String: String]?, ours: [String: String]?, resolution: String?) {
        self.id = id
        self.office = office
        self.sequence = sequence
        self.table = table
        self.rowKey = rowKey
        self.kind = kind
        self.changed = changed
        self.theirs = theirs
        self.ours = ours
        self.resolution = resolution
    }
}

/// How a person settled a conflict.
public enum ConflictChoice: String, Sendable {
    /// The office's version replaces head office's.
    case theirs
    /// Head office's version stays.
    case ours
}

extension SyncService {
    /// Applies office files at head office, each in one transaction, in
    /// the order given (sorted by office and number). Stops at the first
    /// file refused, after applying those before it.
    public func importFiles(_ session: Session, _ files: [URL]) throws -> [SyncImportReport] {
        try session.require(.manageSettings)
        // Only the manifests are kept while sorting: a first file can be hundreds of megabytes.
        var ordered: [(URL, SyncManifest)] = []
        for file in files { ordered.append((file, try SyncFile.manifest(Self.read(file)))) }
        ordered.sort { ($0.1.office, $0.1.sequence) < ($1.1.office, $1.1.sequence) }
        return try ordered.map { file, _ in try importFile(session, file) }
    }

    private static func read(_ file: URL) throws -> Data {
        do { return try Data(contentsOf: file) } catch {
            throw SyncError.cannotWrite(path: file.path, detail: "cannot read it: \(error.localizedDescription)")
        }
    }

    /// The file's office, manifest and content, once its seal is checked
    /// with the office's key. The file's bytes are let go on return: only
    /// what they hold is kept while it applies.
    private static func open(_ file: URL, _ db: Database, headOfficeId: String) throws -> (Row, SyncManifest, Data) {
        let data = try read(file)
        let claimed = try SyncFile.manifest(data)
        guard let office = try Row.fetchOne(db, sql: "SELECT * FROM office WHERE code = ?", arguments: [claimed.office]),
              (office["number"] as Int64) == claimed.officeNumber else {
            throw SyncError.unknownOffice(code: claimed.office)
        }
        guard claimed.headOfficeId == headOfficeId else { throw SyncError.otherHeadOffice(code: claimed.office) }
        let (manifest, content) = try SyncFile.open(data, key: SymmetricKey(data: office["sync_key"] as Data))
        return (office, manifest, content)
    }

    private func importFile(_ session: Session, _ file: URL) throws -> SyncImportReport {
        let now = store.now
        return try store.write { db in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .headOffice else { throw SyncError.notHeadOffice }
            let (office, manifest, content) = try Self.open(file, db, headOfficeId: identity.headOfficeId)
            guard manifest.rebuild != true else { throw SyncError.rebuildFile }
            let number = manifest.officeNumber
            let last: Int = office["last_sequence"]
            if manifest.sequence <= last {
                let applied = try String.fetchOne(db, sql: """
                    SELECT sha256 FROM sync_file WHERE direction = 'in' AND office_number = ? AND sequence = ?
                    """, arguments: [number, manifest.sequence])
                guard applied == manifest.sha256 else {
                    throw SyncError.sequenceReused(code: manifest.office, sequence: manifest.sequence)
                }
                return SyncImportReport(file: file, office: manifest.office, sequence: manifest.sequence,
                                        outcome: .alreadyApplied, changes: 0, conflicts: 0, warnings: [])
            }
            guard manifest.sequence == last + 1 else {
                throw SyncError.missingFiles(code: manifest.office, from: last + 1, to: manifest.sequence - 1)
            }
            let here = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0
            guard manifest.schemaVersion == here else {
                throw SyncError.schemaDiffers(file: String(manifest.schemaVersion), here: String(here))
            }
            let decoded = try SyncContent(decoding: content)
            let range = OfficeKeys.range(number)
            var changes = 0
            var rewritesAudit = false
            var reindex = try SearchReindex(db)
            try Changeset.forEach(decoded.changeset) { change in
                guard SyncTables.shared.contains(change.table), change.leadingKey.map(range.contains) ?? false else {
                    throw SyncError.rowsOfAnotherOffice(code: manifest.office, table: change.table)
                }
                changes += 1
                if change.table == "audit_event" && change.kind != .insert { rewritesAudit = true }
                reindex.note(change)
            }
            if let user = decoded.users.first(where: { !range.contains($0.id) }) {
                throw SyncError.rowsOfAnotherOffice(code: manifest.office, table: "user \(user.username)")
            }
            let checkedAudit = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit_event WHERE id >= ? AND id < ?",
                                                  arguments: [range.lowerBound, range.upperBound])
            try Self.mergeUsers(db, decoded.users, office: manifest.office, at: now)
            let conflicts: [ApplyConflict]
            do {
                conflicts = try Changeset.apply(db, decoded.changeset, tables: SyncTables.shared)
            } catch let error as ChangesetError {
                throw SyncError.brokenReferences(detail: error.description)
            }
            for conflict in conflicts {
                try db.execute(sql: """
                    INSERT INTO sync_conflict (office_number, sequence, table_name, row_key, kind, changed, theirs, ours, found_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [number, manifest.sequence, conflict.table, conflict.key, conflict.kind.rawValue,
                                     conflict.changed.joined(separator: ","), Self.json(conflict.theirs),
                                     Self.json(conflict.ours), now])
            }
            try reindex.write(db)
            let warnings = try Self.check(db, manifest, rewritesAudit: rewritesAudit, auditCheckedUpTo: checkedAudit)
            try db.execute(sql: """
                UPDATE office SET last_sequence = ?, last_file_at = ?, last_import_at = ?, last_seal = ?,
                  audit_alert = CASE WHEN ? = '' THEN audit_alert ELSE ? END
                WHERE number = ?
                """, arguments: [manifest.sequence, manifest.writtenAt, now, manifest.auditSeal,
                                 warnings.first ?? "", warnings.first ?? "", number])
            try db.execute(sql: """
                INSERT INTO sync_file (direction, office_number, sequence, file_name, written_at, applied_at, by_user,
                  changes, conflicts, seal, sha256) VALUES ('in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [number, manifest.sequence, file.lastPathComponent, manifest.writtenAt, now, session.user.id,
                                 changes, conflicts.count, manifest.auditSeal, manifest.sha256])
            try store.audit(db, session, .syncImport, summary: "\(file.lastPathComponent): \(changes) changes, "
                + "\(conflicts.count) conflicts" + (warnings.isEmpty ? "" : "; " + warnings.joined(separator: "; ")))
            return SyncImportReport(file: file, office: manifest.office, sequence: manifest.sequence, outcome: .applied,
                                    changes: changes, conflicts: conflicts.count, warnings: warnings)
        }
    }

    /// The office's people, as NAME@CODE, with no password: they are shown
    /// beside the records they made and can never log in here.
    static func mergeUsers(_ db: Database, _ users: [SyncUser], office: String, at now: Date) throws {
        for user in users {
            try db.execute(sql: """
                INSERT INTO user (id, username, display_name, role, password_hash, is_active, created_at, updated_at)
                VALUES (?, ?, ?, ?, '!', ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
                  role = excluded.role, is_active = excluded.is_active, updated_at = excluded.updated_at
                """, arguments: [user.id, "\(user.username)@\(office)", user.displayName, user.role, user.isActive, now, now])
        }
    }

    /// Search rows for the cases and households whose search text the
    /// changes may have changed: a case's or household's own row added,
    /// removed, or changed in a column its text is made from, and any
    /// member added, removed or renamed. Told of each change as the file is
    /// read (`note`), it writes them once the changes are in (`write`).
    struct SearchReindex {
        private var cases = Set<Int64>()
        private var households = Set<Int64>()
        /// Members changed without their household in the change: looked up once the changes are in.
        private var members = Set<Int64>()
        private let columns: [String: [String]]

        init(_ db: Database) throws {
            var columns: [String: [String]] = [:]
            for table in ["child_case", "household", "household_member"] { columns[table] = try db.columns(in: table).map(\.name) }
            self.columns = columns
        }

        mutating func note(_ change: RowChange) {
            guard let key = change.leadingKey else { return }
            switch change.table {
            case "child_case" where touches(change, ["code", "search_key", "village_code"]): cases.insert(key)
            case "household" where touches(change, ["code", "search_key", "village_code", "phone"]): households.insert(key)
            case "household_member" where touches(change, ["search_key", "phone", "household_id"]):
                if let moved = value(change.new, "household_id") { households.insert(moved) }
                if let id = value(change.kind == .insert ? change.new : change.old, "household_id") {
                    households.insert(id)
                } else {
                    members.insert(key)
                }
            default: break
            }
        }

        private func touches(_ change: RowChange, _ searched: Set<String>) -> Bool {
            guard change.kind == .update, let names = columns[change.table] else { return true }
            return zip(names, change.new).contains { name, value in value != nil && searched.contains(name) }
        }

        private func value(_ values: [DatabaseValue?], _ column: String) -> Int64? {
            guard let index = columns["household_member"]?.firstIndex(of: column), index < values.count else { return nil }
            return values[index].flatMap { Int64.fromDatabaseValue($0) }
        }

        func write(_ db: Database) throws {
            var households = households
            for id in members {
                if let household = try Int64.fetchOne(db, sql: "SELECT household_id FROM household_member WHERE id = ?",
                                                      arguments: [id]) {
                    households.insert(household)
                }
            }
            for id in cases {
                if let record = try CaseRecord.fetchOne(db, key: id) {
                    try CaseSearchIndex.index(db, record)
                } else {
                    try db.execute(sql: "DELETE FROM case_search WHERE rowid = ?", arguments: [id])
                }
            }
            for id in households {
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM household WHERE id = ?)", arguments: [id]) == true {
                    try HouseholdSearchIndex.reindex(db, householdId: id)
                } else {
                    try db.execute(sql: "DELETE FROM household_search WHERE rowid = ?", arguments: [id])
                }
            }
        }
    }

    /// What head office now holds of the office, against what the office
    /// said it held: its audit chain continues unbroken and ends at the
    /// office's seal, and every table has the office's number of rows.
    /// The chain is walked from `auditCheckedUpTo`, the office's last event
    /// before this file: rows received earlier never change here.
    static func check(_ db: Database, _ manifest: SyncManifest, rewritesAudit: Bool,
                      auditCheckedUpTo: Int64?) throws -> [String] {
        var warnings: [String] = []
        let number = manifest.officeNumber
        if rewritesAudit {
            warnings.append("the office's audit log was rewritten: the file changes or removes events already received")
        }
        if let broken = try AuditLog.firstBrokenRow(db, office: number, after: auditCheckedUpTo) {
            warnings.append("the office's audit chain is broken at event \(OfficeKeys.local(broken))")
        }
        let seal = try AuditService.seal(db, office: number).description
        if seal != manifest.auditSeal {
            warnings.append("the office's audit seal is \(manifest.auditSeal) but head office holds \(seal)")
        }
        let range = OfficeKeys.range(number)
        for table in SyncTables.shared {
            let column = table == "case_visitor" ? "case_id" : "id"
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\" WHERE \(column) >= ? AND \(column) < ?",
                                        arguments: [range.lowerBound, range.upperBound]) ?? 0
            if let sent = manifest.rowCounts[table], sent != held {
                warnings.append("\(table): the office holds \(sent) rows, head office \(held)")
            }
        }
        return warnings
    }

    static func json(_ values: [String: DatabaseValue]?) -> String? {
        guard let values else { return nil }
        let object = values.mapValues { value -> Any in
            switch value.storage {
            case .null: return NSNull()
            case .int64(let int): return int
            case .double(let double): return ["real": double]
            case .string(let string): return string
            case .blob(let blob): return ["base64": blob.base64EncodedString()]
            }
        }
        // Every value here is a string, a number, null or a dictionary of those, which always serialise.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Conflicts not yet settled (or, with `all`, every one), oldest first.
    public func conflicts(_ session: Session, all: Bool = false) throws -> [SyncConflict] {
        try session.require(.manageSettings)
        return try store.read { db in
            try Row.decodeAll(db, sql: """
                SELECT c.*, o.code FROM sync_conflict AS c JOIN office AS o ON o.number = c.office_number
                \(all ? "" : "WHERE c.resolved_at IS NULL") ORDER BY c.id
                """, Self.conflict)
        }
    }

    private static func conflict(_ row: Row) -> SyncConflict {
        func values(_ text: String?) -> [String: String]? {
            // Written by `json` above; a row that is not (edited by hand) shows as absent.
            guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return nil
            }
            return object.mapValues { value in value is NSNull ? "" : "\(value)" }
        }
        let changed: String = row["changed"]
        return SyncConflict(id: row["id"], office: row["code"], sequence: row["sequence"], table: row["table_name"],
                            rowKey: row["row_key"], kind: row["kind"],
                            changed: changed.split(separator: ",").map(String.init), theirs: values(row["theirs"]),
                            ours: values(row["ours"]), resolution: row["resolution"])
    }

    /// Settles a conflict: keep head office's version, or put the office's
    /// in its place. Audited either way.
    public func resolve(_ session: Session, conflict id: Int64, keep choice: ConflictChoice) throws {
        try session.require(.manageSettings)
        try store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_conflict WHERE id = ?", arguments: [id]) else {
                throw SyncError.noSuchConflict(id: id)
            }
            guard (row["resolved_at"] as DatabaseValue).isNull else {
                throw SyncError.conflictResolved(id: id)
            }
            let table: String = row["table_name"]
            if choice == .theirs && table == "audit_event" { throw SyncError.auditEventsStay }
            if choice == .theirs {
                try Self.putTheirs(db, table: table, key: row["row_key"], theirs: row["theirs"])
                try reindexAfterResolving(db, table: table, key: row["row_key"])
            }
            try db.execute(sql: "UPDATE sync_conflict SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?",
                           arguments: [store.now, session.user.id, choice.rawValue, id])
            try store.audit(db, session, .conflictResolved, summary: "conflict \(id) (\(table) \(row["row_key"] as String)): kept "
                + (choice == .theirs ? "the office's version" : "head office's version"))
        }
    }

    /// Settles a conflict column by column: the office's value of each of
    /// `columns`, head office's of every other. Only for a row both sides
    /// still have (a removal is kept or not as a whole), and never for an
    /// audit event; audited with the columns taken.
    public func resolve(_ session: Session, conflict id: Int64, keepTheirsOf columns: Set<String>) throws {
        try session.require(.manageSettings)
        try store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_conflict WHERE id = ?", arguments: [id]) else {
                throw SyncError.noSuchConflict(id: id)
            }
            guard (row["resolved_at"] as DatabaseValue).isNull else { throw SyncError.conflictResolved(id: id) }
            let table: String = row["table_name"]
            guard table != "audit_event" else { throw SyncError.auditEventsStay }
            let key: String = row["row_key"]
            // No office version: the office removed the row, which is kept or not as a whole.
            guard let text = row["theirs"] as String?, SyncTables.shared.contains(table) else { throw SyncError.wholeRowsOnly }
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let theirs = object as? [String: Any]
            else { throw SyncError.conflictDamaged(id: id) }
            let keyColumns = try db.primaryKey(table).columns
            let taken = try db.columns(in: table).map(\.name).filter { columns.contains($0) && !keyColumns.contains($0) }
            let keyValues = key.split(separator: ",", omittingEmptySubsequences: false).map { String($0).databaseValue }
            if !taken.isEmpty {
                try db.execute(sql: """
                    UPDATE "\(table)" SET \(taken.map { "\"\($0)\" = ?" }.joined(separator: ", "))
                    WHERE \(keyColumns.map { "\"\($0)\" = ?" }.joined(separator: " AND "))
                    """, arguments: StatementArguments(taken.map { Self.databaseValue(theirs[$0]) } + keyValues))
                guard db.changesCount == 1 else { throw SyncError.wholeRowsOnly }
                try reindexAfterResolving(db, table: table, key: key)
            }
            try db.execute(sql: "UPDATE sync_conflict SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?",
                           arguments: [store.now, session.user.id, "columns: " + taken.joined(separator: ", "), id])
            try store.audit(db, session, .conflictResolved, summary: "conflict \(id) (\(table) \(key)): kept the office's "
                + (taken.isEmpty ? "nothing" : taken.joined(separator: ", ")) + ", head office's for the rest")
        }
    }

    private func reindexAfterResolving(_ db: Database, table: String, key: String) throws {
        guard let id = Int64(key) else { return }
        // Given as a removal, which writes again (or removes) everything indexed from the row.
        var reindex = try SearchReindex(db)
        reindex.note(RowChange(table: table, kind: .delete, old: [id.databaseValue], new: [], isKey: [true]))
        try reindex.write(db)
    }

    /// Writes the office's version of a row, or deletes it when the office
    /// deleted it.
    static func putTheirs(_ db: Database, table: String, key: String, theirs: String?) throws {
        guard SyncTables.shared.contains(table), table != "audit_event" else { return }
        let keyColumns = try db.primaryKey(table).columns
        let keyValues = key.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let condition = keyColumns.map { "\"\($0)\" = ?" }.joined(separator: " AND ")
        guard let theirs, let object = try JSONSerialization.jsonObject(with: Data(theirs.utf8)) as? [String: Any] else {
            try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \(condition)", arguments: StatementArguments(keyValues))
            return
        }
        let columns = try db.columns(in: table).map(\.name).filter { object[$0] != nil }
        let values = columns.map { databaseValue(object[$0]) }
        // An upsert, not a replace: replacing deletes the row first, and
        // with it, by cascade, everything that belongs to it.
        let names = columns.map { "\"\($0)\"" }
        let updates = columns.filter { !keyColumns.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        try db.execute(sql: """
            INSERT INTO "\(table)" (\(names.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT (\(keyColumns.map { "\"\($0)\"" }.joined(separator: ", "))) DO \(updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
            """, arguments: StatementArguments(values))
    }

    /// A value as a conflict keeps it in JSON: text, a whole number, a real
    /// or bytes (tagged), or null.
    static func databaseValue(_ value: Any?) -> DatabaseValue {
        switch value {
        case let string as String: return string.databaseValue
        case let number as NSNumber: return number.int64Value.databaseValue
        case let tagged as [String: Any]:
            if let real = tagged["real"] as? NSNumber { return real.doubleValue.databaseValue }
            return ((tagged["base64"] as? String).flatMap { Data(base64Encoded: $0) }).databaseValue
        default: return .null
        }
    }
}
