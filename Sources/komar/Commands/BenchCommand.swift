import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Imports
import KomarApp
import Localization
import Terminal

/// `komar bench --db PATH [--json]`: times the operations users wait on,
/// many times each, on a database `komar demo` made (typically with
/// `--cases 100000`), and reports p50/p95 per operation and the peak
/// memory. It works on a temporary copy, so the demo stays as it was, and
/// refuses an office's own database. On a head office's database (with its
/// admin's `--user`), it times only what reads: search, lists, a case file,
/// the home screens, a year's reports and keystrokes.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the operations users wait on against a database filled by 'komar demo'.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Runs of each operation.") var runs: Int = 200
    @Flag(name: .long, help: "Print one JSON object instead of a table.") var json = false
    @Option(name: .long, help: "Time only the operations whose names start with this (report_, backup).") var only: String?
    @Option(name: .long, help: ArgumentHelp(
        "At a head office: its admin (the password is the first line of standard input); only what reads is timed."))
    var user: String?

    func validate() throws {
        guard database.db != nil else { throw ValidationError("name the demo database with --db") }
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
    }

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let demo = database.path
            guard FileManager.default.fileExists(atPath: demo) else { throw Failure("no database at \(demo)") }
            // Not timed: the first open of a database from an older Komar
            // migrates it, once; then the copy the benchmark works on.
            let original = KomarServices(database: try database.open())
            // A head office's records are its offices'; its admin names who
            // may copy them, and the bench reads them only.
            let headOfficePassword: String?
            if try original.offices.identity()?.kind == .headOffice {
                guard let user else { throw Failure("\(demo) is a head office: name its admin with --user") }
                headOfficePassword = try readPassword(prompt: "Password for \(user): ")
            } else {
                guard user == nil else { throw Failure("--user is for a head office's database; \(demo) is not one") }
                guard try original.accounts.isDemo() else {
                    throw Failure("\(demo) is not a demo database; 'komar bench' runs only on one that 'komar demo' made, "
                        + "or on a head office's with --user")
                }
                headOfficePassword = nil
            }
            let scratch = FileManager.default.temporaryDirectory
                .appendingPathComponent("komar-bench-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: scratch) }
            let db = scratch.appendingPathComponent("bench.sqlite").path
            try original.database.copy(to: db)
            func open(checkInBackground: Bool = false) throws -> AppDatabase {
                try AppDatabase.open(path: db, checkInBackground: checkInBackground)
            }
            var timings = BenchTimings(only: only)
            var startSamples: [Double] = []
            // Each start waits for the check behind the login (the whole file at a head office): only when asked.
            for _ in 0..<(timings.wants("start_to_login") ? max(20, runs / 10) : 0) {
                let start = DispatchTime.now().uptimeNanoseconds
                let services = KomarServices(database: try open(checkInBackground: true))
                try MainActor.assumeIsolated {
                    let app = App(backend: MemoryBackend(), services: services,
                                  language: Language(code: try services.accounts.defaultLanguage()))
                    app.start()
                    guard app.topScreenTitleKey == "login.title" else { throw Failure("login screen not reached") }
                }
                startSamples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                // Not timed: the check the login screen runs behind itself.
                try services.database.requireIntact()
            }
            timings.record("start_to_login", startSamples)

            let services = KomarServices(database: try open())
            let readers = try headOfficePassword.map { try Self.headOfficeReaders(services, admin: user ?? "", password: $0) }
                ?? Self.demoReaders(services, demo: demo)
            let total = try services.cases.countCases(readers.worker)
            guard total > 0 else { throw Failure("\(demo) has no cases; fill it with 'komar demo --cases N'") }
            try ReadingBench.run(services, worker: readers.worker, coordinator: readers.coordinator, runs: runs,
                                 into: &timings)
            guard headOfficePassword == nil else {
                // Head office reads: its records are the offices', and none of them may be written here.
                try MainActor.assumeIsolated {
                    try KeystrokeBench.run(services, login: readers.login, runs: runs, into: &timings)
                }
                report(timings, cases: total, peak: peakResidentMB(), backupPrivatePeak: nil)
                return
            }
            // Each run records the visit at the top of the queue (which
            // schedules the next one), as a worker clearing a queue would.
            let today = services.clock.today
            try timings.measure("save_followup", runs: runs) {
                guard let item = try services.followUps.queue(readers.worker, limit: 1).first else { return }
                try services.followUps.record(readers.worker, followUpId: item.id, VisitReport(
                    outcome: .done, type: .homeVisit, date: today, notes: "Benchmark visit.", wellbeing: .same))
            }
            let coordinator = readers.coordinator
            // A new office's household list: 10,000 households, four people
            // each on average, read from CSV, checked and saved.
            let importRuns = timings.wants("import") ? min(runs, 3) : 0
            let files = try (0..<importRuns).map { Data(try Self.householdFile(run: $0, villages: services).utf8) }
            var importRun = 0
            // Each import starts as `komar import` does, with the log of the one before moved into the
            // file (the command's connection does that as it closes; the app while the user is idle).
            try timings.measure("import_households_10k", runs: importRuns, prepare: { services.database.checkpoint() }) {
                defer { importRun += 1 }
                let outcome = try Importer(services: services, session: coordinator).households(
                    files[importRun], mode: .allOrNothing, source: "bench")
                guard outcome.saved == 10_000 else {
                    throw Failure("the bench's import saved \(outcome.saved) households, not 10,000")
                }
            }
            try MainActor.assumeIsolated {
                try KeystrokeBench.run(services, login: readers.login, runs: runs, into: &timings)
            }
            let peakBeforeBackups = peakResidentMB()
            let sampler = PrivateMemorySampler()
            try measureBackups(services, database: db, folder: scratch.appendingPathComponent("backups"), into: &timings)
            let backupPrivatePeak = sampler.stop()
            try measureSync(services, folder: scratch, into: &timings)
            report(timings, cases: total, peak: peakBeforeBackups,
                   backupPrivatePeak: timings.wants("backup") || timings.wants("restore") ? backupPrivatePeak : nil)
        }
    }

    /// A backup by hand (copy, check, manifest), checking it again, and
    /// restoring it over the database (with its safety copy), a few times
    /// each: each moves the whole file.
    /// Who reads in the bench, and the login the keystroke bench types.
    struct Readers {
        let worker: Session
        let coordinator: Session
        let login: (username: String, password: String)
    }

    /// The demo's social worker (who sees every case) and coordinator.
    static func demoReaders(_ services: KomarServices, demo: String) throws -> Readers {
        guard case .success(let worker) = try services.accounts.logIn(username: "socialworker", password: DemoData.password),
              case .success(let coordinator) = try services.accounts.logIn(username: "coordinator",
                                                                          password: DemoData.password) else {
            throw Failure("\(demo) has no demo social worker and coordinator; fill it with 'komar demo'")
        }
        return Readers(worker: worker, coordinator: coordinator, login: ("socialworker", DemoData.password))
    }

    /// At head office (on the bench's copy): its admin adds a social worker
    /// and a coordinator of head office's own, who read every office's records.
    static func headOfficeReaders(_ services: KomarServices, admin: String, password: String) throws -> Readers {
        guard case .success(let boss) = try services.accounts.logIn(username: admin, password: password),
              boss.may(.manageUsers) else {
            throw Failure("wrong username or password, or \(admin) is not an admin")
        }
        let readerPassword = "bench-reader-pass-42"
        var sessions: [Session] = []
        for (name, role) in [("bench-worker", Role.socialWorker), ("bench-coordinator", .coordinator)] {
            try services.accounts.addUser(by: boss, username: name, displayName: name, role: role, password: readerPassword,
                                          languageCode: "km")
            guard case .success(let session) = try services.accounts.logIn(username: name, password: readerPassword) else {
                throw Failure("the bench's \(name) cannot log in")
            }
            sessions.append(session)
        }
        return Readers(worker: sessions[0], coordinator: sessions[1], login: ("bench-worker", readerPassword))
    }

    /// 10,000 households of one to seven people in villages of the demo's
    /// provinces (by code, Khmer name or Latin name), as an office's
    /// spreadsheet would give them; names differ per run so none is a
    /// duplicate.
    static func householdFile(run: Int, villages services: KomarServices) throws -> String {
        let villages = try services.gazetteer.all(.village).filter { $0.code.hasPrefix("14") }
        var named: [String: Int] = [:]
        for village in villages { named[village.nameLatin, default: 0] += 1 }
        var lines = ["Household,Village,Province,Name in Khmer,Name in Latin letters,Sex,Date of birth,Age,Relationship,In school,Phone"]
        var random = SystemRandomNumberGenerator()
        for household in 1...10_000 {
            let village = villages[household % villages.count]
            let place = household % 3 == 0 && named[village.nameLatin] == 1 ? village.nameLatin : village.code
            lines.append("\(household),\(place),Prey Veng,សុខ ចាន់ធី \(run)-\(household),Sok Chanthy \(run)-\(household),F,,"
                + "\(30 + household % 40),head,,012 345 \(100 + household % 900)")
            for member in 0..<Int.random(in: 0...6, using: &random) {
                lines.append("\(household),,,ពៅ \(member),Pov \(member),\(member % 2 == 0 ? "F" : "M"),"
                    + "\(1 + member)/0\(1 + member)/20\(10 + member),,child,yes,")
            }
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    private func measureBackups(_ services: KomarServices, database: String, folder: URL,
                                into timings: inout BenchTimings) throws {
        guard timings.wants("backup") || timings.wants("restore") else { return }
        guard case .success(let admin) = try services.accounts.logIn(username: "admin", password: DemoData.password) else {
            throw Failure("the demo has no admin account")
        }
        let times = min(runs, 3)
        // `komar backup` copies, then checks the copy in full; the budgets
        // count the two apart (backup 2 s, verify 3 s).
        var copied: BackupEntry?
        try timings.measure("backup", runs: times) {
            copied = try services.backups.make(admin, kind: .manual, to: folder, verify: false)
        }
        let unverified = try copied ?? services.backups.make(admin, kind: .manual, to: folder, verify: false)
        try timings.measure("backup_verify", runs: times) {
            _ = try BackupService.verify(unverified.file, passphrase: nil, thorough: true, besideDatabase: database)
        }
        var newest: BackupEntry?
        try timings.measure("backup_checked", runs: times) {
            newest = try services.backups.make(admin, kind: .manual, to: folder)
        }
        let entry = try newest ?? services.backups.make(admin, kind: .manual, to: folder)
        try timings.measure("backup_verify_quick", runs: times) {
            _ = try BackupService.verify(entry.file, passphrase: nil, besideDatabase: database)
        }
        try timings.measure("restore", runs: times) {
            _ = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: database,
                                                         username: "admin", password: DemoData.password),
                                          live: services.database)
        }
    }

    /// The office joins head office (its 100,000 cases move into its key
    /// range), then, a few times each, writes a day's work as a file
    /// (300 new records, 500 changed, 5 deleted) and head office applies a
    /// file of 10,000 changes. Last: joining changes the keys of everything.
    private func measureSync(_ services: KomarServices, folder: URL, into timings: inout BenchTimings) throws {
        guard timings.wants("sync") || timings.wants("office") else { return }
        let headOffice = KomarServices(database: try AppDatabase.open(path: folder.appendingPathComponent("hq.sqlite").path))
        try headOffice.accounts.setUp(SetupInput(
            organisation: "Bench head office", provinceCode: nil, districtCode: nil, adminUsername: "boss",
            adminDisplayName: "Boss", adminPassword: DemoData.password + "-hq", languageCode: "en"))
        try headOffice.offices.makeHeadOffice(code: "HQ")
        guard case .success(let boss) = try headOffice.accounts.logIn(username: "boss", password: DemoData.password + "-hq"),
              case .success(let admin) = try services.accounts.logIn(username: "admin", password: DemoData.password) else {
            throw Failure("the bench cannot log in")
        }
        let enrolment = try headOffice.offices.add(boss, code: "PV1", name: "Bench office")
        var officeAdmin = admin
        let join = try BenchTimings.time { officeAdmin = try services.offices.join(admin, enrolment) }
        if timings.wants("office_join_100k") { timings.record("office_join_100k", [join]) }
        try SyncBench.markEverythingSent(services)
        let received = try SyncBench.headOffice(holding: services, at: folder.appendingPathComponent("hq-copy.sqlite").path)
        guard case .success(let receiver) = try received.accounts.logIn(username: "admin", password: DemoData.password) else {
            throw Failure("the bench's head office cannot log in")
        }
        let times = min(runs, 5)
        // Only the export is timed; head office applies each day's file so the next ones follow on.
        var days: [Double] = []
        for _ in 0..<times {
            try SyncBench.work(services, added: 300, changed: 500, deleted: 5)
            var file: URL?
            days.append(try BenchTimings.time { file = try services.sync.export(officeAdmin).files[0] })
            if let file { _ = try received.sync.importFiles(receiver, [file]) }
        }
        if timings.wants("sync_export_day") { timings.record("sync_export_day", days) }
        var files: [URL] = []
        for _ in 0..<times {
            try SyncBench.work(services, added: 5_000, changed: 4_995, deleted: 5)
            files.append(try services.sync.export(officeAdmin).files[0])
        }
        var next = 0
        try timings.measure("sync_import_10k", runs: times) {
            defer { next += 1 }
            let report = try received.sync.importFiles(receiver, [files[next]])
            guard report.first?.conflicts == 0, report.first?.warnings.isEmpty == true else {
                throw Failure("the bench's import did not apply cleanly: \(report)")
            }
        }
    }

    private func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// `peak` is the resident memory before the backups; while they ran,
    /// `backupPrivatePeak` is the private part (see `PrivateMemorySampler`).
    private func report(_ timings: BenchTimings, cases: Int, peak: Double, backupPrivatePeak: Double?) {
        if json {
            let ops = timings.operations.map { op in
                String(format: "\"%@\": {\"p50_ms\": %.3f, \"p95_ms\": %.3f}", op.name, op.percentile(0.5),
                       op.percentile(0.95))
            }
            let backups = backupPrivatePeak.map { String(format: ", \"backup_private_peak_mb\": %.1f", $0) } ?? ""
            print("{\"operations\": {\(ops.joined(separator: ", "))}, \"peak_rss_mb\": \(String(format: "%.1f", peak))\(backups)}")
            return
        }
        print("komar bench: \(cases) cases visible to the demo social worker, \(runs) runs per operation")
        print("operation                   p50 ms    p95 ms")
        for op in timings.operations {
            print(op.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: "%8.2f  %8.2f", op.percentile(0.5), op.percentile(0.95)))
        }
        print(String(format: "peak resident memory: %.1f MB (before the backups)", peak))
        if let backupPrivatePeak {
            print(String(format: "while backing up: %.1f MB private (the check maps the copy: shared file pages)",
                         backupPrivatePeak))
        }
    }
}
