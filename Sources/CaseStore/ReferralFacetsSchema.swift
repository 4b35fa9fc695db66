import GRDB

/// The migration that keeps the coordinator's referral filters fast in any
/// combination. Each filterable column of a referral (its "facets") is
/// copied into a few wide indexes, so that a page of the list or a count
/// per status is read from one index without visiting the table:
///
/// - `referral_list_order` and `referral_list_by_status_facets` hold the
///   list order followed by every facet: a page under broad filters walks
///   the order and tests the facets in the index, stopping after one page.
/// - `referral_facets_by_<facet>` lead with the status then one facet: the
///   count of one status under a filter is one range of one index.
/// - `referral_status_count` is kept by triggers, so the unfiltered counts
///   that open the referral list are eight rows, not a scan.
enum ReferralFacets {
    /// Every filterable column, in the order the wide indexes list them.
    static let columns = ["provider_id", "service", "village_code", "sex", "age", "priority", "referred_on"]

    static func migrate(_ db: Database) throws {
        try db.drop(index: "referral_by_last_move")
        try db.drop(index: "referral_list_by_status")
        for column in ["provider_id", "service", "district_code", "sex", "age", "priority", "referred_on"] {
            try db.drop(index: "referral_count_by_\(column)")
        }
        try db.create(index: "referral_list_order", on: "referral",
                      columns: ["finished", "status_changed_at", "id", "status"] + columns)
        try db.create(index: "referral_list_by_status_facets", on: "referral",
                      columns: ["status", "finished", "status_changed_at", "id"] + columns)
        for column in columns {
            try db.create(index: "referral_facets_by_\(column)", on: "referral",
                          columns: ["status", column] + columns.filter { $0 != column })
        }
        try db.execute(sql: """
            CREATE TABLE referral_status_count (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO referral_status_count (status, n) SELECT status, COUNT(*) FROM referral GROUP BY status;
            CREATE TRIGGER referral_status_count_insert AFTER INSERT ON referral BEGIN
              INSERT INTO referral_status_count (status, n) VALUES (NEW.status, 1)
                ON CONFLICT (status) DO UPDATE SET n = n + 1;
            END;
            CREATE TRIGGER referral_status_count_delete AFTER DELETE ON referral BEGIN
              UPDATE referral_status_count SET n = n - 1 WHERE status = OLD.status;
            END;
            CREATE TRIGGER referral_status_count_move AFTER UPDATE OF status ON referral
              WHEN NEW.status IS NOT OLD.status BEGIN
              UPDATE referral_status_count SET n = n - 1 WHERE status = OLD.status;
              INSERT INTO referral_status_count (status, n) VALUES (NEW.status, 1)
                ON CONFLICT (status) DO UPDATE SET n = n + 1;
            END;
            """)
    }
}
