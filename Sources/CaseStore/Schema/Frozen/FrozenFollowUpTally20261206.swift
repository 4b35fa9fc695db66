import GRDB

/// What the 2026-12-06 "follow-up tallies" migration did: the follow-ups
/// report's counts kept by the database itself, so a year's report adds up
/// a few thousand rows instead of joining every visit to its case (issue
/// 14's budget).
///
/// `follow_up_tally` (the shape of the case tallies) holds, per month due
/// and province, measure `due`, with sex the child's ('' for a household
/// visit), age class 0 and a key of three parts joined by char(31):
/// - the worker: who made the visit, else the case's worker, else who
///   scheduled it ('' for no one);
/// - the risk level: the case's, else the household's override, else its
///   level ('' when not assessed);
/// - the fate: 0 done on time, 1 done late, 2 missed, 3 cancelled, 4 still
///   open (overdue or not yet due, which depends on the day it is read).
///
/// Measure `open` holds the visits still open by the day due (in the
/// `month` column), keyed by worker and risk level: the live queue, a few
/// thousand rows, from which a report tells overdue from not yet due.
///
/// Triggers on visits, cases and households take the old contribution away
/// and add the new one whenever a column it depends on changes, so the
/// tally sees every writer. A visit whose case or household is gone is not
/// counted (a case's delete takes its visits away before they go).
/// Frozen: never edit; a change is a new migration.
enum FrozenFollowUpTally20261206 {
    static func run(_ db: Database) throws {
        try db.execute(sql: FrozenCaseTally20261204.tallyTable("follow_up_tally"))
        try fill(db)
        try db.execute(sql: """
            CREATE TRIGGER "follow_up_tally_insert" AFTER INSERT ON "follow_up" BEGIN
              \(contribution(visits: visit("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "follow_up_tally_update" AFTER UPDATE ON "follow_up" WHEN \(changed(visitColumns)) BEGIN
              \(contribution(visits: visit("OLD"), sign: "-1"))
              \(contribution(visits: visit("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "follow_up_tally_delete" AFTER DELETE ON "follow_up" BEGIN
              \(contribution(visits: visit("OLD"), sign: "-1"))
            END;
            CREATE TRIGGER "follow_up_tally_case_update" AFTER UPDATE ON "child_case" WHEN \(changed(caseColumns)) BEGIN
              \(contribution(cases: row("OLD", caseColumns), sign: "-1", only: "f.case_id = OLD.id"))
              \(contribution(cases: row("NEW", caseColumns), sign: "1", only: "f.case_id = NEW.id"))
            END;
            CREATE TRIGGER "follow_up_tally_case_delete" BEFORE DELETE ON "child_case" BEGIN
              \(contribution(sign: "-1", only: "f.case_id = OLD.id"))
            END;
            CREATE TRIGGER "follow_up_tally_household_update" AFTER UPDATE ON "household"
              WHEN \(changed(householdColumns)) BEGIN
              \(contribution(households: row("OLD", householdColumns), sign: "-1", only: "f.household_id = OLD.id"))
              \(contribution(households: row("NEW", householdColumns), sign: "1", only: "f.household_id = NEW.id"))
            END;
            CREATE TRIGGER "follow_up_tally_household_delete" BEFORE DELETE ON "household" BEGIN
              \(contribution(sign: "-1", only: "f.household_id = OLD.id"))
            END;
            """)
    }

    /// Works the tally out from the visits as they are, with the triggers
    /// off (the migration, and bulk loads that drop the triggers).
    static func fill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM "follow_up_tally";
            \(contribution(sign: "1"))
            """)
    }

    static let visitColumns = ["id", "case_id", "household_id", "due_date", "status", "done_date", "done_by", "created_by"]
    static let caseColumns = ["id", "assigned_to", "risk_level", "sex", "village_code"]
    static let householdColumns = ["id", "risk_override", "risk_level", "village_code"]

    static func changed(_ columns: [String]) -> String {
        "(" + columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ") + ")"
    }

    /// A row's own values (`OLD` or `NEW`) as a one-row table.
    static func row(_ row: String, _ columns: [String]) -> String {
        "(SELECT " + columns.map { "\(row).\($0) AS \($0)" }.joined(separator: ", ") + ")"
    }

    static func visit(_ name: String) -> String { row(name, visitColumns) }

    /// The tally rows of the visits in `visits` (of those matching `only`)
    /// with their cases and households, added with `sign`.
    static func contribution(visits: String = "follow_up", cases: String = "child_case",
                             households: String = "household", sign: String, only: String = "1") -> String {
        let worker = """
            COALESCE(CAST(COALESCE(f.done_by, c.assigned_to, f.created_by) AS TEXT), '') || char(31)
              || COALESCE(c.risk_level, h.risk_override, h.risk_level, '')
            """
        let rows = """
            COALESCE(substr(COALESCE(c.village_code, h.village_code), 1, 2), ''), COALESCE(c.sex, ''), 0, \(sign) * COUNT(*)
            FROM \(visits) AS f LEFT JOIN \(cases) AS c ON c.id = f.case_id LEFT JOIN \(households) AS h ON h.id = f.household_id
            WHERE \(only) AND (f.case_id IS NULL OR c.id IS NOT NULL) AND (f.household_id IS NULL OR h.id IS NOT NULL)
            """
        let add = #"ON CONFLICT ("measure", "month", "province", "key", "sex", "age_class") DO UPDATE SET "n" = "n" + excluded."n";"#
        return """
            INSERT INTO "follow_up_tally" ("measure", "month", "key", "province", "sex", "age_class", "n")
              SELECT 'due', substr(f.due_date, 1, 7), \(worker) || char(31)
                || CASE f.status WHEN 'done' THEN CASE WHEN f.done_date <= f.due_date THEN 0 ELSE 1 END
                     WHEN 'missed' THEN 2 WHEN 'cancelled' THEN 3 ELSE 4 END, \(rows)
              GROUP BY 2, 3, 4, 5 \(add)
            INSERT INTO "follow_up_tally" ("measure", "month", "key", "province", "sex", "age_class", "n")
              SELECT 'open', f.due_date, \(worker), \(rows) AND f.status NOT IN ('done', 'missed', 'cancelled')
              GROUP BY 2, 3, 4, 5 \(add)
            """
    }
}
