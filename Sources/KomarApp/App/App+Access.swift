import CaseDomain
import CaseStore
import Foundation
import Localization
import Terminal

/// A question on top of the screen and what to do with the answer.
/// `ask` makes the question in any language, so F6 asks it again in the
/// other with the same answer highlighted.
@MainActor
struct PendingDialog {
    let ask: (Localizer) -> ConfirmDialog
    private(set) var box: ConfirmDialog
    let completion: (ConfirmDialog.Answer) -> Void

    init(_ localizer: Localizer, ask: @escaping (Localizer) -> ConfirmDialog,
         completion: @escaping (ConfirmDialog.Answer) -> Void) {
        self.ask = ask
        box = ask(localizer)
        self.completion = completion
    }

    /// The same question in `localizer`'s language, the same answer
    /// highlighted.
    mutating func askAgain(in localizer: Localizer) {
        let again = ask(localizer)
        again.select(box.selected)
        box = again
    }
}

/// What the lock screen hides: the locked user's screens, as they were,
/// and a question they had open.
struct LockedWork {
    let user: UserAccount
    let stack: [any Screen]
    let dialog: PendingDialog?
}

/// Who may work now: the idle lock and Ctrl-L, unlocking or handing the
/// PC to another user, a session that an admin ended, the password asked
/// again before exports and account changes, and a password that must be
/// changed before any work.
extension App {
    /// How long a typed password counts as recent for exports and changes
    /// to accounts.
    static let passwordGrace: TimeInterval = 5 * 60

    var isLocked: Bool { lockedWork != nil }

    /// Called while no key arrives: locks a screen left idle too long,
    /// retries drafts that could not be written, says the terminal is
    /// alive, and checkpoints the write-ahead log while nobody types.
    public func tick() {
        var changed = lockIfIdle()
        if !backgroundReads.isEmpty { changed = applyFinishedReads() || changed }
        if runningBackup != nil {
            checkRunningBackup()
            changed = changed || runningBackup == nil
        }
        // No key is waiting: the user paused, so what they typed is
        // written now (a failed write is retried at each pause).
        if drafts.hasUnwritten {
            sayDraftState(changed: drafts.flush())
            changed = true
        }
        drafts.heartbeat(userId: isLocked ? lockedWork?.user.id : session?.user.id)
        let now = Date()
        if now.timeIntervalSince(lastCheckpoint) > 10 {
            services.database.checkpoint()
            lastCheckpoint = now
        }
        if changed { render() }
    }

    /// Locks the screen when the user has pressed no key for the idle-lock
    /// time; true when it did.
    func lockIfIdle() -> Bool {
        guard session != nil, !isLocked,
              services.clock.now().timeIntervalSince(lastActivity) >= Double(idleLockMinutes) * 60 else { return false }
        lock(idle: true)
        show { [idleLockMinutes] t in t.count("lock.idle", idleLockMinutes) }
        return true
    }

    /// Hides the work behind the lock screen. Nothing of it shows, not even
    /// its title; the same user's password brings it back as it was.
    func lock(idle: Bool) {
        guard let session, !isLocked else { return }
        lockedWork = LockedWork(user: session.user, stack: stack, dialog: dialog)
        dialog = nil
        stack = [LockScreen(app: self, user: session.user)]
        do { try services.accounts.recordLock(session, locked: true, idle: idle) } catch { report(error) }
    }

    /// The locked user typed their password: their screens come back.
    func unlock() {
        guard let session, let work = lockedWork else { return }
        stack = work.stack
        dialog = work.dialog
        lockedWork = nil
        let now = services.clock.now()
        lastActivity = now
        passwordConfirmedAt = now
        do { try services.accounts.recordLock(session, locked: false) } catch { report(error) }
    }

    /// Writes the locked user's forms as drafts before someone else takes
    /// over; false when they could not all be written.
    func keepLockedWorkAsDrafts() -> Bool {
        guard let old = session, let work = lockedWork else { return true }
        noteDrafts(of: work.stack, for: old)
        sayDraftState(changed: drafts.flush())
        return drafts.failure == nil && !work.stack.contains { $0.hasUnsavedChanges && !$0.keepsDraft }
    }

    /// Another user logged in at the lock screen: the locked user's forms
    /// stay as drafts for their next login, and the new user starts fresh.
    func handOver(to newSession: Session, password: String? = nil) {
        if let old = session, let work = lockedWork {
            for screen in work.stack.reversed() { screen.didClose(app: self) }
            do { try services.accounts.logOut(old, summary: "another user logged in at the lock") } catch { report(error) }
        }
        lockedWork = nil
        session = nil
        logIn(newSession, password: password)
    }

    /// Before each key: the account may have been disabled, or its role
    /// changed, since login (by an admin, perhaps in another terminal), or a
    /// backup restored over the database in another window. Then the session
    /// ends at once; drafts are written for the user's next login.
    func sessionIsStillValid() -> Bool {
        guard let session, !isLocked else { return true }
        let restored: Bool
        do {
            restored = try services.accounts.restoreMark() != restoreMarkAtLogin
            if !restored, try services.accounts.current(session) != nil { return true }
        } catch {
            // The check itself failed (a locked or unreadable file): the
            // services refuse work for an ended account anyway, so carry on
            // and let the error show.
            report(error)
            return true
        }
        _ = flushDrafts()
        for screen in stack.reversed() { screen.didClose(app: self) }
        try? services.accounts.logOut(session, summary: restored ? "database restored" : "account disabled or role changed")
        self.session = nil
        dialog = nil
        reloadOrganisation()
        setRoot(LoginScreen(app: self))
        showError { $0(restored ? "login.restored-elsewhere" : "login.session-ended") }
        return false
    }

    /// Runs `action` if the user typed their password in the last five
    /// minutes; otherwise asks for it first (exports, backups, changes to
    /// accounts). `purposeKey` says why it is asked.
    func withRecentPassword(_ purposeKey: String, then action: @escaping () -> Void) {
        guard let session else { return }
        if services.clock.now().timeIntervalSince(passwordConfirmedAt) < Self.passwordGrace {
            action()
        } else {
            push(PasswordCheckScreen(app: self, session: session, purposeKey: purposeKey, then: action))
        }
    }

    /// A backup replaced the database: whoever was working logs in again
    /// (their account may not be in the backup, or not the same).
    func restored(from report: RestoreReport) {
        session = nil
        lockedWork = nil
        dialog = nil
        reloadOrganisation()
        setRoot(LoginScreen(app: self))
        if report.formsNotKept != nil {
            // The reason is the database's; the command line prints it.
            show(style: .warning) { t in t("restore.done-forms-not-kept") }
        } else {
            show(style: .heading) { [unowned self] t in t("restore.done", dateTimeText(report.manifest.createdAt)) }
        }
    }

    func passwordWasConfirmed() { passwordConfirmedAt = services.clock.now() }
}
