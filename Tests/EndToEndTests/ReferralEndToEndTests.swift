import CaseDomain
import CaseStore
import Foundation
import Testing

/// The trafficking-prevention path in the real binary: a social worker
/// registers a household in Khmer and refers a youth planning to migrate to
/// a sewing course; the coordinator moves it to completed; the month's
/// referrals are exported from the command line and read back by Python.
@Suite(.serialized) struct ReferralEndToEndTests {
    @Test func householdReferralCompletedAndExported() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        let filled = try komar(["demo", "--db", db, "--cases", "0"])
        #expect(filled.status == 0, "\(filled.stderr)")

        let tmux = try TmuxSession(command: komarCommand(db))
        func logIn(_ user: String) throws {
            try tmux.waitFor("ឈ្មោះអ្នកប្រើ")
            try tmux.type(user)
            try tmux.press("Tab")
            try tmux.type(DemoData.password)
            try tmux.press("Enter")
            try tmux.waitFor("សូមស្វាគមន៍")
        }
        try logIn("socialworker")
        try tmux.type("5")
        try tmux.waitFor("បញ្ជីគ្រួសារ")
        try tmux.press("F7")
        try tmux.waitFor("ឈ្មោះមេគ្រួសារ (ខ្មែរ)")
        try tmux.type("សុខ ចាន់ថា")
        try tmux.press("Tab")
        try tmux.type("Sok Chantha")
        try tmux.press("Tab", "Enter", "Enter", "Tab")
        try tmux.type("៤១")
        try tmux.press("Tab", "Tab")
        try tmux.type("កញ្ជ្រៀ")
        try tmux.press("Enter", "Tab")
        try tmux.type("kanh")
        try tmux.press("Enter", "Tab", "Enter", "Enter", "Tab", "Tab", "Tab")
        try tmux.press("Enter", "Down", "Enter", "Tab")      // ID Poor level 1
        try tmux.press("Enter", "Space", "Down", "Down", "Space", "Enter")
        // Debt, a member planning to go, ID Poor 1, and the woman at the head (ticked with her sex): 9.
        try tmux.waitFor("ពិន្ទុ ៩")
        try tmux.press("F2")
        let file = try tmux.waitFor("បានចុះឈ្មោះគ្រួសារ HH-")
        #expect(file.contains("កញ្ជ្រៀច"))
        try tmux.press("F4")
        try tmux.waitFor("ត្រូវជាអ្វីនឹងមេគ្រួសារ")
        try tmux.type("សុខ ស្រីនាង")
        try tmux.press("Tab")
        try tmux.type("Sok Sreyneang")
        try tmux.press("Tab", "Enter", "Enter", "Tab", "Tab")
        try tmux.type("17")
        try tmux.press("Tab", "Tab", "Tab", "Tab", "Enter", "Down", "Enter")   // planning to migrate
        try tmux.press("F2")
        try tmux.waitFor("គ្រោងចំណាកស្រុក")
        try tmux.press("F8")
        try tmux.waitFor("ការបញ្ជូនបន្តថ្មី")
        try tmux.press("Enter", "Down", "Enter", "Tab")
        try tmux.type("sewing")
        try tmux.press("Enter", "Tab", "Tab")
        try tmux.type("ចង់ទៅធ្វើការនៅថៃ")
        try tmux.press("Tab", "Tab", "Enter", "Enter")       // consent: yes
        try tmux.press("F2")
        try tmux.waitFor("ទៅអ្នកផ្ដល់សេវាហើយ។")
        try tmux.press("F10")
        try tmux.press("F10")
        try tmux.chooseMenuItem("ចាកចេញពីគណនី")

