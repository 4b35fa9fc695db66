import Foundation
import GRDB

/// Loads the Cambodian gazetteer shipped in Resources/gazetteer (MIT
/// licence, notice kept beside it) into the `place` table, as the
/// 2026-11-21 migration did: the parent of a code is the code minus its
/// last two digits, and the search key folds both names with the frozen
/// key. Frozen, with its data file: `MigrationTests` pins the file's
/// SHA-256. A newer gazetteer ships as a new file and a new migration.
enum FrozenGazetteer20261121 {
    static let fileName = "cambodia-gazetteer"
    static let sha256 = "a2850c3589d98ba08bc750c7218fdcb140790d131eeb2ece2ffa5a307840f969"

    static func url() throws -> URL {
        guard let url = Bundle.module.url(forResource: fileName, withExtension: "tsv", subdirectory: "gazetteer") else {
            throw StoreError.sqlite("gazetteer resource missing from the Komar bundle")
        }
        return url
    }

    static func load(_ db: Database) throws {
        let text = try String(contentsOf: url(), encoding: .utf8)
        let insert = try db.makeStatement(sql: """
            INSERT INTO place (code, level, parent_code, name_km, name_latin, unit_km, unit_latin, unit_en, search_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7 else { continue }
            let code = f[0]
            let parent: String? = code.count > 2 ? String(code.prefix(code.count - 2)) : nil
            let key = FrozenSearchKey20261121.make(f[2]) + " " + FrozenSearchKey20261121.make(f[3])
            try insert.execute(arguments: [code, f[1], parent, f[2], f[3], f[4], f[5], f[6], key])
        }
    }
}
