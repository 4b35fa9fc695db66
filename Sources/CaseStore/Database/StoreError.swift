/// Failures the store reports to the app, each with a string-table key so
/// the user sees it in their language.
public enum StoreError: Error, Equatable, Sendable {
    /// `PRAGMA quick_check` found damage; the message points to backups.
    case corrupt(path: String, detail: String)
    /// The file exists but cannot be opened or read (permissions, not SQLite).
    case cannotOpen(path: String, detail: String)
    /// Another user is writing and the wait ran out.
    case busy
    /// The disk is full; the form and draft are kept.
    case diskFull
    /// Someone changed the record since it was read.
    case changedElsewhere
    /// A record that should exist does not (deleted, or a bad id).
    case notFound
    /// A database with no schema where one was expected.
    case notInitialised(path: String)
    /// Any other SQLite failure, with SQLite's own message.
    case sqlite(String)
    /// A column holds a value Komar never writes (a role typed in with a
    /// shell): GRDB's own error would print the whole row, password hash
    /// included.
    case unreadable

    /// The string-table key of the message to show.
    public var messageKey: String {
        switch self {
        case .corrupt: return "error.db-corrupt"
        case .cannotOpen: return "error.db-cannot-open"
        case .busy: return "error.db-busy"
        case .diskFull: return "error.disk-full"
        case .changedElsewhere: return "error.changed-elsewhere"
        case .notFound: return "error.not-found"
        case .notInitialised: return "error.db-not-initialised"
        case .sqlite: return "error.db-other"
        case .unreadable: return "error.db-unreadable"
        }
    }
}
