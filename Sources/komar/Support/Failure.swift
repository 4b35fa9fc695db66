import ArgumentParser
import CaseStore
import CaseDomain
import CNcursesw
import Foundation

/// A one-line failure: printed as "komar: <message>" with exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
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
