import CaseDomain
import GRDB

/// The households report: registered and active households by ID Poor
/// level, vulnerability and risk level (each split by the head's sex),
/// members planning to migrate or gone, by destination, and children out
/// of school. A household's level and members are as they are now: the
/// register keeps no history of them.
enum HouseholdReport {
    /// Households alike in everything a table counts, and how many.
    struct Household {
        /// Registered within the period.
        let inPeriod: Bool
        /// Registered by the period's end.
        let byEnd: Bool
        let active: Bool
        let idPoor: IDPoorStatus
        let factors: Set<Vulnerability>
        let risk: RiskLevel?
        let headSex: Sex
        let n: Int
    }

    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        let area = scope.inArea("h.village_code", key: "h.id")
        let households = try Row.fetchAll(db, sql: """
            SELECT registered BETWEEN ? AND ? AS in_period, registered <= ? AS by_end, active, id_poor, vulnerabilities, risk,
              head_sex, COUNT(*) AS n FROM (
            SELECT date(h.created_at, 'localtime') AS registered, h.status = 'active' AS active, h.id_poor,
              h.vulnerabilities, COALESCE(h.risk_override, h.risk_level) AS risk,
              COALESCE((SELECT m.sex FROM household_member AS m WHERE m.household_id = h.id AND m.relationship = 'head'
                        LIMIT 1), 'male') AS head_sex
            FROM household AS h WHERE \(area.sql))
            GROUP BY in_period, by_end, active, id_poor, vulnerabilities, risk, head_sex
            """, arguments: [scope.start, scope.end, scope.end] + area.arguments).map { row in
            Household(inPeriod: row["in_period"], byEnd: row["by_end"], active: row["active"],
                      idPoor: IDPoorStatus(rawValue: row["id_poor"]) ?? .none,
                      factors: Set((row["vulnerabilities"] as String).split(separator: ",")
                          .compactMap { Vulnerability(rawValue: String($0)) }),
                      risk: (row["risk"] as String?).flatMap(RiskLevel.init(rawValue:)),
                      headSex: Sex(rawValue: row["head_sex"]) ?? .male, n: row["n"])
        }
        let active = households.filter(\.active)
        func tally(_ list: [Household]) -> ReportCell {
            var tally = Tally()
            for household in list { tally.add(household.headSex, household.n) }
            return .tally(tally)
        }
        let columns: (String) -> [ReportText] = { [.key($0), .key("report.column.total")] }
        return [
            ReportTable(title: .key("report.households.register"), columns: columns("report.column.households-count"), rows: [
                [.key("report.row.registered-in-period"),
                 tally(households.filter(\.inPeriod))],
                [.key("report.row.registered-by-end"), tally(households.filter(\.byEnd))],
                [.key("report.row.active-now"), tally(active)],
            ], note: .key("report.note.head-sex")),
            ReportTable(title: .key("report.households.by-idpoor"), columns: columns("report.column.idpoor"),
                        rows: IDPoorStatus.allCases.map { level in
                            [.key(level.labelKey), tally(active.filter { $0.idPoor == level })]
                        } + [[.key("report.row.total"), tally(active)]], chart: true),
            ReportTable(title: .key("report.households.by-vulnerability"), columns: columns("report.column.vulnerability"),
                        rows: Vulnerability.allCases.map { factor in
                            [.key(factor.labelKey), tally(active.filter { $0.factors.contains(factor) })]
                        }, note: .key("report.note.several-factors"), chart: true),
            ReportTable(title: .key("report.households.by-risk"), columns: columns("report.column.risk"),
                        rows: RiskLevel.allCases.reversed().map { risk in
                            [.key(risk.labelKey), tally(active.filter { $0.risk == risk })]
                        } + [[.key("report.row.not-assessed"), tally(active.filter { $0.risk == nil })],
                             [.key("report.row.total"), tally(active)]]),
            try migration(db, scope),
            try outOfSchool(db, scope),
        ]
    }

    /// Members of active households planning to migrate or gone, by
    /// destination (the country, for those abroad).
    static func migration(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        let area = scope.inArea("h.village_code", key: "h.id")
        let rows = try Row.fetchAll(db, sql: """
            SELECT m.migration_status AS status, COALESCE(NULLIF(TRIM(m.migration_country), ''), '') AS destination,
              m.sex, COUNT(*) AS n
            FROM household_member AS m JOIN household AS h ON h.id = m.household_id
            WHERE h.status = 'active' AND m.migration_status != 'none' AND \(area.sql)
            GROUP BY status, destination, m.sex
            """, arguments: area.arguments)
        var table: [[ReportCell]] = []
        for status in MigrationStatus.allCases where status != .none {
            let matching = rows.filter { $0["status"] == status.rawValue }
            let destinations = Set(matching.map { $0["destination"] as String }).sorted()
            for destination in destinations.isEmpty ? [""] : destinations {
                table.append([.key(status.labelKey), destination.isEmpty ? .key("report.row.not-recorded") : .literal(destination),
                              .tally(Tally(rows: matching.filter { $0["destination"] == destination }))])
            }
        }
        table.append([.key("report.row.total"), .literal(""), .tally(Tally(rows: rows))])
        return ReportTable(title: .key("report.households.migration"),
                           columns: [.key("report.column.migration"), .key("report.column.destination"),
                                     .key("report.column.people")], rows: table)
    }

    /// Children (under 18 on the period's end, or today) of active
    /// households recorded as not in school, by age band.
    static func outOfSchool(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        let area = scope.inArea("h.village_code", key: "h.id")
        let age = ReportScope.age(on: "?", dateOfBirth: "m.date_of_birth", estimated: "m.estimated_age", asOf: "m.age_as_of")
        let day = scope.asOf.iso
        let rows = try Row.fetchAll(db, sql: """
            SELECT age, sex, COUNT(*) AS n FROM (
              SELECT \(age) AS age, m.sex FROM household_member AS m JOIN household AS h ON h.id = m.household_id
              WHERE h.status = 'active' AND m.in_school = 0 AND \(area.sql))
            WHERE age < 18 GROUP BY age, sex
            """, arguments: StatementArguments(Array(repeating: day, count: age.filter { $0 == "?" }.count)) + area.arguments)
        var bands = scope.emptyBands
        for row in rows { bands[scope.band(row["age"])].add(Sex(rawValue: row["sex"]) ?? .male, row["n"]) }
        let children = scope.bands.indices.filter { scope.bands[$0].lower < 18 }
        return ReportTable(title: .key("report.households.out-of-school"),
                           columns: [.key("report.column.age"), .key("report.column.children")],
                           rows: children.map { [.digits(scope.bands[$0].description), .tally(bands[$0])] }
                               + [[.key("report.row.total"), .tally(bands.sum)]], chart: true)
    }
}
