import CaseDomain
import Foundation
import GRDB
import KhmerText

/// The intake was refused; `issues` says which fields and why.
public struct IntakeRejected: Error, Equatable, Sendable {
    public let issues: [FieldIssue]
}

/// A position in the case list for keyset paging: the last id shown.
public struct CaseListCursor: Equatable, Sendable {
    public let lastId: Int64
    /// The last row's sort key where the order is not by id alone.
    let nameKm: String
    let riskRank: Int

    public init(lastId: Int64) {
        self.lastId = lastId
        nameKm = ""
        riskRank = 0
    }

    /// After this row of a page.
    public init(after row: CaseSummary) {
        lastId = row.id
        nameKm = row.childNameKm
        riskRank = CaseService.riskRank(row.riskLevel)
    }
}

/// Child protection cases: intake, listing and reading, each checked against
/// the permission policy and written to the audit log.
public struct CaseService: Sendable {
    let database: AppDatabase
    let clock: Clock
    /// How many of the newest cases a one- or two-character search looks at.
    public static let shortQueryWindow = 20_000

    public init(database: AppDatabase, clock: Clock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Registers a new case with status `new`. Validation errors (not
    /// warnings) refuse it with `IntakeRejected`.
    @discardableResult
    public func createIntake(_ session: Session, _ input: IntakeInput, savedDespite duplicates: [String] = [])
        throws -> CaseSummary {
        try session.require(.createIntake)
        if input.riskOverride != nil && input.riskOverride != input.proposedRisk { try session.require(.assessRisk) }
        let today = clock.today
        let blocking = IntakeRules.validate(input, today: today).filter { !$0.isWarning }
        guard blocking.isEmpty, let sex = input.sex, let birth = input.birth, let village = input.villageCode,
              let reporter = input.reporter else {
            throw IntakeRejected(issues: blocking)
        }
        let now = clock.now()
        return try database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM place WHERE code = ? AND level = 'village'",
                                   arguments: [village]) != nil else {
                throw IntakeRejected(issues: [FieldIssue(.village, "error.village-required")])
            }
            if let household = input.householdId {
                let scope = try HouseholdService(database: database, clock: clock).scope(session)
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM household WHERE id = ? AND \(scope.sql)",
                                       arguments: [household] + scope.arguments) != nil else {
                    throw IntakeRejected(issues: [FieldIssue(.household, "error.household-missing")])
                }
            }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(code_number) FROM child_case WHERE code_year = ?",
                                           arguments: [today.year]) ?? 0) + 1
            let nameKm = input.childNameKm.trimmingSpaces().precomposedStringWithCanonicalMapping
            let nameLatin = input.childNameLatin.trimmingSpaces()
            var dob: String?
            var estimated: Int?
            switch birth {
            case .dateOfBirth(let d): dob = d.iso
            case .estimatedAge(let years): estimated = years
            }
            let reported = input.reportedDate ?? today
            var record = CaseRecord(
                id: nil, code: CaseCode.make(year: today.year, number: number), codeYear: today.year,
                codeNumber: number, childNameKm: nameKm, childNameLatin: nameLatin, sex: sex.rawValue,
                dateOfBirth: dob, estimatedAge: estimated, ageAsOf: reported.iso, villageCode: village,
                concerns: Concern.allCases.filter(input.concerns.contains).map(\.rawValue).joined(separator: ","),
                narrative: input.narrative.precomposedStringWithCanonicalMapping, reportedBy: reporter.rawValue,
                reportedDate: reported.iso, riskLevel: input.riskLevel.rawValue, status: CaseStatus.new.rawValue,
                searchKey: SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin),
                createdAt: now, updatedAt: now, createdBy: session.user.id, version: 1,
                ethnicity: input.ethnicity?.rawValue, disability: input.disability, inSchool: input.inSchool,
                immediateDanger: input.riskAnswers.contains(.immediateDanger),
                caregiverConsent: input.caregiverConsent, childAssent: input.childAssent,
                consentBy: input.consentRecordedBy.trimmingSpaces().isEmpty ? nil : input.consentRecordedBy.trimmingSpaces(),
                consentDate: input.consentDate?.iso,
                riskOverrideReason: input.riskOverride == nil || input.riskOverride == input.proposedRisk
                    ? nil : input.riskOverrideReason.trimmingSpaces(),
                riskAnswers: RiskQuestion.allCases.filter(input.riskAnswers.contains).map(\.rawValue)
                    .joined(separator: ","), householdId: input.householdId)
            try record.insert(db)
            try CaseSearchIndex.index(db, record)
            try CaseEvents.add(db, caseId: record.id!, at: now, by: session.user.id, kind: .intake, statusTo: .new)
            var summary = record.code
            if !duplicates.isEmpty { summary += "; saved despite possible duplicates " + duplicates.joined(separator: ", ") }
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .create, entity: "case", entityId: record.id, summary: summary)
            return record.summary(today: today)
        }
    }

    /// SQL restricting cases to those the session may see.
    func visibility(_ session: Session) throws -> (sql: String, arguments: StatementArguments) {
        if session.may(.viewAllCases) { return ("1", []) }
        try session.require(.viewOwnCases)
        return ("(child_case.created_by = ? OR child_case.id IN (SELECT case_id FROM case_visitor WHERE user_id = ?))",
                [session.user.id, session.user.id])
    }

    /// One page of cases in `sort` order, after `cursor` (keyset paging:
    /// the cost does not grow with how deep the page is). A filter with
    /// search text lists the matching cases newest first, whatever `sort`.
    public func listCases(_ session: Session, after cursor: CaseListCursor? = nil, limit: Int = 50,
                          filter: CaseFilter = CaseFilter(), sort: CaseSort = .newest) throws -> [CaseSummary] {
        let scope = try visibility(session)
        let narrowing = Self.sql(for: filter, today: clock.today)
        let today = clock.today
        let search = Self.searchSQL(filter.text)
        return try database.read { db in
            var sql = """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM \(search?.from ?? "child_case") JOIN place ON place.code = child_case.village_code
                WHERE \(scope.sql) AND \(narrowing.sql)
                """
            var args = scope.arguments + narrowing.arguments
            if let search {
                sql += " AND " + search.condition
                args += search.arguments
            }
            let order = search.map { search in
                (by: search.newestFirst + " DESC", after: cursor.map { (sql: search.newestFirst + " < ?",
                                                                          arguments: [$0.lastId] as StatementArguments) })
            } ?? Self.order(sort, after: cursor)
            if let after = order.after {
                sql += " AND " + after.sql
                args += after.arguments
            }
            sql += " ORDER BY \(order.by) LIMIT ?"
            args += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                try CaseRecord(row: row).summary(today: today, villageNameKm: row["village_name_km"],
                                                 villageNameLatin: row["village_name_latin"])
            }
        }
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

    /// ORDER BY of a sort, and the condition for the rows after `cursor`.
    static func order(_ sort: CaseSort, after cursor: CaseListCursor?)
        -> (by: String, after: (sql: String, arguments: StatementArguments)?) {
        switch sort {
        case .newest:
            return ("child_case.id DESC", cursor.map { ("child_case.id < ?", [$0.lastId]) })
        case .oldest:
            return ("child_case.id", cursor.map { ("child_case.id > ?", [$0.lastId]) })
        case .name:
            return ("child_case.child_name_km, child_case.id", cursor.map { c in
                ("(child_case.child_name_km > ? OR (child_case.child_name_km = ? AND child_case.id > ?))",
                 [c.nameKm, c.nameKm, c.lastId])
            })
        case .risk:
            return ("\(riskRankSQL), child_case.id DESC", cursor.map { c in
                ("(\(riskRankSQL) > ? OR (\(riskRankSQL) = ? AND child_case.id < ?))", [c.riskRank, c.riskRank, c.lastId])
            })
        }
    }

    /// A condition on `child_case` for the short lists (review queue,
    /// follow-up queue) whose search box narrows rows they already select:
    /// the trigram index from three code points, the names below that.
    /// Nil without text.
    static func matching(_ text: String) -> (sql: String, arguments: StatementArguments)? {
        let key = SearchKey.make(text)
        guard !key.isEmpty else { return nil }
        if key.unicodeScalars.count >= 3 {
            return ("child_case.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)",
                    ["\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""])
        }
        return ("instr(child_case.search_key, ?) > 0", [key])
    }

    /// How search text narrows a list: through the trigram index from
    /// three code points; below that, a look at the newest
    /// `shortQueryWindow` cases (as `search` does). Nil without text.
    /// `newestFirst` is the id to order by: the trigram index's own rowid
    /// lets FTS5 walk newest first and stop at the page's end.
    static func searchSQL(_ text: String)
        -> (from: String, condition: String, arguments: StatementArguments, newestFirst: String)? {
        let key = SearchKey.make(text)
        guard !key.isEmpty else { return nil }
        // CROSS JOIN fixes the order: SQLite otherwise may walk a filter's
        // index and run the full-text query once per case (20 s for
        // "open cases matching សុខា").
        if key.unicodeScalars.count >= 3 {
            return ("case_search CROSS JOIN child_case ON child_case.id = case_search.rowid", "case_search MATCH ?", ["\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""],
                    "case_search.rowid")
        }
        return ("child_case CROSS JOIN case_search ON case_search.rowid = child_case.id",
                "child_case.id > (SELECT IFNULL(MAX(id), 0) FROM child_case) - ? AND instr(case_search.text, ?) > 0",
                [shortQueryWindow, key], "child_case.id")
    }

    /// Cases whose child's name (Khmer or Latin, any part), code or village
    /// contains `query`, newest first. Spelling is folded the same way on
    /// both sides (`SearchKey`). Three or more code points (not Swift
    /// Characters: សុខា is two Characters but four code points) use the
    /// trigram index; one or two fall back to a scan of the newest
    /// `shortQueryWindow` cases that stops at `limit` matches.
    public func search(_ session: Session, _ query: String, limit: Int = 50) throws -> [CaseSummary] {
        let scope = try visibility(session)
        let key = SearchKey.make(query)
        guard !key.isEmpty else { return [] }
        let today = clock.today
        return try database.read { db in
            let select = """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM child_case JOIN place ON place.code = child_case.village_code
                """
            let sql: String
            let args: StatementArguments
            if key.unicodeScalars.count >= 3 {
                // FTS5 walks its rowids newest first and stops at the limit.
                let phrase = "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                sql = """
                    SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                    FROM case_search
                    CROSS JOIN child_case ON child_case.id = case_search.rowid
                    JOIN place ON place.code = child_case.village_code
                    WHERE case_search MATCH ? AND \(scope.sql) ORDER BY case_search.rowid DESC LIMIT ?
                    """
                args = [phrase] + scope.arguments + [limit]
            } else {
                // Newest first, looking each case's text up by rowid, so the
                // scan stops as soon as `limit` cases match.
                sql = select + """
                     JOIN case_search ON case_search.rowid = child_case.id
                    WHERE child_case.id > (SELECT IFNULL(MAX(id), 0) FROM child_case) - ?
                    AND instr(case_search.text, ?) > 0 AND \(scope.sql) ORDER BY child_case.id DESC LIMIT ?
                    """
                args = [Self.shortQueryWindow, key] + scope.arguments + [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                try CaseRecord(row: row).summary(today: today, villageNameKm: row["village_name_km"],
                                                 villageNameLatin: row["village_name_latin"])
            }
        }
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
        let scope = try visibility(session)
        let today = clock.today
        let query = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
        return try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin,
                       (\(scope.sql)) AS visible
                FROM case_search
                JOIN child_case ON child_case.id = case_search.rowid
                JOIN place ON place.code = child_case.village_code
                WHERE case_search MATCH ? ORDER BY case_search.rowid DESC LIMIT 500
                """, arguments: scope.arguments + [query])
            return try rows.compactMap { row -> DuplicateCandidate? in
                let summary = try CaseRecord(row: row).summary(
                    today: today, villageNameKm: row["village_name_km"], villageNameLatin: row["village_name_latin"])
                let score = DuplicateScoring.score(input, today: today, against: summary)
                guard score >= DuplicateScoring.threshold else { return nil }
                return DuplicateCandidate(summary: summary, score: score, visible: row["visible"])
            }
            .sorted { $0.score == $1.score ? $0.summary.id > $1.summary.id : $0.score > $1.score }
            .prefix(limit).map { $0 }
        }
    }

    /// Counting search matches stops here: a count of matches is read on
    /// every keystroke, and "more than 1,000" is all a user needs to know
    /// to type more.
    public static let searchCountCap = 1_000

    /// How many cases the session may see (through `filter`). With search
    /// text, at most `searchCountCap` + 1: more than the cap reads as "cap+".
    public func countCases(_ session: Session, filter: CaseFilter = CaseFilter()) throws -> Int {
        let scope = try visibility(session)
        let narrowing = Self.sql(for: filter, today: clock.today)
        let search = Self.searchSQL(filter.text)
        return try database.read { db in
            guard let search else {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE \(scope.sql) AND \(narrowing.sql)",
                                        arguments: scope.arguments + narrowing.arguments) ?? 0
            }
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT 1 FROM \(search.from)
                WHERE \(scope.sql) AND \(narrowing.sql) AND \(search.condition) LIMIT ?)
                """, arguments: scope.arguments + narrowing.arguments + search.arguments + [Self.searchCountCap + 1]) ?? 0
        }
    }

    /// The SQL condition of a filter over `child_case`.
    static func sql(for filter: CaseFilter, today: LocalDate) -> (sql: String, arguments: StatementArguments) {
        var clauses = ["1"]
        var arguments: StatementArguments = []
        if let status = filter.status {
            // Within a commune, its own index is narrower than the status's.
            clauses.append(filter.communeCode == nil ? "child_case.status = ?" : "+child_case.status = ?")
            arguments += [status.rawValue]
        }
        if let risk = filter.riskLevel {
            clauses.append("child_case.risk_level = ?")
            arguments += [risk.rawValue]
        }
        if let assignee = filter.assignedTo {
            clauses.append("child_case.assigned_to = ?")
            arguments += [assignee]
        }
        if let commune = filter.communeCode {
            clauses.append("substr(child_case.village_code, 1, 6) = ?")
            arguments += [commune]
        }
        if filter.overdueOnly {
            clauses.append("""
                EXISTS (SELECT 1 FROM follow_up WHERE follow_up.case_id = child_case.id
                        AND follow_up.status = 'scheduled' AND follow_up.due_date < ?)
                """)
            arguments += [today.iso]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    /// Everything about one case; the read is audited (a sensitive view).
    public func caseDetail(_ session: Session, id: Int64) throws -> CaseDetail {
        let scope = try visibility(session)
        let today = clock.today
        let now = clock.now()
        return try database.write { db in
            guard let record = try CaseRecord.fetchOne(
                db, sql: "SELECT * FROM child_case WHERE child_case.id = ? AND \(scope.sql)",
                arguments: [id] + scope.arguments)
            else {
                if try CaseRecord.fetchOne(db, key: id) != nil {
                    throw PermissionDenied(role: session.user.role, action: .viewAllCases)
                }
                throw StoreError.notFound
            }
            let creator = try String.fetchOne(db, sql: "SELECT display_name FROM user WHERE id = ?",
                                              arguments: [record.createdBy]) ?? ""
            let status = try Row.fetchOne(db, sql: """
                SELECT user.display_name AS assigned, child_case.closure_reason AS reason FROM child_case
                LEFT JOIN user ON user.id = child_case.assigned_to WHERE child_case.id = ?
                """, arguments: [id])
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .view, entity: "case", entityId: record.id, summary: record.code)
            return CaseDetail(
                summary: record.summary(today: today), birth: record.birth,
                concerns: record.concerns.split(separator: ",").compactMap { Concern(rawValue: String($0)) },
                narrative: record.narrative, reporter: Reporter(rawValue: record.reportedBy) ?? .other,
                createdByName: creator, createdAt: record.createdAt, version: record.version,
                assignedToName: status?["assigned"],
                closureReason: (status?["reason"] as String?).flatMap(ClosureReason.init(rawValue:)),
                background: record.background,
                household: try record.householdId.flatMap { try Self.householdLink(db, id: $0) })
        }
    }

    /// The household a case belongs to, without reading (and auditing) the
    /// whole case file.
    public func householdLink(_ session: Session, caseId: Int64) throws -> HouseholdLink? {
        let scope = try visibility(session)
        return try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT household_id FROM child_case WHERE id = ? AND \(scope.sql)",
                               arguments: [caseId] + scope.arguments).flatMap { try Self.householdLink(db, id: $0) }
        }
    }

    static func householdLink(_ db: Database, id: Int64) throws -> HouseholdLink? {
        try Row.fetchOne(db, sql: "SELECT code, head_name_km, head_name_latin FROM household WHERE id = ?",
                         arguments: [id]).map { row in
            HouseholdLink(id: id, code: row["code"], headNameKm: row["head_name_km"], headNameLatin: row["head_name_latin"])
        }
    }
}
