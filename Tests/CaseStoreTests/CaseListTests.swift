import CaseDomain
import Foundation
import GRDB
import KhmerText
import Testing
@testable import CaseStore

/// The case list's orders, search box and worker filter, paged by keyset
/// over demo data and compared with the same cases sorted in memory.
@Suite struct CaseListTests {
    func everyPage(_ services: KomarServices, _ session: Session, filter: CaseFilter = CaseFilter(),
                   sort: CaseSort) throws -> [CaseSummary] {
        var all: [CaseSummary] = []
        var cursor: CaseListCursor?
        while true {
            let page = try services.cases.listCases(session, after: cursor, limit: 9, filter: filter, sort: sort)
            all += page
            guard let last = page.last, page.count == 9 else { return all }
            cursor = CaseListCursor(after: last)
        }
    }

    @Test func everyOrderPagesThroughAllCasesInItsOrder() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 120)
        let worker = try session(services, "dara", .socialWorker)
        let newest = try everyPage(services, worker, sort: .newest)
        #expect(newest.count == 120)
        #expect(newest.map(\.id) == newest.map(\.id).sorted(by: >))
        #expect(try everyPage(services, worker, sort: .oldest).map(\.id) == newest.map(\.id).reversed())
        let byName = try everyPage(services, worker, sort: .name)
        #expect(byName.map(\.id) == newest.sorted { ($0.childNameKm, $0.id) < ($1.childNameKm, $1.id) }.map(\.id))
        let byRisk = try everyPage(services, worker, sort: .risk)
        func rank(_ c: CaseSummary) -> Int { CaseService.riskRank(c.riskLevel) }
        #expect(byRisk.map(\.id) == newest.sorted { (rank($0), -$0.id) < (rank($1), -$1.id) }.map(\.id))
        #expect(byRisk.first?.riskLevel == .critical)
        #expect(byRisk.last?.riskLevel == .low)          // every demo intake carries its proposed level
        let openByRisk = try everyPage(services, worker, filter: CaseFilter(status: .open), sort: .risk)
        #expect(openByRisk.map(\.id) == byRisk.filter { $0.status == .open }.map(\.id))
    }

    @Test func theSearchBoxNarrowsAFilteredListInKhmerOrLatinWithItsCount() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 150)
        let worker = try session(services, "dara", .socialWorker)
        let all = try everyPage(services, worker, sort: .newest)
        for text in ["សុខ", "sok", "ស", "KC-"] {
            // Compared on the folded keys: a match starts on a cluster
            // boundary, so "ស" is not found inside the subscript of "ស្ស".
            func has(_ haystack: String) -> Bool { SearchKey.contains(SearchKey.make(haystack), SearchKey.make(text)) }
            let expected = all.filter {
                has($0.childNameKm) || has($0.childNameLatin) || has($0.code) || has($0.villageNameKm)
                    || has($0.villageNameLatin)
            }
            let found = try everyPage(services, worker, filter: CaseFilter(text: text), sort: .name)
            #expect(Set(found.map(\.id)) == Set(expected.map(\.id)), "search \(text)")
            #expect(found.map(\.id) == found.map(\.id).sorted(by: >), "search \(text) lists newest first")
            #expect(try services.cases.countCases(worker, filter: CaseFilter(text: text))
                    == min(found.count, CaseService.searchCountCap + 1))
            let open = try everyPage(services, worker, filter: CaseFilter(status: .open, text: text), sort: .newest)
            #expect(open.map(\.id) == found.filter { $0.status == .open }.map(\.id))
        }
    }

    @Test func coordinatorsFilterByAnyWorker() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 60)
        let coordinator = try session(services, "lina", .coordinator)
        let assignees = try services.cases.assignees(coordinator)
        let socialWorker = try #require(assignees.first { $0.role == .socialWorker })
        let theirs = try everyPage(services, coordinator, filter: CaseFilter(assignedTo: socialWorker.id), sort: .newest)
        #expect(!theirs.isEmpty)
        #expect(try everyPage(services, coordinator, filter: CaseFilter(assignedTo: coordinator.user.id),
                              sort: .newest).isEmpty)
        let all = try everyPage(services, coordinator, sort: .newest)
        #expect(theirs.count == all.filter { $0.status != .new }.count)
    }

    @Test func searchCountsStopAfterTheCap() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 1_100)
        let worker = try session(services, "dara", .socialWorker)
        #expect(try services.cases.countCases(worker, filter: CaseFilter(text: "KC-")) == CaseService.searchCountCap + 1)
        #expect(try services.cases.countCases(worker) == 1_100)
        #expect(try services.cases.listCount(worker) == .exact(1_100), "nothing typed: the exact count")
        #expect(try services.cases.listCount(worker, filter: CaseFilter(text: "KC-")) == .moreThan(CaseService.searchCountCap))
    }

    @Test func theQueuesSearchBoxesNarrowByNameInKhmerOrLatin() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 300)
        let coordinator = try session(services, "lina", .coordinator)
        let queue = try services.followUps.queue(coordinator, limit: 10_000)
        let someone = try #require(queue.first { !$0.childNameLatin.isEmpty })
        let family = String(someone.childNameLatin.split(separator: " ")[0])
        let found = try services.followUps.queue(coordinator, matching: family.lowercased(), limit: 10_000)
        // Children by their own name; households by the head's or a member's, so a household
        // found may have a head of another family.
        let children = found.filter { $0.caseId != 0 }
        #expect(!children.isEmpty && children.allSatisfy { $0.childNameLatin.hasPrefix(family) })
        #expect(children.map(\.id) == queue.filter { $0.caseId != 0 && $0.childNameLatin.hasPrefix(family) }.map(\.id))
        #expect(Set(queue.filter { $0.caseId == 0 && $0.childNameLatin.hasPrefix(family) }.map(\.id))
                    .isSubset(of: found.map(\.id)), "every household whose head is of the family")
        let khmer = String(someone.childNameKm.split(separator: " ")[0])
        #expect(try services.followUps.queue(coordinator, matching: khmer).contains { $0.id == someone.id })
        #expect(try services.followUps.queue(coordinator, matching: "zzzz").isEmpty)

        let waiting = try services.cases.reviewQueue(coordinator)
        let first = try #require(waiting.first)
        #expect(try services.cases.reviewQueue(coordinator, matching: first.code).map(\.id) == [first.id])
        let short = String(first.childNameKm.unicodeScalars.prefix(2).map(Character.init))
        #expect(try services.cases.reviewQueue(coordinator, matching: short).contains { $0.id == first.id })
    }
}
