import CaseDomain
import Foundation
import GRDB
import KhmerText
import Testing
@testable import CaseStore

/// Several offices and a head office, each a database file in one folder.
@Suite struct SyncTests {
    final class Network {
        let folder: URL
        let headOffice: KomarServices
        var offices: [String: KomarServices] = [:]

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-sync-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("hq"), withIntermediateDirectories: true)
            headOffice = try Self.open(folder.appendingPathComponent("hq/komar.sqlite"))
            try setUp(headOffice)
            try headOffice.offices.makeHeadOffice(code: "HQ")
        }

        static func open(_ url: URL) throws -> KomarServices {
            KomarServices(database: try AppDatabase.open(path: url.path), hasher: fastHasher)
        }

        /// A demo office with `cases` cases, added at head office and joined.
        @discardableResult
        func addOffice(_ code: String, cases: Int, seed: UInt64 = 7) throws -> KomarServices {
            let enrolment = try headOffice.offices.add(try auditor(headOffice), code: code, name: "Office \(code)")
            let place = folder.appendingPathComponent(code)
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let office = try Self.open(place.appendingPathComponent("komar.sqlite"))
            try DemoData.fill(office, cases: cases, seed: seed)
            _ = try office.offices.join(try auditor(office), enrolment)
            offices[code] = office
            return office
        }

        func export(_ code: String) throws -> URL {
            let office = try #require(offices[code])
            return try office.sync.export(try auditor(office), to: folder.appendingPathComponent("usb")).files[1]
        }

        func importFiles(_ files: [URL]) throws -> [SyncImportReport] {
            try headOffice.sync.importFiles(try auditor(headOffice), files)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func count(_ services: KomarServices, _ table: String) throws -> Int {
        try services.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    @Test func threeOfficesAddUpAtHeadOffice() throws {
        let network = try Network()
        defer { network.remove() }
        for (code, cases) in [("PV1", 30), ("MK2", 20), ("RT3", 10)] { try network.addOffice(code, cases: cases) }
        let files = try ["PV1", "MK2", "RT3"].map(network.export)
        let reports = try network.importFiles(files)
        #expect(reports.allSatisfy { $0.outcome == .applied && $0.conflicts == 0 && $0.warnings.isEmpty })
        for table in ["child_case", "household", "household_member", "referral", "follow_up", "case_event"] {
            let sum = try network.offices.values.reduce(0) { $0 + (try Self.count($1, table)) }
            #expect(try Self.count(network.headOffice, table) == sum, "\(table)")
        }
        let period = try #require(ReportPeriod(start: LocalDate(year: 2024, month: 1, day: 1)!,
                                               end: LocalDate(year: 2026, month: 12, day: 31)!))
        func counts(_ services: KomarServices, _ name: String) throws -> [Int] {
            let report = try services.reports.make(try session(services, name, .coordinator),
                                                   ReportRequest(kind: .cases, period: period))
            return report.tables[0].rows.flatMap { row in
                row.compactMap { cell -> Int? in
                    switch cell {
                    case .tally(let tally): tally.total * 1000 + tally.female
                    case .count(let count): count
                    default: nil
                    }
                }
            }
        }
        let atHeadOffice = try counts(network.headOffice, "hqcoordinator")
        var summed = Array(repeating: 0, count: atHeadOffice.count)
        for (code, office) in network.offices {
            for (index, value) in try counts(office, "coordinator\(code.lowercased())").enumerated() { summed[index] += value }
        }
        #expect(atHeadOffice == summed)
        #expect(atHeadOffice.contains { $0 > 0 })
        // Each report for one office, made at head office from its records, says what the office's own says.
        let hq = try session(network.headOffice, "hqreader", .coordinator)
        let numbers = Dictionary(uniqueKeysWithValues: try network.headOffice.offices.officeNames(hq).map { ($0.code, $0.number) })
        for (code, office) in network.offices {
            let own = try session(office, "reader\(code.lowercased())", .coordinator)
            for kind in ReportKind.allCases {
                let there = try office.reports.make(own, ReportRequest(kind: kind, period: period))
                let here = try network.headOffice.reports.make(hq, ReportRequest(kind: kind, period: period, office: numbers[code]))
                #expect(here.officeName == "\(code) · Office \(code)")
                #expect(here.tables.map(\.figures) == there.tables.map(\.figures), "\(code) \(kind)")
            }
        }
        // Three demo offices have workers of the same names: head office tells them apart.
        let byWorker = try network.headOffice.reports.make(hq, ReportRequest(kind: .followUps, period: period)).tables[0].rows
        #expect(Set(byWorker.map(\.first)).count == byWorker.count)
        // Every office's audit chain arrived whole, beside head office's own.
        #expect(try network.headOffice.database.read { db in try AuditLog.firstBrokenRow(db) } == nil)
        // Searching at head office finds an office's case by its new code.
        let code = try network.offices["MK2"]!.database.read { db in try String.fetchOne(db, sql: "SELECT code FROM child_case LIMIT 1") }
        #expect(code?.hasPrefix("KC-MK2-") == true)
        let found = try network.headOffice.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_search WHERE case_search MATCH ?",
                             arguments: ["\"\(SearchKey.make(code ?? ""))\""])
        }
        #expect(found == 1)
    }

    /// Twenty offices of 200 cases each send a first file and a second
    /// one after more work; head office takes each round in one command
    /// and holds exactly the sum of the offices, with every audit chain
    /// whole and no conflict.
    @Test func twentyOfficesSendTwoRoundsOfFilesAndHeadOfficeHoldsTheirSum() throws {
        let network = try Network()
        defer { network.remove() }
        let codes = (1...20).map { String(format: "OF%02d", $0) }
        for (index, code) in codes.enumerated() { try network.addOffice(code, cases: 200, seed: UInt64(100 + index)) }
        let tables = ["child_case", "case_event", "household", "household_member", "follow_up", "referral",
                      "referral_transition", "provider"]
        func expectSums(_ round: String) throws {
            for table in tables {
                let sum = try network.offices.values.reduce(0) { $0 + (try Self.count($1, table)) }
                #expect(try Self.count(network.headOffice, table) == sum, "\(round): \(table)")
            }
            for (code, office) in network.offices {
                let number = try #require(try office.database.read { db in try OfficeIdentity.read(db)?.number })
                #expect(try Self.officeRows(network.headOffice, number).filter { $0.key != "audit_event" }
                            == Self.officeRows(office, number).filter { $0.key != "audit_event" }, "\(round): \(code)")
            }
            #expect(try network.headOffice.database.read { db in try AuditLog.firstBrokenRow(db) } == nil, "\(round)")
        }
        let first = try network.importFiles(try codes.map(network.export))
        #expect(first.count == 20 && first.allSatisfy { $0.outcome == .applied && $0.conflicts == 0 && $0.warnings.isEmpty })
        try expectSums("first files")

        // A day's work at half the offices: new cases, and some closed.
        for (index, code) in codes.enumerated() where index % 2 == 0 {
            let office = try #require(network.offices[code])
            try DemoData.fill(office, cases: 20, seed: UInt64(500 + index))
            try office.database.write { db in
                try db.execute(sql: "UPDATE child_case SET narrative = narrative || ' (seen again)' WHERE id IN (SELECT id FROM child_case ORDER BY id LIMIT 5)")
            }
        }
        let second = try network.importFiles(try codes.map(network.export).reversed())
        #expect(second.map(\.sequence) == Array(repeating: 2, count: 20))
        #expect(second.allSatisfy { $0.outcome == .applied && $0.conflicts == 0 && $0.warnings.isEmpty })
        #expect(second.filter { $0.changes > 0 }.count >= 10)
        try expectSums("second files")
    }

    @Test func headOfficeExportsOneOfficesRegisters() throws {
        let network = try Network()
        defer { network.remove() }
        let pv1 = try network.addOffice("PV1", cases: 6)
        let mk2 = try network.addOffice("MK2", cases: 4, seed: 9)
        _ = try network.importFiles(try ["PV1", "MK2"].map(network.export))
        let coordinator = try session(network.headOffice, "hqcoordinator", .coordinator)
        let names = try network.headOffice.offices.officeNames(coordinator)
        #expect(names.map(\.code) == ["MK2", "PV1"])
        func rows(_ register: Register, _ code: String?) throws -> Int {
            let office = code.flatMap { code in names.first { $0.code == code }?.number }
            return try network.headOffice.registers.table(coordinator, register, filter: RegisterFilter(office: office)).rows.count
        }
        for register in [Register.cases, .households, .followUps, .providers] {
            #expect(try rows(register, "PV1") + rows(register, "MK2") == rows(register, nil), "\(register)")
            #expect(try rows(register, "PV1") > 0, "\(register)")
        }
        #expect(try rows(.cases, "PV1") == Self.count(pv1, "child_case"))
        #expect(try rows(.cases, "MK2") == Self.count(mk2, "child_case"))
    }

    @Test func aFileAppliesOnceAGapIsRefusedAndAChangedFileIsRefused() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 5)
        let first = try network.export("PV1")
        try DemoData.fill(office, cases: 3, seed: 9)
        let second = try network.export("PV1")
        let third = try network.export("PV1")
        #expect(throws: SyncError.missingFiles(code: "PV1", from: 1, to: 1)) { try network.importFiles([second]) }
        #expect(try network.importFiles([first]).map(\.outcome) == [.applied])
        #expect(try network.importFiles([first]).map(\.outcome) == [.alreadyApplied])
        var changed = try Data(contentsOf: second)
        changed[changed.count - 40] ^= 1
        let tampered = network.folder.appendingPathComponent("tampered.komarsync")
        try changed.write(to: tampered)
        #expect(throws: SyncFileError.notAuthentic) { try network.importFiles([tampered]) }
        #expect(try network.importFiles([third, second]).map(\.outcome) == [.applied, .applied])
        #expect(try Self.count(network.headOffice, "child_case") == Self.count(office, "child_case"))
    }

    @Test func aDamagedFileIsRefusedWithoutChangingHeadOfficeAndTheGoodCopyStillApplies() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 3)
        let good = try Data(contentsOf: try network.export("PV1"))
        let headStart = SyncFile.magic.count + 4
        var manifestByte = good
        manifestByte[headStart + 1] ^= 0x80                   // the manifest's JSON is no longer JSON
        var manifestValue = good
        let manifestText = String(decoding: good[headStart..<(headStart + Int(SyncFile.readUInt32(good, at: SyncFile.magic.count)))],
                                  as: UTF8.self)
        let sequence = try #require(manifestText.range(of: "\"sequence\":1"))
        let at = headStart + manifestText.utf8.distance(from: manifestText.startIndex, to: sequence.upperBound) - 1
        manifestValue[at] = UInt8(ascii: "2")                 // still JSON, but not what was sealed
        let cases: [(String, Data, SyncFileError)] = [
            ("empty", Data(), .damaged),
            ("not a sync file", Data("Household,Village\n1,Prey Veng\n".utf8), .damaged),
            ("cut after the manifest", good.prefix(headStart + 40), .damaged),
            ("cut in half", good.prefix(good.count / 2), .notAuthentic),
            ("a byte of the manifest", manifestByte, .damaged),
            ("a value of the manifest", manifestValue, .notAuthentic),
        ]
        let before = try Self.officeRows(network.headOffice, 1)
        for (name, data, error) in cases {
            let file = network.folder.appendingPathComponent("bad-\(name).komarsync")
            try data.write(to: file)
            #expect(throws: error, "\(name)") { try network.importFiles([file]) }
        }
        #expect(try Self.officeRows(network.headOffice, 1) == before)
        let copy = network.folder.appendingPathComponent("good.komarsync")
        try good.write(to: copy)
        #expect(try network.importFiles([copy]).map(\.outcome) == [.applied])
        #expect(try Self.count(network.headOffice, "child_case") == Self.count(office, "child_case"))
    }

    @Test func aDamagedEnrolmentFileIsRefusedAndJoinsNothing() throws {
        let network = try Network()
        defer { network.remove() }
        let enrolment = try network.headOffice.offices.add(try auditor(network.headOffice), code: "PV1", name: "Prey Veng")
        let file = network.folder.appendingPathComponent("PV1-enrolment.json")
        try OfficeService.write(enrolment, to: file)
        #expect(try OfficeService.readEnrolment(file) == enrolment)
        let text = try String(contentsOf: file, encoding: .utf8)
        for (name, damaged) in [("cut short", String(text.prefix(text.count / 2))), ("empty", ""),
                                ("another kind of file", #"{"komar": "backup", "format": 1}"#)] {
            try damaged.write(to: file, atomically: true, encoding: .utf8)
            #expect(throws: SyncFileError.damaged, "\(name)") { try OfficeService.readEnrolment(file) }
        }
        var shortKey = enrolment
        shortKey.key = shortKey.key.prefix(31)
        try OfficeService.write(shortKey, to: file)
        #expect(throws: SyncFileError.damaged) { try OfficeService.readEnrolment(file) }
    }

    @Test func theDaysChangesGoToTheSharedFolderOnceADayAtAnyonesLogin() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 3)
        guard case .success(let volunteer) = try office.accounts.logIn(username: "volunteer", password: DemoData.password) else {
            Issue.record("the demo office has no volunteer")
            return
        }
        #expect(try office.sync.exportIfDue(volunteer) == nil)             // no folder set
        #expect(throws: PermissionDenied.self) { try office.sync.setSharedFolder(volunteer, "/tmp") }
        #expect(throws: SyncError.self) { try office.sync.setSharedFolder(try auditor(office), "relative/folder") }
        let shared = network.folder.appendingPathComponent("shared")
        try office.sync.setSharedFolder(try auditor(office), shared.path)
        #expect(try office.sync.sharedFolder()?.path == shared.path)
        #expect(throws: SyncError.sharedFolderMissing(path: shared.path)) { try office.sync.exportIfDue(volunteer) }
        #expect(!FileManager.default.fileExists(atPath: shared.path))     // a missing drive is not made on the local disk
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let report = try #require(try office.sync.exportIfDue(volunteer))
        #expect(report.files.last?.deletingLastPathComponent().path == shared.path)
        #expect(try office.sync.exportIfDue(volunteer) == nil)             // once a day
        #expect(try network.importFiles([try #require(report.files.last)]).map(\.outcome) == [.applied])
        #expect(try Self.count(network.headOffice, "child_case") == Self.count(office, "child_case"))
        try office.sync.setSharedFolder(try auditor(office), nil)
        #expect(try office.sync.sharedFolder() == nil)
        #expect(try network.headOffice.sync.exportIfDue(try auditor(network.headOffice)) == nil)
    }

    @Test func aFileFromAnUnknownOfficeIsRefused() throws {
        let network = try Network()
        defer { network.remove() }
        try network.addOffice("PV1", cases: 2)
        let file = try network.export("PV1")
        let other = try Network()
        defer { other.remove() }
        #expect(throws: SyncError.unknownOffice(code: "PV1")) { try other.importFiles([file]) }
    }

    @Test func aRowChangedAtBothEndsBecomesAConflictUntilAPersonDecides() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 4)
        _ = try network.importFiles([try network.export("PV1")])
        let id = try office.database.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM child_case") }!
        try network.headOffice.database.write { db in
            try db.execute(sql: "UPDATE child_case SET narrative = 'changed at head office' WHERE id = ?", arguments: [id])
        }
        try office.database.write { db in
            try db.execute(sql: "UPDATE child_case SET narrative = 'changed at the office' WHERE id = ?", arguments: [id])
        }
        let report = try network.importFiles([try network.export("PV1")])
        #expect(report.first?.conflicts == 1)
        let hq = try auditor(network.headOffice)
        let conflicts = try network.headOffice.sync.conflicts(hq)
        let conflict = try #require(conflicts.first)
        #expect(conflict.theirs?["narrative"] == "changed at the office")
        #expect(conflict.ours?["narrative"] == "changed at head office")
        func narrative() throws -> String? {
            try network.headOffice.database.read { db in
                try String.fetchOne(db, sql: "SELECT narrative FROM child_case WHERE id = ?", arguments: [id])
            }
        }
        #expect(try narrative() == "changed at head office")
        // Until a person decides, head office holds no one version of the row to rebuild the office with.
        let rebuild = network.folder.appendingPathComponent("rebuild")
        #expect(throws: SyncError.conflictsWaiting(code: "PV1", count: 1)) {
            try network.headOffice.sync.exportRebuild(hq, office: "PV1", to: rebuild)
        }
        try network.headOffice.sync.resolve(hq, conflict: conflict.id, keep: .theirs)
        #expect(try narrative() == "changed at the office")
        #expect(try network.headOffice.sync.conflicts(hq).isEmpty)
        #expect(try network.headOffice.sync.exportRebuild(hq, office: "PV1", to: rebuild).manifest.office == "PV1")
        #expect(throws: SyncError.conflictResolved(id: conflict.id)) {
            try network.headOffice.sync.resolve(hq, conflict: conflict.id, keep: .ours)
        }
        let audited = try network.headOffice.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event WHERE action = 'conflict-resolved'")
        }
        #expect(audited == 1)
    }

    @Test func anExportComparesTheMarkedRowsAndTheWholeFileWhenAMarkCannotBeTrusted() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 6)
        _ = try network.importFiles([try network.export("PV1")])
        let ids = try office.database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM child_case ORDER BY id LIMIT 2") }
        func narrative(_ id: Int64) throws -> String? {
            try network.headOffice.database.read { db in
                try String.fetchOne(db, sql: "SELECT narrative FROM child_case WHERE id = ?", arguments: [id])
            }
        }
        func marks(_ services: KomarServices) throws -> [String] {
            try services.database.read { db in try String.fetchAll(db, sql: "SELECT table_name FROM sync_change ORDER BY id") }
        }
        try office.database.write { db in
            try db.execute(sql: "UPDATE child_case SET narrative = 'seen by its mark' WHERE id = ?", arguments: [ids[0]])
        }
        #expect(try marks(office) == ["audit_event", "child_case"])
        let marked = try network.importFiles([try network.export("PV1")])
        // The case, and the event of the export before, written after its file.
        #expect(marked.first?.changes == 2)
        #expect(try narrative(ids[0]) == "seen by its mark")
        #expect(try marks(office) == ["audit_event"])
        // Head office marks nothing, though it just applied changes.
        #expect(try marks(network.headOffice).isEmpty)
        // Marks deleted or changed by hand (with sqlite3) are counted as
        // lost: the next export compares the whole files, and forgives them.
        func lost() throws -> Int? {
            try office.database.read { db in try Int.fetchOne(db, sql: "SELECT lost FROM sync_change_guard") }
        }
        #expect(try lost() == 0)
        for (text, forget) in [("mark deleted", "DELETE FROM sync_change"),
                               ("mark changed", "UPDATE sync_change SET row_key = -1 WHERE table_name = 'child_case'")] {
            try office.database.write { db in
                try db.execute(sql: "UPDATE child_case SET narrative = ? WHERE id = ?", arguments: [text, ids[0]])
                try db.execute(sql: forget)
            }
            #expect(try lost() ?? 0 > 0, "\(text)")
            _ = try network.importFiles([try network.export("PV1")])
            #expect(try narrative(ids[0]) == text)
            #expect(try lost() == 0, "\(text)")
        }
        // The guard itself deleted: the marks are not trusted until an export puts it back.
        try office.database.write { db in
            try db.execute(sql: "DELETE FROM sync_change_guard")
            try db.execute(sql: "UPDATE child_case SET narrative = 'guard deleted' WHERE id = ?", arguments: [ids[0]])
            try db.execute(sql: "DELETE FROM sync_change")
        }
        _ = try network.importFiles([try network.export("PV1")])
        #expect(try narrative(ids[0]) == "guard deleted")
        #expect(try lost() == 0)
        // A change made with its marking trigger dropped still travels: the
        // export sees the trigger gone and compares the whole files.
        try office.database.write { db in
            try db.execute(sql: "DROP TRIGGER sync_change_child_case_update")
            try db.execute(sql: "UPDATE child_case SET narrative = 'changed unmarked' WHERE id = ?", arguments: [ids[1]])
        }
        #expect(try marks(office) == ["audit_event"])
        _ = try network.importFiles([try network.export("PV1")])
        #expect(try narrative(ids[1]) == "changed unmarked")
    }

    /// Rows of each shared table in office `number`'s range.
    static func officeRows(_ services: KomarServices, _ number: Int64) throws -> [String: Int] {
        try services.database.read { db in
            var counts: [String: Int] = [:]
            let range = OfficeKeys.range(number)
            for (table, key) in SyncTables.marked {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(key) >= ? AND \(key) < ?",
                                                 arguments: [range.lowerBound, range.upperBound])
            }
            return counts
        }
    }

    @Test func aLostOfficeIsRebuiltFromHeadOfficeAndWhatItMakesNextFollowsOn() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 8)
        _ = try network.importFiles([try network.export("PV1")])
        try DemoData.fill(office, cases: 3, seed: 9)
        _ = try network.importFiles([try network.export("PV1")])
        let admin = try auditor(office).user.username
        let hq = try auditor(network.headOffice)
        let rebuild = try network.headOffice.sync.exportRebuild(hq, office: "PV1", to: network.folder.appendingPathComponent("rebuild"))
        #expect(rebuild.manifest.sequence == 2)
        // Head office never applies its own rebuild file.
        #expect(throws: SyncError.rebuildFile) { try network.importFiles([rebuild.file]) }

        let place = network.folder.appendingPathComponent("PV1-new")
        try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
        let rebuilt = try Network.open(place.appendingPathComponent("komar.sqlite"))
        let enrolment = try OfficeService.readEnrolment(rebuild.enrolment)
        #expect(throws: SyncError.noSuchAdmin(username: "nobody")) {
            try rebuilt.offices.rebuild(from: rebuild.file, enrolment: enrolment, admin: "nobody", password: "new-office-2026",
                                        hasher: fastHasher)
        }
        let report = try rebuilt.offices.rebuild(from: rebuild.file, enrolment: enrolment, admin: admin,
                                                 password: "new-office-2026", hasher: fastHasher)
        #expect(report.sequence == 2)
        #expect(try Self.officeRows(rebuilt, 1).filter { $0.key != "audit_event" }
            == Self.officeRows(network.headOffice, 1).filter { $0.key != "audit_event" })
        // The admin logs in with the new password; the others wait for one.
        guard case .success(let session) = try rebuilt.accounts.logIn(username: admin, password: "new-office-2026") else {
            Issue.record("the rebuilt office's admin cannot log in")
            return
        }
        let others = try rebuilt.database.read { db in
            try String.fetchAll(db, sql: "SELECT password_hash FROM user WHERE username != ?", arguments: [admin])
        }
        #expect(!others.isEmpty && others.allSatisfy { $0 == "!" })
        // New work gets keys above everything head office holds, and its
        // next file follows on at head office with nothing out of place.
        try rebuilt.database.write { db in
            try db.execute(sql: """
                INSERT INTO case_event (case_id, at, by_user, kind, note)
                SELECT MIN(id), CURRENT_TIMESTAMP, ?, 'note', 'after the rebuild' FROM child_case
                """, arguments: [session.user.id])
        }
        let newest = try rebuilt.database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM case_event") }!
        let highestHeld = try network.headOffice.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM case_event WHERE id < ?", arguments: [OfficeKeys.base(2)])
        }!
        #expect(newest > highestHeld && OfficeKeys.office(of: newest) == 1)
        // As if killed after the rebuild's commit, before its snapshot moved into place: the export takes it.
        let sync = place.appendingPathComponent("sync")
        try FileManager.default.moveItem(at: sync.appendingPathComponent("snapshot.sqlite"),
                                         to: sync.appendingPathComponent("snapshot-rebuilt.sqlite"))
        network.offices["PV1"] = rebuilt
        let next = try network.importFiles([try network.export("PV1")])
        #expect(next.first?.sequence == 3 && next.first?.conflicts == 0)
        #expect(next.first?.warnings == [])
        #expect(try Self.officeRows(network.headOffice, 1).filter { $0.key != "audit_event" }
            == Self.officeRows(rebuilt, 1).filter { $0.key != "audit_event" })
    }

    @Test func anOfficePutBackFromAnOlderCopyTakesBackWhatHeadOfficeHoldsAndMakesNoKeyTwice() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 6)
        _ = try network.importFiles([try network.export("PV1")])
        let older = network.folder.appendingPathComponent("older.sqlite")
        try office.database.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [older.path]) }
        try DemoData.fill(office, cases: 3, seed: 9)
        _ = try network.importFiles([try network.export("PV1")])
        let sentCases = try Self.count(office, "child_case")
        // The office's disk is put back from the copy made before file 2.
        let copy = try DatabaseQueue(path: older.path)
        try copy.backup(to: office.database.writer)
        try copy.close()
        #expect(try Self.count(office, "child_case") < sentCases)
        let next = try network.importFiles([try network.export("PV1")])
        #expect(try Self.count(office, "child_case") == sentCases)
        #expect(next.first?.conflicts == 0)
        #expect(next.first?.warnings == [])
        #expect(try Self.count(network.headOffice, "child_case") == sentCases)
        let caughtUp = try office.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event WHERE action = 'sync-caught-up'")
        }
        #expect(caughtUp == 1)
        let highestHeld = try network.headOffice.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM child_case WHERE id < ?", arguments: [OfficeKeys.base(2)])
        }!
        try DemoData.fill(office, cases: 1, seed: 11)
        let newest = try office.database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM child_case") }!
        #expect(newest > highestHeld)
        #expect(try network.importFiles([try network.export("PV1")]).first?.conflicts == 0)
    }

    @Test func headOfficeBacksUpAndChecksItsFileThoughOfficeKeysAreHuge() throws {
        let network = try Network()
        defer { network.remove() }
        try network.addOffice("PV1", cases: 3)
        _ = try network.importFiles([try network.export("PV1")])
        let hq = try auditor(network.headOffice)
        let entry = try network.headOffice.backups.make(hq, verify: false)
        // The thorough check weighs each table by its highest key: near 2^62 at head office.
        let manifest = try BackupService.verify(entry.file, passphrase: nil, thorough: true,
                                                besideDatabase: network.headOffice.database.path)
        #expect(manifest.rowCounts["child_case"] == 3)
    }

    @Test func anAuditLogRewrittenAfterAnExportIsFlaggedAtTheNextImport() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 2)
        _ = try network.importFiles([try network.export("PV1")])
        try office.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update")
            try db.execute(sql: "UPDATE audit_event SET summary = 'nothing happened' WHERE id = (SELECT MIN(id) FROM audit_event)")
        }
        let report = try network.importFiles([try network.export("PV1")])
        #expect(report.first?.warnings.isEmpty == false)
        let status = try network.headOffice.offices.offices(try auditor(network.headOffice))
        #expect(status.first?.auditAlert.contains("rewritten") == true)
        // The event head office holds is the one the office first sent.
        let summary = try network.headOffice.database.read { db in
            try String.fetchOne(db, sql: "SELECT summary FROM audit_event WHERE id = ?",
                                arguments: [OfficeKeys.base(1) + 1])
        }
        #expect(summary != "nothing happened")
    }

    @Test func joiningMovesKeysAndCodesAndKeepsEveryReference() throws {
        let network = try Network()
        defer { network.remove() }
        let services = try Network.open(network.folder.appendingPathComponent("lone.sqlite"))
        try DemoData.fill(services, cases: 25)
        func records() throws -> [String: Int] {
            try services.database.read { db in try BackupCopy.rowCounts(db) }.filter { SyncTables.shared.contains($0.key) && $0.key != "audit_event" }
        }
        let before = try records()
        let caseCode = try services.database.read { db in try String.fetchOne(db, sql: "SELECT code FROM child_case ORDER BY id") }
        let enrolment = try network.headOffice.offices.add(try auditor(network.headOffice), code: "KT4", name: "Kratie")
        let settingsBefore = try services.settings.versioned()
        #expect(settingsBefore.settings.organisation != "Test NGO")
        let moved = try services.offices.join(try auditor(services), enrolment)
        #expect(OfficeKeys.office(of: moved.user.id) == enrolment.number)
        // The office now works for head office's organisation; a settings form open before sees the change.
        let settingsAfter = try services.settings.versioned()
        #expect(settingsAfter.settings.organisation == "Test NGO")
        #expect(settingsAfter.version == settingsBefore.version + 1)
        #expect(try records() == before)
        try services.database.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            for table in OfficeKeyShift.keyedTables {
                let outside = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE id < ? OR id >= ?",
                                               arguments: [OfficeKeys.base(enrolment.number), OfficeKeys.base(enrolment.number + 1)])
                #expect(outside == 0, "\(table)")
            }
            let first = try String.fetchOne(db, sql: "SELECT code FROM child_case ORDER BY id")
            #expect(first == caseCode.map { "KC-KT4-" + $0.dropFirst(3) })
            #expect(try AuditLog.firstBrokenRow(db) == nil)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_search") == before["child_case"])
        }
        // The referrals report names providers by their moved keys: its tallies were worked out again.
        let period = try #require(ReportPeriod(start: LocalDate(year: 2000, month: 1, day: 1)!,
                                               end: LocalDate(year: 2026, month: 12, day: 31)!))
        let referrals = try services.reports.make(try session(services, "reader", .coordinator),
                                                  ReportRequest(kind: .referrals, period: period))
        let providers = referrals.tables[0].rows.compactMap { row -> String? in
            guard row.count > 1, case .text(let text) = row[1] else { return nil }
            return "\(text)"
        }
        #expect(!providers.isEmpty && !providers.contains { $0.contains("#") }, "\(providers)")
        // A case made after joining gets the office's key and code.
        let worker = try session(services, "newworker", .socialWorker)
        let created = try services.cases.createIntake(worker, intake())
        #expect(OfficeKeys.office(of: created.id) == enrolment.number)
        #expect(created.code.hasPrefix("KC-KT4-"))
        #expect(throws: OfficeError.alreadyJoined(code: "KT4")) { try services.offices.join(try auditor(services), enrolment) }
    }

    @Test func anExportCutOffAfterWritingIsCompletedByTheNext() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 3)
        let first = try network.export("PV1")
        // As if the snapshot had not moved on: put back the one from before.
        let snapshot = SyncFolder(databasePath: office.database.path!).snapshot
        try FileManager.default.removeItem(at: snapshot)
        try office.database.write { db in try db.execute(sql: "DELETE FROM sync_file") }
        let report = try office.sync.export(try auditor(office))
        #expect(report.completedEarlier == 1)
        #expect(report.manifest.sequence == 2)
        #expect(try network.importFiles([first, report.files[0]]).allSatisfy { $0.outcome == .applied && $0.warnings.isEmpty })
    }

    /// The first export's snapshot is a copy of the office's file, without
    /// what only the live file needs: passwords, the enrolment key, drafts.
    @Test func theFirstSnapshotIsACopyWithoutPasswordsKeysOrDrafts() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 3)
        _ = try network.export("PV1")
        let places = SyncFolder(databasePath: office.database.path!)
        #expect(!FileManager.default.fileExists(atPath: places.firstSnapshot.path))
        let mode = try FileManager.default.attributesOfItem(atPath: places.snapshot.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let live = try office.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case") }
        let snapshot = try DatabaseQueue(path: places.snapshot.path)
        defer { try? snapshot.close() }
        let held = try snapshot.read { db in
            (cases: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case"),
             hashes: try String.fetchSet(db, sql: "SELECT password_hash FROM user"),
             offices: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM office"),
             drafts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM form_draft"),
             sequence: try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'sync_sequence'"))
        }
        #expect(held.cases == live)
        #expect(held.hashes == ["!"])
        #expect(held.offices == 0 && held.drafts == 0)
        #expect(held.sequence == "1")
    }

    @Test func headOfficeNeverChangesAnOfficesRecords() throws {
        let network = try Network()
        defer { network.remove() }
        try network.addOffice("PV1", cases: 3)
        _ = try network.importFiles([try network.export("PV1")])
        let hq = try auditor(network.headOffice)
        let officeAdmin = try network.headOffice.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = 'admin@PV1'")
        }
        #expect(throws: PermissionDenied.self) {
            try network.headOffice.accounts.setActive(hq, userId: try #require(officeAdmin), active: true)
        }
        let worker = try session(network.headOffice, "hqworker", .socialWorker)
        let caseId = try network.headOffice.database.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM child_case") }
        let id = try #require(caseId)
        let (input, version, _) = try network.headOffice.cases.editableCase(worker, id: id)
        #expect(throws: PermissionDenied.self) {
            try network.headOffice.cases.editCase(worker, id: id, input, expectedVersion: version)
        }
    }

    @Test func keepingAnOfficesVersionOfAMemberWritesItAndItsHouseholdsSearchRow() throws {
        let network = try Network()
        defer { network.remove() }
        let office = try network.addOffice("PV1", cases: 4)
        _ = try network.importFiles([try network.export("PV1")])
        let member = try office.database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, household_id FROM household_member ORDER BY id LIMIT 1")
        }
        let id: Int64 = try #require(member)["id"]
        let household: Int64 = try #require(member)["household_id"]
        try network.headOffice.database.write { db in
            try db.execute(sql: "UPDATE household_member SET phone = '011 111 111' WHERE id = ?", arguments: [id])
        }
        try office.database.write { db in
            try db.execute(sql: "UPDATE household_member SET phone = '099 888 777' WHERE id = ?", arguments: [id])
        }
        #expect(try network.importFiles([try network.export("PV1")]).first?.conflicts == 1)
        let hq = try auditor(network.headOffice)
        let conflict = try #require(try network.headOffice.sync.conflicts(hq).first)
        try network.headOffice.sync.resolve(hq, conflict: conflict.id, keep: .theirs)
        try network.headOffice.database.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT phone FROM household_member WHERE id = ?", arguments: [id])
                == "099 888 777")
            let text = try String.fetchOne(db, sql: "SELECT text FROM household_search WHERE rowid = ?", arguments: [household])
            #expect(text?.contains("099888777") == true)
        }
    }
}

extension ReportTable {
    /// Every number in the table, row by row: what two reports that count
    /// the same records agree on, whoever made them.
    var figures: [[String]] {
        rows.map { row in
            row.compactMap { cell -> String? in
                switch cell {
                case .tally(let tally): "\(tally.total)/\(tally.female)"
                case .count(let count): "\(count)"
                case .days(let days): days.map { "\($0)" } ?? "-"
                case .share(let part, let whole): "\(part)/\(whole)"
                case .text: nil
                }
            }
        }
    }
}
