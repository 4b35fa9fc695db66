import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `komar office`: head office adds offices; each office joins once with
/// the enrolment file head office gave it.
struct OfficeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office", abstract: "Add offices at head office, join one, list them (admin).",
        subcommands: [Add.self, Join.self, List.self, Restore.self])

    static let refusal = "only admins may add, join or list offices"

    struct Add: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "At head office: reserve an office's number and keys, and write its enrolment file.",
            discussion: """
                The enrolment file holds the key the office's sync files are sealed with: carry it to the office
                like a key (a USB stick handed over, not e-mail), and delete it once the office has joined.
                """)
        @Argument(help: "The office's code: 2 to 6 capital letters or digits, e.g. PV1.") var code: String
        @Option(name: .long, help: "The office's name.") var name: String
        @Option(name: .long, help: "Where to write the enrolment file.") var out: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.manageSettings, refusal: OfficeCommand.refusal) { services, session in
                let url = URL(fileURLWithPath: out)
                guard !FileManager.default.fileExists(atPath: url.path) else { throw Failure("\(out) already exists") }
                let enrolment = try services.offices.add(session, code: code, name: name)
                try OfficeService.write(enrolment, to: url)
                print("Added office \(enrolment.code) (number \(enrolment.number)); its enrolment file is \(url.path)")
            }
        }
    }

    struct Join: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "At an office: join head office with the enrolment file it gave.",
            discussion: """
                Records already in the database move into the office's keys and their codes gain the office
                code (KC-2026-0001 becomes KC-PV1-2026-0001); the first 'komar sync export' sends them all.
                Close Komar everywhere and save or discard unsaved forms first.
                """)
        @Argument(help: "The enrolment file from 'komar office add'.") var file: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let enrolment = try OfficeService.readEnrolment(URL(fileURLWithPath: file))
                let services = try database.openExisting()
                let session = try actingUser.logIn(services, toDo: .manageSettings, refusal: OfficeCommand.refusal)
                let moved: Session
                do {
                    moved = try services.offices.join(session, enrolment)
                } catch {
                    // The join's own failure is the one to report.
                    try? services.accounts.logOut(session)
                    throw error
                }
                // Whether the logout is recorded changes nothing of the join.
                try? services.accounts.logOut(moved)
                print("Joined \(enrolment.headOffice) as office \(enrolment.code) (number \(enrolment.number)); "
                    + "send your records with: komar sync export --db \(quoted(database.path)) --user \(actingUser.user)")
            }
        }
    }

    struct List: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "At head office: every office, its last file, and days since the last import.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.manageSettings, refusal: OfficeCommand.refusal) { services, session in
                let offices = try services.offices.offices(session)
                if offices.isEmpty { print("No offices yet: add one with 'komar office add CODE --name NAME --out FILE'.") }
                let now = services.clock.now()
                for office in offices {
                    let days = office.lastImportAt.map { "\(Int(now.timeIntervalSince($0) / 86_400)) days since the last import" }
                        ?? "nothing imported yet"
                    var line = "\(office.code)\t\(office.name)\tfile \(office.lastSequence)\t\(days)"
                    if office.openConflicts > 0 { line += "\t" + counted(office.openConflicts, "conflict") }
                    if !office.auditAlert.isEmpty { line += "\tAUDIT: \(office.auditAlert)" }
                    print(line)
                }
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild a lost office in a new database from head office's rebuild file.",
            discussion: """
                At head office: komar sync export --for CODE --full --to DIR writes the rebuild file and the
                office's enrolment. Here the new database takes every record head office holds of the office,
                and its people: the admin named by --user sets a password now (read from stdin), then sets the
                others' in user management. File numbers and keys continue after what head office holds.
                """)
        @Argument(help: "The rebuild file from head office.") var file: String
        @Option(name: .long, help: "The office's enrolment file, written beside the rebuild file.") var enrolment: String
        @Option(name: .long, help: "The office's admin, who sets a new password.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let path = database.path
                let enrolled = try OfficeService.readEnrolment(URL(fileURLWithPath: enrolment))
                if case .empty(nil) = DatabaseFileState.inspect(path) { _ = unlink(path) }
                guard !FileManager.default.fileExists(atPath: path) else {
                    throw Failure("\(path) already exists; an office is rebuilt only in a new database")
                }
                let password = try readPassword(prompt: "New password for \(user): ")
                let services = KomarServices(database: try database.open())
                let report: OfficeRebuildReport
                do {
                    report = try services.offices.rebuild(from: URL(fileURLWithPath: file), enrolment: enrolled, admin: user,
                                                          password: password, hasher: PasswordHasher())
                } catch {
                    // The file made for this rebuild is not left behind half made.
                    for suffix in ["", "-wal", "-shm"] { _ = unlink(path + suffix) }
                    throw error
                }
                print("Rebuilt office \(report.office) in \(path): \(counted(report.changes, "record")) and \(counted(report.users, "person", plural: "people")); "
                    + "the next file is \(report.sequence + 1). Set the other people's passwords in user management.")
            }
        }
    }
}
