import CSQLiteSession
import Foundation
import GRDB
import GRDBSQLite

/// One row's change in a changeset: an insert, an update or a delete of
/// the row with key `key` in `table`. For an update, `old` holds the key
/// and the changed columns' earlier values, `new` their new values; the
/// other columns are nil.
struct RowChange: Sendable {
    enum Kind: Sendable { case insert, update, delete }
    let table: String
    let kind: Kind
    let old: [DatabaseValue?]
    let new: [DatabaseValue?]
    let isKey: [Bool]

    /// The row's key, joined by commas when it has several columns.
    var key: String {
        let values = kind == .insert ? new : old
        return zip(values, isKey).filter(\.1).map { Changeset.text($0.0 ?? .null) }.joined(separator: ",")
    }

    /// The first key column as an integer: the id every shared table but
    /// `case_visitor` (whose first key column is the case's id) has.
    var leadingKey: Int64? {
        let values = kind == .insert ? new : old
        guard let index = isKey.firstIndex(of: true) else { return nil }
        return values[index].flatMap { Int64.fromDatabaseValue($0) }
    }
}

/// A change that did not apply cleanly: what the file wanted, and what the
/// row held here.
struct ApplyConflict: Sendable {
    enum Kind: String, Sendable {
        /// The row here is not as the office last had it.
        case changedHere = "changed-here"
        /// The office changed a row that is not here.
        case missingHere = "missing-here"
        /// The office added a row whose key is taken here by another.
        case keyTaken = "key-taken"
        /// The change breaks a rule of the table here (a unique value, a check).
        case refused
    }
    let table: String
    let key: String
    let kind: Kind
    /// Columns the office changed.
    let changed: [String]
    /// The row as the office has it (nil when the office deleted it).
    let theirs: [String: DatabaseValue]?
    /// The row as it is here (nil when it is not here).
    let ours: [String: DatabaseValue]?
}

/// SQLite's session extension, for diffing a database against a snapshot of
/// itself and applying the difference elsewhere (see
/// ../shared/docs/sqlite-sessions.md).
enum Changeset {
    static let insert: Int32 = 18, delete: Int32 = 9, update: Int32 = 23

    /// The changes that turn schema `snapshot`'s copy of each of `tables`
    /// into schema `target`'s, both open on `db`.
    ///
    /// Each table is compared in a session of its own: a session holds
    /// every changed row of its tables until the changeset is made, so one
    /// session for all of them held an office's whole first file at once
    /// (a few per cent of the export's peak; the copies of the changeset
    /// were the rest, see `SyncService.write`). A changeset is its tables'
    /// blocks one after another, so the tables' own join as they are.
    static func diff(_ db: Database, session target: String, from snapshot: String, tables: [String]) throws -> Data {
        var joined = Data()
        for table in tables { joined.append(try diff(db, session: target, from: snapshot, table: table)) }
        return joined
    }

    private static func diff(_ db: Database, session target: String, from snapshot: String, table: String) throws -> Data {
        var session: OpaquePointer?
        try check(sqlite3session_create(db.sqliteConnection, target, &session), db)
        defer { sqlite3session_delete(session) }
        try check(sqlite3session_attach(session, table), db)
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3session_diff(session, snapshot, table, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "code \(code)"
            sqlite3_free(message)
            throw ChangesetError("cannot compare \(table) with the last export: \(text)")
        }
        var size: Int32 = 0
        var buffer: UnsafeMutableRawPointer?
        try check(sqlite3session_changeset(session, &size, &buffer), db)
        guard let buffer, size > 0 else {
            sqlite3_free(buffer)
            return Data()
        }
        // SQLite's own buffer, freed with the data: a first file's changes are a hundred megabytes.
        return Data(bytesNoCopy: buffer, count: Int(size), deallocator: .custom { pointer, _ in sqlite3_free(pointer) })
    }

    /// Calls `body` with each change in `data`, in order, keeping none: an
    /// office's first file holds hundreds of thousands, and holding them all
    /// took an import at head office to 1.3 GB.
    static func forEach(_ data: Data, _ body: (RowChange) throws -> Void) throws {
        try iterate(data) { iterator in try body(change(iterator)) }
    }

    /// How many changes `data` holds, reading no values.
    static func count(_ data: Data) throws -> Int {
        var count = 0
        try iterate(data) { _ in count += 1 }
        return count
    }

    private static func iterate(_ data: Data, _ body: (OpaquePointer?) throws -> Void) throws {
        guard !data.isEmpty else { return }
        try data.withUnsafeBytes { raw in
            var iterator: OpaquePointer?
            // SQLite only reads the changeset: no copy of it is made to be written.
            guard sqlite3changeset_start(&iterator, Int32(raw.count), UnsafeMutableRawPointer(mutating: raw.baseAddress))
                    == SQLITE_OK else {
                throw ChangesetError("the changes cannot be read")
            }
            var failure: (any Error)?
            while failure == nil, sqlite3changeset_next(iterator) == SQLITE_ROW {
                do { try body(iterator) } catch { failure = error }
            }
            let finalized = sqlite3changeset_finalize(iterator)
            if let failure { throw failure }
            guard finalized == SQLITE_OK else { throw ChangesetError("the changes are damaged") }
        }
    }

