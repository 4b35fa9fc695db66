import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Localization

/// `komar init`: creates and sets up a database without the TUI, only in a
/// new or empty file (never over an office's data).
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and set up a database without the TUI; the admin password is read from stdin.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Organisation name.") var org: String
    @Option(name: .long, help: "Username of the first admin.") var admin: String
    @Option(name: .long, help: "Admin's display name (default: the username).") var displayName: String?
    @Option(name: .long, help: "Default language: km or en.", transform: Parse.language("language"))
    var language: Language = .km
    @Option(name: .customLong("head-office"), help: "Make this database head office, with this code (e.g. HQ).")
    var headOffice: String?

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let path = database.path
            // Everything is checked before a file is made.
            guard UsernameRules.isValid(admin) else { throw AccountError.invalidUsername }
            guard !org.trimmingCharacters(in: .whitespaces).isEmpty else { throw AccountError.organisationRequired }
            if let headOffice, !OfficeCode.isValid(headOffice) { throw OfficeError.invalidCode }
            let password = try readPassword(prompt: "Password for \(admin): ")
            if let problem = AccountService.passwordProblem(password, username: admin) {
                throw AccountError.weakPassword(problem)
            }
            // An empty file with no backups beside it is a new office too.
            if case .empty(nil) = DatabaseFileState.inspect(path) { _ = unlink(path) }
            let isNew = !FileManager.default.fileExists(atPath: path)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let services = KomarServices(database: try database.open())
            if try services.accounts.isSetUp() { throw Failure("\(path) is already set up") }
            if size > 0, try !services.accounts.holdsNoRecords() {
                throw Failure("\(path) already holds records; 'komar init' works only on a new or empty file")
            }
            do {
                try services.accounts.setUp(SetupInput(
                    organisation: org, provinceCode: nil, districtCode: nil, adminUsername: admin,
                    adminDisplayName: displayName ?? admin, adminPassword: password, languageCode: language.rawValue))
                if let headOffice { try services.offices.makeHeadOffice(code: headOffice) }
            } catch {
                // A file made for this setup is not left behind half made.
                if isNew { for suffix in ["", "-wal", "-shm"] { _ = unlink(path + suffix) } }
                throw error
            }
            // In the office's language (walk-through: `--language km` answered in English).
            let t = Localizer(language: language)
            let admin = UsernameRules.normalized(admin)
            print(headOffice.map { t("init.created-head-office", database.path, org, $0, admin) }
                  ?? t("init.created", database.path, org, admin))
        }
    }
}
