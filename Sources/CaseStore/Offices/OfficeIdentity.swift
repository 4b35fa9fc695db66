import CaseDomain
import GRDB

/// What this database is in a network of offices, as kept in `setting`:
/// a lone office (never joined), an office that joined head office, or
/// head office itself.
public struct OfficeIdentity: Equatable, Sendable {
    public enum Kind: String, Sendable { case office, headOffice = "head" }

    public let kind: Kind
    public let number: Int64
    public let code: String
    /// Head office's random id, the same in every office that joined it.
    public let headOfficeId: String

    /// The identity kept in the file, or nil for a lone office.
    static func read(_ db: Database) throws -> OfficeIdentity? {
        let rows = try Row.fetchAll(db, sql: """
            SELECT key, value FROM setting WHERE key IN ('office_kind', 'office_number', 'office_code', 'head_office_id')
            """)
        var values: [String: String] = [:]
        for row in rows { values[row["key"]] = row["value"] }
        guard let kind = values["office_kind"].flatMap(Kind.init(rawValue:)),
              let number = values["office_number"].flatMap({ Int64($0) }), let code = values["office_code"],
              let headOfficeId = values["head_office_id"] else { return nil }
        return OfficeIdentity(kind: kind, number: number, code: code, headOfficeId: headOfficeId)
    }

    func write(_ db: Database) throws {
        for (key, value) in [("office_kind", kind.rawValue), ("office_number", String(number)), ("office_code", code),
                             ("head_office_id", headOfficeId)] {
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// The office code that new records' codes carry: nil for a lone office.
    static func codeForNewRecords(_ db: Database) throws -> String? {
        guard try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'office_kind'") != nil else { return nil }
        return try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'office_code'")
    }

    /// Whether a record with key `id` was made here. At head office the
    /// offices' records are read-only: they change only at their office.
    static func owns(_ db: Database, _ id: Int64) throws -> Bool {
        guard let number = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'office_number'")
            .flatMap({ Int64($0) }) else { return OfficeKeys.office(of: id) == 0 }
        return OfficeKeys.office(of: id) == number
    }
}
