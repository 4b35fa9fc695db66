import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// Exports of every register: filtered as on their lists, no narrative
/// text unless asked for (and then the audit log says so), coordinators
/// only.
@Suite struct RegisterExportTests {
    func coordinator(_ services: KomarServices) throws -> Session {
        guard case .success(let session) = try services.accounts.logIn(username: "coordinator",
                                                                      password: DemoData.password) else {
            throw StoreError.notFound
        }
        return session
    }

    @Test func registersHaveEveryFilteredRowAndNarrativeOnlyWhenAskedFor() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 200)
        let session = try coordinator(services)
        func count(_ sql: String) throws -> Int { try services.database.read { try Int.fetchOne($0, sql: sql)! } }

        let cases = try services.registers.table(session, .cases)
        #expect(cases.rows.count == (try count("SELECT COUNT(*) FROM child_case")))
        #expect(!cases.columns.contains(.key("export.narrative")))
        let narrative = try services.database.read { try String.fetchOne($0, sql: "SELECT narrative FROM child_case LIMIT 1")! }
        #expect(!cases.rows.joined().contains(.literal(narrative)))
        let withNarrative = try services.registers.table(session, .cases, includeNarrative: true)
        #expect(withNarrative.columns.last == .key("export.narrative"))
        #expect(withNarrative.rows.joined().contains(.literal(narrative)))

        let open = try services.registers.table(session, .cases, filter: RegisterFilter(status: "open", placeCode: "14"))
        #expect(open.rows.count == (try count("SELECT COUNT(*) FROM child_case WHERE status = 'open' AND village_code LIKE '14%'")))
        let from = try #require(LocalDate(iso: "2026-06-01")), to = try #require(LocalDate(iso: "2026-06-30"))
        let june = try services.registers.table(session, .followUps, filter: RegisterFilter(from: from, to: to))
        #expect(june.rows.count == (try count("SELECT COUNT(*) FROM follow_up WHERE due_date BETWEEN '2026-06-01' AND '2026-06-30'")))
        let members = try services.registers.table(session, .households)
        #expect(members.rows.count == (try count("SELECT COUNT(*) FROM household_member")))
        let sewing = try services.registers.table(session, .providers, filter: RegisterFilter(service: .sewing))
        #expect(sewing.rows.count == (try count("SELECT COUNT(*) FROM provider WHERE ',' || services || ',' LIKE '%,sewing,%'")))
        #expect(sewing.rows.count > 0)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-cases-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try services.registers.write(session, .cases, data: Data("x".utf8), rows: withNarrative.rows.count,
                                     filter: RegisterFilter(), includeNarrative: true, format: "csv", to: url)
        let audited = try services.database.read {
            try String.fetchOne($0, sql: "SELECT summary FROM audit_event WHERE action = 'export' ORDER BY id DESC")
        }
        #expect(audited == "cases: \(withNarrative.rows.count) rows as csv to \(url.path); narrative text included")

        guard case .success(let worker) = try services.accounts.logIn(username: "socialworker",
                                                                     password: DemoData.password) else { return }
        #expect(throws: PermissionDenied(role: .socialWorker, action: .exportData)) {
            try services.registers.table(worker, .cases)
        }
    }
}
