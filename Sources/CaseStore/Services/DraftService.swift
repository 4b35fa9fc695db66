import CaseDomain
import Foundation
import GRDB

/// Which form a draft is of, and which record it edits ("" for a new one).
public struct DraftKey: Hashable, Sendable, Codable {
    /// "intake", "case-edit", "visit", "referral", "household"…
    public let kind: String
    public let record: String

    public init(_ kind: String, record: String = "") {
        self.kind = kind
        self.record = record
    }
}

/// A draft to delete in the same transaction that saves its record.
public struct DraftRef: Hashable, Sendable {
    public let key: DraftKey
    public let terminal: String

    public init(key: DraftKey, terminal: String) {
        self.key = key
        self.terminal = terminal
    }
}

/// A form's unsaved state, kept per user, form, record and terminal
/// session, so a crash, a kill or a power cut loses nothing typed and two
/// terminals of one account never share one.
public struct Draft: Equatable, Sendable {
    public let key: DraftKey
    /// What the list of unsaved forms calls it ("visit KC-2026-0042").
    public let title: String
    public let payload: String
    public let updatedAt: Date
    public let terminal: String
}

/// One pending change to a draft.
public enum DraftChange: Equatable, Sendable {
    case save(title: String, payload: String)
    case delete
}

/// The terminal session a running Komar is: its id, and where it runs, so
/// another one can tell whether it is still alive.
public struct TerminalSession: Equatable, Sendable {
    public let id: String
    public let pid: Int32
    public let host: String

    public init(id: String = UUID().uuidString, pid: Int32 = getpid(), host: String = ProcessInfo.processInfo.hostName) {
        self.id = id
        self.pid = pid
        self.host = host
    }
}

/// Drafts: written in batches off the keystroke path on a connection that
/// never waits for a lock (a busy or full file fails at once and the app
/// retries), given back at login when their terminal is gone, and deleted
/// in the same transaction that saves their record. Drafts are the user's
/// own: nobody else reads them, and they are not audited (they may hold
/// narrative text, which the audit log never does).
public struct DraftService: Sendable {
    let store: StoreContext

    /// How long a terminal on another machine counts as alive after it was
    /// last seen.
    static let liveWindow: TimeInterval = 180

    /// Writes a batch of draft changes for the session's user from
    /// `terminal`, in one transaction that fails at once if the file is busy.
    public func write(_ session: Session, terminal: TerminalSession, _ changes: [DraftKey: DraftChange]) throws {
        guard !changes.isEmpty else { return }
        let now = store.now
        try store.database.writeDraft { db in
            for (key, change) in changes {
                switch change {
                case .save(let title, let payload):
                    try db.execute(sql: """
                        INSERT INTO form_draft (user_id, kind, record, terminal, title, payload, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (user_id, kind, record, terminal) DO UPDATE SET
                          title = excluded.title, payload = excluded.payload, updated_at = excluded.updated_at
                        """, arguments: [session.user.id, key.kind, key.record, terminal.id, title, payload, now])
                case .delete:
                    try Self.delete(db, userId: session.user.id, DraftRef(key: key, terminal: terminal.id))
                }
            }
        }
    }

