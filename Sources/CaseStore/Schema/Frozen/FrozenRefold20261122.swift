import GRDB
import KhmerText

/// What the 2026-11-22 migration did: every stored search key folded
/// again with `SearchKeyV2` (a versioned folding that is never edited), the
/// names of cases, households, members and places, then the full-text
/// indexes written again from them by the 2026-11-21 indexer (its codes and
/// phone numbers fold the same under both versions: they hold no Khmer
/// letters). Frozen: never edit.
enum FrozenRefold20261122 {
    static func run(_ db: Database) throws {
        let key = SearchKeyV2.make
        for (table, km, latin) in [("child_case", "child_name_km", "child_name_latin"),
                                   ("household", "head_name_km", "head_name_latin"),
                                   ("household_member", "name_km", "name_latin"),
                                   ("place", "name_km", "name_latin")] {
            let update = try db.makeStatement(sql: "UPDATE \(table) SET search_key = ? WHERE rowid = ?")
            let rows = try Row.fetchAll(db, sql: "SELECT rowid AS rid, \(km) AS km, \(latin) AS latin FROM \(table)")
            for row in rows {
                try update.execute(arguments: [key(row["km"] ?? "") + " " + key(row["latin"] ?? ""), row["rid"] as Int64])
            }
        }
        try FrozenSearchIndex20261121.indexCases(db)
        try FrozenSearchIndex20261121.indexHouseholds(db)
    }
}
