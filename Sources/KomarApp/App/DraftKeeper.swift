import CaseDomain
import CaseStore
import Dispatch
import Foundation

/// Keeps what is typed on every form as a draft without ever making a key
/// wait: changes are gathered in memory and written a few times a second,
/// between keys, on a connection that fails at once when the file is busy
/// or full. A write that fails stays in memory and is tried again; the
/// app says so plainly, and never claims a draft was kept when it was not.
@MainActor
final class DraftKeeper {
    /// This running Komar: drafts are kept per terminal session.
    let terminal = TerminalSession()
    private let services: KomarServices
    /// Changes not yet written, per user.
    private var pending: [Int64: (session: Session, changes: [DraftKey: DraftChange])] = [:]
    /// What was last written (or restored) per user and form, so an
    /// unchanged form is not written again.
    private var written: [Int64: [DraftKey: String]] = [:]
    /// Why the last write failed; nil once one succeeds.
    private(set) var failure: (any Error)?
    private var lastFlush: UInt64 = 0
    private var lastHeartbeat: UInt64 = 0

    /// Writes are at most this often (nanoseconds)…
    static let flushInterval: UInt64 = 300_000_000
    /// …and the terminal says it is alive this often.
    static let heartbeatInterval: UInt64 = 60_000_000_000

    init(services: KomarServices) { self.services = services }

    /// Notes the form's current state for `session`'s user.
    func stage(_ session: Session, _ key: DraftKey, title: String, payload: String) {
        guard written[session.user.id]?[key] != payload || pending[session.user.id]?.changes[key] != nil else { return }
        pending[session.user.id, default: (session, [:])].changes[key] = .save(title: title, payload: payload)
    }

    /// The form holds nothing unsaved any more: its draft goes.
    func stageDelete(_ session: Session, _ key: DraftKey) {
        guard written[session.user.id]?[key] != nil || pending[session.user.id]?.changes[key] != nil else { return }
        pending[session.user.id, default: (session, [:])].changes[key] = .delete
    }

    /// The record was saved and its draft deleted in the same transaction:
    /// nothing is pending for it any more.
    func forget(_ session: Session, _ key: DraftKey) {
        pending[session.user.id]?.changes.removeValue(forKey: key)
        written[session.user.id]?.removeValue(forKey: key)
    }

    /// A draft was restored into a form: it is what is written.
    func remember(_ session: Session, _ key: DraftKey, payload: String) {
        written[session.user.id, default: [:]][key] = payload
    }

    /// The reference a save passes to delete its draft in its transaction.
    func ref(_ key: DraftKey) -> DraftRef { DraftRef(key: key, terminal: terminal.id) }

    var hasUnwritten: Bool { pending.values.contains { !$0.changes.isEmpty } }

    /// Writes pending changes if the last write was long enough ago.
    /// Returns true when whether drafts are kept changed (to say so).
    @discardableResult
    func flushIfDue() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard hasUnwritten, now &- lastFlush >= Self.flushInterval else { return false }
        return flush()
    }

    /// Writes everything pending now. Returns true when whether drafts are
    /// kept changed.
    @discardableResult
    func flush() -> Bool {
        lastFlush = DispatchTime.now().uptimeNanoseconds
        let hadFailure = failure != nil
        for (userId, batch) in pending where !batch.changes.isEmpty {
            do {
                try services.drafts.write(batch.session, terminal: terminal, batch.changes)
                for (key, change) in batch.changes {
                    switch change {
                    case .save(_, let payload): written[userId, default: [:]][key] = payload
                    case .delete: written[userId]?.removeValue(forKey: key)
                    }
                }
                pending[userId]?.changes = [:]
                failure = nil
            } catch {
                failure = error
            }
        }
        return hadFailure != (failure != nil)
    }

    /// Says this terminal is alive, and whose it is now, every minute (and
    /// at once when `force`).
    func heartbeat(userId: Int64?, force: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now &- lastHeartbeat >= Self.heartbeatInterval else { return }
        do {
            try services.drafts.heartbeat(terminal, userId: userId)
            lastHeartbeat = now
        } catch {
            // A busy file: the next minute tries again.
        }
    }

    /// The program is quitting: its drafts are offered at the next login.
    func end() { try? services.drafts.end(terminal) }
}
