import GRDB

/// What the 2026-12-04 "referral tallies" migration did: the referrals
/// report's counts kept by the database itself (issue 14's budget).
///
/// - `referral` gains `sent_on` and `enrolled_on` (the first day it moved
///   to sent and to enrolled), kept by triggers on `referral_transition`;
///   and `previous_on` and `previous_enrolled_on`: the day of the same
///   person's previous referral that was not a draft, and of their previous
///   enrolled (or completed, or dropped-out) one, kept by triggers on
///   `referral`. A person is counted once in a period, at the first of their
///   referrals in it: the one whose previous referral is before the period.
/// - `referral_tally` holds, per month referred, province, key, sex and
///   age class: every referral by service, provider, status, exit reason
///   and outcome (`referral`, key parts joined by char(31)); days from sent
///   to enrolled by service (`enrol-days`); and people, keyed by the month
///   of their previous referral (`person`) or previous enrolment
///   (`enrolled-person`), empty when there was none.
/// - Age classes as in `FrozenCaseTally20261204`, from the age recorded on
///   the referral.
///
/// Frozen: never edit; a change is a new migration.
enum FrozenReferralTally20261204 {
    static func run(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE "referral" ADD COLUMN "sent_on" TEXT;
            ALTER TABLE "referral" ADD COLUMN "enrolled_on" TEXT;
            ALTER TABLE "referral" ADD COLUMN "previous_on" TEXT;
            ALTER TABLE "referral" ADD COLUMN "previous_enrolled_on" TEXT;
            \(FrozenCaseTally20261204.tallyTable("referral_tally"))
            """)
        try fill(db)
        try db.execute(sql: """
            CREATE TRIGGER "referral_moved_insert" AFTER INSERT ON "referral_transition"
              WHEN NEW.to_status IN ('sent', 'enrolled') BEGIN
              \(movedUpdate("NEW"))
            END;
            CREATE TRIGGER "referral_moved_update" AFTER UPDATE ON "referral_transition"
              WHEN (OLD.to_status IN ('sent', 'enrolled') OR NEW.to_status IN ('sent', 'enrolled'))
                AND (OLD.referral_id IS NOT NEW.referral_id OR OLD.to_status IS NOT NEW.to_status
                  OR OLD.effective_on IS NOT NEW.effective_on OR OLD.at IS NOT NEW.at) BEGIN
              \(movedUpdate("OLD"))
              \(movedUpdate("NEW"))
            END;
            CREATE TRIGGER "referral_moved_delete" AFTER DELETE ON "referral_transition"
              WHEN OLD.to_status IN ('sent', 'enrolled') BEGIN
              \(movedUpdate("OLD"))
            END;
            CREATE TRIGGER "referral_person_insert" AFTER INSERT ON "referral" BEGIN
              \(previousUpdate("NEW"))
            END;
            CREATE TRIGGER "referral_person_update" AFTER UPDATE OF "case_id", "member_id", "referred_on", "status" ON "referral"
              WHEN OLD.case_id IS NOT NEW.case_id OR OLD.member_id IS NOT NEW.member_id
                OR OLD.referred_on IS NOT NEW.referred_on OR OLD.status IS NOT NEW.status BEGIN
              \(previousUpdate("OLD"))
              \(previousUpdate("NEW"))
            END;
            CREATE TRIGGER "referral_person_delete" AFTER DELETE ON "referral" BEGIN
              \(previousUpdate("OLD"))
            END;
            CREATE TRIGGER "referral_tally_insert" AFTER INSERT ON "referral" BEGIN
              \(contribution(source: values("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "referral_tally_update" AFTER UPDATE ON "referral" WHEN
              \(watched.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")) BEGIN
              \(contribution(source: values("OLD"), sign: "-1"))
              \(contribution(source: values("NEW"), sign: "1"))
            END;
            CREATE TRIGGER "referral_tally_delete" AFTER DELETE ON "referral" BEGIN
              \(contribution(source: values("OLD"), sign: "-1"))
            END;
            """)
    }

    /// Works out the kept days and the tally from the referrals as they
    /// are, with the triggers off (the migration, and bulk loads that
    /// drop the triggers while they insert).
    static func fill(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE "referral" SET \(movedSet("\"referral\".id"));
            UPDATE "referral" SET \(previousSet(samePerson: "r2.case_id = referral.case_id")) WHERE case_id IS NOT NULL;
            UPDATE "referral" SET \(previousSet(samePerson: "r2.case_id IS NULL AND r2.member_id = referral.member_id"))
              WHERE case_id IS NULL;
            DELETE FROM "referral_tally";
            \(contribution(source: "referral", sign: "1"))
            """)
    }

    /// The columns a referral's contribution depends on.
    static let watched = ["id", "referred_on", "village_code", "service", "provider_id", "status", "exit_reason", "outcome",
                          "sex", "age", "sent_on", "enrolled_on", "previous_on", "previous_enrolled_on"]

    /// The row's own values (`OLD` or `NEW`) as a one-row table: a
    /// trigger adds what the statement wrote, not what later triggers
    /// wrote over it, which their own triggers add.
    static func values(_ row: String) -> String {
        "(SELECT " + watched.map { "\(row).\($0) AS \($0)" }.joined(separator: ", ") + ")"
    }

    static let enrolled = "('enrolled', 'completed', 'dropped-out')"

    static let ageClass = """
        (SELECT CASE WHEN a < 5 THEN 0 WHEN a < 6 THEN 1 WHEN a < 11 THEN 2 WHEN a < 12 THEN 3 WHEN a < 15 THEN 4 WHEN a < 16 THEN 5 WHEN a < 18 THEN 6 WHEN a < 60 THEN 7 ELSE 8 END FROM (SELECT r.age AS a))
        """

    static let add = #"ON CONFLICT ("measure", "month", "province", "key", "sex", "age_class") DO UPDATE SET "n" = "n" + excluded."n";"#

    /// A referral's rows in the tally.
    static func contribution(source: String, sign: String) -> String {
        let columns = #"INSERT INTO "referral_tally" ("measure", "month", "province", "key", "sex", "age_class", "n")"#
        let place = "substr(r.referred_on, 1, 7), substr(r.village_code, 1, 2)"
        return """
            \(columns) SELECT 'referral', \(place), r.service || char(31) || r.provider_id || char(31) || r.status
              || char(31) || COALESCE(r.exit_reason, '') || char(31) || COALESCE(r.outcome, ''), r.sex, 0, \(sign) * COUNT(*)
              FROM \(source) AS r GROUP BY 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'enrol-days', \(place),
              r.service || char(31) || CAST(CAST(julianday(r.enrolled_on) - julianday(r.sent_on) AS INTEGER) AS TEXT),
              r.sex, 0, \(sign) * COUNT(*) FROM \(source) AS r
              WHERE r.status IN \(enrolled) AND r.sent_on IS NOT NULL AND r.enrolled_on IS NOT NULL GROUP BY 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'person', \(place), COALESCE(substr(r.previous_on, 1, 7), ''), r.sex, \(ageClass),
              \(sign) * COUNT(*) FROM \(source) AS r WHERE r.status != 'draft' GROUP BY 2, 3, 4, 5, 6 \(add)
            \(columns) SELECT 'enrolled-person', \(place), COALESCE(substr(r.previous_enrolled_on, 1, 7), ''), r.sex,
              \(ageClass), \(sign) * COUNT(*) FROM \(source) AS r WHERE r.status IN \(enrolled) GROUP BY 2, 3, 4, 5, 6 \(add)
            """
    }

    /// The first day a referral moved to a status.
    static func firstMoved(_ referral: String, to status: String) -> String {
        """
        (SELECT MIN(COALESCE(t.effective_on, substr(t.at, 1, 10))) FROM referral_transition AS t
         WHERE t.referral_id = \(referral) AND t.to_status = '\(status)')
        """
    }

    static func movedSet(_ referral: String) -> String {
        "\"sent_on\" = \(firstMoved(referral, to: "sent")), \"enrolled_on\" = \(firstMoved(referral, to: "enrolled"))"
    }

    /// Sets a referral's days moved only where they change: an update that
    /// changes nothing would still run the tally triggers.
    static func movedUpdate(_ row: String) -> String {
        let sent = firstMoved("\(row).referral_id", to: "sent"), enrolled = firstMoved("\(row).referral_id", to: "enrolled")
        return """
            UPDATE "referral" SET "sent_on" = \(sent), "enrolled_on" = \(enrolled)
              WHERE id = \(row).referral_id AND ("sent_on" IS NOT \(sent) OR "enrolled_on" IS NOT \(enrolled));
            """
    }

    /// The day of the person's previous referral (not a draft), or previous
    /// enrolment, before this referral (by day, then by number). Conditions
    /// on status carry a unary plus: SQLite would otherwise read every
    /// enrolled referral through a status index rather than the person's
    /// few through theirs.
    static func previous(samePerson: String, _ condition: String) -> String {
        """
        (SELECT MAX(r2.referred_on) FROM referral AS r2 WHERE \(samePerson) AND \(condition)
           AND (r2.referred_on < referral.referred_on OR (r2.referred_on = referral.referred_on AND r2.id < referral.id)))
        """
    }

    static func previousSet(samePerson: String) -> String {
        "\"previous_on\" = \(previous(samePerson: samePerson, "+r2.status != 'draft'")), "
            + "\"previous_enrolled_on\" = \(previous(samePerson: samePerson, "+r2.status IN \(enrolled)"))"
    }

    /// Every referral of the person `row` was for, with its previous days
    /// read again where they change: through the case's index, or the
    /// member's.
    static func previousUpdate(_ row: String) -> String {
        func update(samePerson: String, rows: String) -> String {
            let any = previous(samePerson: samePerson, "+r2.status != 'draft'")
            let enrolledBefore = previous(samePerson: samePerson, "+r2.status IN \(enrolled)")
            return """
                UPDATE "referral" SET "previous_on" = \(any), "previous_enrolled_on" = \(enrolledBefore)
                  WHERE \(rows) AND ("previous_on" IS NOT \(any) OR "previous_enrolled_on" IS NOT \(enrolledBefore));
                """
        }
        return update(samePerson: "r2.case_id = \(row).case_id",
                      rows: "\(row).case_id IS NOT NULL AND case_id = \(row).case_id")
            + update(samePerson: "r2.case_id IS NULL AND r2.member_id = \(row).member_id",
                     rows: "\(row).case_id IS NULL AND case_id IS NULL AND member_id = \(row).member_id")
    }
}
