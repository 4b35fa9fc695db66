import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Localization

/// `komar user`: account management from the command line, by an admin
/// (`--user`), and a user's own password change.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage user accounts (admin).",
        discussion: """
            Every command names the acting admin with --user; their password is the first line of standard
            input. A new password, where a command sets one, is the next line (asked twice on a terminal).
            Example: printf '%s\\n%s\\n' "$ADMIN_PASSWORD" "$FIRST_PASSWORD" | komar user add --user admin \\
                       --username sreymom --display-name 'ស្រីមុំ' --role volunteer
            """,
        subcommands: [List.self, Add.self, Disable.self, Enable.self, Unlock.self, ResetPassword.self, SetRole.self,
                      ChangePassword.self])

    static let refusal = "only admins may manage users"

    /// The account called `username`, as the admin sees it.
    static func find(_ username: String, _ services: KomarServices, _ session: Session) throws -> UserSummary {
        let name = UsernameRules.normalized(username)
        guard let found = try services.accounts.users(session).first(where: { $0.account.username == name }) else {
            throw Failure("there is no user called \(name)")
        }
        return found
    }

    struct List: AuthenticatedCommand {
        static let configuration = CommandConfiguration(abstract: "List every account with its role and state.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.manageUsers, refusal: UserCommand.refusal) { services, session in
                for user in try services.accounts.users(session) {
                    var state = user.account.isActive ? "active" : "disabled"
                    if let until = user.lockedUntil { state += ", locked until \(until.formatted(.iso8601))" }
                    if user.account.mustChangePassword { state += ", must change password" }
                    if let change = user.changedOutside {
                        let advice = change == .unrecorded ? "disable it unless it really belongs to the office"
                            : "reset its password: that puts back the role and state the log recorded"
                        state += ", CHANGED OUTSIDE KOMAR (\(AuditCommand.Verify.describe(change)); \(advice))"
                    }
                    print([user.account.username, user.account.role.rawValue, state, user.account.displayName]
                        .joined(separator: "\t"))
                }
            }
        }
    }

    struct Add: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; its first password is the second line of standard input, to be changed at the first login.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Option(name: .long, help: "Login name (3–32 of a–z 0–9 . _ -).") var username: String
        @Option(name: .long, help: "Name shown on screen.") var displayName: String
        @Option(name: .long, help: "volunteer, social-worker, coordinator or admin.", transform: Parse.code("role"))
        var role: Role
        @Option(name: .long, help: "Language: km or en.", transform: Parse.language("language")) var language: Language = .km

        func run() throws {
            try authenticated(.manageUsers, refusal: UserCommand.refusal) { services, session in
                let password = try readNewPassword(for: username)
                let user = try services.accounts.addUser(
                    by: session, username: username, displayName: displayName, role: role, password: password,
                    languageCode: language.rawValue, mustChange: true)
                print("Added \(user.username) (\(user.role.rawValue)); they choose their own password at their first login")
            }
        }
    }

    /// The shape of the commands that change one account.
    struct Target: ParsableArguments {
        @Argument(help: "The account to change.") var username: String
    }

    struct Disable: AccountChange {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account; an open session ends at its next action.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var target: Target

        func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String {
            try services.accounts.setActive(session, userId: user.account.id, active: false)
            return "Disabled \(user.account.username)"
        }
    }

    struct Enable: AccountChange {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var target: Target

        func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String {
            try services.accounts.setActive(session, userId: user.account.id, active: true)
            return "Enabled \(user.account.username)"
        }
    }

    struct Unlock: AccountChange {
        static let configuration = CommandConfiguration(abstract: "Lift a lock-out after failed logins.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var target: Target

        func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String {
            try services.accounts.unlock(session, userId: user.account.id)
            return "Unlocked \(user.account.username)"
        }
    }

    struct ResetPassword: AccountChange {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a forgotten password (second line of standard input); it must be changed at the next login.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var target: Target

        func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String {
            let password = try readNewPassword(for: user.account.username)
            try services.accounts.resetPassword(session, userId: user.account.id, newPassword: password)
            return "Reset \(user.account.username)'s password; they must change it at their next login"
        }
    }

    struct SetRole: AccountChange {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Give an account another role; its open session ends.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var target: Target
        @Option(name: .long, help: "volunteer, social-worker, coordinator or admin.", transform: Parse.code("role"))
        var role: Role

        func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String {
            try services.accounts.setRole(session, userId: user.account.id, role: role)
            return "\(user.account.username) is now \(role.rawValue)"
        }
    }

    struct ChangePassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change-password",
            abstract: "Change your own password: the current one on the first line of standard input, the new one on the next.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try database.openExisting()
                let current = try readPassword(prompt: "Current password for \(actingUser.user): ")
                guard case .success(let session) = try services.accounts.logIn(username: actingUser.user, password: current)
                else { throw Failure("wrong username or password (or the account is disabled or locked)") }
                defer { try? services.accounts.logOut(session) }
                let new = try readNewPassword(for: session.user.username)
                try services.accounts.changeOwnPassword(session, current: current, new: new)
                print("Changed \(session.user.username)'s password")
            }
        }
    }
}

/// A command that changes one account named on the command line, by an
/// admin: it finds the account, changes it, and says what it did.
protocol AccountChange: AuthenticatedCommand {
    var target: UserCommand.Target { get }
    /// Changes `user`; returns the line to print.
    func change(_ user: UserSummary, _ services: KomarServices, _ session: Session) throws -> String
}

extension AccountChange {
    func run() throws {
        try authenticated(.manageUsers, refusal: UserCommand.refusal) { services, session in
            print(try change(try UserCommand.find(target.username, services, session), services, session))
        }
    }
}