        try logIn("coordinator")
        try tmux.type("6")
        try tmux.waitFor("សុខ ស្រីនាង")
        try tmux.press("Enter")
        for status in ["បានទទួលយក", "បានចុះឈ្មោះ"] {
            try tmux.press("F4")
            try tmux.waitFor("ស្ថានភាពថ្មី")
            try tmux.press("F2")
            try tmux.waitFor("ឥឡូវស្ថិតក្នុងស្ថានភាព \(status)")
        }
        try tmux.press("F4")
        try tmux.waitFor("ស្ថានភាពថ្មី")
        try tmux.press("Tab", "Tab", "Enter", "Enter", "F2")     // past the date (today) to the outcome
        try tmux.waitFor("ឥឡូវស្ថិតក្នុងស្ថានភាព បានបញ្ចប់")
        try tmux.press("F10")
        try tmux.waitFor("បានបញ្ចប់ ១")
        try tmux.press("F10")
        try tmux.press("F10")
        try tmux.type("y")                          // Quit Komar? asked on Home
        try tmux.waitFor("komar exited with 0")

        // This month, whatever day the test runs: the referral was sent today.
        let calendar = Calendar(identifier: .gregorian)
        let month = calendar.dateComponents([.year, .month], from: Date())
        let days = calendar.range(of: .day, in: .month, for: calendar.date(from: month)!)!.count
        let monthText = String(format: "%02d/%04d", month.month!, month.year!)
        let csv = dir.appendingPathComponent("this-month.csv").path
        let exported = try komar(["export", "referrals", "--db", db, "--out", csv, "--user", "coordinator",
                                  "--from", "01/" + monthText, "--to", "\(days)/" + monthText],
                                 input: DemoData.password + "\n")
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("Wrote 1 referral to"))
        let python = try run("/usr/bin/python3", ["-c", """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
            print(rows[0][0], rows[0][2], len(rows) - 1)
            print(rows[1][5], rows[1][10], rows[1][2], rows[1][21])
            """, csv])
        #expect(python.status == 0, "\(python.stderr)")
        #expect(python.stdout == "Code Status 1\nសុខ ស្រីនាង Sewing Completed Working in the trained skill\n")

        let wrong = try komar(["export", "referrals", "--db", db, "--out", csv, "--user", "coordinator"],
                              input: "not-the-password\n")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("wrong username or password"))
        let worker = try komar(["export", "referrals", "--db", db, "--out", csv, "--user", "socialworker"],
                               input: DemoData.password + "\n")
        #expect(worker.status != 0)
        #expect(worker.stderr.contains("only coordinators"))
    }
}

/// Walk-through: `export households --out hh.xlsx` wrote CSV under an
/// Excel name, and `--from` on households exported the whole register.
/// The file's ending now gives the format, a mismatch is refused, and a
/// filter a register does not have is refused, not ignored.
@Suite struct RegisterExportEndToEndTests {
    @Test func theFilesEndingGivesTheFormatAndFiltersARegisterLacksAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        #expect(try komar(["demo", "--db", db, "--cases", "20"]).status == 0)
        func export(_ arguments: [String]) throws -> CommandResult {
            try komar(["export"] + arguments + ["--db", db, "--user", "coordinator"], input: DemoData.password + "\n")
        }
        let xlsx = dir.appendingPathComponent("hh.xlsx").path
        let made = try export(["households", "--out", xlsx])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: xlsx)).prefix(2) == Data("PK".utf8), "a real XLSX (a zip)")

        let mismatch = try export(["households", "--format", "csv", "--out", dir.appendingPathComponent("x.xlsx").path])
        #expect(mismatch.status != 0)
        #expect(mismatch.stderr.contains("--format csv does not match the file's ending"))

        let dated = try export(["households", "--from", "01/12/2026", "--out", dir.appendingPathComponent("h.csv").path])
        #expect(dated.status != 0)
        #expect(dated.stderr.contains("--from does not filter households; it takes --status, --risk, --place"), "\(dated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.csv").path))

        let iso = try export(["cases", "--from", "2026-01-01", "--out", dir.appendingPathComponent("c.csv").path])
        #expect(iso.status == 0, "the ISO date Komar's exports write is taken: \(iso.stderr)")
        let referrals = try export(["referrals", "--out", dir.appendingPathComponent("r.xlsx").path])
        #expect(referrals.status != 0)
        #expect(referrals.stderr.contains("referrals are exported as CSV"))
    }
}
