import CaseDomain
import GRDB

/// Which scheduled visits are in a user's follow-up queue, and how the
/// database finds them. There are two ways, chosen per user:
///
/// - **Walking** the visits due in date order (`follow_up_queue`), each
///   checked against the user's cases and households, and stopping after a
///   page. Right for a coordinator, whose every visit is in the queue, and
///   for a worker with many cases: one visit in a few is hers.
/// - **From her own records**: a worker with few cases and households (a
///   new social worker in an office of 100,000 cases, or anyone at head
///   office) would walk every visit due to find hers (3 s at a head office
///   of a million cases). Her visits are found from her cases and
///   households instead (`child_case_on_assigned_to`, `household_by_creator`,
///   `follow_up_household_visits_by_creator`), then sorted.
///
/// - **From the records the search text matches**, when it matches few:
///   typing a name that no visit's child or household has would otherwise
///   walk every visit due (0.4 s a key at 100,000 cases).
///
/// The unary `+` in front of a visit's status and due date keeps SQLite
/// from walking the date indexes where a worker's own records should lead,
/// with or without `ANALYZE` statistics.
struct FollowUpQueueQuery {
    /// Up to this many cases and households of her own (and household visits
    /// she scheduled), a user's queue is found from them: at most a few
    /// thousand index lookups. With more, enough of the visits due are hers
    /// that the walk fills a page early.
    static let ownRecordsLimit = 5_000
    /// `ownRecordsLimit`, or another; below zero, always walk (tests compare
    /// both ways on one database).
    let ownLimit: Int

    /// The visits of the queue with the case or the household each is for.
    private static let from = """
        follow_up LEFT JOIN child_case ON child_case.id = follow_up.case_id
        LEFT JOIN household ON household.id = follow_up.household_id
        """

    /// The user's scope on a case's visit, with `child_case` joined.
    let cases: SQLCondition
    /// The user's scope on a household's visit, on `follow_up` alone: the
    /// partial index `follow_up_due_by_household` holds all that counting
    /// them while walking reads.
    let households: SQLCondition
    /// Her own records, to find her visits from; nil for a coordinator.
    private let own: Own?
    /// How the search text narrows cases and households; nil without text.
    private let caseMatch: SQLCondition?
    private let householdMatch: SQLCondition?

    /// A worker's own records: each condition is on its table alone, the
    /// text's narrowing apart so that deciding how to search ignores it.
    private struct Own {
        let cases: SQLCondition
        let households: SQLCondition
        /// Visits she scheduled on households she may not otherwise see (a
        /// social worker records a visit, which schedules the next).
        let scheduledBy: Int64?
        let caseMatch: SQLCondition?
        let householdMatch: SQLCondition?
    }

    /// Whose visits are the user's. Cases: volunteers the cases they
    /// registered or were asked to visit, social workers the cases assigned
    /// to them, coordinators all. Households have no assigned worker: social
    /// workers have those they registered or whose next visit they scheduled
    /// (by recording the last), volunteers those they may see, coordinators
    /// all. `text` narrows both by name, code or village.
    init(_ session: Session, matching text: String = "", ownLimit: Int = Self.ownRecordsLimit) throws {
        try session.require(.recordFollowUp)
        self.ownLimit = ownLimit
        let me = session.user.id
        var cases = SQLCondition("child_case.id IS NOT NULL")
        var ownCases = SQLCondition.always
        var households: SQLCondition?
        var scheduledByMe = false
        switch session.user.role {
        case .coordinator:
            break
        case .socialWorker:
            ownCases = SQLCondition("child_case.assigned_to = ?", [me])
            households = SQLCondition("household.created_by = ?", [me])
            scheduledByMe = true
        default:
            ownCases = try Visibility.cases(session)
            households = try Visibility.households(session)
        }
        cases = cases && ownCases
        let caseMatch = CaseService.matching(text)
        if let caseMatch { cases = cases && caseMatch }
        let match = HouseholdService.matching(text)
        var household = SQLCondition("follow_up.household_id IS NOT NULL")
        switch (households, match) {
        case (nil, nil): break
        case (nil, let match?): household = household && Self.chosen(match)
        case (let scope?, _):
            let seen = Self.chosen(match.map { scope && $0 } ?? scope)
            let scheduled = match.map { SQLCondition("follow_up.created_by = ?", [me]) && Self.chosen($0) }
                ?? SQLCondition("follow_up.created_by = ?", [me])
            household = household && (scheduledByMe ? scheduled || seen : seen)
        }
        self.caseMatch = caseMatch
        householdMatch = match
        self.cases = SQLCondition("(\(cases.sql))", cases.arguments)
        self.households = SQLCondition("(\(household.sql))", household.arguments)
        own = households.map { households in
            Own(cases: ownCases, households: households, scheduledBy: scheduledByMe ? me : nil,
                caseMatch: caseMatch, householdMatch: match)
        }
    }

