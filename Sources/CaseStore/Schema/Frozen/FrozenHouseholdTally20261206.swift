import GRDB

/// What the 2026-12-06 "household tallies" migration did: the households
/// report's counts kept by the database itself, so it adds up a few hundred
/// rows instead of reading every household and looking up its head.
///
/// `household_tally` (the shape of the case tallies) holds, per month the
/// household was registered (local time) and province, with age class 0:
/// - `register`: households (key: their status), by the head's sex;
/// - `id-poor`, `risk`, `vulnerability`: active households by ID Poor
///   level, by risk level (the override, else the level; '' when not
///   assessed) and once per vulnerability factor, by the head's sex;
/// - `migration`: members of active households planning to migrate or gone
///   (key: the status and the destination, joined by char(31)), by the
///   member's sex.
/// The head's sex is the first head member's, 'male' when there is none.
///
/// Triggers take a household's old contribution away and add its new one:
/// on the household's own changes, and around any change to its members
/// (a BEFORE trigger takes away what the household counted, an AFTER
/// trigger adds what it counts now). Frozen: never edit; a change is a new
/// migration.
enum FrozenHouseholdTally20261206 {
    static func run(_ db: Database) throws {
        try db.execute(sql: FrozenCaseTally20261204.tallyTable("household_tally"))
        try fill(db)
        let changedMember = FrozenFollowUpTally20261206.changed(memberColumns)
        let bothHouseholds = "h.id IN (OLD.household_id, NEW.household_id)"
        try db.execute(sql: """
            CREATE TRIGGER "household_tally_insert" AFTER INSERT ON "household" BEGIN
              \(contribution(households: row("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "household_tally_update" AFTER UPDATE ON "household"
              WHEN \(FrozenFollowUpTally20261206.changed(householdColumns)) BEGIN
              \(contribution(households: row("OLD"), sign: "-1"))
              \(contribution(households: row("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "household_tally_delete" BEFORE DELETE ON "household" BEGIN
              \(contribution(households: row("OLD"), sign: "-1"))
            END;
            CREATE TRIGGER "household_tally_member_before_insert" BEFORE INSERT ON "household_member" BEGIN
              \(contribution(sign: "-1", only: "h.id = NEW.household_id"))
            END;
            CREATE TRIGGER "household_tally_member_after_insert" AFTER INSERT ON "household_member" BEGIN
              \(contribution(sign: "1", only: "h.id = NEW.household_id"))
            END;
            CREATE TRIGGER "household_tally_member_before_update" BEFORE UPDATE ON "household_member"
              WHEN \(changedMember) BEGIN
              \(contribution(sign: "-1", only: bothHouseholds))
            END;
            CREATE TRIGGER "household_tally_member_after_update" AFTER UPDATE ON "household_member"
              WHEN \(changedMember) BEGIN
              \(contribution(sign: "1", only: bothHouseholds))
            END;
            CREATE TRIGGER "household_tally_member_before_delete" BEFORE DELETE ON "household_member" BEGIN
              \(contribution(sign: "-1", only: "h.id = OLD.household_id"))
            END;
            CREATE TRIGGER "household_tally_member_after_delete" AFTER DELETE ON "household_member" BEGIN
              \(contribution(sign: "1", only: "h.id = OLD.household_id"))
            END;
            """)
    }

    /// Works the tally out from the households as they are, with the
    /// triggers off.
    static func fill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM "household_tally";
            \(contribution(sign: "1"))
            """)
    }

    static let householdColumns = ["id", "village_code", "id_poor", "vulnerabilities", "risk_level", "risk_override",
                                   "status", "created_at"]
    static let memberColumns = ["household_id", "relationship", "sex", "migration_status", "migration_country"]

    /// A household row's own values (`OLD` or `NEW`) as a one-row table.
    static func row(_ name: String) -> String { FrozenFollowUpTally20261206.row(name, householdColumns) }

    /// The tally rows of the households in `households` (those matching
    /// `only`), added with `sign`.
    static func contribution(households: String = "household", sign: String, only: String = "1") -> String {
        let insert = #"INSERT INTO "household_tally" ("measure", "month", "key", "province", "sex", "age_class", "n")"#
        let add = #"ON CONFLICT ("measure", "month", "province", "key", "sex", "age_class") DO UPDATE SET "n" = "n" + excluded."n";"#
        let month = "substr(date(h.created_at, 'localtime'), 1, 7)"
        let head = """
            COALESCE((SELECT m.sex FROM household_member AS m WHERE m.household_id = h.id AND m.relationship = 'head'
              ORDER BY m.id LIMIT 1), 'male')
            """
        let counted = "substr(h.village_code, 1, 2), \(head), 0, \(sign) * COUNT(*) FROM \(households) AS h"
        let active = "\(only) AND h.status = 'active'"
        let factors = "'[\"' || replace(h.vulnerabilities, ',', '\",\"') || '\"]'"
        return """
            \(insert) SELECT 'register', \(month), h.status, \(counted) WHERE \(only) GROUP BY 2, 3, 4, 5 \(add)
            \(insert) SELECT 'id-poor', \(month), h.id_poor, \(counted) WHERE \(active) GROUP BY 2, 3, 4, 5 \(add)
            \(insert) SELECT 'risk', \(month), COALESCE(h.risk_override, h.risk_level, ''), \(counted) WHERE \(active)
              GROUP BY 2, 3, 4, 5 \(add)
            \(insert) SELECT 'vulnerability', \(month), j.value, \(counted),
              json_each(CASE WHEN json_valid(\(factors)) THEN \(factors) ELSE '[]' END) AS j
              WHERE \(active) AND j.value != '' GROUP BY 2, 3, 4, 5 \(add)
            \(insert) SELECT 'migration', \(month),
              m.migration_status || char(31) || COALESCE(NULLIF(TRIM(m.migration_country), ''), ''),
              substr(h.village_code, 1, 2), m.sex, 0, \(sign) * COUNT(*)
              FROM \(households) AS h JOIN household_member AS m ON m.household_id = h.id
              WHERE \(active) AND m.migration_status != 'none' GROUP BY 2, 3, 4, 5 \(add)
            """
    }
}
