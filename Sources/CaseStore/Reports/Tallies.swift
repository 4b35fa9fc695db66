import CaseDomain
import GRDB

/// The pieces every age band preset is made of, as the database keeps
/// them in its tallies: 0–4, 5, 6–10, 11, 12–14, 15, 16–17, 18–59, 60+.
/// A band of any preset is a run of whole classes.
enum AgeClass {
    static let lowerAges = [0, 5, 6, 11, 12, 15, 16, 18, 60]

    /// The youngest age in class `index` (0 for anything out of range).
    static func lowerAge(_ index: Int) -> Int { lowerAges.indices.contains(index) ? lowerAges[index] : 0 }

    /// SQL for the class of the age in `age`, as the tallies' triggers
    /// compute it.
    static func sql(age: String) -> String {
        let steps = lowerAges.indices.dropFirst().map { "WHEN a < \(lowerAges[$0]) THEN \($0 - 1)" }.joined(separator: " ")
        return "(SELECT CASE \(steps) ELSE \(lowerAges.count - 1) END FROM (SELECT \(age) AS a))"
    }
}

/// One group of a kept count: its key (a concern, a reason, a number of
/// days …), sex and age class.
struct TallyKey: Hashable {
    let key: String
    let sex: Sex
    let ageClass: Int
}

/// A count the database keeps per month and province in a tally table,
/// which can also be counted from the records themselves with the same
/// grouping (key, sex, age class, count).
protocol KeptCount {
    /// The table that keeps it.
    static var table: String { get }
    var rawValue: String { get }
    /// Counts people once: its tally rows are keyed by the month of the
    /// person's previous referral, and only those before the period count.
    var countsPeopleOnce: Bool { get }
    /// SQL grouping the records on days `?` to `?` in the scope's area as
    /// the tally keeps them. `indexed` reads the days through their index.
    func counted(_ scope: ReportScope, indexed: Bool) -> SQLCondition
}

extension KeptCount {
    var countsPeopleOnce: Bool { false }
}

/// The counts the cases report reads, kept in `case_tally` (see
/// `FrozenCaseTally20261204`).
enum CaseMeasure: String, KeptCount, CaseIterable {
    /// Cases by the day reported (key empty).
    case new
    /// Cases by the day reported, once per concern (key: the concern).
    case concern
    /// Cases by the day reported (key: the ethnicity, or empty).
    case ethnicity
    /// Cases by the day reported that have had a visit (key: days from
    /// report to the first visit).
    case firstVisit = "first-visit"
    /// Closes by the day they happened (key: the reason).
    case closed
    /// Reopens by the day they happened (key empty).
    case reopened
    /// Closes by the day they happened (key: days from report to close).
    case closureDays = "closure-days"

    static let table = "case_tally"

    static let ageAtReport = ReportScope.age(on: "c.reported_date", dateOfBirth: "c.date_of_birth",
                                             estimated: "c.estimated_age", asOf: "c.age_as_of")

    func counted(_ scope: ReportScope, indexed: Bool) -> SQLCondition {
        let area = scope.inArea("c.village_code", key: "c.id")
        let plus = indexed ? "" : "+"
        let ageClass = AgeClass.sql(age: Self.ageAtReport)
        let reported = "\(plus)c.reported_date BETWEEN ? AND ?"
        let happened = "e.kind = '\(self == .reopened ? "reopened" : "closed")' AND date(e.at, 'localtime') BETWEEN ? AND ?"
        let events = "FROM case_event AS e JOIN child_case AS c ON c.id = e.case_id"
        let sql: String
        switch self {
        case .new:
            sql = "SELECT '' AS key, c.sex, \(ageClass) AS age_class, COUNT(*) AS n FROM child_case AS c WHERE \(reported)"
        case .concern:
            let list = "'[\"' || replace(c.concerns, ',', '\",\"') || '\"]'"
            sql = """
                SELECT j.value AS key, c.sex, \(ageClass) AS age_class, COUNT(*) AS n FROM child_case AS c,
                  json_each(CASE WHEN json_valid(\(list)) THEN \(list) ELSE '[]' END) AS j
                WHERE \(reported) AND j.value != ''
                """
        case .ethnicity:
            sql = """
                SELECT COALESCE(c.ethnicity, '') AS key, c.sex, \(ageClass) AS age_class, COUNT(*) AS n
                FROM child_case AS c WHERE \(reported)
                """
        case .firstVisit:
            sql = """
                SELECT CAST(CAST(julianday(c.first_visit_on) - julianday(c.reported_date) AS INTEGER) AS TEXT) AS key,
                  c.sex, 0 AS age_class, COUNT(*) AS n FROM child_case AS c WHERE \(reported) AND c.first_visit_on IS NOT NULL
                """
        case .closed:
            sql = """
                SELECT COALESCE(e.reason, c.closure_reason, '') AS key, c.sex, 0 AS age_class, COUNT(*) AS n
                \(events) WHERE \(happened)
                """
        case .reopened:
            sql = "SELECT '' AS key, c.sex, 0 AS age_class, COUNT(*) AS n \(events) WHERE \(happened)"
        case .closureDays:
            sql = """
                SELECT CAST(CAST(julianday(date(e.at, 'localtime')) - julianday(c.reported_date) AS INTEGER) AS TEXT) AS key,
                  c.sex, 0 AS age_class, COUNT(*) AS n \(events) WHERE \(happened)
                """
        }
        return SQLCondition("\(sql) AND \(area.sql) GROUP BY 1, 2, 3", area.arguments)
    }
}

