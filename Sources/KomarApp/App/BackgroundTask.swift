import CaseStore
import Dispatch
import Synchronization

/// Work that must not hold up the keyboard (a backup of a large database
/// takes seconds): it runs on another thread, and the app looks for its
/// outcome between keys.
final class BackgroundTask<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchGroup()

    init(_ work: @escaping @Sendable () throws -> Value) {
        done.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            let outcome = Result { try work() }
            result.withLock { $0 = outcome }
            done.leave()
        }
    }

    /// The outcome once the work is done; nil while it runs.
    var outcome: Result<Value, any Error>? { result.withLock { $0 } }

    /// Waits for the work to finish (quitting waits for a backup).
    @discardableResult
    func wait() -> Result<Value, any Error> {
        done.wait()
        return result.withLock { $0! }
    }
}

/// What the day's first login copies: the backup and, at an office with a
/// shared folder, the changes for head office (nil when none were due).
struct DailyCopies: Sendable {
    let backup: BackupEntry
    let changes: Result<SyncExportReport?, any Error>
}
