import CaseDomain
import CaseStore
import Foundation
import GRDB
import KhmerText
import Testing

/// A head office and one office in the real binary: enrolment, the
/// office's files applied at head office, a report on that one office, and
/// a conflict read and settled on head office's screens in Khmer at 80×24.
@Suite(.serialized) struct OfficeEndToEndTests {
    let bossPassword = "head-office-pass-26"

    /// Head office's database, the office's, its enrolment file and a USB stick, in `dir`.
    static func paths(in dir: URL) -> (hq: String, office: String, enrolment: String, usb: String) {
        (dir.appendingPathComponent("hq.sqlite").path, dir.appendingPathComponent("pv1.sqlite").path,
         dir.appendingPathComponent("PV1-enrolment.json").path, dir.appendingPathComponent("usb").path)
    }

    /// `komar bench` on a head office's database: its admin names who may
    /// copy it, and only what reads is timed (nothing there may be written).
    @Test func theBenchReadsAHeadOfficeWithItsAdmin() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (hq, office, enrolment, usb) = Self.paths(in: dir)
        let boss = bossPassword + "\n", admin = "demo1234\n"
        for (arguments, input) in [
            (["init", "--db", hq, "--org", "ICSO", "--admin", "boss", "--head-office", "HQ"], boss),
            (["office", "add", "PV1", "--name", "Pursat", "--out", enrolment, "--db", hq, "--user", "boss"], boss),
            (["demo", "--db", office, "--cases", "40"], ""),
            (["office", "join", enrolment, "--db", office, "--user", "admin"], admin),
            (["sync", "export", "--db", office, "--user", "admin", "--to", usb], admin),
        ] {
            let result = try komar(arguments, input: input)
            #expect(result.status == 0, "komar \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        let file = try FileManager.default.contentsOfDirectory(atPath: usb).filter { $0.hasSuffix(".komarsync") }
        #expect(try komar(["sync", "import", usb + "/" + (file.first ?? ""), "--db", hq, "--user", "boss"], input: boss).status == 0)

        let refused = try komar(["bench", "--db", hq, "--runs", "2"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is a head office: name its admin with --user"))
        let wrong = try komar(["bench", "--db", hq, "--runs", "2", "--user", "boss"], input: "guess-guess-guess\n")
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong username or password"))
        let bench = try komar(["bench", "--db", hq, "--runs", "2", "--user", "boss"], input: boss)
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("komar bench: 40 cases"), "\(bench.stdout)")
        for operation in ["search_khmer", "case_list_deep_page", "open_case_file", "report_cases_year", "keystroke_search_box"] {
            #expect(bench.stdout.contains(operation))
        }
        #expect(!bench.stdout.contains("save_followup") && !bench.stdout.contains("import_households"))
        let demo = try komar(["bench", "--db", office, "--runs", "2", "--user", "admin"], input: admin)
        #expect(demo.stderr.contains("--user is for a head office's database"))
    }

    @Test func anOfficesFilesReachHeadOfficeAndAConflictWaitsForAPersonInKhmer() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (hq, office, enrolment, usb) = Self.paths(in: dir)

        func succeeds(_ arguments: [String], input: String) throws -> String {
            let result = try komar(arguments, input: input)
            #expect(result.status == 0, "komar \(arguments.joined(separator: " ")): \(result.stderr)")
            return result.stdout
        }
        let boss = bossPassword + "\n", admin = "demo1234\n"
        _ = try succeeds(["init", "--db", hq, "--org", "ICSO", "--admin", "boss", "--language", "km", "--head-office", "HQ"],
                         input: boss)
        _ = try succeeds(["office", "add", "PV1", "--name", "ពោធិ៍សាត់", "--out", enrolment, "--db", hq, "--user", "boss"],
                         input: boss)
        _ = try succeeds(["demo", "--db", office, "--cases", "40"], input: "")
        _ = try succeeds(["office", "join", enrolment, "--db", office, "--user", "admin"], input: admin)
        _ = try succeeds(["sync", "export", "--db", office, "--user", "admin", "--to", usb], input: admin)
        let first = try FileManager.default.contentsOfDirectory(atPath: usb).filter { $0.hasSuffix(".komarsync") }
        #expect(first.count == 1 && first[0].hasPrefix("PV1-000001-"))
        let applied = try succeeds(["sync", "import", usb + "/" + first[0], "--db", hq, "--user", "boss"], input: boss)
        #expect(applied.contains("applied"), "\(applied)")

        // The same case changed at both ends, by hand at head office (sqlite3) and at the office.
        let narratives = ["head office": "បានកែនៅការិយាល័យកណ្តាល", "office": "បានកែនៅស្រុក"]
        let code = try DatabaseQueue(path: office).write { db -> String in
            let row = try Row.fetchOne(db, sql: "SELECT id, code FROM child_case ORDER BY id LIMIT 1")!
            try db.execute(sql: "UPDATE child_case SET narrative = ? WHERE id = ?", arguments: [narratives["office"], row["id"]])
            return row["code"]
        }
        #expect(code.hasPrefix("KC-PV1-"))
        try DatabaseQueue(path: hq).write { db in
            try db.execute(sql: "UPDATE child_case SET narrative = ? WHERE code = ?", arguments: [narratives["head office"], code])
        }
        try FileManager.default.removeItem(atPath: usb)
        _ = try succeeds(["sync", "export", "--db", office, "--user", "admin", "--to", usb], input: admin)
        let second = try FileManager.default.contentsOfDirectory(atPath: usb).filter { $0.hasSuffix(".komarsync") }
        let withConflict = try succeeds(["sync", "import", usb + "/" + second[0], "--db", hq, "--user", "boss"], input: boss)
        #expect(withConflict.contains("1 conflict"), "\(withConflict)")

        // A report at head office on the one office names it; an office head office does not know is refused.
        let services = KomarServices(database: try AppDatabase.open(path: hq))
        guard case .success(let bossSession) = try services.accounts.logIn(username: "boss", password: bossPassword) else {
            throw TmuxError(message: "boss cannot log in")
        }
        try services.accounts.addUser(by: bossSession, username: "vannak", displayName: "Vannak", role: .coordinator,
                                      password: passwordOf("vannak"), languageCode: "en")
        let vannak = passwordOf("vannak") + "\n"
        let report = try succeeds(["report", "data-quality", "--db", hq, "--user", "vannak", "--period", "2000-01-01..2026-12-31",
                                   "--office", "PV1"], input: vannak)
        #expect(report.contains("Office PV1 · ពោធិ៍សាត់"), "\(report)")
        #expect(report.contains("Cases reported"))
        let unknown = try komar(["report", "cases", "--db", hq, "--user", "vannak", "--period", "2026", "--office", "XX9"], input: vannak)
        #expect(unknown.status != 0 && unknown.stderr.contains("no office XX9"))

        // Head office's admin reads the conflict in Khmer, and keeps the office's version.
        let tmux = try TmuxSession(command: komarCommand(hq))
        try tmux.waitFor("ឈ្មោះអ្នកប្រើ")
        try tmux.type("boss")
        try tmux.press("Tab")
        try tmux.type(bossPassword)
        try tmux.press("Enter")
        try tmux.waitFor("សូមស្វាគមន៍")
        try tmux.chooseMenuItem("ការិយាល័យ")
        let offices = try tmux.waitFor("ពោធិ៍សាត់")
        #expect(offices.contains("ពោធិ៍សាត់"))
        try tmux.press("F4")
        try tmux.waitFor("ភាពខុសគ្នា ១ កំពុងរង់ចាំការសម្រេច")
        try tmux.press("Enter")
        let conflict = try tmux.waitFor(narratives["office"]!)
        let lines = conflict.split(separator: "\n").map(String.init)
        let theirs = try #require(lines.first { $0.contains(narratives["office"]!) })
        let ours = try #require(lines.first { $0.contains(narratives["head office"]!) })
        // Both values start in the same column of tmux's grid (the screen's margin, then 22 for the labels),
        // though one label holds a stacked consonant (ណ្ត).
        func column(of value: String, in line: String) -> Int? {
            line.range(of: value).map { DisplayWidth.of(line[..<$0.lowerBound]) }
        }
        #expect(column(of: narratives["office"]!, in: theirs) == 24, "\(conflict)")
        #expect(column(of: narratives["head office"]!, in: ours) == 24, "\(conflict)")
        try tmux.press("F2")
        try tmux.waitFor("បានរក្សាកំណែរបស់ការិយាល័យ")
        let kept = try DatabaseQueue(path: hq).read { db in
            try String.fetchOne(db, sql: "SELECT narrative FROM child_case WHERE code = ?", arguments: [code])
        }
        #expect(kept == narratives["office"])
        try tmux.press("F10")
        try tmux.press("F10")
        try tmux.press("F10")
        try tmux.type("y")                          // Quit Komar? asked on Home
        try tmux.waitFor("komar exited with 0")
    }
}