/// The counts the referrals report reads, kept in `referral_tally` (see
/// `FrozenReferralTally20261204`), all by the day referred.
enum ReferralMeasure: String, KeptCount, CaseIterable {
    /// Every referral (key: service, provider, status, exit reason and
    /// outcome, joined by `separator`).
    case referral
    /// Enrolled referrals with both days (key: service and days from sent
    /// to enrolled).
    case enrolDays = "enrol-days"
    /// People referred (not drafts), once each, at their first referral
    /// in the period. Every referral that is not a draft adds one to one
    /// row, so summed over the keys it also counts referrals sent (the
    /// dashboard's months).
    case person
    /// People enrolled, once each, at their first enrolled referral in the
    /// period.
    case enrolledPerson = "enrolled-person"

    static let table = "referral_tally"
    /// What joins a key's parts: a character no one types.
    static let separator: Character = "\u{1F}"
    static let enrolled = "('enrolled', 'completed', 'dropped-out')"

    var countsPeopleOnce: Bool { self == .person || self == .enrolledPerson }

    func counted(_ scope: ReportScope, indexed: Bool) -> SQLCondition {
        let referred = "\(indexed ? "" : "+")r.referred_on BETWEEN ? AND ?"
        let ageClass = AgeClass.sql(age: "r.age")
        let condition: SQLCondition
        switch self {
        case .referral:
            condition = SQLCondition("""
                SELECT r.service || char(31) || r.provider_id || char(31) || r.status || char(31)
                  || COALESCE(r.exit_reason, '') || char(31) || COALESCE(r.outcome, '') AS key, r.sex, 0, COUNT(*)
                FROM referral AS r WHERE \(referred)
                """)
        case .enrolDays:
            condition = SQLCondition("""
                SELECT r.service || char(31) || CAST(CAST(julianday(r.enrolled_on) - julianday(r.sent_on) AS INTEGER) AS TEXT),
                  r.sex, 0, COUNT(*) FROM referral AS r
                WHERE \(referred) AND r.status IN \(Self.enrolled) AND r.sent_on IS NOT NULL AND r.enrolled_on IS NOT NULL
                """)
        case .person:
            condition = SQLCondition("""
                SELECT '', r.sex, \(ageClass), COUNT(*) FROM referral AS r
                WHERE \(referred) AND r.status != 'draft' AND (r.previous_on IS NULL OR r.previous_on < ?)
                """, [scope.start])
        case .enrolledPerson:
            condition = SQLCondition("""
                SELECT '', r.sex, \(ageClass), COUNT(*) FROM referral AS r
                WHERE \(referred) AND r.status IN \(Self.enrolled)
                  AND (r.previous_enrolled_on IS NULL OR r.previous_enrolled_on < ?)
                """, [scope.start])
        }
        let area = scope.inArea("r.village_code", key: "r.id")
        return SQLCondition("\(condition.sql) AND \(area.sql) GROUP BY 1, 2, 3", condition.arguments + area.arguments)
    }
}

/// The count the follow-ups report reads, kept in `follow_up_tally` (see
/// `FrozenFollowUpTally20261206`): visits by the day due (key: the worker,
/// the risk level and the fate, joined by `separator`). A visit not yet
/// done counts as open (fate 4); `upcoming` says which of them are not
/// yet due.
enum FollowUpMeasure: String, KeptCount {
    case due

    static let table = "follow_up_tally"
    static let separator: Character = "\u{1F}"

    /// The worker and risk level part of a key, in SQL over `f`, `c`, `h`.
    static let workerAndRisk = """
        COALESCE(CAST(COALESCE(f.done_by, c.assigned_to, f.created_by) AS TEXT), '') || char(31)
          || COALESCE(c.risk_level, h.risk_override, h.risk_level, '')
        """

    /// Visits with their case or household, in the scope's area.
    static func visits(_ scope: ReportScope, where condition: String) -> SQLCondition {
        let area = scope.inArea("COALESCE(c.village_code, h.village_code)", key: "f.id")
        return SQLCondition("""
            FROM follow_up AS f LEFT JOIN child_case AS c ON c.id = f.case_id LEFT JOIN household AS h ON h.id = f.household_id
            WHERE \(condition) AND (f.case_id IS NULL OR c.id IS NOT NULL)
              AND (f.household_id IS NULL OR h.id IS NOT NULL) AND \(area.sql)
            """, area.arguments)
    }