    /// This terminal's draft of `key`, or else one left by a terminal that
    /// is gone (the newest): what opening that form should bring back.
    public func load(_ session: Session, _ key: DraftKey, terminal: TerminalSession) throws -> Draft? {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM form_draft WHERE user_id = ? AND kind = ? AND record = ? ORDER BY updated_at DESC
                """, arguments: [session.user.id, key.kind, key.record])
            let live = try Self.liveTerminals(db, userId: session.user.id, now: store.now, except: terminal.id)
            let mine = rows.first { ($0["terminal"] as String) == terminal.id }
            return (mine ?? rows.first { !live.contains($0["terminal"]) }).map(Self.draft)
        }
    }

    /// The user's drafts that no other running terminal of theirs holds
    /// (this terminal's own included: they were left here before another
    /// user took over, or before logging out), newest first: what the
    /// login offers to restore or discard.
    public func unsaved(_ session: Session, terminal: TerminalSession) throws -> [Draft] {
        try store.read { db in
            let live = try Self.liveTerminals(db, userId: session.user.id, now: store.now, except: terminal.id)
            return try Row.fetchAll(db, sql: "SELECT * FROM form_draft WHERE user_id = ? ORDER BY updated_at DESC",
                                    arguments: [session.user.id]).filter { !live.contains($0["terminal"]) }.map(Self.draft)
        }
    }

    /// Takes a draft left by another terminal over for this one (replacing
    /// this terminal's draft of the same form and record).
    public func adopt(_ session: Session, _ draft: Draft, terminal: TerminalSession) throws {
        guard draft.terminal != terminal.id else { return }
        try store.write { db in
            try Self.delete(db, userId: session.user.id, DraftRef(key: draft.key, terminal: terminal.id))
            try db.execute(sql: """
                UPDATE form_draft SET terminal = ? WHERE user_id = ? AND kind = ? AND record = ? AND terminal = ?
                """, arguments: [terminal.id, session.user.id, draft.key.kind, draft.key.record, draft.terminal])
        }
    }

    /// Deletes one draft (the user chose to discard it).
    public func discard(_ session: Session, _ draft: Draft) throws {
        try store.write { db in
            try Self.delete(db, userId: session.user.id, DraftRef(key: draft.key, terminal: draft.terminal))
        }
    }

    static func delete(_ db: Database, userId: Int64, _ ref: DraftRef) throws {
        try db.execute(sql: "DELETE FROM form_draft WHERE user_id = ? AND kind = ? AND record = ? AND terminal = ?",
                       arguments: [userId, ref.key.kind, ref.key.record, ref.terminal])
    }

    private static func draft(_ row: Row) -> Draft {
        Draft(key: DraftKey(row["kind"], record: row["record"]), title: row["title"], payload: row["payload"],
              updatedAt: row["updated_at"], terminal: row["terminal"])
    }

    // MARK: terminal sessions

    /// Records that `terminal` runs, for `userId` (nil before login), now.
    /// Fails at once on a busy file; the next call tries again.
    public func heartbeat(_ terminal: TerminalSession, userId: Int64?) throws {
        let now = store.now
        try store.database.writeDraft { db in
            try db.execute(sql: """
                INSERT INTO terminal_session (id, user_id, pid, host, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, seen_at = excluded.seen_at
                """, arguments: [terminal.id, userId, terminal.pid, terminal.host, now, now])
        }
    }

    /// The terminal quit: its drafts are offered at the next login.
    public func end(_ terminal: TerminalSession) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM terminal_session WHERE id = ?", arguments: [terminal.id]) }
    }

    /// The ids of the user's other terminals that are still running: on this
    /// machine, their process is alive; elsewhere, they were seen lately.
    static func liveTerminals(_ db: Database, userId: Int64, now: Date, except: String) throws -> Set<String> {
        try liveTerminals(db, now: now, among: Row.fetchAll(db, sql: """
            SELECT id, pid, host, seen_at FROM terminal_session WHERE user_id = ? AND id != ?
            """, arguments: [userId, except]))
    }

    /// Every terminal still running in another process, whoever is logged in there.
    static func otherProcessesTerminals(_ db: Database, now: Date) throws -> Set<String> {
        try liveTerminals(db, now: now, among: Row.fetchAll(db, sql: """
            SELECT id, pid, host, seen_at FROM terminal_session WHERE NOT (pid = ? AND host = ?)
            """, arguments: [getpid(), ProcessInfo.processInfo.hostName]))
    }

    private static func liveTerminals(_ db: Database, now: Date, among rows: [Row]) throws -> Set<String> {
        let host = ProcessInfo.processInfo.hostName
        return Set(rows.compactMap { row -> String? in
            let alive: Bool
            if (row["host"] as String) == host {
                alive = isKomar(pid: row["pid"])
            } else {
                alive = now.timeIntervalSince(row["seen_at"] as Date) < liveWindow
            }
            return alive ? row["id"] : nil
        })
    }

    /// Whether `pid` is a running Komar on this machine: alive, and the
    /// same program as this one (not a new process that reused the number).
    static func isKomar(pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        func name(_ process: String) -> String? {
            (try? String(contentsOfFile: "/proc/\(process)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let theirs = name(String(pid)) else { return true }
        return theirs == name("self")
    }
}
