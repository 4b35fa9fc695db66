import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `--user NAME`: who runs the command. Their password is the first line
/// of standard input (asked without echo on a terminal), and their role
/// must allow what the command does.
struct ActingUser: ParsableArguments {
    @Option(name: .long, help: "Your username; your password is read from standard input.")
    var user: String

    /// Logs the user in, and checks that their role may do `action`;
    /// `refusal` says who may ("only coordinators may export referrals").
    func logIn(_ services: KomarServices, toDo action: Action, refusal: String) throws -> Session {
        let password = try readPassword(prompt: "Password for \(user): ")
        let session: Session
        switch try services.accounts.logIn(username: user, password: password) {
        case .success(let s): session = s
        case .invalidCredentials: throw Failure("wrong username or password")
        case .locked(let until): throw Failure("the account is locked until \(until)")
        }
        guard session.may(action) else {
            throw Failure("\(refusal) (\(user) is \(session.user.role.rawValue))")
        }
        return session
    }
}