    /// Applies `data` to `db` (inside the caller's transaction). Changes
    /// that find the row already as they would leave it are skipped; the
    /// others that cannot apply are left undone and returned, for a person
    /// to decide. A change that would break a reference aborts the whole
    /// apply.
    static func apply(_ db: Database, _ data: Data, tables: [String]) throws -> [ApplyConflict] {
        guard !data.isEmpty else { return [] }
        // Read before applying: the handler runs while the apply holds the connection.
        var columns: [String: [String]] = [:]
        for table in tables { columns[table] = try db.columns(in: table).map(\.name) }
        let context = ApplyContext(columns: columns)
        // SQLite only reads the changeset: no copy of it is made to be written.
        let code = data.withUnsafeBytes { raw in
            sqlite3changeset_apply_v2(db.sqliteConnection, Int32(raw.count), UnsafeMutableRawPointer(mutating: raw.baseAddress),
                                      nil, { pointer, kind, iterator in
                Unmanaged<ApplyContext>.fromOpaque(pointer!).takeUnretainedValue().handle(kind, iterator)
            }, Unmanaged.passUnretained(context).toOpaque(), nil, nil, 0)
        }
        withExtendedLifetime(context) {}
        if context.brokenReference { throw ChangesetError("the changes refer to rows that are neither in the file nor here") }
        try check(code, db)
        return context.conflicts
    }

    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return ""
        case .int64(let int): return String(int)
        case .double(let double): return String(double)
        case .string(let string): return string
        case .blob(let blob): return blob.base64EncodedString()
        }
    }

    fileprivate static func change(_ iterator: OpaquePointer?) -> RowChange {
        var table: UnsafePointer<CChar>?
        var count: Int32 = 0
        var op: Int32 = 0
        var indirect: Int32 = 0
        sqlite3changeset_op(iterator, &table, &count, &op, &indirect)
        var keyFlags: UnsafeMutablePointer<UInt8>?
        var keyCount: Int32 = 0
        sqlite3changeset_pk(iterator, &keyFlags, &keyCount)
        let isKey = (0..<Int(count)).map { column in keyFlags.map { $0[column] != 0 } ?? false }
        let kind: RowChange.Kind = op == insert ? .insert : op == delete ? .delete : .update
        func values(_ read: (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>) -> Int32) -> [DatabaseValue?] {
            (0..<count).map { column in
                var value: OpaquePointer?
                guard read(iterator, column, &value) == SQLITE_OK, let value else { return nil }
                return databaseValue(value)
            }
        }
        let old = kind == .insert ? Array(repeating: nil, count: Int(count)) : values(sqlite3changeset_old)
        let new = kind == .delete ? Array(repeating: nil, count: Int(count)) : values(sqlite3changeset_new)
        return RowChange(table: table.map { String(cString: $0) } ?? "", kind: kind, old: old, new: new, isKey: isKey)
    }

    fileprivate static func databaseValue(_ value: OpaquePointer) -> DatabaseValue {
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER: return sqlite3_value_int64(value).databaseValue
        case SQLITE_FLOAT: return sqlite3_value_double(value).databaseValue
        case SQLITE_TEXT: return String(cString: sqlite3_value_text(value)).databaseValue
        case SQLITE_BLOB:
            let count = Int(sqlite3_value_bytes(value))
            guard count > 0, let bytes = sqlite3_value_blob(value) else { return Data().databaseValue }
            return Data(bytes: bytes, count: count).databaseValue
        default: return .null
        }
    }

    private static func check(_ code: Int32, _ db: Database) throws {
        guard code != SQLITE_OK else { return }
        throw ChangesetError(String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

/// The changes could not be made, read or applied.
struct ChangesetError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the conflict handler needs while `apply` runs, and what it found.
private final class ApplyContext {
    static let omit: Int32 = 0, abort: Int32 = 2
    static let data: Int32 = 1, notFound: Int32 = 2, conflict: Int32 = 3, constraint: Int32 = 4, foreignKey: Int32 = 5

    let namesByTable: [String: [String]]
    var conflicts: [ApplyConflict] = []
    var brokenReference = false

    init(columns: [String: [String]]) { namesByTable = columns }

    func handle(_ kind: Int32, _ iterator: OpaquePointer?) -> Int32 {
        if kind == Self.foreignKey {
            brokenReference = true
            return Self.abort
        }
        let change = Changeset.change(iterator)
        let names = namesByTable[change.table] ?? change.isKey.indices.map { "column \($0 + 1)" }
        var here: [DatabaseValue]?
        if kind == Self.data || kind == Self.conflict {
            here = (0..<Int32(change.isKey.count)).map { column in
                var value: OpaquePointer?
                guard sqlite3changeset_conflict(iterator, column, &value) == SQLITE_OK, let value else { return .null }
                return Changeset.databaseValue(value)
            }
        }
        let wanted: [DatabaseValue?] = change.kind == .delete ? [] : change.new
        // Already as the change would leave it: a row deleted with its
        // parent, or a value a trigger here had already set.
        if change.kind == .delete && kind == Self.notFound { return Self.omit }
        if let here, change.kind != .delete,
           zip(here, wanted).allSatisfy({ current, value in value.map { $0 == current } ?? true }) {
            return Self.omit
        }
        let changed = change.kind == .update
            ? zip(names, change.new).filter { $0.1 != nil }.map(\.0)
            : names
        var ours: [String: DatabaseValue]?
        if let here { ours = Dictionary(uniqueKeysWithValues: zip(names, here)) }
        var theirs: [String: DatabaseValue]?
        if change.kind != .delete {
            var row = ours ?? [:]
            for (name, value) in zip(names, change.new) { if let value { row[name] = value } }
            if change.kind == .update { for (name, value) in zip(names, change.old) where row[name] == nil { row[name] = value } }
            theirs = row
        }
        let conflictKind: ApplyConflict.Kind = switch kind {
        case Self.data: .changedHere
        case Self.notFound: .missingHere
        case Self.conflict: .keyTaken
        default: .refused
        }
        conflicts.append(ApplyConflict(table: change.table, key: change.key, kind: conflictKind,
                                       changed: changed, theirs: theirs, ours: ours))
        return Self.omit
    }
}
