import ArgumentParser
import CaseStore
import Foundation
import KomarApp
import Localization
import Terminal

/// `komar [--db PATH] [--demo]`: the terminal UI (the default command).
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui", abstract: "Open the terminal UI (the default when no command is given).")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Open a demo database (created on first use; never your real data).")
    var demo = false

    mutating func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            var options = database
            if demo { options.db = DatabaseLocation.demoPath() }
            // Making a new file (its tables and the gazetteer) takes a few seconds before the screen appears.
            // Only for a path where setup will start: a missing file with backups beside it is refused.
            if !demo, DatabaseFileState.inspect(options.path) == .new {
                FileHandle.standardError.write(Data("Creating a new database at \(options.path)…\n".utf8))
            }
            let services = KomarServices(database: try options.open(checkInBackground: true))
            if try services.accounts.accountsWereRemoved() {
                let backups = BackupFolder.list(besideDatabase: options.path)
                let restore = { (file: String) in "  komar restore \(file) --db \(quoted(options.path)) --user ADMIN" }
                throw Failure("""
                    \(options.path) holds records but no accounts: they were removed outside Komar.
                    Setting it up again would hand its records to whoever is at the keyboard, so it is not offered.
                    """ + "\n" + (try services.audit.newestBackupOfThisHistory(backups).map { entry in
                        "The newest backup of these records is \(entry.file.path). Restore it with:\n"
                            + restore(quoted(entry.file.path))
                    } ?? "There are no backups beside it in backups/. Restore one kept elsewhere (a USB stick) with:\n"
                        + restore("FILE")))
            }
            if demo, try !services.accounts.isSetUp() {
                FileHandle.standardError.write(Data("Preparing the demo database at \(options.path)…\n".utf8))
                try DemoData.fill(services)
            }
            let language = Language(code: try services.accounts.defaultLanguage())
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
                if let message = app.exitMessage { FileHandle.standardError.write(Data("komar: \(message)\n".utf8)) }
            }
        }
    }
}
