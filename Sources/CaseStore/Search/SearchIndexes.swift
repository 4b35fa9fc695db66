import GRDB
import KhmerText

/// The text of `case_search` (FTS5, trigram tokenizer: Khmer has no spaces
/// between words, so only substring search works), one row per case with
/// the case id as rowid: the folded names, the code and the village.
enum CaseSearchIndex {
    static func text(code: String, nameKey: String, villageKey: String) -> String {
        [nameKey, SearchKey.make(code), villageKey].joined(separator: " | ")
    }

    /// Indexes a case just written, reading its village's key.
    static func index(_ db: Database, _ record: CaseRecord) throws {
        let villageKey = try String.fetchOne(db, sql: "SELECT search_key FROM place WHERE code = ?",
                                             arguments: [record.villageCode]) ?? ""
        try db.execute(sql: "INSERT OR REPLACE INTO case_search (rowid, text) VALUES (?, ?)", arguments: [
            record.id, text(code: record.code, nameKey: record.searchKey, villageKey: villageKey),
        ])
    }
}

/// The text of `household_search`: the head's and members' folded names,
/// the code, the village and the phone numbers (as typed, and as digits
/// alone, so "012345" finds "012 345 678").
enum HouseholdSearchIndex {
    static func text(nameKeys: [String], code: String, villageKey: String, phones: [String]) -> String {
        text(parts(nameKeys: nameKeys, villageKey: villageKey, phones: phones), code: code)
    }

    /// The text but for the code, in the two pieces that go either side
    /// of it: an import makes them before its households have codes.
    static func parts(nameKeys: [String], villageKey: String, phones: [String]) -> (beforeCode: [String], afterCode: [String]) {
        let phoneKeys = phones.filter { !$0.isEmpty }.flatMap { phone -> [String] in
            let key = SearchKey.make(phone)
            return [key, String(key.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))]
        }
        return (nameKeys, [villageKey] + phoneKeys)
    }

    static func text(_ parts: (beforeCode: [String], afterCode: [String]), code: String) -> String {
        (parts.beforeCode + [SearchKey.make(code)] + parts.afterCode).joined(separator: " | ")
    }

    static func reindex(_ db: Database, householdId: Int64) throws {
        guard let household = try HouseholdRecord.fetchOne(db, key: householdId) else { return }
        let villageKey = try String.fetchOne(db, sql: "SELECT search_key FROM place WHERE code = ?",
                                             arguments: [household.villageCode]) ?? ""
        let members = try MemberRecord.fetchAll(db, sql: "SELECT * FROM household_member WHERE household_id = ? ORDER BY id",
                                                arguments: [householdId])
        let text = text(nameKeys: [household.searchKey] + members.map(\.searchKey), code: household.code,
                        villageKey: villageKey, phones: [household.phone] + members.map(\.phone))
        try db.execute(sql: "INSERT OR REPLACE INTO household_search (rowid, text) VALUES (?, ?)",
                       arguments: [householdId, text])
    }
}
