import CaseDomain
import CaseStore
import Foundation
import Testing

/// The real binary in a real (tmux) terminal. Serialized: each test starts
/// programs that hash passwords at full cost.
@Suite(.serialized) struct EndToEndTests {
    @Test func initLoginKhmerIntakeListQuitAndTheRowIsStored() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        let created = try komar(["init", "--db", db, "--org", "អង្គការកុមារ", "--admin", "admin"],
                                input: adminPassword + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("សម្រាប់ អង្គការកុមារ"), "said in the office's language: \(created.stdout)")
        // The admin adds the volunteer with a first password…
        let added = try komar(["user", "add", "--db", db, "--user", "admin", "--username", "sreymom",
                               "--display-name", "ស្រីមុំ", "--role", "volunteer"],
                              input: adminPassword + "\nfirst-visit-77\n")
        #expect(added.status == 0, "\(added.stderr)")

        // …which she must change, to a Khmer passphrase, before any work.
        let tmux = try TmuxSession(command: komarCommand(db))
        try tmux.waitFor("ឈ្មោះអ្នកប្រើ")
        try tmux.type("sreymom")
        try tmux.press("Tab")
        try tmux.type("first-visit-77")
        try tmux.press("Enter")
        try tmux.waitFor("សូមជ្រើសពាក្យសម្ងាត់ផ្ទាល់ខ្លួន")
        try tmux.press("F3")
        #expect(try !tmux.screen().contains("ស្វែងរក"), "search must wait for the new password")
        try tmux.type("ស្រីមុំ")
        try tmux.press("Tab")
        try tmux.type("ស្រីមុំ")
        try tmux.press("F2")
        try tmux.waitFor("ពាក្យសម្ងាត់ត្រូវមានយ៉ាងតិច ១០ តួអក្សរ")
        try tmux.type("ស្រីមុំទៅផ្សារព្រឹក")
        try tmux.press("Tab")
        try tmux.type("ស្រីមុំទៅផ្សារព្រឹក")
        try tmux.press("F2")
        try tmux.waitFor("សូមស្វាគមន៍ ស្រីមុំ")
        // Esc then a digit is an F-key: Esc 1 opens help.
        try tmux.press("Escape")
        try tmux.type("1")
        try tmux.waitFor("Komar — ជំនួយ")
        try tmux.press("Escape")
        try tmux.waitFor("ទទួលករណីថ្មី")
        // A digit within half a second of Esc would be an F-key again.
        Thread.sleep(forTimeInterval: 0.7)
        try tmux.type("1")
        try tmux.waitFor("ឈ្មោះកុមារ (ខ្មែរ)")
        try tmux.type("ស្រីពេជ្រ ប្រាក់")
        try tmux.press("Tab")
        try tmux.type("Sreypich Prak")
        try tmux.press("Tab", "Enter", "Enter", "Tab")
        try tmux.type("១២/០៣/២០១៤")
        try tmux.press("Tab", "Tab")
        try tmux.type("ព្រៃវែង")
        try tmux.press("Enter", "Tab")
        try tmux.type("កញ្ជ្រៀ")
        try tmux.press("Enter", "Tab")
        try tmux.type("kanh")
        try tmux.press("Enter", "Tab", "Enter", "Enter", "Tab", "Tab")
        try tmux.press("Enter", "Space", "Down", "Down", "Down", "Down", "Down", "Space", "Enter", "Tab")
        try tmux.type("កុមារីត្រូវបានគេសន្យាការងារនៅប្រទេសថៃ។")
        try tmux.press("Tab", "Enter", "Enter")
        try tmux.press("F2")                             // the risk factors are not answered yet
        try tmux.waitFor("គ្មានណាមួយទេ»។")
        try tmux.press("Enter", "End", "Space", "Enter", "F2")   // None of these
        let saved = try tmux.waitFor("បានរក្សាទុកករណី KC-")
        #expect(saved.contains("ព្រៃវែង › កញ្ជ្រៀច › កញ្ជ្រៀច"))
        #expect(saved.contains("កើតថ្ងៃទី ១២ មីនា ២០១៤"))
        try tmux.press("Escape")
        try tmux.waitFor("ទទួលករណីថ្មី")
        try tmux.type("3")
        let list = try tmux.waitFor("ស្រីពេជ្រ ប្រាក់")
        #expect(list.contains("Sreypich Prak"))
        try tmux.press("F6")
        try tmux.waitFor("Name (Latin)")
        try tmux.press("F10")
        try tmux.waitFor("New intake")
        try tmux.press("F10")
        try tmux.type("y")                          // Quit Komar? asked on Home
        try tmux.waitFor("komar exited with 0")
        #expect(try tmux.format("alternate_on") == "0", "terminal left in the alternate screen")

