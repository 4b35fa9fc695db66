import ArgumentParser
import CaseStore
import Foundation

/// `--db PATH`: the database every command works on.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite database (default: $KOMAR_DB or ~/.local/share/komar/komar.sqlite).")
    var db: String?

    var path: String { DatabaseLocation.resolve(explicit: db) }

    /// Opens the database, migrating it if needed; damage or a file that
    /// cannot be opened ends the command with one line. An empty file, or a
    /// missing one with backups beside it, is never taken for a new office:
    /// the command ends naming the newest backup and how to restore it.
    func open(checkInBackground: Bool = false) throws -> AppDatabase {
        try refuseLostDatabase()
        do {
            return try AppDatabase.open(path: path, checkInBackground: checkInBackground)
        } catch StoreError.corrupt(_, let detail) {
            let what = detail.split(separator: "\n").first { !$0.hasPrefix("***") }.map(String.init) ?? detail
            throw Failure("the database \(path) is damaged (\(what)); "
                + (BackupFolder.newestVerified(besideDatabase: path).map(restoreHint)
                    ?? "there are no backups beside it in backups/"))
        } catch StoreError.cannotOpen(_, let detail) {
            throw Failure("cannot open \(path): \(detail)")
        } catch {
            throw Failure("cannot open \(path): \(error)")
        }
    }

    /// Names the newest backup and the command that restores it.
    func restoreHint(_ backup: URL) -> String {
        "the newest backup is \(backup.path); restore it with: komar restore \(quoted(backup.path)) --db \(quoted(path)) --user ADMIN"
    }

    /// Ends the command when the file is empty, or missing while backups of
    /// it exist.
    func refuseLostDatabase() throws {
        switch DatabaseFileState.inspect(path) {
        case .new, .present: return
        case .empty(let newest?):
            throw Failure("\(path) is empty (0 bytes); \(restoreHint(newest))")
        case .empty(nil):
            throw Failure("\(path) is empty (0 bytes) and there are no backups beside it; if this is a new office, "
                + "remove the empty file and start komar again to set it up")
        case .missing(let newest):
            throw Failure("there is no database at \(path), but there are backups beside it; \(restoreHint(newest))")
        }
    }

    /// Opens a database that must already exist.
    func openExisting() throws -> KomarServices {
        try refuseLostDatabase()
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure("no database at \(path) (create one with 'komar init')")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw Failure("cannot read \(path)") }
        return KomarServices(database: try open())
    }
}

/// Shell-quotes a path for a command the user may paste.
func quoted(_ text: String) -> String {
    text.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) } ? text
        : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
