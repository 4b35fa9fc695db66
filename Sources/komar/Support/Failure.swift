import ArgumentParser
import CaseStore
import CaseDomain
import CNcursesw
import Foundation
import Localization

/// A one-line failure: printed as "komar: <message>" with exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Runs `body`, turning failures into one line on stderr and exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        guard let message = explain(error) else { throw error }
        fflush(nil)
        FileHandle.standardError.write(Data("komar: \(message)\n".utf8))
        throw ExitCode.failure
    }
}

/// The one line a failure is said in; nil for errors the argument parser
/// reports itself (exit codes, validation).
func explain(_ error: any Error) -> String? {
    switch error {
    case let failure as Failure: failure.description
    case let error as AccountError: describe(error)
    case is DemoRefused:
        "this database holds an office's own accounts; demo data goes only into a new file or one that 'komar demo' made"
    case let denied as PermissionDenied: "a \(denied.role.rawValue) may not do this"
    case let rejected as OfficeSettingsRejected:
        rejected.issues.values.map { Localizer(language: .en)($0) }.sorted().joined(separator: "; ")
    case let error as BackupError: describe(error)
    case let error as StoreError: "database error: \(error)"
    default: nil
    }
}

func requireUTF8Locale() throws {
    _ = setlocale(LC_ALL, "")
    guard komar_locale_is_utf8() != 0 else {
        let name = String(cString: setlocale(LC_CTYPE, nil))
        throw Failure("the locale '\(name)' is not UTF-8; run with LANG=C.UTF-8 (or another UTF-8 locale)")
    }
}

func describe(_ error: AccountError) -> String {
    switch error {
    case .alreadySetUp: return "the database is already set up"
    case .invalidUsername: return "usernames are 3–32 characters: a–z, 0–9, dot, dash or underscore"
    case .usernameTaken: return "that username is already taken"
    case .weakPassword(let problem):
        return Localizer(language: .en)(problem.messageKey, String(PasswordRules.minimumLength))
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    case .wrongPassword: return "the current password is not correct"
    case .lastAdmin: return "this is the last active admin; make another user admin first"
    case .displayNameRequired: return "a display name is required"
    case .organisationRequired: return "an organisation name is required"
    case .controlCharacters: return "names may hold letters, digits and punctuation, not control characters"
    }
}

func describe(_ error: BackupError) -> String {
    switch error {
    case .noManifest(let name): return "the backup has no manifest (\(name) is missing beside it)"
    case .checksumMismatch: return "the backup does not match its manifest's checksum: it was changed or damaged"
    case .damaged(let detail): return "the backup is damaged: \(detail)"
    case .rowCountsDiffer(let table): return "the backup's \(table) table does not hold what its manifest says"
    case .passphraseNeeded: return "the backup is encrypted; give its passphrase"
    case .wrongPassphrase: return "the passphrase does not open this backup"
    case .otherOrganisation(let backup, let current):
        return "the backup is from \(backup), not \(current); add --force to restore it anyway"
    case .notAnAdminInTheBackup: return "wrong username or password for an admin in this backup"
    case .cannotWrite(let detail): return "cannot write the backup: \(detail)"
    }
}
