import ArgumentParser
import CaseDomain
import CaseStore
import CNcursesw
import Foundation
import KomarApp
import Localization
import Terminal

/// A one-line failure: printed as "komar: <message>" with exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite database (default: $KOMAR_DB or ~/.local/share/komar/komar.sqlite).")
    var db: String?

    var path: String { DatabaseLocation.resolve(explicit: db) }
}

/// Opens an existing, set-up database for a command-line tool.
func openExisting(_ path: String) throws -> KomarServices {
    guard FileManager.default.fileExists(atPath: path) else {
        throw Failure("no database at \(path) (create one with 'komar init')")
    }
    guard FileManager.default.isReadableFile(atPath: path) else { throw Failure("cannot read \(path)") }
    return KomarServices(database: try openDatabase(path))
}

func openDatabase(_ path: String, checkInBackground: Bool = false) throws -> AppDatabase {
    do {
        return try AppDatabase.open(path: path, checkInBackground: checkInBackground)
    } catch StoreError.corrupt(_, let detail) {
        throw Failure("the database \(path) is damaged (\(detail)); restore the newest backup")
    } catch StoreError.cannotOpen(_, let detail) {
        throw Failure("cannot open \(path): \(detail)")
    } catch {
        throw Failure("cannot open \(path): \(error)")
    }
}

/// Reads a password from standard input: one line, without echo when it is
/// a terminal.
func readPassword(prompt: String) throws -> String {
    let interactive = isatty(0) != 0
    var saved = termios()
    if interactive {
        FileHandle.standardError.write(Data(prompt.utf8))
        tcgetattr(0, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &quiet)
    }
    let line = readLine(strippingNewline: true)
    if interactive {
        tcsetattr(0, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    guard let line, !line.isEmpty else { throw Failure("no password given on standard input") }
    return line
}

func requireUTF8Locale() throws {
    _ = setlocale(LC_ALL, "")
    guard komar_locale_is_utf8() != 0 else {
        let name = String(cString: setlocale(LC_CTYPE, nil))
        throw Failure("the locale '\(name)' is not UTF-8; run with LANG=C.UTF-8 (or another UTF-8 locale)")
    }
}

func explain(_ error: AccountError) -> String {
    switch error {
    case .alreadySetUp: return "the database is already set up"
    case .invalidUsername: return "usernames are 3–32 characters: a–z, 0–9, dot, dash or underscore"
    case .usernameTaken: return "that username is already taken"
    case .weakPassword: return "the password needs at least \(PasswordRules.minimumLength) characters"
    case .displayNameRequired: return "a display name is required"
    case .organisationRequired: return "an organisation name is required"
    }
}

@main
struct Komar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "komar",
        abstract: "Komar (កុមារ): a terminal case manager for child protection work.",
        discussion: """
            With no command, opens the terminal UI:
              komar                 on the default database ($KOMAR_DB or ~/.local/share/komar/komar.sqlite)
              komar --db PATH       on another database (first run opens setup)
              komar --demo          on a demo database with sample data and demo accounts
            """,
        version: "0.1.0",
        subcommands: [Open.self, Init.self, UserCommand.self, Demo.self, Export.self, Bench.self],
        defaultSubcommand: Open.self)
}

