import ArgumentParser
import CaseDomain
import CaseStore
import Localization

/// `komar user`: account management from the command line.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage user accounts.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; the password is read from stdin.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Login name (3–32 of a–z 0–9 . _ -).") var username: String
        @Option(name: .long, help: "Name shown on screen.") var displayName: String
        @Option(name: .long, help: "volunteer, social-worker, coordinator or admin.", transform: Parse.code("role"))
        var role: Role
        @Option(name: .long, help: "Language: km or en.", transform: Parse.language("language")) var language: Language = .km

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try database.openExisting()
                guard try services.accounts.isSetUp() else {
                    throw Failure("\(database.path) is not set up; run 'komar init' first")
                }
                let password = try readPassword(prompt: "Password for \(username): ")
                let user = try services.accounts.addUser(
                    by: nil, username: username, displayName: displayName, role: role, password: password,
                    languageCode: language.rawValue)
                print("Added \(user.username) (\(user.role.rawValue))")
            }
        }
    }
}
