import CaseDomain
import GRDB

/// What `repairTallies` found and did.
public struct TallyRepair: Equatable, Sendable {
    /// Triggers that keep the tallies and were missing or changed, put
    /// back as the migrations made them.
    public var triggersRestored: [String]
    /// Tally rows that differed from a count of the records (added,
    /// removed or with another number), before the repair.
    public var rowsCorrected: Int
}

extension ReportService {
    /// Puts the report tallies right after someone changed them or their
    /// triggers by hand (a sqlite3 shell): every tally trigger missing or
    /// changed is made again as a fresh database's migrations make it,
    /// then every tally and kept day is worked out again from the records.
    /// The reports count from the tallies, so this is the cure when a
    /// report disagrees with the registers. Admins only; audited.
    public func repairTallies(_ session: Session) throws -> TallyRepair {
        try session.require(.manageSettings)
        // The triggers as the frozen migrations define them, read from a new empty database.
        let reference = try AppDatabase.inMemory()
        let wanted = try reference.read { db in try Self.tallyTriggers(db) }
        return try store.write { db in
            let present = try Self.tallyTriggers(db)
            var restored: [String] = []
            for (name, sql) in wanted.sorted(by: { $0.key < $1.key }) where present[name] != sql {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(name.quotedDatabaseIdentifier)")
                try db.execute(sql: sql)
                restored.append(name)
            }
            for name in present.keys where wanted[name] == nil {
                try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)")
                restored.append(name)
            }
            let before = try Self.tallyRows(db)
            try KeptTallies.suspended(db) {}
            let after = try Self.tallyRows(db)
            let corrected = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.count
            let repair = TallyRepair(triggersRestored: restored.sorted(), rowsCorrected: corrected)
            try store.audit(db, session, .tallyRepair, entity: "report",
                            summary: "tallies worked out again: \(repair.rowsCorrected) rows corrected"
                                + (restored.isEmpty ? "" : ", triggers put back: \(restored.sorted().joined(separator: ", "))"))
            return repair
        }
    }

    private static func tallyTriggers(_ db: Database) throws -> [String: String] {
        var triggers: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'") {
            let name: String = row[0]
            if KeptTallies.triggerPrefixes.contains(where: name.hasPrefix) { triggers[name] = row[1] }
        }
        return triggers
    }

    /// Every tally count by its row's key, to see how many a repair changed.
    private static func tallyRows(_ db: Database) throws -> [String: Int64] {
        var rows: [String: Int64] = [:]
        for table in [CaseMeasure.table, ReferralMeasure.table, FollowUpMeasure.table, HouseholdMeasure.table] {
            for row in try Row.fetchAll(db, sql: """
                SELECT measure, month, province, key, sex, age_class, n FROM \(table) WHERE n <> 0
                """) {
                rows[table + "|" + (0..<6).map { "\(row[$0] as DatabaseValue)" }.joined(separator: "|")] = row[6]
            }
        }
        return rows
    }
}
