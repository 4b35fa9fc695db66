import CaseDomain
import Foundation
import GRDB
import KhmerText

/// A position in the case list for keyset paging: the last row shown and
/// its sort key.
public struct CaseListCursor: Equatable, Sendable {
    public let lastId: Int64
    /// The last row's sort key where the order is not by id alone.
    let nameKm: String
    let riskRank: Int
    let reviewRank: Int
    let reportedDate: String

    public init(lastId: Int64) {
        self.lastId = lastId
        nameKm = ""
        riskRank = 0
        reviewRank = 0
        reportedDate = ""
    }

    /// After this row of a page.
    public init(after row: CaseSummary) {
        lastId = row.id
        nameKm = row.childNameKm
        riskRank = CaseService.riskRank(row.riskLevel)
        reviewRank = CaseService.reviewRank(row)
        reportedDate = row.reportedDate.iso
    }
}

/// The case list, its search box and F3 search: keyset pages in four
/// orders, filters, and counts that stop at `searchCountCap` when text is
/// typed. Every query is narrowed to the cases the session may see.
extension CaseService {
    /// How many of the newest cases a one- or two-code-point search looks
    /// at: the trigram index needs three.
    public static let shortQueryWindow = 20_000

    /// Counting search matches stops here: a count of matches is read on
    /// every keystroke, and "more than 1,000" is all a user needs to know
    /// to type more.
    public static let searchCountCap = 1_000

