import GRDB
import KhmerText

/// The migration that makes households searchable and referral lists fast:
/// each referral carries a copy of who was referred and where (name, sex,
/// age, village, commune, district) so that the coordinator's filters are
/// answered from the referral table's own indexes at 100,000 referrals.
enum HouseholdsAndReferrals {
    static func migrate(_ db: Database) throws {
        try db.alter(table: "referral") { t in
            t.add(column: "household_id", .integer).references("household", onDelete: .setNull)
            t.add(column: "person_name_km", .text).notNull().defaults(to: "")
            t.add(column: "person_name_latin", .text).notNull().defaults(to: "")
            t.add(column: "sex", .text).notNull().defaults(to: "female")
            t.add(column: "age", .integer).notNull().defaults(to: 0)
            t.add(column: "village_code", .text).notNull().defaults(to: "")
            t.add(column: "commune_code", .text).notNull().defaults(to: "")
            t.add(column: "district_code", .text).notNull().defaults(to: "")
            t.add(column: "referred_on", .text).notNull().defaults(to: "")
            // 1 once completed, declined, dropped out or cancelled: lists show
            // the referrals still moving first, so stuck ones surface.
            t.add(column: "finished", .integer).notNull().defaults(to: 0)
        }
        // Lists: open before finished, then oldest last move first, with the
        // id as tie-breaker for keyset paging; one such order per narrow
        // filter (status, provider, district, commune).
        try db.drop(index: "referral_by_status")
        try db.create(index: "referral_by_last_move", on: "referral", columns: ["finished", "status_changed_at", "id"])
        for column in ["status", "provider_id", "district_code", "commune_code"] {
            try db.create(index: "referral_list_by_\(column)", on: "referral",
                          columns: [column, "finished", "status_changed_at"])
        }
        // Counts per status under one filter read one of these indexes only.
        for column in ["provider_id", "service", "district_code", "sex", "age", "priority", "referred_on"] {
            try db.create(index: "referral_count_by_\(column)", on: "referral", columns: [column, "status"])
        }
        try db.create(index: "referral_by_household", on: "referral", columns: ["household_id"])
        try db.create(index: "household_member_by_household", on: "household_member", columns: ["household_id", "id"])
        try db.execute(sql: "CREATE VIRTUAL TABLE household_search USING fts5(text, tokenize = 'trigram')")
    }
}

/// Full-text search over households: head and members' names, the code,
/// the village and the phone numbers (as typed, and as digits alone so
/// "012345" finds "012 345 678"), folded like case search.
enum HouseholdSearchIndex {
    static func reindex(_ db: Database, householdId: Int64) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT household.code, household.search_key, household.phone, place.search_key AS village_key
            FROM household JOIN place ON place.code = household.village_code WHERE household.id = ?
            """, arguments: [householdId]) else { return }
        let members = try Row.fetchAll(db, sql: "SELECT search_key, phone FROM household_member WHERE household_id = ?",
                                       arguments: [householdId])
        let phones = ([row["phone"] as String? ?? ""] + members.map { $0["phone"] as String? ?? "" })
            .filter { !$0.isEmpty }
            .flatMap { phone -> [String] in
                let key = SearchKey.make(phone)
                return [key, String(key.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))]
            }
        let text = ([row["search_key"] as String] + members.map { $0["search_key"] as String }
                    + [SearchKey.make(row["code"]), row["village_key"]] + phones)
            .joined(separator: " | ")
        try db.execute(sql: "INSERT OR REPLACE INTO household_search (rowid, text) VALUES (?, ?)",
                       arguments: [householdId, text])
    }
}
