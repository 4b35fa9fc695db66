import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `--user NAME`: who runs the command. Their password is the first line
/// of standard input (asked without echo on a terminal), and their role
/// must allow what the command does. Every command that reads or changes a
/// database with users takes one.
struct ActingUser: ParsableArguments {
    @Option(name: .long, help: "Your username; your password is the first line of standard input.")
    var user: String

    /// Logs the user in, and checks that their role may do `action`;
    /// `refusal` says who may ("only coordinators may export referrals").
    /// A password an admin reset must be changed first
    /// (`komar user change-password`), unless `allowingReset`.
    func logIn(_ services: KomarServices, toDo action: Action?, refusal: String,
               allowingReset: Bool = false) throws -> Session {
        let password = try readPassword(prompt: "Password for \(user): ")
        guard case .success(let session) = try services.accounts.logIn(username: user, password: password) else {
            throw Failure("wrong username or password (or the account is disabled or locked)")
        }
        if let action, !session.may(action) {
            try? services.accounts.logOut(session, summary: "refused: role")
            throw Failure("\(refusal) (\(session.user.username) is \(session.user.role.rawValue))")
        }
        if session.user.mustChangePassword && !allowingReset {
            try? services.accounts.logOut(session, summary: "refused: password must be changed")
            let database = services.database.path.map { " --db '\($0)'" } ?? ""
            throw Failure("\(session.user.username) must choose a new password first (a new account, or one an admin "
                + "reset) with "
                + "'komar user change-password\(database) --user \(session.user.username)' or by logging in")
        }
        return session
    }

    /// Runs `body` as the logged-in user, and logs them out after it.
    func run(_ services: KomarServices, toDo action: Action?, refusal: String, allowingReset: Bool = false,
             _ body: (Session) throws -> Void) throws {
        let session = try logIn(services, toDo: action, refusal: refusal, allowingReset: allowingReset)
        defer { try? services.accounts.logOut(session) }
        try body(session)
    }
}

/// A command that works on an existing database as a logged-in user: it
/// opens the database, logs the user in, checks their role, runs, and logs
/// them out, with every failure said in one line.
protocol AuthenticatedCommand: ParsableCommand {
    var database: DatabaseOptions { get }
    var actingUser: ActingUser { get }
}

extension AuthenticatedCommand {
    func authenticated(_ action: Action, refusal: String, _ body: (KomarServices, Session) throws -> Void) throws {
        try reportingFailures {
            try requireUTF8Locale()
            let services = try database.openExisting()
            try actingUser.run(services, toDo: action, refusal: refusal) { session in try body(services, session) }
        }
    }
}
