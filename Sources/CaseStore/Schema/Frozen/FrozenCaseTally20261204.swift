import GRDB

/// What the 2026-12-04 "case tallies" migration did: the cases report's
/// counts kept by the database itself, so a year's report adds up a few
/// hundred rows instead of reading every case (issue 14's budget).
///
/// - `child_case` gains `first_visit_on` and `last_visit_on` (the first and
///   last visit done), kept by triggers on `follow_up`.
/// - `case_tally` holds, per month, province, key, sex and age class, the
///   number of cases reported (`new`), per concern (`concern`) and per
///   ethnicity (`ethnicity`); days from report to first visit by the month
///   reported (`first-visit`); and closes by reason (`closed`), reopens
///   (`reopened`) and days from report to close (`closure-days`) by the
///   month they happened in local time.
/// - Age classes are the pieces every band preset is made of: 0–4, 5, 6–10,
///   11, 12–14, 15, 16–17, 18–59, 60+ (classes 0 to 8), by age on the day
///   reported.
///
/// Triggers take a case's old contribution away and add its new one on
/// every change that matters, so the tallies see every writer (imports,
/// the sqlite3 shell). Frozen: never edit; a change is a new migration.
enum FrozenCaseTally20261204 {
    /// A tally table as this day's migrations made them (the referral
    /// tallies' too): counts per measure, month, province, key, sex and age
    /// class.
    static func tallyTable(_ name: String) -> String {
        """
        CREATE TABLE "\(name)" (
          "measure" TEXT NOT NULL,
          "month" TEXT NOT NULL,
          "province" TEXT NOT NULL,
          "key" TEXT NOT NULL,
          "sex" TEXT NOT NULL,
          "age_class" INTEGER NOT NULL,
          "n" INTEGER NOT NULL,
          PRIMARY KEY ("measure", "month", "province", "key", "sex", "age_class")
        ) WITHOUT ROWID;
        """
    }

