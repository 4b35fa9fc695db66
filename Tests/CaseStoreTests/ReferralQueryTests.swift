import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// The referral list's filters answered from the facet indexes must give
/// exactly what a plain scan of the table gives, in the list order, and
/// read one index without sorting.
@Suite struct ReferralQueryTests {
    /// The filterable columns of one referral, read straight from the table.
    struct Plain {
        let id: Int64
        let status: String
        let provider: Int64
        let service: String
        let village: String
        let sex: String
        let age: Int
        let priority: String
        let referredOn: String
        let finished: Int
        let lastMove: String

        func matches(_ f: ReferralFilter, ignoringStatus: Bool = false) -> Bool {
            if !ignoringStatus, let s = f.status, s.rawValue != status { return false }
            if let p = f.providerId, p != provider { return false }
            if let s = f.service, s.rawValue != service { return false }
            if let place = f.placeCode, !village.hasPrefix(place) { return false }
            if let s = f.sex, s.rawValue != sex { return false }
            if let g = f.ageGroup, !g.range.contains(age) { return false }
            if let p = f.priority, p.rawValue != priority { return false }
            if let from = f.from, referredOn < from.iso { return false }
            if let to = f.to, referredOn > to.iso { return false }
            return true
        }
    }

    struct Demo {
        let services: KomarServices
        let coordinator: Session
        let rows: [Plain]
    }

