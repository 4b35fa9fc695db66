import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `komar backup`: a verified copy of the database now, into `backups/`
/// beside it or onto another disk, optionally encrypted; `list` and
/// `verify` the ones there are.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Make, list and verify backups (admin).",
        subcommands: [Make.self, List.self, Verify.self], defaultSubcommand: Make.self)

    static let refusal = "only admins may make or list backups"

    struct Make: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            commandName: "make",
            abstract: "Copy the database now, checked, with a manifest (the default: 'komar backup').",
            discussion: """
                Into backups/ beside the database, or with --to into another folder (a USB stick, another disk).
                With --encrypt the copy is encrypted with AES-256-GCM; the passphrase is the line after the
                password (asked twice on a terminal). Without the passphrase an encrypted backup cannot be read.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Option(name: .long, help: "Folder to copy into instead of backups/ (e.g. a USB stick).") var to: String?
        @Flag(name: .long, help: "Encrypt the copy with a passphrase.") var encrypt = false

        func run() throws {
            try authenticated(.backupRestore, refusal: BackupCommand.refusal) { services, session in
                let passphrase = encrypt ? try readNewPassphrase() : nil
                let entry = try services.backups.make(session, kind: .manual, to: to.map { URL(fileURLWithPath: $0) },
                                                      passphrase: passphrase)
                print("Backed up to \(entry.file.path) (\(describe(entry.manifest)))")
            }
        }
    }

    struct List: AuthenticatedCommand {
        static let configuration = CommandConfiguration(abstract: "List the backups in backups/, newest first.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.backupRestore, refusal: BackupCommand.refusal) { services, session in
                let entries = try services.backups.list(session)
                if entries.isEmpty { print("No backups in \(services.backups.folder?.path ?? "backups/") yet.") }
                for entry in entries {
                    print([entry.manifest.createdAt.formatted(.iso8601), entry.manifest.kind.rawValue,
                           entry.file.lastPathComponent, describe(entry.manifest)].joined(separator: "\t"))
                }
                for file in try services.backups.unreadable(session) {
                    let manifest = BackupFolder.manifestURL(for: file)
                    let state = FileManager.default.fileExists(atPath: manifest.path) ? "damaged" : "missing"
                    print("manifest \(state) (\(manifest.lastPathComponent)), cannot be checked or restored:\t"
                          + file.lastPathComponent)
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup against its manifest (checksum, integrity, row counts); exit 1 if it fails.",
            discussion: "An encrypted backup's passphrase is read from standard input.")
        @Argument(help: "The backup file (.sqlite or .sqlite.enc).") var file: String
        @Flag(name: .long, help: "Repeat the full integrity check of every table and index (slower).")
        var thorough = false

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let url = URL(fileURLWithPath: file)
                guard FileManager.default.fileExists(atPath: url.path) else { throw Failure("no backup at \(file)") }
                let passphrase = file.hasSuffix(".enc") ? try readPassword(prompt: "Passphrase: ", what: "passphrase") : nil
                let manifest = try BackupService.verify(url, passphrase: passphrase, thorough: thorough)
                // A backup not checked in full when made was checked in full now.
                print("verified: \(file) (\(describe(manifest, checkedInFullNow: !manifest.verified || thorough)))")
            }
        }
    }
}

/// `komar restore FILE`: puts a backup back in place of the database.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup over the database (admin of the backup).",
        discussion: """
            The admin's username and password are checked against the accounts in the backup, so a damaged
            database can still be restored. The backup is verified first; the current file is kept in
            backups/ as a safety copy; a backup from another organisation needs --force. The password is
            the first line of standard input; an encrypted backup's passphrase the next.
            """)
    @Argument(help: "The backup file (.sqlite or .sqlite.enc).") var file: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "An admin's username in the backup; the password is read from standard input.")
    var user: String
    @Flag(name: .long, help: "Restore a backup from another organisation.") var force = false

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let url = URL(fileURLWithPath: file)
            guard FileManager.default.fileExists(atPath: url.path) else { throw Failure("no backup at \(file)") }
            let password = try readPassword(prompt: "Password for \(user): ")
            let passphrase = file.hasSuffix(".enc") ? try readPassword(prompt: "Passphrase: ", what: "passphrase") : nil
            let report = try BackupService.restore(RestoreRequest(
                backup: url, passphrase: passphrase, databasePath: database.path, username: user, password: password,
                force: force))
            print("Restored \(database.path) from \(url.lastPathComponent) (\(describe(report.manifest)))")
            if let safety = report.safetyCopy { print("The file it replaced is kept as \(safety.path)") }
            if report.otherWindows > 0 {
                print("Komar was open on it in \(report.otherWindows) other window(s): each asks its user to log in again "
                      + "at the next key.")
            }
            if report.formsKept > 0 {
                print("Unsaved forms kept from the file it replaced: \(report.formsKept); each user finds theirs at the next login.")
            }
            if let reason = report.formsNotKept {
                print("warning: the unsaved forms of the file it replaced could not be kept (\(reason)); they are still in "
                      + (report.safetyCopy?.path ?? "the file it replaced"))
            }
        }
    }
}

/// One line about a backup: when, size, rows, seal, and whether encrypted
/// and verified (checked in full when made, or `checkedInFullNow`).
func describe(_ manifest: BackupManifest, checkedInFullNow: Bool = false) -> String {
    let megabytes = String(format: "%.1f MB", Double(manifest.bytes) / 1_048_576)
    // Cases and households both: an office that began with its household list has no cases yet (walk-through).
    let rows = [("child_case", "case", "cases"), ("household", "household", "households")].compactMap { table, one, many in
        manifest.rowCounts[table].map { $0 == 1 ? "1 \(one)" : "\($0) \(many)" }
    }.joined(separator: ", ")
    let checked = checkedInFullNow ? "checked in full now" : manifest.verified ? "verified" : "not verified"
    return [megabytes, rows, manifest.auditSeal.isEmpty ? "" : "seal \(manifest.auditSeal)",
            manifest.encrypted ? "encrypted" : "", checked]
        .filter { !$0.isEmpty }.joined(separator: ", ")
}

/// A backup's passphrase: the next line of standard input, or asked twice
/// on a terminal.
func readNewPassphrase() throws -> String {
    let passphrase = try readPassword(prompt: "Passphrase for the backup: ", what: "passphrase")
    if isatty(0) != 0 {
        guard try readPassword(prompt: "The passphrase again: ", what: "passphrase") == passphrase else {
            throw Failure("the two passphrases are not the same")
        }
    }
    guard passphrase.unicodeScalars.count >= PasswordRules.minimumLength else {
        throw Failure("the passphrase needs at least \(PasswordRules.minimumLength) characters")
    }
    return passphrase
}
