import GRDB

/// The report tallies and kept days that triggers maintain on every write
/// (`FrozenCaseTally20261204`, `FrozenReferralTally20261204`,
/// `FrozenFollowUpTally20261206`, `FrozenHouseholdTally20261206`), and how a
/// bulk load turns those triggers off and works everything out once at
/// the end: per row they would cost the demo's 100,000 cases half again
/// its time.
enum KeptTallies {
    /// Every trigger that keeps a tally or a kept day starts with one of these.
    static let triggerPrefixes = ["case_tally_", "case_visits_", "referral_tally_", "referral_moved_", "referral_person_",
                                  "follow_up_tally_", "household_tally_"]

    /// Runs `body` with the tally triggers dropped, works the tallies out
    /// again, then puts the triggers back from their own stored definitions
    /// (after, so that working them out does not fire them).
    static func suspended(_ db: Database, _ body: () throws -> Void) throws {
        try withoutTriggers(db, prefixes: triggerPrefixes) {
            try body()
            try rebuild(db)
        }
    }

    /// Runs `body`, which adds new households (with their members and
    /// visits) and returns their ids, without the triggers that count
    /// households and visits; then counts those households and their visits
    /// in one statement per tally. Row by row, an import of 10,000
    /// households fired some 400,000 small updates of the tallies.
    static func addingHouseholds<T>(_ db: Database, _ body: () throws -> (T, ClosedRange<Int64>?)) throws -> T {
        try withoutTriggers(db, prefixes: ["household_tally_", "follow_up_tally_"]) {
            let (result, ids) = try body()
            if let ids {
                let range = "BETWEEN \(ids.lowerBound) AND \(ids.upperBound)"
                try db.execute(sql: FrozenHouseholdTally20261206.contribution(sign: "1", only: "h.id \(range)"))
                try db.execute(sql: FrozenFollowUpTally20261206.contribution(sign: "1", only: "f.household_id \(range)"))
            }
            return result
        }
    }

    /// Runs `body` with the triggers whose names start with `prefixes`
    /// dropped, then puts them back from their own stored definitions. In
    /// the caller's transaction: should anything fail, they are back too.
    private static func withoutTriggers<T>(_ db: Database, prefixes: [String], _ body: () throws -> T) throws -> T {
        let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            .filter { row in prefixes.contains { (row["name"] as String).hasPrefix($0) } }
        for trigger in triggers {
            try db.execute(sql: "DROP TRIGGER \((trigger["name"] as String).quotedDatabaseIdentifier)")
        }
        let result = try body()
        for trigger in triggers { try db.execute(sql: trigger["sql"]) }
        return result
    }

    /// Works every tally and kept day out from the rows as they are, with
    /// the triggers off. The newest migration that defines each tally
    /// says how.
    static func rebuild(_ db: Database) throws {
        try FrozenCaseTally20261204.fill(db)
        try FrozenReferralTally20261204.fill(db)
        try FrozenFollowUpTally20261206.fill(db)
        try FrozenHouseholdTally20261206.fill(db)
    }
}