/// `komar [--db PATH] [--demo]`: the terminal UI (the default command).
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui", abstract: "Open the terminal UI (the default when no command is given).")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Open a demo database (created on first use; never your real data).")
    var demo = false

    mutating func run() throws {
        do {
            try requireUTF8Locale()
            let path = demo ? DatabaseLocation.demoPath() : database.path
            let db = try openDatabase(path, checkInBackground: true)
            let services = KomarServices(database: db)
            if demo, try !services.accounts.isSetUp() {
                FileHandle.standardError.write(Data("Preparing the demo database at \(path)…\n".utf8))
                try DemoData.fill(services)
            }
            let language = Language(code: (try? services.accounts.defaultLanguage()) ?? "km")
            let accounts = demo ? DemoData.accounts.map {
                DemoAccount(username: $0.username, password: DemoData.password, role: $0.role)
            } : []
            try MainActor.assumeIsolated {
                let backend: NcursesBackend
                do { backend = try NcursesBackend() } catch let error as TerminalError {
                    switch error {
                    case .notUTF8(let locale): throw Failure("the locale '\(locale)' is not UTF-8")
                    case .notATerminal: throw Failure("standard input and output must be a terminal")
                    case .cannotStart(let term): throw Failure("cannot start the terminal (TERM=\(term))")
                    }
                }
                let app = App(backend: backend, services: services, language: language, demoAccounts: accounts)
                app.run()
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("komar: \(failure)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Runs `body`, turning failures into one line on stderr and exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as Failure {
        FileHandle.standardError.write(Data("komar: \(failure)\n".utf8))
        throw ExitCode.failure
    } catch let error as AccountError {
        FileHandle.standardError.write(Data("komar: \(explain(error))\n".utf8))
        throw ExitCode.failure
    } catch let error as StoreError {
        FileHandle.standardError.write(Data("komar: database error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and set up a database without the TUI; the admin password is read from stdin.")

    @Option(name: .long, help: "Path of the new database.") var db: String
    @Option(name: .long, help: "Organisation name.") var org: String
    @Option(name: .long, help: "Username of the first admin.") var admin: String
    @Option(name: .long, help: "Admin's display name (default: the username).") var displayName: String?
    @Option(name: .long, help: "Default language: km or en.") var language: String = "km"

    func validate() throws {
        guard Language(rawValue: language) != nil else { throw ValidationError("--language must be km or en") }
    }

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let services = KomarServices(database: try openDatabase(db))
            if try services.accounts.isSetUp() { throw Failure("\(db) is already set up") }
            let password = try readPassword(prompt: "Password for \(admin): ")
            try services.accounts.setUp(SetupInput(
                organisation: org, provinceCode: nil, districtCode: nil, adminUsername: admin,
                adminDisplayName: displayName ?? admin, adminPassword: password, languageCode: language))
            print("Created \(db) for \(org); admin: \(UsernameRules.normalized(admin))")
        }
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage user accounts.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; the password is read from stdin.")

        @Option(name: .long, help: "Path of the database.") var db: String
        @Option(name: .long, help: "Login name (3–32 of a–z 0–9 . _ -).") var username: String
        @Option(name: .long, help: "Name shown on screen.") var displayName: String
        @Option(name: .long, help: "volunteer, social-worker, coordinator or admin.") var role: String
        @Option(name: .long, help: "Language: km or en.") var language: String = "km"

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role must be one of: volunteer, social-worker, coordinator, admin")
            }
            guard Language(rawValue: language) != nil else { throw ValidationError("--language must be km or en") }
        }

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try openExisting(db)
                guard try services.accounts.isSetUp() else { throw Failure("\(db) is not set up; run 'komar init' first") }
                let password = try readPassword(prompt: "Password for \(username): ")
                let user = try services.accounts.addUser(
                    by: nil, username: username, displayName: displayName, role: Role(rawValue: role)!,
                    password: password, languageCode: language)
                print("Added \(user.username) (\(user.role.rawValue))")
            }
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a database with sample data and one demo account per role (password \(DemoData.password)).")

    @Option(name: .long, help: "Path of the database (created if missing).") var db: String
    @Option(name: .long, help: "How many sample cases to add.") var cases: Int = 60

    func validate() throws {
        guard cases >= 0 else { throw ValidationError("--cases must be 0 or more") }
    }

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let services = KomarServices(database: try openDatabase(db))
            try DemoData.fill(services, cases: cases)
            print("Added \(cases) demo cases, \(max(1, cases / 2)) households and \(cases) referrals to \(db). Demo accounts (password \(DemoData.password)): "
                + DemoData.accounts.map(\.username).joined(separator: ", "))
        }
    }
}