    func counted(_ scope: ReportScope, indexed: Bool) -> SQLCondition {
        let visits = Self.visits(scope, where: "f.due_date BETWEEN ? AND ?")
        return SQLCondition("""
            SELECT \(Self.workerAndRisk) || char(31)
                || CASE f.status WHEN 'done' THEN CASE WHEN f.done_date <= f.due_date THEN 0 ELSE 1 END
                     WHEN 'missed' THEN 2 WHEN 'cancelled' THEN 3 ELSE 4 END AS key,
              COALESCE(c.sex, ''), 0, COUNT(*)
            \(visits.sql) GROUP BY 1, 2, 3
            """, visits.arguments)
    }

    /// Visits still open and due from today to the period's end (key: the
    /// worker and risk level). The tally keeps open visits by the day, so
    /// this reads the live queue (a few thousand rows); a district, a
    /// commune or one office is counted from the records.
    static func upcoming(_ db: Database, _ scope: ReportScope, fromRecords: Bool = false) throws -> [TallyKey: Int] {
        let from = max(scope.request.period.start, scope.today).iso, to = scope.end
        guard from <= to else { return [:] }
        let query: SQLCondition
        if fromRecords || scope.request.area.code.count > 2 || scope.request.office != nil {
            let visits = visits(scope, where: "f.status NOT IN ('done', 'missed', 'cancelled') AND f.due_date BETWEEN ? AND ?")
            query = SQLCondition("SELECT \(workerAndRisk), COALESCE(c.sex, ''), COUNT(*) \(visits.sql) GROUP BY 1, 2",
                                 [from, to] + visits.arguments)
        } else {
            var condition = SQLCondition("measure = 'open' AND month BETWEEN ? AND ?", [from, to])
            if !scope.request.area.isOffice { condition = condition && SQLCondition("province = ?", [scope.request.area.code]) }
            query = SQLCondition("SELECT key, sex, SUM(n) FROM \(table) WHERE \(condition.sql) GROUP BY 1, 2", condition.arguments)
        }
        var counts: [TallyKey: Int] = [:]
        for row in try Row.fetchAll(db, sql: query.sql, arguments: query.arguments) {
            counts[TallyKey(key: row[0], sex: Sex(rawValue: row[1]) ?? .male, ageClass: 0), default: 0] += row[2] as Int
        }
        return counts.filter { $0.value != 0 }
    }
}

/// The counts the households report reads, kept in `household_tally` (see
/// `FrozenHouseholdTally20261206`), by the day a household was registered
/// (local time); sex is the head's, or the member's for `migration`.
enum HouseholdMeasure: String, KeptCount, CaseIterable {
    /// Households (key: status).
    case register
    /// Active households (key: ID Poor level).
    case idPoor = "id-poor"
    /// Active households (key: risk level, '' when not assessed).
    case risk
    /// Active households, once per vulnerability factor (key: the factor).
    case vulnerability
    /// Members of active households planning to migrate or gone (key: the
    /// status and destination, joined by `separator`).
    case migration

    static let table = "household_tally"
    static let separator: Character = "\u{1F}"

    func counted(_ scope: ReportScope, indexed: Bool) -> SQLCondition {
        let area = scope.inArea("h.village_code", key: "h.id")
        let registered = "date(h.created_at, 'localtime') BETWEEN ? AND ?"
        let head = """
            COALESCE((SELECT m.sex FROM household_member AS m WHERE m.household_id = h.id AND m.relationship = 'head'
              ORDER BY m.id LIMIT 1), 'male')
            """
        let active = "\(registered) AND h.status = 'active'"
        let factors = "'[\"' || replace(h.vulnerabilities, ',', '\",\"') || '\"]'"
        let sql: String
        switch self {
        case .register:
            sql = "SELECT h.status, \(head), 0, COUNT(*) FROM household AS h WHERE \(registered)"
        case .idPoor:
            sql = "SELECT h.id_poor, \(head), 0, COUNT(*) FROM household AS h WHERE \(active)"
        case .risk:
            sql = "SELECT COALESCE(h.risk_override, h.risk_level, ''), \(head), 0, COUNT(*) FROM household AS h WHERE \(active)"
        case .vulnerability:
            sql = """
                SELECT j.value, \(head), 0, COUNT(*) FROM household AS h,
                  json_each(CASE WHEN json_valid(\(factors)) THEN \(factors) ELSE '[]' END) AS j
                WHERE \(active) AND j.value != ''
                """
        case .migration:
            sql = """
                SELECT m.migration_status || char(31) || COALESCE(NULLIF(TRIM(m.migration_country), ''), ''), m.sex, 0, COUNT(*)
                FROM household AS h JOIN household_member AS m ON m.household_id = h.id
                WHERE \(active) AND m.migration_status != 'none'
                """
        }
        return SQLCondition("\(sql) AND \(area.sql) GROUP BY 1, 2, 3", area.arguments)
    }
}

