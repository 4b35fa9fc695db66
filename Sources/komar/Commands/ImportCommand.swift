import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Imports
import Localization

/// `komar import households|providers FILE`: loads a spreadsheet (saved as
/// CSV or TSV) into the registers. Every row is checked first; nothing is
/// imported unless every row passes, or `--skip-bad FILE` sets the bad rows
/// aside with their reasons. `--template` writes a file to fill in.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import households (with their members) or providers from CSV or TSV; coordinators only.",
        discussion: """
            Examples:
              komar import --template households --language km --out households.csv
              komar import households households.csv --db komar.sqlite --user vannak --check
              komar import households households.csv --db komar.sqlite --user vannak --skip-bad rejected.csv
            The coordinator's password is the first line of standard input.
            """)

    @Argument(help: "households or providers.", transform: { value in
        guard let kind = ImportKind(rawValue: value) else { throw ValidationError("import households or providers") }
        return kind
    })
    var kind: ImportKind?
    @Argument(help: "The CSV or TSV file (UTF-8, with or without a byte-order mark).") var file: String?
    @Option(name: .long, help: "Write a template for households or providers instead.", transform: { value in
        guard let kind = ImportKind(rawValue: value) else { throw ValidationError("--template households or providers") }
        return kind
    })
    var template: ImportKind?
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Your username; your password is the first line of standard input.") var user: String?
    @Flag(name: .long, help: "Check every row and import nothing.") var check = false
    @Option(name: .long, help: "Import the good rows and write the rejected ones, with reasons, to this CSV file.")
    var skipBad: String?
    @Option(name: .long, help: "Words in km or en.", transform: Parse.language("language")) var language: Language = .en
    @Option(name: .long, help: "Where --template writes (default: the screen).") var out: String?
    @Option(name: .long, help: ArgumentHelp(
        "Households: the social worker (username or name) whose queue the first visits go to, for rows that name none.",
        valueName: "username"))
    var worker: String?

    func validate() throws {
        if template != nil { return }
        guard kind != nil, file != nil else { throw ValidationError("give households or providers and the file to import") }
        guard user != nil else { throw ValidationError("--user is required") }
        if check && skipBad != nil { throw ValidationError("--check imports nothing; leave out --skip-bad") }
        if worker != nil && kind != .households { throw ValidationError("--worker is for households") }
    }

    func run() throws {
        let t = Localizer(language: language)
        if let template {
            let text = template.template(t)
            guard let out else {
                print(text.dropFirst(), terminator: "")
                return
            }
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw Failure(t("import.cannot-write", out, error.localizedDescription))
            }
            print(t("import.template-written", out))
            return
        }
        guard let kind, let file, let user else { return }
        try reportingFailures {
            try requireUTF8Locale()
            let services = try database.openExisting()
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw Failure(t("import.cannot-read", file, error.localizedDescription))
            }
            try ActingUser.parse(["--user", user]).run(services, toDo: .importData,
                                                      refusal: "only coordinators may import") { session in
                let importer = Importer(services: services, session: session)
                let progress = Progress(enabled: isatty(2) != 0)
                do {
                    let mode: Importer.Mode = check ? .check : skipBad != nil ? .skipBad : .allOrNothing
                    let source = URL(fileURLWithPath: file).lastPathComponent
                    progress.say(t("import.checking"))
                    switch kind {
                    case .households:
                        let plan = try importer.checkHouseholds(data, worker: worker)
                        try report(plan, t: t, progress: progress)
                        let outcome = try importer.save(plan, mode: mode, source: source) { done, total in
                            progress.bar(done, total, t)
                        }
                        progress.clear()
                        if outcome.saved > 0 {
                            print(t.count("import.saved-households", outcome.saved, t.number(outcome.members)))
                            // Walk-through: every first visit sat in the coordinator's own queue, and no social
                            // worker's queue showed the new households.
                            let unassigned = outcome.plan.records.filter { $0.worker == nil }.count
                            if unassigned > 0 && session.user.role != .socialWorker {
                                print(t.count("import.visits-yours", unassigned))
                            }
                        }
                    case .providers:
                        let plan = try importer.checkProviders(data)
                        try report(plan, t: t, progress: progress)
                        let outcome = try importer.save(plan, mode: mode, source: source)
                        if outcome.saved > 0 { print(t.count("import.saved-providers", outcome.saved)) }
                    }
                } catch let unknown as Importer.UnknownWorker {
                    throw Failure(t(unknown.several ? "import.several-workers-option" : "import.no-such-worker-option",
                                    unknown.name))
                } catch let failure as ImportTable.Failure {
                    switch failure {
                    case .notUTF8: throw Failure(t("import.not-utf8", file))
                    case .empty: throw Failure(t("import.empty", file))
                    case .unreadable(let detail): throw Failure(t("import.unreadable", file) + " (\(detail))")
                    }
                }
            }
        }
    }

    /// Says what the check found; writes the rejected rows for --skip-bad;
    /// fails when nothing could be saved.
    private func report<R>(_ plan: ImportPlan<R>, t: Localizer, progress: Progress) throws {
        progress.clear()
        for problem in plan.fileProblems { print(problem.text(t)) }
        guard plan.fileProblems.isEmpty else { throw Failure(t("import.nothing-imported")) }
        if plan.goodRows + plan.rejected.count == 0 { throw Failure(t("import.no-rows")) }
        let shown = plan.rejected.prefix(50)
        for row in shown { for problem in row.problems { print(problem.text(t)) } }
        if plan.rejected.count > shown.count {
            print(t("import.more-problems", t.number(plan.rejected.count - shown.count)))
        }
        print(t.count("import.checked", plan.goodRows + plan.rejected.count, t.number(plan.rejected.count)))
        // Walk-through: after --skip-bad, the whole file corrected and imported again was refused row by
        // row as registered already; what was meant is importing the corrected rejected rows.
        let registeredAlready: Set = ["import.duplicate", "import.duplicate-provider", "import.household-has-problems"]
        if plan.records.isEmpty && !plan.rejected.isEmpty
            && plan.rejected.allSatisfy({ $0.problems.allSatisfy { registeredAlready.contains($0.messageKey) } }) {
            print(t("import.all-registered"))
        }
        if check {
            if !plan.rejected.isEmpty { throw Failure(t("import.check-only-bad")) }
            print(t("import.check-only"))
            return
        }
        if !plan.rejected.isEmpty {
            guard let skipBad else { throw Failure(t("import.nothing-imported-hint")) }
            do {
                // Owner-only, as the database: the rows hold names and phone numbers.
                try AtomicFile.write(Importer.rejectedRows(plan, t), to: URL(fileURLWithPath: skipBad))
            } catch {
                throw Failure(t("import.cannot-write", skipBad, (error as? ExportFailed)?.detail ?? error.localizedDescription))
            }
            print(t("import.rejected-written", t.number(plan.rejected.count), skipBad))
        }
        if plan.records.isEmpty { throw Failure(t("import.nothing-to-import")) }
    }
}

/// A progress line on a terminal's standard error; nothing otherwise.
final class Progress {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }

    func say(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func bar(_ done: Int, _ total: Int, _ t: Localizer) {
        guard enabled, total > 0 else { return }
        let width = 30, filled = done * width / total
        say("[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            + t("import.progress", t.number(done), t.number(total)))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