        let services = KomarServices(database: try AppDatabase.open(path: db))
        guard case .success(let me) = try services.accounts.logIn(username: "sreymom", password: "ស្រីមុំទៅផ្សារព្រឹក")
        else {
            Issue.record("cannot log in to check the database")
            return
        }
        let cases = try services.cases.listCases(me)
        #expect(cases.count == 1)
        #expect(cases.first?.childNameKm == "ស្រីពេជ្រ ប្រាក់")
        #expect(cases.first?.villageCode.hasPrefix("140402") == true)
        #expect(try services.accounts.organisation() == "អង្គការកុមារ")
    }

    @Test func firstRunSetupInTheTerminalThenSigtermRestoresIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("new/komar.sqlite").path
        let tmux = try TmuxSession(command: komarCommand(db))
        try tmux.waitFor("ការរៀបចំដំបូង")
        try tmux.press("F6")
        try tmux.waitFor("First-run setup")
        try tmux.type("Svay Rieng Child Aid")
        try tmux.press("Tab")
        try tmux.type("svay")
        try tmux.press("Enter", "Tab", "Tab")
        try tmux.type("admin")
        try tmux.press("Tab")
        try tmux.type("Director")
        try tmux.press("Tab")
        try tmux.type("svay-rieng-office")
        try tmux.press("Tab")
        try tmux.type("svay-rieng-office")
        try tmux.press("F2")
        try tmux.waitFor("Setup complete. Log in as admin.")
        #expect(try tmux.format("alternate_on") == "1")
        let shell = try tmux.format("pane_pid")
        let komarPid = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!komarPid.isEmpty)
        try run("/bin/kill", ["-TERM", komarPid])
        try tmux.waitFor("komar exited with 0")
        #expect(try tmux.format("alternate_on") == "0", "terminal left in the alternate screen after SIGTERM")
        let mode = try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func intakeReviewFollowUpAndCloseAcrossTwoUsers() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("sreymom", .volunteer), ("dara", .socialWorker)])
        let tmux = try TmuxSession(command: komarCommand(db))
        func logIn(_ user: String) throws {
            try tmux.waitFor("Username")
            try tmux.type(user)
            try tmux.press("Tab")
            try tmux.type(passwordOf(user))
            try tmux.press("Enter")
            try tmux.waitFor("Welcome, \(user.capitalized)")
        }
        // The volunteer records the intake.
        try logIn("sreymom")
        try tmux.type("1")
        try tmux.waitFor("Child's name (Khmer)")
        try tmux.type("ស្រីពេជ្រ ប្រាក់")
        try tmux.press("Tab")
        try tmux.type("Sreypich Prak")
        try tmux.press("Tab", "Enter", "Enter", "Tab", "Tab")
        try tmux.type("12")
        try tmux.press("Tab")
        try tmux.type("prey veng")
        try tmux.press("Enter", "Tab")
        try tmux.type("kanh")
        try tmux.press("Enter", "Tab")
        try tmux.type("kanh")
        try tmux.press("Enter", "Tab", "Enter", "Enter", "Tab", "Tab", "Enter", "Space", "Enter", "Tab")
        try tmux.type("ក្មេងស្រីត្រូវបានគេបង្ខំឲ្យធ្វើការ។")
        try tmux.press("Tab", "Enter", "Enter", "F2")
        try tmux.waitFor("Tick the risk factors that apply, or None of these.")
        try tmux.press("Enter", "End", "Space", "Enter", "F2")   // None of these
        try tmux.waitFor("Case KC-")
        try tmux.press("F10")
        try tmux.waitFor("Welcome, Sreymom")
        try tmux.chooseMenuItem("Log out")
        // The social worker reviews it and accepts it as high risk.
        try logIn("dara")
        try tmux.type("2")
        try tmux.waitFor("1 waiting: most urgent first, then the oldest.")
        try tmux.press("Enter")
        try tmux.waitFor("F4 Status")
        try tmux.press("F4")
        try tmux.waitFor("Accept (open the case)")
        try tmux.press("Tab", "Tab")
        try tmux.type("high")
        // Another level than the one proposed needs a reason.
        try tmux.press("Enter", "F2")
        try tmux.waitFor("Say why the risk level differs")
        try tmux.press("Tab")
        try tmux.type("Her uncle took her to Thailand before.")
        try tmux.press("F2")
        try tmux.waitFor("is now Open.")
        try tmux.press("F10")
        try tmux.waitFor("No new intakes are waiting.")
        try tmux.press("F10")
        // …records the first home visit…
        try tmux.waitFor("Follow-ups (0 due)")
        try tmux.type("3")
        try tmux.waitFor("next 7 days: 1")
        try tmux.press("Enter")
        try tmux.waitFor("Record a follow-up")
        try tmux.press("Tab", "Tab", "Tab", "Enter", "Enter", "Tab", "Tab")
        try tmux.type("ជួបម្ដាយ និងកុមារនៅផ្ទះ។")
        try tmux.press("F2")
        try tmux.waitFor("recorded. Next one due")
        try tmux.press("F10")
        // …and closes the case.
        try tmux.waitFor("Welcome, Dara")
        try tmux.type("4")
        try tmux.waitFor("Sreypich Prak")
        try tmux.press("Enter")
        try tmux.waitFor("Home visit")
        try tmux.press("F4")
        try tmux.waitFor("Close the case")
        try tmux.press("Tab")
        try tmux.type("goals")
        try tmux.press("Enter", "F2")
        let closed = try tmux.waitFor("is now Closed.")
        #expect(closed.contains("Goals met"))
        try tmux.press("F10", "F10", "F10")
        try tmux.type("y")                          // Quit Komar? asked on Home
        try tmux.waitFor("komar exited with 0")

        let services = KomarServices(database: try AppDatabase.open(path: db))
        guard case .success(let dara) = try services.accounts.logIn(username: "dara", password: passwordOf("dara")) else {
            Issue.record("cannot log in to check the database")
            return
        }
        let stored = try #require(try services.cases.listCases(dara).first)
        #expect(stored.status == .closed && stored.riskLevel == .high)
        #expect(try services.cases.timeline(dara, caseId: stored.id).map(\.kind)
            == [.intake, .accepted, .followUp, .closed])
        #expect(try services.followUps.nextDue(dara, caseId: stored.id) == nil)
    }

    @Test func aDraftSurvivesKillNine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("sreymom", .volunteer)])
        let first = try TmuxSession(command: komarCommand(db))
        try first.waitFor("Username")
        try first.type("sreymom")
        try first.press("Tab")
        try first.type(passwordOf("sreymom"))
        try first.press("Enter")
        try first.waitFor("New intake")
        try first.type("1")
        try first.waitFor("Child's name (Khmer)")
        try first.type("ជ្រោយស្នែង")
        try first.press("Tab")
        try first.type("Chroy Sneng")
        try first.press("Tab", "Tab", "Tab")
        try first.type("៩")
        try first.waitFor("Chroy Sneng")
        Thread.sleep(forTimeInterval: 1)     // a pause, as anyone's typing has, before the kill
        let shell = try first.format("pane_pid")
        let pid = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try run("/bin/kill", ["-KILL", pid])
        try first.waitFor("komar exited with 137")

        let second = try TmuxSession(command: komarCommand(db))
        try second.waitFor("Username")
        try second.type("sreymom")
        try second.press("Tab")
        try second.type(passwordOf("sreymom"))
        try second.press("Enter")
        try second.waitFor("Unsaved forms")
        try second.press("Enter")
        let restored = try second.waitFor("What you typed earlier on this form is back.")
        #expect(restored.contains("ជ្រោយស្នែង"))
        #expect(restored.contains("Chroy Sneng"))
        // The age typed as ៩ comes back in the digits of the language the form is in.
        let age = restored.split(separator: "\n").first { $0.contains("Or estimated age") }
        #expect(age?.trimmingCharacters(in: .whitespaces).hasSuffix(" 9") == true, "\(restored)")
    }

    @Test func tooSmallTerminalGetsAMessageAndResizeRecovers() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        let tmux = try TmuxSession(command: komarCommand(db), width: 60, height: 20)
        try tmux.waitFor("សូមពង្រីកបង្អួចកម្មវិធី")
        try tmux.call(["resize-window", "-t", "e2e", "-x", "90", "-y", "26"])
        try tmux.waitFor("ការរៀបចំដំបូង")
        try tmux.press("F10")
        try tmux.waitFor("komar exited with 0")
    }
}

