import GRDB

/// What the 2026-11-21 migrations wrote into the full-text indexes, with
/// the frozen search key: for a case its name key, code and village key;
/// for a household its head's and members' name keys, code, village key
/// and phone numbers (as typed, and as digits alone). Frozen: never edit.
enum FrozenSearchIndex20261121 {
    private static let key = FrozenSearchKey20261121.make

    static func indexCases(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT child_case.id, child_case.code, child_case.search_key, place.search_key AS village_key
            FROM child_case JOIN place ON place.code = child_case.village_code
            """)
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO case_search (rowid, text) VALUES (?, ?)")
        while let row = try rows.next() {
            let text = [row["search_key"] as String, key(row["code"]), row["village_key"] as String]
                .joined(separator: " | ")
            try insert.execute(arguments: [row["id"] as Int64, text])
        }
    }

    static func indexHouseholds(_ db: Database) throws {
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO household_search (rowid, text) VALUES (?, ?)")
        for household in try Row.fetchAll(db, sql: """
            SELECT household.id, household.code, household.search_key, household.phone, place.search_key AS village_key
            FROM household JOIN place ON place.code = household.village_code
            """) {
            let id: Int64 = household["id"]
            let members = try Row.fetchAll(db, sql: "SELECT search_key, phone FROM household_member WHERE household_id = ?",
                                           arguments: [id])
            let phones = ([household["phone"] as String? ?? ""] + members.map { $0["phone"] as String? ?? "" })
                .filter { !$0.isEmpty }
                .flatMap { phone -> [String] in
                    let folded = key(phone)
                    return [folded, String(folded.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))]
                }
            let text = ([household["search_key"] as String] + members.map { $0["search_key"] as String }
                        + [key(household["code"]), household["village_key"]] + phones).joined(separator: " | ")
            try insert.execute(arguments: [id, text])
        }
    }
}
