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
        "this database holds an office's own records, history or backups; demo data goes only into a new file or one that "
            + "'komar demo' made"
    case let denied as PermissionDenied: "a \(denied.role.rawValue) may not do this"
    case let rejected as OfficeSettingsRejected:
        rejected.issues.values.map { Localizer(language: .en)($0) }.sorted().joined(separator: "; ")
    case let error as BackupError: describe(error)
    case StoreError.unreadable:
        "the database holds a value Komar never writes (changed outside Komar?); an admin can restore a backup"
    case let error as StoreError: "database error: \(error)"
    case let error as OfficeError: describe(error)
    case let error as SyncError: describe(error)
    case SyncFileError.damaged: "not a Komar office file, or cut short"
    case SyncFileError.notAuthentic: "the file was changed after it was written, or is not from the office it names; nothing was applied"
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
    case .accountsRemoved: return "the database holds records but no accounts: they were removed outside Komar"
    case .invalidUsername: return "usernames are 3–32 characters: a–z, 0–9, dot, dash or underscore"
    case .usernameTaken: return "that username is already taken"
    case .weakPassword(let problem):
        return Localizer(language: .en)(problem.messageKey, String(PasswordRules.minimumLength))
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    case .wrongPassword: return "the current password is not correct"
    case .lastAdmin: return "this is the last active admin; make another user admin first"
    case .alteredAsSaved:
        return "the database changed this account as it was saved (a trigger added outside Komar?); nothing was saved"
    case .newPasswordNeeded:
        return "this account was changed outside Komar: reset its password (or disable it) to record it again"
    case .changedOutsideKomar:
        return "this account was changed outside Komar (its role, password or state is not what the audit log "
            + "recorded); an admin must reset its password, or restore a backup if no admin can log in"
    case .displayNameRequired: return "a display name is required"
    case .organisationRequired: return "an organisation name is required"
    case .controlCharacters: return "names may hold letters, digits and punctuation, not control characters"
    }
}

func describe(_ error: BackupError) -> String {
    switch error {
    case .noManifest(let name): return "the backup has no manifest (\(name) is missing beside it); choose another backup"
    case .damagedManifest(let name):
        return "the backup's manifest \(name) is damaged (cut short or edited), so the backup cannot be checked; "
            + "choose another backup"
    case .checksumMismatch:
        return "the backup does not match its manifest's checksum: it was changed or damaged; choose another backup"
    case .damaged(let detail): return "the backup is damaged: \(detail)"
    case .rowCountsDiffer(let table):
        return "the backup's \(table) table does not hold what its manifest says: the backup or its manifest was "
            + "changed or damaged; choose another backup"
    case .passphraseNeeded: return "the backup is encrypted; give its passphrase"
    case .wrongPassphrase: return "the passphrase does not open this backup"
    case .otherOrganisation(let backup, let current):
        return "the backup is from \(backup), not \(current); add --force to restore it anyway"
    case .otherDatabase(let madeAt):
        return "the backup (made \(madeAt.formatted(.iso8601))) is of another database than this one, though its "
            + "organisation has the same name; add --force to restore it anyway"
    case .notAnAdminInTheBackup: return "wrong username or password for an admin in this backup"
    case .cannotWrite(let detail): return "cannot write the backup: \(detail)"
    }
}

func describe(_ error: OfficeError) -> String {
    switch error {
    case .invalidCode: "an office code is 2 to 6 capital letters or digits, starting with a letter (e.g. PV1)"
    case .codeTaken: "that office code is taken"
    case .nameRequired: "the office needs a name"
    case .notHeadOffice: "this database is not a head office (create one with 'komar init --head-office CODE')"
    case .alreadyJoined(let code): "this database already joined head office as \(code)"
    case .isHeadOffice: "this database is a head office"
    case .notEmpty: "only a new database can become head office"
    case .unsavedForms(let count):
        "\(count) unsaved forms would point at the wrong records; open Komar, save or discard them, then join"
    case .otherTerminalsOpen(let count): "Komar is open in \(count) other terminals; close it there first"
    case .noOffices: "no offices have been added"
    case .unknownOffice(let code): "head office knows no office \(code)"
    }
}

func describe(_ error: SyncError) -> String {
    switch error {
    case .notAnOffice: "this database has not joined a head office (use 'komar office join FILE')"
    case .notHeadOffice: "this database is not a head office"
    case .inMemory: "sync needs a database file"
    case .snapshotMissing(let path):
        "the copy of the last export (\(path)) is missing, so the changes since cannot be found; nothing was written"
    case .snapshotDamaged(let detail): "the copy of the last export is damaged (\(detail)); nothing was applied to it"
    case .unknownOffice(let code): "the file is from office \(code), which head office does not know; nothing was applied"
    case .otherHeadOffice(let code): "the file is from office \(code) of another head office; nothing was applied"
    case .schemaDiffers(let file, let here):
        "the file was written by another version of Komar (schema \(file), here \(here)); update both to the same version"
    case .sequenceReused(let code, let sequence):
        "file \(sequence) of \(code) was applied already, and this one is different; nothing was applied"
    case .missingFiles(let code, let from, let to):
        from == to ? "file \(from) of \(code) is missing; import it first" : "files \(from) to \(to) of \(code) are missing; import them first"
    case .rowsOfAnotherOffice(let code, let table):
        "the file from \(code) holds records that are not \(code)'s (\(table)); nothing was applied"
    case .brokenReferences(let detail): "the file's records refer to records head office does not have (\(detail)); nothing was applied"
    case .conflictResolved(let id): "conflict \(id) is already settled"
    case .noSuchConflict(let id): "there is no conflict \(id)"
    case .auditEventsStay: "an audit event head office received is never rewritten; keep head office's (--keep ours)"
    case .cannotWrite(let path, let detail): "\(path): \(detail)"
    case .rebuildFile: "this file is head office's copy of an office, to rebuild it with 'komar office restore'; nothing was applied"
    case .notARebuildFile: "this is an office's file, not head office's rebuild file ('komar sync export --for CODE --full')"
    case .noSuchAdmin(let username): "the office has no active admin named \(username); nothing was written"
    case .conflictDamaged(let id): "conflict \(id) no longer holds the office's row as it came; keep head office's (--keep ours)"
    case .wholeRowsOnly: "this conflict is about a row one side removed: keep the office's or head office's whole"
    case .conflictsWaiting(let code, let count):
        "\(counted(count, "conflict")) of \(code) \(count == 1 ? "waits" : "wait") for a decision ('komar sync conflicts'); settle them first, so the rebuilt office gets the version head office keeps; nothing was written"
    case .sharedFolderMissing(let path):
        "the shared folder \(path) is not there (is the network drive or USB stick connected?); nothing was written"
    }
}