    /// Households' visits whose household meets `condition`.
    private static func chosen(_ condition: SQLCondition) -> SQLCondition {
        SQLCondition("follow_up.household_id IN (SELECT household.id FROM household WHERE \(condition.sql))",
                     condition.arguments)
    }

    /// Scheduled visits due on or before `last`; `lead` false writes them
    /// with `+` so that another condition leads.
    static func due(upTo last: LocalDate, lead: Bool = true) -> SQLCondition {
        let plus = lead ? "" : "+"
        return SQLCondition("\(plus)follow_up.status = 'scheduled' AND \(plus)follow_up.due_date <= ?", [last.iso])
    }

    /// How to find the user's visits due up to `last` on this database.
    enum Plan {
        /// Walk the visits due, keeping those in `cases` or `households`.
        case walk
        /// The visits are exactly those this condition on `follow_up`
        /// chooses (due up to `last` included).
        case own(SQLCondition)
    }

    func plan(_ db: Database, upTo last: LocalDate) throws -> Plan {
        guard let own, try ownRecordsAreFew(db, own) else { return try matchedPlan(db, upTo: last) ?? .walk }
        let due = Self.due(upTo: last, lead: false)
        var cases = own.cases && Self.due(upTo: last)
        if let match = own.caseMatch { cases = cases && match }
        var households = own.households && due
        if let match = own.householdMatch { households = households && match }
        var arms = [
            SQLCondition("SELECT follow_up.id FROM child_case CROSS JOIN follow_up ON follow_up.case_id = child_case.id "
                         + "WHERE \(cases.sql)", cases.arguments),
            SQLCondition("SELECT follow_up.id FROM household CROSS JOIN follow_up ON follow_up.household_id = household.id "
                         + "WHERE \(households.sql)", households.arguments),
        ]
        if let me = own.scheduledBy {
            var scheduled = SQLCondition("follow_up.created_by = ? AND follow_up.household_id IS NOT NULL", [me]) && due
            if let match = own.householdMatch { scheduled = scheduled && Self.chosen(match) }
            arms.append(SQLCondition("SELECT follow_up.id FROM follow_up WHERE \(scheduled.sql)", scheduled.arguments))
        }
        return .own(SQLCondition("follow_up.id IN (\(arms.map(\.sql).joined(separator: " UNION ALL ")))",
                                 arms.reduce(StatementArguments()) { $0 + $1.arguments }))
    }

    /// The visits of the cases and households the search text matches, in
    /// the user's scope, when the text matches at most `ownLimit` of them;
    /// nil without text or with more matches. The matches are read once
    /// (a scan of the names for text under three code points) and their
    /// visits looked up by key.
    private func matchedPlan(_ db: Database, upTo last: LocalDate) throws -> Plan? {
        guard ownLimit >= 0, let caseMatch, let householdMatch else { return nil }
        func ids(_ table: String, _ match: SQLCondition) throws -> [Int64] {
            try Int64.fetchAll(db, sql: "SELECT \(table).id FROM \(table) WHERE \(match.sql) LIMIT \(ownLimit + 1)",
                               arguments: match.arguments)
        }
        let caseIds = try ids("child_case", caseMatch)
        guard caseIds.count <= ownLimit else { return nil }
        let householdIds = try ids("household", householdMatch)
        guard caseIds.count + householdIds.count <= ownLimit else { return nil }
        // Keys read from the database just now: written into the SQL as numbers.
        func among(_ table: String, _ ids: [Int64]) -> SQLCondition {
            SQLCondition("\(table).id IN (\(ids.map(String.init).joined(separator: ",")))")
        }
        let cases = among("child_case", caseIds) && self.cases && Self.due(upTo: last)
        let households = among("household", householdIds) && Self.due(upTo: last, lead: false) && self.households
        let arms = [
            SQLCondition("SELECT follow_up.id FROM child_case CROSS JOIN follow_up ON follow_up.case_id = child_case.id "
                         + "WHERE \(cases.sql)", cases.arguments),
            SQLCondition("SELECT follow_up.id FROM household CROSS JOIN follow_up ON follow_up.household_id = household.id "
                         + "WHERE \(households.sql)", households.arguments),
        ]
        return .own(SQLCondition("follow_up.id IN (\(arms.map(\.sql).joined(separator: " UNION ALL ")))",
                                 arms.reduce(StatementArguments()) { $0 + $1.arguments }))
    }

