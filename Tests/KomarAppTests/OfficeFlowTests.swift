import CaseDomain
@testable import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// Head office's admin at the Offices screen: an office's files applied,
/// a case changed at both ends waiting as a conflict, and the admin
/// choosing a version from the conflict's screen.
@MainActor
@Suite struct OfficeFlowTests {
    /// Head office on the harness (a file, since offices exchange files),
    /// and one office of four demo cases that has sent one file.
    @MainActor
    final class TwoOffices {
        let folder: URL
        let headOffice: Harness
        let office: KomarServices
        let officeAdmin: Session
        /// Head office's admin (making head office moves the keys, the admin's too).
        let admin: Session

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-office-flow-\(UUID().uuidString)")
            for place in ["hq", "pv1"] {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(place),
                                                        withIntermediateDirectories: true)
            }
            headOffice = try Harness(language: .en, file: folder.appendingPathComponent("hq/komar.sqlite").path)
            try headOffice.services.offices.makeHeadOffice(code: "HQ")
            guard case .success(let admin) = try headOffice.services.accounts.logIn(username: "admin", password: testPassword)
            else { throw Failure("head office has no admin") }
            self.admin = admin
            let enrolment = try headOffice.services.offices.add(admin, code: "PV1", name: "Prey Veng")
            office = KomarServices(database: try AppDatabase.open(path: folder.appendingPathComponent("pv1/komar.sqlite").path),
                                   hasher: PasswordHasher(rounds: 1_000))
            try DemoData.fill(office, cases: 4, seed: 7)
            guard case .success(let demoAdmin) = try office.accounts.logIn(username: "admin", password: DemoData.password) else {
                throw Failure("the demo office has no admin")
            }
            // Joining moves the office's keys into its range: the admin's too.
            officeAdmin = try office.offices.join(demoAdmin, enrolment)
            try send()
        }

        /// The office exports its changes and head office applies them.
        @discardableResult
        func send() throws -> [SyncImportReport] {
            let file = try office.sync.export(officeAdmin, to: folder.appendingPathComponent("usb")).files[1]
            return try headOffice.services.sync.importFiles(admin, [file])
        }

        /// The office's first case changed at both ends, then sent: one conflict.
        func conflictOverTheFirstCase() throws -> Int64 {
            let id = try #require(try office.database.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM child_case") })
            try headOffice.services.database.write { db in
                try db.execute(sql: "UPDATE child_case SET narrative = 'seen at head office' WHERE id = ?", arguments: [id])
            }
            try office.database.write { db in
                try db.execute(sql: "UPDATE child_case SET narrative = 'seen at the office' WHERE id = ?", arguments: [id])
            }
            #expect(try send().first?.conflicts == 1)
            return id
        }

        /// The office's first case's narrative and Latin name changed at both ends.
        func conflictOverTwoColumns() throws -> Int64 {
            let id = try #require(try office.database.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM child_case") })
            for (services, side) in [(headOffice.services, "head office"), (office, "the office")] {
                try services.database.write { db in
                    try db.execute(sql: "UPDATE child_case SET narrative = ?, child_name_latin = ? WHERE id = ?",
                                   arguments: ["seen at \(side)", "named at \(side)", id])
                }
            }
            #expect(try send().first?.conflicts == 1)
            return id
        }

        func atHeadOffice(_ column: String, _ id: Int64) throws -> String? {
            try headOffice.services.database.read { db in
                try String.fetchOne(db, sql: "SELECT \(column) FROM child_case WHERE id = ?", arguments: [id])
            }
        }

        func narrativeAtHeadOffice(_ id: Int64) throws -> String? {
            try headOffice.services.database.read { db in
                try String.fetchOne(db, sql: "SELECT narrative FROM child_case WHERE id = ?", arguments: [id])
            }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    struct Failure: Error { let text: String; init(_ text: String) { self.text = text } }

    /// Presses the home menu's number for `label`.
    func choose(_ label: String, on h: Harness) throws {
        // A menu line: " 3  Cases".
        let item = try #require(h.screen.split(separator: "\n").lazy.map { $0.drop { $0 == " " } }.first { line in
            guard let first = line.unicodeScalars.first, ("1"..."9").contains(first) else { return false }
            return line.dropFirst().hasPrefix("  " + label)
        })
        h.press(.char(try #require(item.unicodeScalars.first)))
    }

    /// Head office's admin logged in, at the Offices screen.
    func adminAtOffices(_ offices: TwoOffices) throws -> Harness {
        let h = offices.headOffice
        h.logIn("admin")
        try choose("Offices", on: h)
        return h
    }

    @Test func headOfficeSeesItsOfficesAndKeepsTheOfficesVersionOfAConflict() throws {
        let offices = try TwoOffices()
        let id = try offices.conflictOverTheFirstCase()
        let h = try adminAtOffices(offices)
        #expect(h.app.topScreenTitleKey == "offices.title")
        #expect(h.screen.contains("1 office; 1 conflict waits for a decision"))
        #expect(h.screen.contains("PV1"))
        #expect(h.screen.contains("Prey Veng"))

        h.press(.enter)                                  // the office's conflicts
        #expect(h.app.topScreenTitleKey == "conflicts.title")
        #expect(h.screen.contains("1 conflict of PV1 waits for a decision"))
        #expect(h.screen.contains("What happened"))     // the column the office changed, as the form names it

        h.press(.enter)                                  // the conflict itself
        #expect(h.app.topScreenTitleKey == "conflict.title")
        #expect(h.screen.contains("What happened (narrative)"))
        #expect(h.screen.contains("seen at the office"))
        #expect(h.screen.contains("seen at head office"))
        #expect(h.screen.contains("Office's"))           // F2 in the key bar
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "conflicts.title")
        #expect(h.screen.contains("the office's version is kept"))
        #expect(h.screen.contains("No conflicts wait"))
        #expect(try offices.narrativeAtHeadOffice(id) == "seen at the office")

        h.press(.function(10))                           // back to the offices: nothing waits now
        #expect(h.app.topScreenTitleKey == "offices.title")
        #expect(h.screen.contains("1 office; 0 conflicts wait for a decision"))
    }

    @Test func headOfficesVersionCanBeKeptFromTheListOfEveryOfficesConflicts() throws {
        let offices = try TwoOffices()
        let id = try offices.conflictOverTheFirstCase()
        let h = try adminAtOffices(offices)
        h.press(.function(4))                            // every office's conflicts
        #expect(h.screen.contains("1 conflict waits for a decision"))
        h.press(.enter)
        h.press(.function(4))                            // keep head office's
        #expect(h.screen.contains("head office's version is kept"))
        #expect(try offices.narrativeAtHeadOffice(id) == "seen at head office")
        #expect(try h.services.sync.conflicts(offices.admin).isEmpty)
    }

    @Test func columnsAreChosenOneByOneTheOfficesForSomeHeadOfficesForTheRest() throws {
        let offices = try TwoOffices()
        let id = try offices.conflictOverTwoColumns()
        let changed = try #require(try offices.headOffice.services.sync.conflicts(offices.admin).first?.changed)
        #expect(Set(changed).isSuperset(of: ["narrative", "child_name_latin"]))
        let h = try adminAtOffices(offices)
        h.press(.enter, .enter)                          // the office's conflicts, then the conflict
        #expect(h.screen.contains("F5 Columns"))
        h.press(.function(5))
        #expect(h.app.topScreenTitleKey == "conflict-columns.title")
        #expect(h.screen.contains("Take from the office"))
        h.press(.function(2))                            // nothing marked: nothing settled
        #expect(h.app.topScreenTitleKey == "conflict-columns.title")
        #expect(h.screen.contains("Mark at least one column with Space"))
        #expect(try offices.headOffice.services.sync.conflicts(offices.admin).count == 1)
        h.press(.enter)                                  // the list of the columns the office changed
        let first = try #require(changed.first)
        h.press(.char(" "), .enter)                      // the first one marked
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "conflicts.title")
        #expect(h.screen.contains("Conflict 1: took the office's"))
        #expect(h.screen.contains("No conflicts wait"))
        let side = ["narrative": "seen at", "child_name_latin": "named at"]
        #expect(try offices.atHeadOffice(first, id) == (side[first] ?? "") + " the office")
        for other in ["narrative", "child_name_latin"] where other != first {
            #expect(try offices.atHeadOffice(other, id) == (side[other] ?? "") + " head office")
        }
        let audited = try h.services.audit.recent(offices.admin, limit: 3).map(\.summary)
        #expect(audited.contains { $0.contains("kept the office's \(first), head office's for the rest") })
    }

    @Test func anOfficeLateWithItsFilesIsNamedInRedAboveTheList() throws {
        let offices = try TwoOffices()
        let h = offices.headOffice
        h.time.advance(minutes: Double(OfficeStatus.lateAfterDays + 2) * 24 * 60)
        h.logIn("admin")
        try choose("Offices", on: h)
        #expect(h.screen.contains("PV1: no file applied for \(OfficeStatus.lateAfterDays + 2) days"))
    }

    @Test func headOfficesCaseListIsFilteredByOffice() throws {
        let offices = try TwoOffices()
        let h = offices.headOffice
        let dara = try h.session("dara")
        _ = try h.services.cases.createIntake(dara, Harness.childIntake("ស្រីពេជ្រ"))   // head office's own case
        let number = try #require(try offices.office.database.read { db in try OfficeIdentity.read(db)?.number })
        let all = try h.services.cases.listCases(dara, limit: 100)
        let fromOffice = try h.services.cases.listCases(dara, limit: 100, filter: CaseFilter(office: number))
        #expect(all.count == 5)
        #expect(fromOffice.count == 4 && fromOffice.allSatisfy { $0.code.hasPrefix("KC-PV1-") })
        #expect(try h.services.cases.countCases(dara, filter: CaseFilter(office: number)) == 4)

        h.logIn("dara")
        try choose("Cases", on: h)
        #expect(h.screen.range(of: #"KC-PV1-\d{4}-\d{4} "#, options: .regularExpression) != nil, "codes are whole")
        h.press(.function(5))
        #expect(h.app.topScreenTitleKey == "filter.title")
        #expect(h.screen.contains("Office"))
        let lone = try Harness(language: .en)
        lone.logIn("dara")
        try choose("Cases", on: lone)
        lone.press(.function(5))
        #expect(!lone.screen.contains("Office"))             // a lone office has no offices to choose
    }

    @Test func headOfficesReferralListIsFilteredByOfficeAndSearchFindsAnOfficesCases() throws {
        let offices = try TwoOffices()
        let h = offices.headOffice
        let number = try #require(try offices.office.database.read { db in try OfficeIdentity.read(db)?.number })
        let officeReferrals = try offices.office.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral") }
        try h.services.accounts.addUser(by: offices.admin, username: "vannak", displayName: "Vannak", role: .coordinator,
                                        password: testPassword, languageCode: "en")
        let vannak = try h.session("vannak")
        let listed = try h.services.referrals.list(vannak, filter: ReferralFilter(office: number), limit: 500)
        #expect(listed.count == officeReferrals && !listed.isEmpty)
        #expect(try h.services.referrals.list(vannak, filter: ReferralFilter(office: number + 1), limit: 500).isEmpty)
        #expect(try h.services.cases.search(try h.session("dara"), "PV1").count == 4)
        let officeHouseholds = try offices.office.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household") }
        let households = try h.services.households.list(try h.session("dara"), query: "PV1", limit: 500)
        #expect(households.count == officeHouseholds && households.allSatisfy { $0.code.contains("-PV1-") })

        h.logIn("vannak")
        h.select("Referrals")
        #expect(h.screen.range(of: #"RF-PV1-\d{4}-\d{4} "#, options: .regularExpression) != nil, "codes are whole")
        h.press(.function(5))
        #expect(h.app.topScreenTitleKey == "filter.referrals-title")
        #expect(h.screen.contains("Office"))
        for _ in 0..<11 { h.press(.tab) }                      // to the Office choice, the last
        h.press(.char(" "), .enter, .function(2))
        #expect(h.screen.contains("Filter: Office: PV1"))
        h.press(.function(6))
        #expect(h.screen.contains("ការិយាល័យ៖ PV1"), "the filter's words follow the language")
    }

    @Test func headOfficeReportsOnOneOfficeOrOnEvery() throws {
        let offices = try TwoOffices()
        let h = offices.headOffice
        _ = try h.services.cases.createIntake(try h.session("dara"), Harness.childIntake("ស្រីពេជ្រ"))   // head office's own
        let year = h.services.clock.today.year
        let officeCases = try offices.office.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE reported_date LIKE ?", arguments: ["\(year)-%"])
        } ?? 0
        h.logIn("dara")
        h.select("Reports")
        #expect(h.screen.contains("Office       Every office"))
        h.press(.tab, .ctrl("u"))
        h.type("\(year)")
        h.press(.tab, .char(" "), .enter)
        #expect(h.screen.contains("Office       PV1 · Prey Veng"))
        h.press(.function(2))
        #expect(h.screen.contains("Cases report · \(year) (to "))
        #expect(h.screen.contains("Office PV1 · Prey Veng"))
        #expect(h.screen.split(separator: "\n").contains { $0.contains("All new cases") && $0.contains(" \(officeCases) (") })
        h.press(.function(10))
        h.press(.backspace)                                    // every office again
        h.press(.function(2))
        #expect(h.screen.contains("Cases report · \(year) (to ") && h.screen.contains(" · Every office"))
        #expect(h.screen.split(separator: "\n").contains { $0.contains("All new cases") && $0.contains(" \(officeCases + 1) (") })
    }

    /// The office's own terminal (not a demo, so the day's backup runs),
    /// with its shared folder at `folder`; its clock is the harness's day,
    /// on which no file has gone out yet.
    func officeTerminal(_ offices: TwoOffices, sharedFolder folder: URL) throws -> Harness {
        try offices.office.database.write { db in try db.execute(sql: "DELETE FROM setting WHERE key = 'demo'") }
        try offices.office.sync.setSharedFolder(offices.officeAdmin, folder.path)
        let h = try Harness(setUp: false, language: .en, file: offices.folder.appendingPathComponent("pv1/komar.sqlite").path)
        h.logIn("admin", DemoData.password)
        h.app.runningBackup?.wait()
        h.app.tick()
        return h
    }

    @Test func theFirstLoginOfTheDayBacksUpAndSendsTheDaysFileToTheSharedFolder() throws {
        let offices = try TwoOffices()
        let shared = offices.folder.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let h = try officeTerminal(offices, sharedFolder: shared)
        // The demo admin works in Khmer.
        #expect(h.screen.contains("បានបម្រុងទុករួច ហើយបានផ្ញើការផ្លាស់ប្ដូរទៅថតចែករំលែក៖ PV1-000002-2026-11-21.komarsync"))
        #expect(!h.screen.contains("មានអាយុលើសពី"), "the home screen's notices are read again once the copy is made")
        #expect(h.screen.contains("មិនទាន់មានការចម្លងទៅថាសផ្សេងនៅឡើយទេ"), "never copied, not '30 days'")
        let sent = try FileManager.default.contentsOfDirectory(atPath: shared.path)
        #expect(sent == ["PV1-000002-2026-11-21.komarsync"])
        #expect(try offices.headOffice.services.sync.importFiles(offices.admin, [shared.appendingPathComponent(sent[0])])
                    .map(\.outcome) == [.applied])
    }

    @Test func aSharedFolderThatIsNotThereIsSaidAndTheBackupStillCounts() throws {
        let offices = try TwoOffices()
        let missing = offices.folder.appendingPathComponent("usb-stick-not-plugged-in")
        let h = try officeTerminal(offices, sharedFolder: missing)
        #expect(h.screen.contains("បានបម្រុងទុករួច ប៉ុន្តែការផ្លាស់ប្ដូរសម្រាប់ការិយាល័យកណ្តាលមិនត្រូវបានសរសេរទេ"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        let backups = try FileManager.default.contentsOfDirectory(atPath: offices.folder.appendingPathComponent("pv1/backups").path)
        #expect(backups.contains { $0.hasSuffix("-daily.sqlite") })
    }

    @Test func aConflictWithoutTheOfficesRowCannotBeSplitIntoColumns() throws {
        let offices = try TwoOffices()
        _ = try offices.conflictOverTheFirstCase()
        let sync = offices.headOffice.services.sync
        let conflict = try #require(try sync.conflicts(offices.admin).first)
        try offices.headOffice.services.database.write { db in
            try db.execute(sql: "UPDATE sync_conflict SET theirs = 'not a row' WHERE id = ?", arguments: [conflict.id])
        }
        #expect(throws: SyncError.conflictDamaged(id: conflict.id)) {
            try sync.resolve(offices.admin, conflict: conflict.id, keepTheirsOf: ["narrative"])
        }
        try offices.headOffice.services.database.write { db in
            try db.execute(sql: "UPDATE sync_conflict SET theirs = NULL WHERE id = ?", arguments: [conflict.id])
        }
        #expect(throws: SyncError.wholeRowsOnly) {
            try sync.resolve(offices.admin, conflict: conflict.id, keepTheirsOf: ["narrative"])
        }
        try sync.resolve(offices.admin, conflict: conflict.id, keep: .ours)   // the whole row is still a choice
        #expect(try sync.conflicts(offices.admin).isEmpty)
    }

    @Test func onlyHeadOfficeOffersTheOfficesScreen() throws {
        let h = try Harness(language: .en)
        h.logIn("admin")
        #expect(!h.screen.contains("  Offices"))
    }
}