    /// One page of cases in `sort` order, after `cursor` (keyset paging:
    /// the cost does not grow with how deep the page is). A filter with
    /// search text lists the matching cases newest first, whatever `sort`.
    public func listCases(_ session: Session, after cursor: CaseListCursor? = nil, limit: Int = 50,
                          filter: CaseFilter = CaseFilter(), sort: CaseSort = .newest) throws -> [CaseSummary] {
        let scope = try Visibility.cases(session)
        let today = store.today
        let narrowing = Self.condition(for: filter, today: today)
        let search = Self.searchPlan(filter.text)
        return try store.read { db in
            var condition = scope && narrowing
            let order: (by: String, after: SQLCondition?)
            if let search {
                condition = condition && search.condition
                order = (search.newestFirst + " DESC",
                         cursor.map { SQLCondition(search.newestFirst + " < ?", [$0.lastId]) })
            } else {
                order = Self.order(sort, after: cursor)
            }
            if let after = order.after { condition = condition && after }
            return try Row.decodeAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM \(search?.from ?? "child_case") JOIN place ON place.code = child_case.village_code
                WHERE \(condition.sql) ORDER BY \(order.by) LIMIT ?
                """, arguments: condition.arguments + [limit]) { row in try Self.summary(row, today: today) }
        }
    }

    /// Cases whose child's name (Khmer or Latin, any part), code or village
    /// contains `query`, newest first: the case list's search without its
    /// filters, as F3 offers it.
    public func search(_ session: Session, _ query: String, limit: Int = 50) throws -> [CaseSummary] {
        guard !SearchQuery(query).isEmpty else { return [] }
        return try listCases(session, limit: limit, filter: CaseFilter(text: query))
    }

    /// How many cases the session may see (through `filter`). With search
    /// text, at most `searchCountCap` + 1: more than the cap reads as "cap+".
    public func countCases(_ session: Session, filter: CaseFilter = CaseFilter()) throws -> Int {
        let scope = try Visibility.cases(session)
        let condition = scope && Self.condition(for: filter, today: store.today)
        let search = Self.searchPlan(filter.text)
        return try store.read { db in
            guard let search else {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE \(condition.sql)",
                                        arguments: condition.arguments) ?? 0
            }
            let all = condition && search.condition
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM \(search.from) WHERE \(all.sql) LIMIT ?)",
                                    arguments: all.arguments + [Self.searchCountCap + 1]) ?? 0
        }
    }

    /// The count a list's heading shows: exact when nothing is typed (the
    /// whole count is cheap), capped with search text ("more than 1,000").
    public func listCount(_ session: Session, filter: CaseFilter = CaseFilter()) throws -> ListCount {
        let found = try countCases(session, filter: filter)
        return Self.searchPlan(filter.text) == nil ? .exact(found) : ListCount(capped: found, cap: Self.searchCountCap)
    }

    /// Records that the user searched, and how many cases the search
    /// found, never what was typed.
    public func recordSearch(_ session: Session, found count: ListCount) throws {
        try session.require(.viewOwnCases)
        try store.write { db in try store.audit(db, session, .search, entity: "case", summary: count.description) }
    }

    static func summary(_ row: Row, today: LocalDate) throws -> CaseSummary {
        try CaseRecord(row: row).summary(today: today, villageNameKm: row["village_name_km"],
                                         villageNameLatin: row["village_name_latin"])
    }

    /// Where the list's rank of a risk level comes from: critical first,
    /// not assessed last. The same expression is indexed
    /// (`child_case_by_risk_rank`), so SQLite can walk it.
    static let riskRankSQL = """
        (CASE child_case.risk_level WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 \
        WHEN 'low' THEN 3 ELSE 4 END)
        """

    static func riskRank(_ level: RiskLevel?) -> Int {
        switch level {
        case .critical: 0
        case .high: 1
        case .medium: 2
        case .low: 3
        case nil: 4
        }
    }

    /// The review queue's urgency: immediate danger first, then by risk
    /// level (critical first, not assessed last).
    static let reviewRankSQL = "(CASE WHEN child_case.immediate_danger THEN 0 ELSE 1 + \(riskRankSQL) END)"

    static func reviewRank(_ row: CaseSummary) -> Int {
        row.immediateDanger ? 0 : 1 + riskRank(row.riskLevel)
    }

    /// ORDER BY of a sort, and the condition for the rows after `cursor`.
    static func order(_ sort: CaseSort, after cursor: CaseListCursor?) -> (by: String, after: SQLCondition?) {
        switch sort {
        case .newest:
            return ("child_case.id DESC", cursor.map { SQLCondition("child_case.id < ?", [$0.lastId]) })
        case .oldest:
            return ("child_case.id", cursor.map { SQLCondition("child_case.id > ?", [$0.lastId]) })
        case .name:
            return ("child_case.child_name_km, child_case.id", cursor.map { c in
                SQLCondition("(child_case.child_name_km > ? OR (child_case.child_name_km = ? AND child_case.id > ?))",
                             [c.nameKm, c.nameKm, c.lastId])
            })
        case .risk:
            return ("\(riskRankSQL), child_case.id DESC", cursor.map { c in
                SQLCondition("(\(riskRankSQL) > ? OR (\(riskRankSQL) = ? AND child_case.id < ?))",
                             [c.riskRank, c.riskRank, c.lastId])
            })
        }
    }

    /// How the short lists (review queue, follow-up queue) narrow the rows
    /// they already select by typed text: the trigram index from three
    /// code points, the folded names below that. Nil without text.
    static func matching(_ text: String) -> SQLCondition? {
        TextSearch(text, index: "case_search").narrowing(table: "child_case", foldedColumn: "search_key")
    }

    /// How search text narrows the case list: through the trigram index
    /// from three code points; below that, a look at the newest
    /// `shortQueryWindow` cases. `newestFirst` is the id to order by: the
    /// index's own rowid lets FTS5 walk newest first and stop at the page's
    /// end. Nil without text.
    static func searchPlan(_ text: String) -> (from: String, condition: SQLCondition, newestFirst: String)? {
        let search = TextSearch(text, index: "case_search")
        guard !search.isEmpty else { return nil }
        // CROSS JOIN fixes the order: SQLite otherwise may walk a filter's
        // index and run the full-text query once per case (20 s for
        // "open cases matching សុខា").
        if search.query.usesTrigramIndex {
            var condition = SQLCondition("case_search MATCH ?", [search.query.ftsQuery])
            if let short = TextSearch.containsAll(search.query.shortWords, in: "child_case.search_key") {
                condition = condition && short
            }
            return ("case_search CROSS JOIN child_case ON child_case.id = case_search.rowid", condition,
                    "case_search.rowid")
        }
        // Below three code points, the index's own text is read newest
        // first straight from FTS5's content table (`case_search_content`,
        // one row per case, id = the case's id): a walk of contiguous rows
        // that stops at the page's end, where looking each case's text up
        // through the virtual table cost a search per case.
        let window = SQLCondition("case_search_content.id > (SELECT IFNULL(MAX(id), 0) FROM child_case) - ?",
                                  [shortQueryWindow])
        let words = TextSearch.containsAll(search.query.words, in: "case_search_content.c0")
        return ("case_search_content CROSS JOIN child_case ON child_case.id = case_search_content.id",
                words.map { window && $0 } ?? window, "case_search_content.id")
    }

    /// The SQL condition of a filter's choices (not its text) over
    /// `child_case`.
    static func condition(for filter: CaseFilter, today: LocalDate) -> SQLCondition {
        var condition = SQLCondition.always
        if let status = filter.status {
            // Within a commune, its own index is narrower than the status's.
            condition = condition && SQLCondition(filter.communeCode == nil ? "child_case.status = ?"
                                                                           : "+child_case.status = ?", [status])
        }
        if let risk = filter.riskLevel { condition = condition && SQLCondition("child_case.risk_level = ?", [risk]) }
        if let assignee = filter.assignedTo {
            condition = condition && SQLCondition("child_case.assigned_to = ?", [assignee])
        }
        if let commune = filter.communeCode {
            condition = condition && SQLCondition("substr(child_case.village_code, 1, 6) = ?", [commune])
        }
        if let office = filter.office {
            let keys = OfficeKeys.range(office)
            condition = condition && SQLCondition("child_case.id >= ? AND child_case.id < ?", [keys.lowerBound, keys.upperBound])
        }
        if filter.overdueOnly {
            condition = condition && SQLCondition("""
                EXISTS (SELECT 1 FROM follow_up WHERE follow_up.case_id = child_case.id
                        AND follow_up.status = 'scheduled' AND follow_up.due_date < ?)
                """, [today.iso])
        }
        return condition
    }

    /// Existing cases that may be the same child as `input`, best first:
    /// cases sharing a name word (through the trigram index), scored by
    /// `DuplicateScoring`. All cases are checked, whoever registered them;
    /// a volunteer gets only the code of a case they may not open.
    public func possibleDuplicates(_ session: Session, _ input: IntakeInput, limit: Int = 5) throws
        -> [DuplicateCandidate] {
        try session.require(.createIntake)
        let words = DuplicateScoring.searchWords(input)
        guard !words.isEmpty else { return [] }
        let scope = try Visibility.cases(session)
        let today = store.today
        let query = words.map { SearchQuery($0).ftsPhrase }.joined(separator: " OR ")
        return try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin,
                       (\(scope.sql)) AS visible
                FROM case_search
                JOIN child_case ON child_case.id = case_search.rowid
                JOIN place ON place.code = child_case.village_code
                WHERE case_search MATCH ? ORDER BY case_search.rowid DESC LIMIT 500
                """, arguments: scope.arguments + [query])
            return try rows.compactMap { row -> DuplicateCandidate? in
                let summary = try Self.summary(row, today: today)
                let score = DuplicateScoring.score(input, today: today, against: summary)
                guard score >= DuplicateScoring.threshold else { return nil }
                return DuplicateCandidate(summary: summary, score: score, visible: row["visible"])
            }
            .sorted { $0.score == $1.score ? $0.summary.id > $1.summary.id : $0.score > $1.score }
            .prefix(limit).map { $0 }
        }
    }
}