    static func run(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE "child_case" ADD COLUMN "first_visit_on" TEXT;
            ALTER TABLE "child_case" ADD COLUMN "last_visit_on" TEXT;
            CREATE INDEX "child_case_by_last_contact" ON "child_case"("status", COALESCE("last_visit_on", "reported_date"),
              "reported_date", "sex", "village_code", "code");
            \(tallyTable("case_tally"))
            """)
        try fill(db)
        try db.execute(sql: """
            \(visitTriggers)
            CREATE TRIGGER "case_tally_case_insert" AFTER INSERT ON "child_case" BEGIN
              \(caseContribution(source: values("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "case_tally_case_update" AFTER UPDATE ON "child_case" WHEN \(profileChanged) BEGIN
              \(caseContribution(source: values("OLD"), sign: "-1"))
              \(eventContribution(cases: values("OLD"), events: "case_event", sign: "-1"))
              \(caseContribution(source: values("NEW"), sign: "1"))
              \(eventContribution(cases: values("NEW"), events: "case_event", sign: "1"))
            END;
            CREATE TRIGGER "case_tally_first_visit_update" AFTER UPDATE OF "first_visit_on" ON "child_case"
              WHEN OLD.first_visit_on IS NOT NEW.first_visit_on AND NOT (\(profileChanged)) BEGIN
              \(firstVisitContribution(source: values("OLD"), sign: "-1"))
              \(firstVisitContribution(source: values("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "case_tally_case_delete" BEFORE DELETE ON "child_case" BEGIN
              \(caseContribution(source: values("OLD"), sign: "-1"))
              \(eventContribution(cases: values("OLD"), events: "case_event", sign: "-1"))
            END;
            CREATE TRIGGER "case_tally_event_insert" AFTER INSERT ON "case_event"
              WHEN NEW.kind IN ('closed', 'reopened') BEGIN
              \(eventContribution(cases: "child_case", events: eventValues("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "case_tally_event_update" AFTER UPDATE ON "case_event"
              WHEN OLD.kind IN ('closed', 'reopened') OR NEW.kind IN ('closed', 'reopened') BEGIN
              \(eventContribution(cases: "child_case", events: eventValues("OLD"), sign: "-1"))
              \(eventContribution(cases: "child_case", events: eventValues("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "case_tally_event_delete" AFTER DELETE ON "case_event"
              WHEN OLD.kind IN ('closed', 'reopened') BEGIN
              \(eventContribution(cases: "child_case", events: eventValues("OLD"), sign: "-1"))
            END;
            """)
    }

    /// Works out the kept visit days and the tally from the cases as they
    /// are, with the triggers off (the migration, and bulk loads that
    /// drop the triggers while they insert).
    static func fill(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE "child_case" SET
              "first_visit_on" = (SELECT MIN(f.done_date) FROM follow_up AS f WHERE f.case_id = child_case.id AND f.status = 'done'),
              "last_visit_on" = (SELECT MAX(f.done_date) FROM follow_up AS f WHERE f.case_id = child_case.id AND f.status = 'done');
            DELETE FROM "case_tally";
            \(caseContribution(source: "child_case", sign: "1"))
            \(eventContribution(cases: "child_case", events: "case_event", sign: "1"))
            """)
    }

    /// The columns a case's contribution depends on.
    static let watched = ["id", "reported_date", "village_code", "sex", "date_of_birth", "estimated_age", "age_as_of",
                          "concerns", "ethnicity", "first_visit_on", "closure_reason"]

    /// Whether a change touches more than the first visit, which the
    /// visit triggers change on their own (and often: a separate, smaller
    /// trigger keeps that cheap).
    static let profileChanged = watched.filter { $0 != "first_visit_on" }
        .map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")

    /// The row's own values (`OLD` or `NEW`) as a one-row table: a
    /// trigger adds what the statement wrote, not what later triggers
    /// wrote over it, which their own triggers add.
    static func values(_ row: String) -> String {
        "(SELECT " + watched.map { "\(row).\($0) AS \($0)" }.joined(separator: ", ") + ")"
    }
    static func eventValues(_ row: String) -> String {
        "(SELECT \(row).id AS id, \(row).case_id AS case_id, \(row).at AS at, \(row).kind AS kind, \(row).reason AS reason)"
    }

    /// Age in whole years on the day reported: from the birth date when
    /// known, else the estimate grown by the years since it was made.
    static let age = """
        (CASE WHEN c.date_of_birth IS NOT NULL THEN (CAST(substr(c.reported_date, 1, 4) AS INTEGER) - CAST(substr(c.date_of_birth, 1, 4) AS INTEGER) - (substr(c.reported_date, 6, 5) < substr(c.date_of_birth, 6, 5))) ELSE COALESCE(c.estimated_age, 0) + MAX(0, COALESCE((CAST(substr(c.reported_date, 1, 4) AS INTEGER) - CAST(substr(c.age_as_of, 1, 4) AS INTEGER) - (substr(c.reported_date, 6, 5) < substr(c.age_as_of, 6, 5))), 0)) END)
        """

    static let ageClass = """
        (SELECT CASE WHEN a < 5 THEN 0 WHEN a < 6 THEN 1 WHEN a < 11 THEN 2 WHEN a < 12 THEN 3 WHEN a < 15 THEN 4 WHEN a < 16 THEN 5 WHEN a < 18 THEN 6 WHEN a < 60 THEN 7 ELSE 8 END FROM (SELECT \(age) AS a))
        """

    static let add = #"ON CONFLICT ("measure", "month", "province", "key", "sex", "age_class") DO UPDATE SET "n" = "n" + excluded."n";"#

    /// A case's own rows: new, per concern, per ethnicity, first visit.
    static func caseContribution(source: String, sign: String) -> String {
        let columns = #"INSERT INTO "case_tally" ("measure", "month", "province", "key", "sex", "age_class", "n")"#
        let place = "substr(c.reported_date, 1, 7), substr(c.village_code, 1, 2)"
        let concerns = "'[\"' || replace(c.concerns, ',', '\",\"') || '\"]'"
        return """
            \(columns) SELECT 'new', \(place), '', c.sex, \(ageClass), \(sign) * COUNT(*) FROM \(source) AS c
              GROUP BY 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'concern', \(place), j.value, c.sex, \(ageClass), \(sign) * COUNT(*) FROM \(source) AS c,
              json_each(CASE WHEN json_valid(\(concerns)) THEN \(concerns) ELSE '[]' END) AS j
              WHERE j.value != '' GROUP BY 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'ethnicity', \(place), COALESCE(c.ethnicity, ''), c.sex, \(ageClass), \(sign) * COUNT(*)
              FROM \(source) AS c GROUP BY 2, 3, 4, 5, 6 \(add)
            \(firstVisitContribution(source: source, sign: sign))
            """
    }

    static func firstVisitContribution(source: String, sign: String) -> String {
        """
        INSERT INTO "case_tally" ("measure", "month", "province", "key", "sex", "age_class", "n")
          SELECT 'first-visit', substr(c.reported_date, 1, 7), substr(c.village_code, 1, 2),
          CAST(CAST(julianday(c.first_visit_on) - julianday(c.reported_date) AS INTEGER) AS TEXT), c.sex, 0, \(sign) * COUNT(*)
          FROM \(source) AS c WHERE c.first_visit_on IS NOT NULL GROUP BY 2, 3, 4, 5, 6 \(add)
        """
    }

    /// A case's closes and reopens, by the month they happened in local
    /// time; a close without its own reason takes the case's.
    static func eventContribution(cases: String, events: String, sign: String) -> String {
        let columns = #"INSERT INTO "case_tally" ("measure", "month", "province", "key", "sex", "age_class", "n")"#
        let day = "date(e.at, 'localtime')"
        let from = "FROM \(events) AS e JOIN \(cases) AS c ON c.id = e.case_id"
        return """
            \(columns) SELECT e.kind, substr(\(day), 1, 7), substr(c.village_code, 1, 2),
              CASE e.kind WHEN 'closed' THEN COALESCE(e.reason, c.closure_reason, '') ELSE '' END, c.sex, 0, \(sign) * COUNT(*)
              \(from) WHERE e.kind IN ('closed', 'reopened') GROUP BY 1, 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'closure-days', substr(\(day), 1, 7), substr(c.village_code, 1, 2),
              CAST(CAST(julianday(\(day)) - julianday(c.reported_date) AS INTEGER) AS TEXT), c.sex, 0, \(sign) * COUNT(*)
              \(from) WHERE e.kind = 'closed' GROUP BY 2, 3, 4, 5, 6 \(add)
            """
    }

    /// A case's first and last visit done, read again whenever one of its
    /// visits is written.
    static let visitTriggers = """
        CREATE TRIGGER "case_visits_insert" AFTER INSERT ON "follow_up"
          WHEN NEW.case_id IS NOT NULL AND NEW.status = 'done' BEGIN
          \(visitUpdate("NEW"))
        END;
        CREATE TRIGGER "case_visits_update" AFTER UPDATE ON "follow_up"
          WHEN (OLD.status = 'done' OR NEW.status = 'done') AND (OLD.status IS NOT NEW.status
            OR OLD.done_date IS NOT NEW.done_date OR OLD.case_id IS NOT NEW.case_id) BEGIN
          \(visitUpdate("OLD"))
          \(visitUpdate("NEW"))
        END;
        CREATE TRIGGER "case_visits_delete" AFTER DELETE ON "follow_up"
          WHEN OLD.case_id IS NOT NULL AND OLD.status = 'done' BEGIN
          \(visitUpdate("OLD"))
        END;
        """

    static func visitUpdate(_ row: String) -> String {
        let visits = "FROM follow_up AS f WHERE f.case_id = \(row).case_id AND f.status = 'done'"
        return """
            UPDATE "child_case" SET "first_visit_on" = (SELECT MIN(f.done_date) \(visits)),
              "last_visit_on" = (SELECT MAX(f.done_date) \(visits))
            WHERE id = \(row).case_id AND ("first_visit_on" IS NOT (SELECT MIN(f.done_date) \(visits))
              OR "last_visit_on" IS NOT (SELECT MAX(f.done_date) \(visits)));
            """
    }
}
