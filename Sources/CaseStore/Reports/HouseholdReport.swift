import CaseDomain
import GRDB

/// The households report: registered and active households by ID Poor
/// level, vulnerability and risk level (each split by the head's sex),
/// members planning to migrate or gone, by destination, and children out
/// of school. A household's level and members are as they are now: the
/// register keeps no history of them.
enum HouseholdReport {
    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        // Households as they are now: every one registered, whenever.
        func now(_ measure: HouseholdMeasure) throws -> [TallyKey: Int] {
            try scope.tally(db, measure, from: ReportScope.beginning, to: ReportScope.farFuture)
        }
        func tally(_ counts: [TallyKey: Int], where include: (String) -> Bool = { _ in true }) -> ReportCell {
            var tally = Tally()
            for (key, n) in counts where include(key.key) { tally.add(key.sex, n) }
            return .tally(tally)
        }
        let registered = try now(.register)
        let activeNow = tally(registered) { $0 == HouseholdStatus.active.rawValue }
        // Female-headed is the head's sex, whether or not the factor was ticked: households registered before the
        // form and the import ticked it for a woman at the head were counted 0 (walk-through).
        var femaleHeads = Tally()
        for (key, n) in registered where key.key == HouseholdStatus.active.rawValue && key.sex == .female {
            femaleHeads.add(.female, n)
        }
        let idPoor = try now(.idPoor), factors = try now(.vulnerability), risks = try now(.risk)
        let columns: (String) -> [ReportText] = { [.key($0), .key("report.column.total")] }
        return [
            ReportTable(title: .key("report.households.register"), columns: columns("report.column.households-count"), rows: [
                [.key("report.row.registered-in-period"), tally(try scope.tally(db, HouseholdMeasure.register))],
                [.key("report.row.registered-by-end"),
                 tally(try scope.tally(db, HouseholdMeasure.register, from: ReportScope.beginning, to: scope.request.period.end))],
                [.key("report.row.active-now"), activeNow],
            ], note: .key("report.note.head-sex")),
            ReportTable(title: .key("report.households.by-idpoor"), columns: columns("report.column.idpoor"),
                        rows: IDPoorStatus.allCases.map { level in
                            [.key(level.labelKey), tally(idPoor) { (IDPoorStatus(rawValue: $0) ?? .none) == level }]
                        } + [[.key("report.row.total"), activeNow]], chart: true),
            ReportTable(title: .key("report.households.by-vulnerability"), columns: columns("report.column.vulnerability"),
                        rows: Vulnerability.allCases.map { factor in
                            [.key(factor.labelKey),
                             factor == .femaleHeaded ? .tally(femaleHeads) : tally(factors) { $0 == factor.rawValue }]
                        }, note: .key("report.note.several-factors"), chart: true),
            ReportTable(title: .key("report.households.by-risk"), columns: columns("report.column.risk"),
                        rows: RiskLevel.allCases.reversed().map { risk in
                            [.key(risk.labelKey), tally(risks) { $0 == risk.rawValue }]
                        } + [[.key("report.row.not-assessed"), tally(risks) { RiskLevel(rawValue: $0) == nil }],
                             [.key("report.row.total"), activeNow]]),
            migration(try now(.migration)),
            try outOfSchool(db, scope),
        ]
    }

    /// Members of active households planning to migrate or gone, by
    /// destination (the country, for those abroad).
    static func migration(_ counts: [TallyKey: Int]) -> ReportTable {
        let rows = counts.map { key, n in
            let parts = key.key.split(separator: HouseholdMeasure.separator, maxSplits: 1, omittingEmptySubsequences: false)
            return (status: String(parts[0]), destination: parts.count > 1 ? String(parts[1]) : "", sex: key.sex, n: n)
        }
        func tally(_ matching: [(status: String, destination: String, sex: Sex, n: Int)]) -> ReportCell {
            var tally = Tally()
            for row in matching { tally.add(row.sex, row.n) }
            return .tally(tally)
        }
        var table: [[ReportCell]] = []
        for status in MigrationStatus.allCases where status != .none {
            let matching = rows.filter { $0.status == status.rawValue }
            let destinations = Set(matching.map(\.destination)).sorted()
            for destination in destinations.isEmpty ? [""] : destinations {
                table.append([.key(status.labelKey), destination.isEmpty ? .key("report.row.not-recorded")
                                  : Destination.labelKey(of: destination).map { .key($0) } ?? .literal(destination),
                              tally(matching.filter { $0.destination == destination })])
            }
        }
        table.append([.key("report.row.total"), .literal(""), tally(rows)])
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