    func demo() throws -> Demo {
        let services = try makeServices()
        try DemoData.fill(services, cases: 400)
        guard case .success(let coordinator) = try services.accounts.logIn(username: "coordinator",
                                                                          password: DemoData.password) else {
            throw StoreError.notFound
        }
        // Some moves after the load, so the kept totals are tested too.
        for summary in try services.referrals.list(coordinator, filter: ReferralFilter(status: .sent), limit: 5) {
            let detail = try services.referrals.detail(coordinator, id: summary.id)
            try services.referrals.move(coordinator, referralId: summary.id,
                                        ReferralMove(to: .accepted, expectedVersion: detail.version))
        }
        let rows = try services.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, status, provider_id, service, village_code, sex, age, priority, referred_on, finished,
                  status_changed_at FROM referral
                """).map { row in
                Plain(id: row["id"], status: row["status"], provider: row["provider_id"], service: row["service"],
                      village: row["village_code"], sex: row["sex"], age: row["age"], priority: row["priority"],
                      referredOn: row["referred_on"], finished: row["finished"], lastMove: row["status_changed_at"])
            }
        }
        return Demo(services: services, coordinator: coordinator, rows: rows)
    }

    /// Filters of every kind, alone and combined, built from the demo's
    /// own most common values so none is trivially empty.
    func filters(_ rows: [Plain]) -> [ReferralFilter] {
        func common<T: Hashable>(_ key: (Plain) -> T) -> T {
            Dictionary(grouping: rows, by: key).max { $0.value.count < $1.value.count }!.key
        }
        let village = common(\.village)
        let provider = common(\.provider)
        let service = ServiceType(rawValue: common(\.service))!
        let month = LocalDate(iso: String(common(\.referredOn).prefix(7)) + "-01")!
        let monthEnd = month.adding(days: 30)
        return [
            ReferralFilter(),
            ReferralFilter(status: .sent),
            ReferralFilter(status: .accepted),
            ReferralFilter(providerId: provider),
            ReferralFilter(service: service),
            ReferralFilter(placeCode: String(village.prefix(2))),
            ReferralFilter(placeCode: String(village.prefix(4))),
            ReferralFilter(placeCode: String(village.prefix(6))),
            ReferralFilter(placeCode: village),
            ReferralFilter(sex: .female),
            ReferralFilter(ageGroup: .age15to17),
            ReferralFilter(priority: .urgent),
            ReferralFilter(from: month, to: monthEnd),
            ReferralFilter(from: month),
            ReferralFilter(to: month),
            ReferralFilter(status: .enrolled, service: service, sex: .female, ageGroup: .age18to24),
            ReferralFilter(service: service, sex: .male, priority: .routine),
            ReferralFilter(status: .completed, placeCode: String(village.prefix(4)), sex: .female),
            ReferralFilter(providerId: provider, placeCode: String(village.prefix(2)), from: month, to: monthEnd),
            ReferralFilter(status: .sent, providerId: provider, ageGroup: .age18to24),
            ReferralFilter(status: .draft, placeCode: String(village.prefix(6)), priority: .urgent),
        ]
    }

    @Test func listsAndCountsMatchAPlainScanForEveryFilter() throws {
        let d = try demo()
        let order = d.rows.sorted { ($0.finished, $0.lastMove, $0.id) < ($1.finished, $1.lastMove, $1.id) }
        var nonEmpty = 0
        for filter in filters(d.rows) {
            let expected = order.filter { $0.matches(filter) }.map(\.id)
            var listed: [Int64] = []
            var cursor: ReferralCursor?
            while true {
                let page = try d.services.referrals.list(d.coordinator, filter: filter, after: cursor, limit: 7)
                listed += page.map(\.id)
                guard let last = page.last, page.count == 7 else { break }
                cursor = ReferralCursor(after: last)
            }
            #expect(listed == expected, "list of \(filter)")
            var counts: [ReferralStatus: Int] = [:]
            for row in d.rows where row.matches(filter, ignoringStatus: true) {
                counts[ReferralStatus(rawValue: row.status)!, default: 0] += 1
            }
            #expect(try d.services.referrals.countsByStatus(d.coordinator, filter: filter) == counts,
                    "counts of \(filter)")
            if !expected.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty >= 15)
    }

    /// The query plan of each filter: one index, no sorting, and for the
    /// counts a covering index (the table is never visited).
    @Test func everyFilterReadsOneIndexWithoutSorting() throws {
        let d = try demo()
        try d.services.database.read { db in
            for filter in filters(d.rows) {
                let list = ReferralQuery(filter: filter).listWhere
                let listPlan = try plan(db, ReferralService.summarySelect + " WHERE \(list.sql) ORDER BY "
                                            + ReferralService.order + " LIMIT 50", list.arguments)
                #expect(!listPlan.contains("TEMP B-TREE"), "list of \(filter): \(listPlan)")
                #expect(listPlan.contains("USING INDEX referral_list_"), "list of \(filter): \(listPlan)")
                guard let count = ReferralQuery(filter: filter).countWhere else { continue }
                var arguments: StatementArguments = ["sent"]
                arguments += count.arguments
                let countPlan = try plan(db, "SELECT COUNT(*) FROM referral WHERE " + count.sql, arguments)
                #expect(countPlan.contains("COVERING INDEX referral_facets_by_"), "count of \(filter): \(countPlan)")
            }
        }
    }

    @Test func broadFiltersWalkTheListOrderAndNarrowOnesTheirOwnIndex() throws {
        let d = try demo()
        func listIndex(_ filter: ReferralFilter) throws -> String {
            let list = ReferralQuery(filter: filter).listWhere
            return try d.services.database.read { db in
                try plan(db, ReferralService.summarySelect + " WHERE \(list.sql) ORDER BY "
                             + ReferralService.order + " LIMIT 50", list.arguments)
            }
        }
        #expect(try listIndex(ReferralFilter(sex: .female, ageGroup: .age15to17)).contains("referral_list_order"))
        #expect(try listIndex(ReferralFilter(from: LocalDate(year: 2026, month: 11, day: 1)))
            .contains("referral_list_order"))
        #expect(try listIndex(ReferralFilter(status: .sent, sex: .female)).contains("referral_list_by_status_facets"))
        #expect(try listIndex(ReferralFilter(placeCode: "140402")).contains("referral_list_by_commune_code"))
        #expect(try listIndex(ReferralFilter(placeCode: "1404")).contains("referral_list_by_district_code"))
        #expect(try listIndex(ReferralFilter(providerId: 1)).contains("referral_list_by_provider_id"))
    }

    func plan(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
            .map { $0["detail"] as String }.joined(separator: "; ")
    }
}