/// A period cut where the tallies can answer: the whole months in it,
/// and the days before and after them, which are counted from the records.
struct PeriodSplit: Equatable {
    /// The first and last whole month ("2026-01"), if the period holds one.
    var months: ClosedRange<String>?
    /// Days outside whole months, as ISO day ranges.
    var days: [ClosedRange<String>] = []

    init(start: LocalDate, end: LocalDate) {
        guard start <= end else { return }
        let firstWhole = start.day == 1 ? start : Self.firstOfNextMonth(start)
        let lastWholeEnd = Self.isLastOfMonth(end) ? end : Self.lastOfPreviousMonth(end)
        guard let firstWhole, let lastWholeEnd, firstWhole <= lastWholeEnd else {
            days = [start.iso...end.iso]
            return
        }
        months = String(firstWhole.iso.prefix(7))...String(lastWholeEnd.iso.prefix(7))
        if start < firstWhole { days.append(start.iso...firstWhole.adding(days: -1).iso) }
        if lastWholeEnd < end { days.append(lastWholeEnd.adding(days: 1).iso...end.iso) }
    }

    static func isLastOfMonth(_ day: LocalDate) -> Bool { day.day == LocalDate.daysIn(month: day.month, year: day.year) }

    static func firstOfNextMonth(_ day: LocalDate) -> LocalDate? {
        day.month == 12 ? LocalDate(year: day.year + 1, month: 1, day: 1) : LocalDate(year: day.year, month: day.month + 1, day: 1)
    }

    static func lastOfPreviousMonth(_ day: LocalDate) -> LocalDate? {
        LocalDate(year: day.year, month: day.month, day: 1)?.adding(days: -1)
    }
}

extension ReportScope {
    /// The earliest day a tally over "everything up to a day" starts from.
    static let beginning = LocalDate(year: 1900, month: 1, day: 1)!
    /// The last day a tally over "everything, whenever" reaches.
    static let farFuture = LocalDate(year: 2200, month: 12, day: 31)!

    /// `measure` over the days `from` to `to` (the period, unless given)
    /// in the scope's area: whole months from the tally (when the area is
    /// the office or a province), the rest counted from the records.
    func tally<Measure: KeptCount>(_ db: Database, _ measure: Measure, from: LocalDate? = nil,
                                   to: LocalDate? = nil) throws -> [TallyKey: Int] {
        let from = from ?? request.period.start, to = to ?? request.period.end
        var split = PeriodSplit(start: from, end: to)
        // Tallies are kept per province, for every office together: a district, a commune or one office
        // is counted from its records. People counted once need the period to start on a month's first
        // day, as their tally is by month.
        if from <= to && (request.area.code.count > 2 || request.office != nil
                          || (measure.countsPeopleOnce && split.days.first?.lowerBound == from.iso)) {
            split.months = nil
            split.days = [from.iso...to.iso]
        }
        var counts: [TallyKey: Int] = [:]
        func add(_ rows: RowCursor) throws {
            while let row = try rows.next() {
                let key = TallyKey(key: row[0] ?? "", sex: Sex(rawValue: row[1] ?? "") ?? .male, ageClass: row[2] ?? 0)
                counts[key, default: 0] += row[3] as Int? ?? 0
            }
        }
        if let months = split.months {
            var condition = SQLCondition("measure = ? AND month BETWEEN ? AND ?",
                                         [measure.rawValue, months.lowerBound, months.upperBound])
            if !request.area.isOffice { condition = condition && SQLCondition("province = ?", [request.area.code]) }
            if measure.countsPeopleOnce {
                condition = condition && SQLCondition("(key = '' OR key < ?)", [months.lowerBound])
            }
            try add(Row.fetchCursor(db, sql: """
                SELECT \(measure.countsPeopleOnce ? "''" : "key"), sex, age_class, SUM(n) FROM \(Measure.table)
                WHERE \(condition.sql) GROUP BY 1, 2, 3
                """, arguments: condition.arguments))
        }
        for days in split.days {
            let short = (LocalDate(iso: days.lowerBound)?.days(until: LocalDate(iso: days.upperBound) ?? from) ?? 0) <= 62
            let counted = measure.counted(self, indexed: short)
            try add(Row.fetchCursor(db, sql: counted.sql,
                                    arguments: [days.lowerBound, days.upperBound] + counted.arguments))
        }
        return counts.filter { $0.value != 0 }
    }
}