@Suite struct CommandLineTests {
    @Test func versionAndHelp() throws {
        let version = try komar(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try komar(["--help"])
        #expect(help.status == 0)
        for word in ["init", "user", "demo", "komar --demo", "komar --db PATH"] {
            #expect(help.stdout.contains(word), "\(word)")
        }
    }

    @Test func badArgumentsFailWithAMessage() throws {
        let bogus = try komar(["--bogus"])
        #expect(bogus.status != 0)
        #expect(bogus.stderr.contains("Unknown option '--bogus'"))
        let role = try komar(["user", "add", "--db", "/tmp/x.sqlite", "--user", "admin", "--username", "a",
                              "--display-name", "A", "--role", "boss"])
        #expect(role.status != 0)
        #expect(role.stderr.contains("--role must be one of"))
    }

    @Test func missingDatabaseAndNonUTF8LocaleFailWithOneLine() throws {
        let missing = try komar(["user", "add", "--db", "/nonexistent/komar.sqlite", "--user", "admin",
                                 "--username", "sok", "--display-name", "Sok", "--role", "volunteer"],
                                input: adminPassword + "\n")
        #expect(missing.status == 1)
        #expect(missing.stderr == "komar: no database at /nonexistent/komar.sqlite (create one with 'komar init')\n")
        let latin1 = try komar(["demo", "--db", "/tmp/never.sqlite"], environment: ["LANG": "C", "LC_ALL": "C"])
        #expect(latin1.status == 1)
        #expect(latin1.stderr.hasPrefix("komar: the locale 'C' is not UTF-8"))
        #expect(latin1.stderr.split(separator: "\n").count == 1)
    }

    /// The terminal UI says it creates a database only on a path where it
    /// will: a missing file with backups beside it is refused without a
    /// word of creating one.
    @Test func theUISaysItCreatesADatabaseOnlyWhereItWill() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fresh = dir.appendingPathComponent("new.sqlite").path
        let opened = try komar(["--db", fresh])
        #expect(opened.stderr.hasPrefix("Creating a new database at \(fresh)…\n"), "\(opened.stderr)")
        let db = dir.appendingPathComponent("k.sqlite").path
        #expect(try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin"], input: adminPassword + "\n").status == 0)
        #expect(try komar(["backup", "--db", db, "--user", "admin"], input: adminPassword + "\n").status == 0)
        let noPassphrase = try komar(["backup", "--db", db, "--user", "admin", "--encrypt"], input: adminPassword + "\n")
        #expect(noPassphrase.status == 1)
        #expect(noPassphrase.stderr.contains("no passphrase given"), "\(noPassphrase.stderr)")
        // Another database in the same folder (a demo) is new: those backups are not its own.
        let demo = try komar(["demo", "--db", dir.appendingPathComponent("demo.sqlite").path, "--cases", "10"])
        #expect(demo.status == 0, "\(demo.stderr)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let lost = try komar(["--db", db])
        #expect(lost.status == 1)
        #expect(lost.stderr.contains("there are backups beside it"))
        #expect(!lost.stderr.contains("Creating"))
    }

