import ArgumentParser
import CaseStore
import Foundation

/// `--db PATH`: the database every command works on.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite database (default: $KOMAR_DB or ~/.local/share/komar/komar.sqlite).")
    var db: String?

    var path: String { DatabaseLocation.resolve(explicit: db) }

    /// Opens the database, migrating it if needed; damage or a file that
    /// cannot be opened ends the command with one line.
    func open(checkInBackground: Bool = false) throws -> AppDatabase {
        do {
            return try AppDatabase.open(path: path, checkInBackground: checkInBackground)
        } catch StoreError.corrupt(_, let detail) {
            throw Failure("the database \(path) is damaged (\(detail)); restore the newest backup")
        } catch StoreError.cannotOpen(_, let detail) {
            throw Failure("cannot open \(path): \(detail)")
        } catch {
            throw Failure("cannot open \(path): \(error)")
        }
    }

    /// Opens a database that must already exist.
    func openExisting() throws -> KomarServices {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure("no database at \(path) (create one with 'komar init')")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw Failure("cannot read \(path)") }
        return KomarServices(database: try open())
    }
}
