import CaseDomain
import CaseStore
import Foundation
import GRDB
import Testing

/// The shared office PC in the real binary: the idle lock, another user at
/// the lock, an admin ending a session from the command line, and the
/// command line refusing who may not.
@Suite(.serialized) struct AccessEndToEndTests {
    /// Logs in; `expecting` is what the screen after it shows (the home
    /// screen's welcome unless unsaved forms are offered first).
    func logIn(_ tmux: TmuxSession, _ user: String, expecting: String? = nil) throws {
        try tmux.logIn(user, password: passwordOf(user), expecting: expecting ?? "Welcome, \(user.capitalized)")
    }

    /// The first intake fields, half typed.
    func startIntake(_ tmux: TmuxSession) throws {
        try tmux.type("1")
        try tmux.waitFor("Child's name (Khmer)")
        try tmux.type("ស្រីពេជ្រ ប្រាក់")
        try tmux.press("Tab")
        try tmux.type("Sreypich Prak")
        try tmux.waitFor("Sreypich Prak")
    }

    @Test func theIdleLockAtOneMinuteAndTheSameUserBackInTheirHalfTypedForm() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("dara", .socialWorker)])
        let set = try komar(["settings", "set", "idle-lock-minutes", "1", "--db", db, "--user", "admin"],
                            input: adminPassword + "\n")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "idle-lock-minutes = 1\n")

        let tmux = try TmuxSession(command: komarCommand(db))
        try logIn(tmux, "dara")
        try startIntake(tmux)
        let locked = try tmux.waitFor("This screen is locked.", timeout: 90)
        #expect(locked.contains("Locked after 1 minute without a key."))
        for hidden in ["ស្រីពេជ្រ", "Sreypich", "New intake", "Child's name"] {
            #expect(!locked.contains(hidden), "the lock screen shows \(hidden)")
        }
        try tmux.type(passwordOf("dara"))
        try tmux.press("Enter")
        let back = try tmux.waitFor("Sreypich Prak")
        #expect(back.contains("ស្រីពេជ្រ ប្រាក់"))
        try tmux.type(" Chan")
        try tmux.waitFor("Sreypich Prak Chan")
        try tmux.press("C-c")
        try tmux.waitFor("Quit Komar?")
        try tmux.type("y")
        try tmux.waitFor("komar exited with 0")
    }

    @Test func anotherUserAtTheLockAndTheFirstUsersFormIsADraftAtTheirNextLogin() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("dara", .socialWorker), ("sreymom", .volunteer)])
        let tmux = try TmuxSession(command: komarCommand(db))
        try logIn(tmux, "dara")
        try startIntake(tmux)
        try tmux.press("C-l")
        try tmux.waitFor("This screen is locked.")
        try tmux.press("BTab", "C-u")
        try tmux.type("sreymom")
        try tmux.press("Tab")
        try tmux.type(passwordOf("sreymom"))
        try tmux.press("Enter")
        let home = try tmux.waitFor("Welcome, Sreymom")
        #expect(!home.contains("Unsaved forms"))
        try tmux.chooseMenuItem("Log out")
        try tmux.waitFor("You are logged out.")
        try logIn(tmux, "dara", expecting: "Unsaved forms")
        try tmux.waitFor("New intake: ស្រីពេជ្រ ប្រាក់")
        try tmux.press("Enter")
        let restored = try tmux.waitFor("What you typed earlier on this form is back.")
        #expect(restored.contains("Sreypich Prak"))
    }

    @Test func anAdminDisablesAUserFromTheCommandLineAndTheirSessionEnds() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("dara", .socialWorker)])
        let tmux = try TmuxSession(command: komarCommand(db))
        try logIn(tmux, "dara")
        try tmux.type("4")
        try tmux.waitFor("No cases yet")
        let disabled = try komar(["user", "disable", "dara", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(disabled.stdout == "Disabled dara\n")
        try tmux.press("Down")
        try tmux.waitFor("Your session has ended")
        try tmux.type("dara")
        try tmux.press("Tab")
        try tmux.type(passwordOf("dara"))
        try tmux.press("Enter")
        try tmux.waitFor("Username or password is not correct.")
        let listed = try komar(["user", "list", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(listed.stdout.contains("dara\tsocial-worker\tdisabled\tDara"))
    }
}

/// The authenticated command line: who may run what, and what refuses.
@Suite(.serialized) struct AuthenticatedCommandLineTests {
    @Test func everyCommandNeedsTheRightUserAndPassword() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("vannak", .coordinator), ("sreymom", .volunteer)])
        let csv = dir.appendingPathComponent("out.csv").path

        let noUser = try komar(["user", "add", "--db", db, "--username", "x1x", "--display-name", "X", "--role", "admin"],
                               input: adminPassword + "\n")
        #expect(noUser.status != 0)
        #expect(noUser.stderr.contains("Missing expected argument '--user <user>'"))
        let wrong = try komar(["user", "list", "--db", db, "--user", "admin"], input: "guess-guess\n")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("komar: wrong username or password"))
        let coordinatorAddsAdmin = try komar(
            ["user", "add", "--db", db, "--user", "vannak", "--username", "evil", "--display-name", "Evil", "--role", "admin"],
            input: passwordOf("vannak") + "\nevil-password-99\n")
        #expect(coordinatorAddsAdmin.status == 1)
        #expect(coordinatorAddsAdmin.stderr == "komar: only admins may manage users (vannak is coordinator)\n")
        let volunteerExports = try komar(["export", "referrals", "--db", db, "--out", csv, "--user", "sreymom"],
                                         input: passwordOf("sreymom") + "\n")
        #expect(volunteerExports.status == 1)
        #expect(volunteerExports.stderr.contains("only coordinators may export referrals"))
        let adminReadsSettings = try komar(["settings", "get", "lockout-minutes", "--db", db, "--user", "vannak"],
                                           input: passwordOf("vannak") + "\n")
        #expect(adminReadsSettings.status == 1)
        let badSetting = try komar(["settings", "set", "idle-lock-minutes", "90", "--db", db, "--user", "admin"],
                                   input: adminPassword + "\n")
        #expect(badSetting.status == 1)
        #expect(badSetting.stderr.contains("Between 1 and 60 minutes."))
        let get = try komar(["settings", "get", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(get.stdout.contains("lockout-minutes\t15\n"))
        #expect(get.stdout.contains("idle-lock-minutes\t5\n"))

        // An admin resets a password; it works once, to choose a new one.
        let reset = try komar(["user", "reset-password", "sreymom", "--db", db, "--user", "admin"],
                              input: adminPassword + "\nriver-crossing-12\n")
        #expect(reset.status == 0, "\(reset.stderr)")
        let stale = try komar(["audit", "seal", "--db", db, "--user", "sreymom"], input: "river-crossing-12\n")
        #expect(stale.stderr.contains("only admins may read the audit log"))
        let changed = try komar(["user", "change-password", "--db", db, "--user", "sreymom"],
                                input: "river-crossing-12\nmy-own-river-44\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        let services = KomarServices(database: try AppDatabase.open(path: db))
        guard case .success(let sreymom) = try services.accounts.logIn(username: "sreymom", password: "my-own-river-44")
        else {
            Issue.record("the changed password does not work")
            return
        }
        #expect(!sreymom.user.mustChangePassword)
        let audit = try komar(["audit", "verify", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(audit.status == 0)
        #expect(audit.stdout.hasPrefix("intact: every event's hash holds"))
    }

    /// Someone at the shared PC deletes every account with sqlite3, hoping
    /// for first-run setup: the UI refuses and names the backup, and
    /// `komar init` refuses too.
    /// Walk-through: imported households' first visits sat in the
    /// coordinator's queue, and the rejected rows (names, phones) were
    /// written readable by every account on the PC.
    @Test func anImportNamesWhoseQueueTheFirstVisitsGoToAndKeepsRejectedRowsPrivate() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("vannak", .coordinator), ("dara", .socialWorker)])
        let file = dir.appendingPathComponent("households.csv").path
        let rejected = dir.appendingPathComponent("rejected.csv").path
        try """
            គ្រួសារ,ភូមិ,ឈ្មោះជាអក្សរខ្មែរ,ភេទ,អាយុ,ត្រូវជា,បុគ្គលិកសង្គមកិច្ច
            ១,14040315,សុខ ចាន់ធី,ស្រី,៣៨,មេគ្រួសារ,Dara
            ២,14040315,ចាន់ ដារា,ប្រុស,៤៥,មេគ្រួសារ,
            ៣,Nowhere,ពៅ ស្រី,ស្រី,៣០,មេគ្រួសារ,

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let vannak = passwordOf("vannak") + "\n"
        let unknown = try komar(["import", "households", file, "--db", db, "--user", "vannak", "--worker", "nobody"],
                                input: vannak)
        #expect(unknown.status == 1 && unknown.stderr.contains("No active social worker or coordinator is named “nobody”"),
                "\(unknown.stderr)")
        let imported = try komar(["import", "households", file, "--db", db, "--user", "vannak", "--skip-bad", rejected,
                                  "--language", "km"], input: vannak)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("បាននាំចូលគ្រួសារ ២"), "\(imported.stdout)")
        #expect(imported.stdout.contains("ការចុះសួរសុខទុក្ខលើកដំបូងនៃគ្រួសារចំនួន ១ ត្រូវបានគ្រោងក្នុងឈ្មោះអ្នក"),
                "\(imported.stdout)")
        #expect(try FileManager.default.attributesOfItem(atPath: rejected)[.posixPermissions] as? Int == 0o600)
        let owners = try DatabaseQueue(path: db).read { db in
            try String.fetchAll(db, sql: """
                SELECT u.username FROM follow_up AS v JOIN user AS u ON u.id = v.created_by ORDER BY v.household_id
                """)
        }
        #expect(owners == ["dara", "vannak"])
        // The imported rows again: refused, and the way to add the ones set aside is said.
        let again = dir.appendingPathComponent("again.csv").path
        try """
            Household,Village,Name in Khmer,Sex,Age,Relationship
            1,14040315,សុខ ចាន់ធី,F,38,head
            2,14040315,ចាន់ ដារា,M,45,head

            """.write(toFile: again, atomically: true, encoding: .utf8)
        let twice = try komar(["import", "households", again, "--db", db, "--user", "vannak"], input: vannak)
        #expect(twice.status == 1)
        #expect(twice.stdout.contains("Every row of this file is registered already: it was imported before."),
                "\(twice.stdout)")
    }

    @Test func accountsDeletedWithSQLiteGiveNoSetup() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("sreymom", .volunteer)])
        #expect(try komar(["backup", "--db", db, "--user", "admin"], input: adminPassword + "\n").status == 0)
        let shell = try DatabaseQueue(path: db)
        try shell.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM user")
        }
        try shell.close()
        let opened = try komar(["--db", db])
        #expect(opened.status == 1)
        #expect(opened.stderr.contains("holds records but no accounts"), "\(opened.stderr)")
        #expect(opened.stderr.contains("The newest backup of these records is"))
        #expect(opened.stderr.contains("  komar restore "), "the command on a line of its own")
        let setUpAgain = try komar(["init", "--db", db, "--org", "Mine", "--admin", "me"], input: adminPassword + "\n")
        #expect(setUpAgain.status == 1)
        #expect(!setUpAgain.stderr.isEmpty)
    }

    /// An office with a volunteer, `sreymom`, whose file someone at the
    /// shared PC then edits with `sql`, as a sqlite3 shell would.
    func withOfficeEditedBySQLite(_ sql: String, _ body: (String) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("sreymom", .volunteer)])
        let shell = try DatabaseQueue(path: db)
        try shell.write { db in try db.execute(sql: sql) }
        try shell.close()
        try body(db)
    }

    /// A volunteer at the shared PC gives herself the admin role with a
    /// sqlite3 shell: her login is refused with the reason under the
    /// fields, the command line refuses her too, and the admin is told on
    /// the home screen and by 'audit verify'.
    @Test func aRoleRaisedWithSQLiteIsRefusedAndNamedToTheAdmin() throws {
        try withOfficeEditedBySQLite("UPDATE user SET role = 'admin' WHERE username = 'sreymom'") { db in
            let tmux = try TmuxSession(command: komarCommand(db))
            let refused = try tmux.logIn("sreymom", password: passwordOf("sreymom"),
                                         expecting: "This account was changed outside Komar")
            #expect(!refused.contains("Welcome"))
            try tmux.press("F10")
            try tmux.waitFor("komar exited with 0")

            let users = try komar(["user", "list", "--db", db, "--user", "sreymom"], input: passwordOf("sreymom") + "\n")
            #expect(users.status == 1)
            #expect(users.stderr.contains("this account was changed outside Komar"), "\(users.stderr)")
            let verify = try komar(["audit", "verify", "--db", db, "--user", "admin"], input: adminPassword + "\n")
            #expect(verify.status == 1)
            #expect(verify.stdout.contains("broken: account sreymom was changed outside Komar (role: the log recorded volunteer)"),
                    "\(verify.stdout)")

            let admin = try TmuxSession(command: komarCommand(db))
            try admin.logIn("admin", password: adminPassword, expecting: "An account was changed outside Komar: sreymom.")
        }
    }

    /// Security probe (session 23): `demo` = 1 written with a shell let
    /// `komar demo` add an admin whose password is printed.
    @Test func aDemoMarkWrittenWithSQLiteMakesNoDemoAccounts() throws {
        try withOfficeEditedBySQLite("INSERT OR REPLACE INTO setting (key, value) VALUES ('demo', '1')") { db in
            let demo = try komar(["demo", "--db", db, "--cases", "0"], input: "")
            #expect(demo.status == 1)
            #expect(demo.stderr.contains("this database holds an office's own records, history or backups"), "\(demo.stderr)")
            let login = try komar(["user", "list", "--db", db, "--user", "admin"], input: "demo1234\n")
            #expect(login.status == 1)
            let tmux = try TmuxSession(command: komarCommand(db))
            let screen = try tmux.waitFor("Username")
            #expect(!screen.contains("demo1234") && !screen.contains("DEMO"), "\(screen)")
            try tmux.press("F10")
            try tmux.waitFor("komar exited with 0")
        }
    }

    /// An ordinary restore leaves 'audit verify' intact, saying which
    /// backup seals belong to the history the restore replaced.
    @Test func auditVerifyIsIntactAfterARestore() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("sreymom", .volunteer)])
        #expect(try komar(["backup", "--db", db, "--user", "admin"], input: adminPassword + "\n").status == 0)
        let backups = dir.appendingPathComponent("backups")
        let copy = try FileManager.default.contentsOfDirectory(atPath: backups.path).first { $0.hasSuffix(".sqlite") }
        let restored = try komar(["restore", backups.appendingPathComponent(copy ?? "").path, "--db", db, "--user", "admin"],
                                 input: adminPassword + "\n")
        #expect(restored.status == 0, "\(restored.stderr)")
        let verify = try komar(["audit", "verify", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("note: 1 backup seal(s)"), "the before-restore copy's: \(verify.stdout)")
        #expect(verify.stdout.contains("intact: every event's hash holds and matches 1 seal(s)"), "\(verify.stdout)")
        // The before-restore copy was not checked in full when made; verifying it does, and says so.
        let safety = try FileManager.default.contentsOfDirectory(atPath: backups.path)
            .first { $0.hasSuffix("-before-restore.sqlite") }
        let checked = try komar(["backup", "verify", backups.appendingPathComponent(safety ?? "").path])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("checked in full now") && !checked.stdout.contains("not verified"), "\(checked.stdout)")
    }

    /// A role Komar never writes, typed in with a shell, is said plainly;
    /// GRDB's own error printed the whole row, password hash included.
    @Test func aValueKomarNeverWritesIsSaidWithoutTheRow() throws {
        try withOfficeEditedBySQLite("UPDATE user SET role = 'admin ' WHERE username = 'sreymom'") { db in
            let users = try komar(["user", "list", "--db", db, "--user", "admin"], input: adminPassword + "\n")
            #expect(users.status == 1)
            #expect(users.stderr.contains("the database holds a value Komar never writes"), "\(users.stderr)")
            #expect(!users.stderr.contains("pbkdf2") && !users.stderr.contains("password_hash"), "\(users.stderr)")
        }
    }

    @Test func initDemoAndBenchRefuseAnOfficesDatabase() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [])
        let demo = try komar(["demo", "--db", db, "--cases", "1"])
        #expect(demo.status == 1)
        #expect(demo.stderr.contains("holds an office's own records, history or backups"))
        let bench = try komar(["bench", "--db", db, "--runs", "1"])
        #expect(bench.status == 1)
        #expect(bench.stderr.contains("is not a demo database"))
        let services = KomarServices(database: try AppDatabase.open(path: db))
        #expect(try services.accounts.logIn(username: "coordinator", password: DemoData.password) == .invalidCredentials)

        // init only on a new or empty file.
        let text = dir.appendingPathComponent("notes.txt").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: text))
        let overText = try komar(["init", "--db", text, "--org", "NGO", "--admin", "admin"], input: adminPassword + "\n")
        #expect(overText.status == 1)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: text)), as: UTF8.self) == "not a database")
        let demoDB = dir.appendingPathComponent("demo.sqlite").path
        #expect(try komar(["demo", "--db", demoDB, "--cases", "3"]).status == 0)
        #expect(try komar(["demo", "--db", demoDB, "--cases", "2"]).status == 0)
        let initDemo = try komar(["init", "--db", demoDB, "--org", "NGO", "--admin", "admin"], input: adminPassword + "\n")
        #expect(initDemo.status == 1)
        #expect(initDemo.stderr.contains("already set up"))
    }

    @Test func benchWorksOnACopyAndLeavesTheDemoAsItWas() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.sqlite").path
        #expect(try komar(["demo", "--db", db, "--cases", "30"]).status == 0)
        func fingerprint() throws -> [Int] {
            let queue = try DatabaseQueue(path: db)
            defer { try? queue.close() }
            return try queue.read { db in
                try ["audit_event", "follow_up", "child_case", "referral"].map { table in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) + COALESCE(SUM(rowid), 0) FROM \(table)") ?? 0
                } + [try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follow_up WHERE status = 'done'") ?? 0]
            }
        }
        let before = try fingerprint()
        let bench = try komar(["bench", "--db", db, "--runs", "2", "--json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("\"save_followup\""))
        #expect(try fingerprint() == before)
    }

    /// A report's period in Khmer digits, a period still to come said in
    /// the report's language, and the tallies put right after a trigger
    /// was dropped with a sqlite3 shell.
    @Test func reportPeriodsInKhmerDigitsAndTalliesRepairedFromTheCommandLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.sqlite").path
        #expect(try komar(["demo", "--db", db, "--cases", "30"]).status == 0)
        let password = "demo1234\n"
        let khmer = try komar(["report", "cases", "--db", db, "--user", "coordinator", "--period", "២០២៦-១០",
                               "--language", "km"], input: password)
        #expect(khmer.status == 0, "\(khmer.stderr)")
        #expect(khmer.stdout.contains("របាយការណ៍ករណី · តុលា ២០២៦"), "\(khmer.stdout.prefix(300))")
        let later = try komar(["report", "cases", "--db", db, "--user", "coordinator", "--period", "2099",
                               "--language", "km"], input: password)
        #expect(later.status != 0)
        #expect(later.stderr.contains("រយៈពេលនេះមិនទាន់ចាប់ផ្ដើមនៅឡើយទេ"), "\(later.stderr)")

        let queue = try DatabaseQueue(path: db)
        try queue.write { db in try db.execute(sql: "DROP TRIGGER referral_tally_insert") }
        try queue.close()
        let refused = try komar(["repair", "tallies", "--db", db, "--user", "coordinator"], input: password)
        #expect(refused.status != 0)
        let repaired = try komar(["repair", "tallies", "--db", db, "--user", "admin"], input: password)
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(repaired.stdout.contains("Put back 1 trigger: referral_tally_insert"), "\(repaired.stdout)")
        let again = try komar(["repair", "tallies", "--db", db, "--user", "admin"], input: password)
        #expect(again.stdout.contains("The tallies matched the records; counted again, nothing changed."), "\(again.stdout)")
    }

    @Test func auditVerifyNamesTheFirstBadRowAndCatchesTruncationAgainstASeal() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        try makeOffice(db, users: [("dara", .socialWorker)])
        let sealed = try komar(["audit", "seal", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        let seal = sealed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(seal.range(of: #"^\d+:[0-9a-f]{12}$"#, options: .regularExpression) != nil, "\(seal)")
        let count = Int(seal.split(separator: ":")[0])!

        // Someone with the file and a sqlite3 shell.
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;")
            try db.execute(sql: "UPDATE audit_event SET username = 'nobody' WHERE id = 2")
        }
        let edited = try komar(["audit", "verify", "--db", db, "--user", "admin"], input: adminPassword + "\n")
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("broken: event 2 was changed"))
        #expect(edited.stdout.contains("warning: the audit log's protecting triggers were found removed"))

        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;")
            try db.execute(sql: "UPDATE audit_event SET username = 'admin' WHERE id = 2")
            try db.execute(sql: "DELETE FROM audit_event WHERE id >= ?", arguments: [count - 1])
        }
        try queue.close()
        let truncated = try komar(["audit", "verify", "--db", db, "--user", "admin", "--seal", seal],
                                  input: adminPassword + "\n")
        #expect(truncated.status == 1)
        #expect(truncated.stdout.contains("no longer matches seal \(seal)"))
        let badSeal = try komar(["audit", "verify", "--db", db, "--user", "admin", "--seal", "12"],
                                input: adminPassword + "\n")
        #expect(badSeal.stderr.contains("--seal must look like"))
    }
}