    /// Whether the worker's own cases, households and scheduled household
    /// visits are few enough to start from; each is counted only up to the
    /// limit, so asking costs at most that many index entries.
    private func ownRecordsAreFew(_ db: Database, _ own: Own) throws -> Bool {
        let limit = ownLimit
        guard limit >= 0 else { return false }
        var counts = [
            SQLCondition("SELECT COUNT(*) FROM (SELECT 1 FROM child_case WHERE \(own.cases.sql) LIMIT \(limit + 1))",
                         own.cases.arguments),
            SQLCondition("SELECT COUNT(*) FROM (SELECT 1 FROM household WHERE \(own.households.sql) LIMIT \(limit + 1))",
                         own.households.arguments),
        ]
        if let me = own.scheduledBy {
            counts.append(SQLCondition("""
                SELECT COUNT(*) FROM (SELECT 1 FROM follow_up
                WHERE follow_up.created_by = ? AND follow_up.household_id IS NOT NULL LIMIT \(limit + 1))
                """, [me]))
        }
        let total = try Int.fetchOne(db, sql: "SELECT " + counts.map { "(\($0.sql))" }.joined(separator: " + "),
                                     arguments: counts.reduce(StatementArguments()) { $0 + $1.arguments }) ?? 0
        return total <= limit
    }

    /// The user's visits due up to seven days after `today`, a page after
    /// `cursor`, in the order of the due date.
    func page(_ db: Database, today: LocalDate, after cursor: FollowUpCursor?, limit: Int) throws -> [FollowUpItem] {
        let last = today.adding(days: FollowUpRules.upcomingWindowDays)
        var condition: SQLCondition
        switch try plan(db, upTo: last) {
        case .walk: condition = Self.due(upTo: last) && (cases || households)
        case .own(let visits): condition = visits
        }
        if let cursor {
            condition = condition && SQLCondition(
                "(follow_up.due_date > ? OR (follow_up.due_date = ? AND follow_up.id > ?))",
                [cursor.due.iso, cursor.due.iso, cursor.id])
        }
        return try Row.decodeAll(db, sql: """
            SELECT follow_up.id, COALESCE(follow_up.case_id, 0) AS case_id, follow_up.type, follow_up.due_date,
                   COALESCE(child_case.code, household.code) AS code,
                   COALESCE(child_case.child_name_km, household.head_name_km) AS name_km,
                   COALESCE(child_case.child_name_latin, household.head_name_latin) AS name_latin,
                   COALESCE(child_case.risk_level, household.risk_override, household.risk_level) AS risk_level,
                   place.name_km AS village_km, place.name_latin AS village_latin
            FROM \(Self.from)
            JOIN place ON place.code = COALESCE(child_case.village_code, household.village_code)
            WHERE \(condition.sql)
            ORDER BY follow_up.due_date, follow_up.id LIMIT ?
            """, arguments: condition.arguments + [limit]) { row in
            FollowUpItem(
                id: row["id"], caseId: row["case_id"], caseCode: row["code"], childNameKm: row["name_km"],
                childNameLatin: row["name_latin"], villageNameKm: row["village_km"],
                villageNameLatin: row["village_latin"], type: row["type"],
                due: LocalDate(iso: row["due_date"]) ?? today, riskLevel: row["risk_level"])
        }
    }

    /// Overdue, due today and due later (up to `last`) among the user's
    /// visits. Walking, cases and households are counted apart, each from
    /// its own index.
    func count(_ db: Database, today: LocalDate, upTo last: LocalDate) throws -> FollowUpCounts {
        let counting = """
            SELECT COUNT(CASE WHEN follow_up.due_date < ? THEN 1 END) AS overdue,
                   COUNT(CASE WHEN follow_up.due_date = ? THEN 1 END) AS today,
                   COUNT(CASE WHEN follow_up.due_date > ? THEN 1 END) AS later
            """
        let parts: [(from: String, condition: SQLCondition)]
        switch try plan(db, upTo: last) {
        case .walk:
            parts = [("follow_up JOIN child_case ON child_case.id = follow_up.case_id", Self.due(upTo: last) && cases),
                     ("follow_up", Self.due(upTo: last) && households)]
        case .own(let visits):
            parts = [("follow_up", visits)]
        }
        var overdue = 0, dueToday = 0, later = 0
        for part in parts {
            let row = try Row.fetchOne(db, sql: counting + " FROM \(part.from) WHERE \(part.condition.sql)",
                                       arguments: [today.iso, today.iso, today.iso] + part.condition.arguments)
            overdue += row?["overdue"] ?? 0
            dueToday += row?["today"] ?? 0
            later += row?["later"] ?? 0
        }
        return FollowUpCounts(overdue: overdue, today: dueToday, upcoming: later)
    }
}
