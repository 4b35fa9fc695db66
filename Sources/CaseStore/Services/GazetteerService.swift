import CaseDomain
import GRDB

/// Reads the gazetteer: provinces, the units inside a unit, and the full
/// path of a village for display.
public struct GazetteerService: Sendable {
    let store: StoreContext

    private static func place(_ row: Row) -> Place {
        Place(code: row["code"], level: Place.Level(rawValue: row["level"]) ?? .village,
              nameKm: row["name_km"], nameLatin: row["name_latin"], searchKey: row["search_key"])
    }

    public func provinces() throws -> [Place] {
        try store.read { db in
            try Row.decodeAll(db, sql: "SELECT * FROM place WHERE level = 'province' ORDER BY code", Self.place)
        }
    }

    /// The districts of a province, communes of a district, or villages of a
    /// commune.
    public func children(of code: String) throws -> [Place] {
        try store.read { db in
            try Row.decodeAll(db, sql: "SELECT * FROM place WHERE parent_code = ? ORDER BY code", arguments: [code],
                              Self.place)
        }
    }

    public func place(code: String) throws -> Place? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM place WHERE code = ?", arguments: [code]).map(Self.place)
        }
    }

    /// Province, district, commune and village of a village code, in order.
    public func path(of code: String) throws -> [Place] {
        let codes = stride(from: 2, through: code.count, by: 2).map { String(code.prefix($0)) }
        return try store.read { db in
            try codes.compactMap { try Row.fetchOne(db, sql: "SELECT * FROM place WHERE code = ?", arguments: [$0]) }
                .map(Self.place)
        }
    }

    /// Counts per level, to check the load.
    public func countByLevel() throws -> [Place.Level: Int] {
        try store.read { db in
            var result: [Place.Level: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT level, COUNT(*) AS n FROM place GROUP BY level") {
                if let level = Place.Level(rawValue: row["level"]) { result[level] = row["n"] }
            }
            return result
        }
    }
}