    @Test func initRefusesASecondSetupAndBadPasswords() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("k.sqlite").path
        let short = try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin"], input: "short\n")
        #expect(short.status == 1)
        #expect(short.stderr.contains("at least 10 characters"))
        let common = try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin"], input: "Password123!\n")
        #expect(common.status == 1)
        #expect(common.stderr.contains("Too common"))
        #expect(try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin", "--language", "en"],
                          input: adminPassword + "\n").status == 0)
        let again = try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin"], input: adminPassword + "\n")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already set up"))
        let noPassword = try komar(["user", "add", "--db", db, "--user", "admin", "--username", "sok",
                                    "--display-name", "Sok", "--role", "social-worker"])
        #expect(noPassword.status == 1)
        #expect(noPassword.stderr.contains("no password"))
        let duplicate = try komar(["user", "add", "--db", db, "--user", "admin", "--username", "ADMIN",
                                   "--display-name", "X", "--role", "admin"], input: adminPassword + "\nsecond-admin-22\n")
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("already taken"))
    }

    @Test func demoFillsADatabaseWithEveryRole() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.sqlite").path
        let result = try komar(["demo", "--db", db, "--cases", "25"])
        #expect(result.status == 0, "\(result.stderr)")
        let services = KomarServices(database: try AppDatabase.open(path: db))
        guard case .success(let worker) = try services.accounts.logIn(username: "socialworker",
                                                                     password: DemoData.password) else {
            Issue.record("demo social worker cannot log in")
            return
        }
        #expect(try services.cases.countCases(worker) == 25)
    }
}
