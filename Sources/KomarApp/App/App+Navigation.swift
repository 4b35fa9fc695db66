import CaseDomain
import CaseStore
import Localization
import Terminal

/// Moving between screens, leaving and quitting, logging in and out, and
/// the language.
extension App {
    /// Opens a screen on top; a draftable form gets its draft back.
    func push(_ screen: any Screen) {
        stack.append(screen)
        if let form = screen as? any DraftableScreen { restoreDraft(into: form) }
    }

    func pop() {
        guard stack.count > 1 else { return }
        stack.removeLast().didClose(app: self)
        stack.last?.didReturn(app: self)
    }

    func replaceTop(with screen: any Screen) {
        if !stack.isEmpty { stack.removeLast().didClose(app: self) }
        push(screen)
    }

    func setRoot(_ screen: any Screen) {
        for old in stack.reversed() { old.didClose(app: self) }
        stack = [screen]
    }

    /// Leaves the top screen, asking first if it holds unsaved changes; at
    /// the bottom of the stack this quits.
    func goBack() {
        guard let top = stack.last else { return }
        let leave = { [unowned self] in
            if self.stack.count > 1 { self.pop() } else { self.quitFromFirstScreen() }
        }
        if top.hasUnsavedChanges && top.keepsDraft {
            // Leaving a form that keeps drafts can keep the typing for later
            // (the same form brings it back), not only throw it away.
            ask({ $0("confirm.leave-form") }, yes: "dialog.discard", other: "dialog.keep", no: "dialog.stay",
                yes: { [unowned self] in
                    top.discardChanges(app: self)
                    leave()
                    self.show { t in t("draft.discarded") }
                }, other: { [unowned self] in
                    // Never say it is kept unless it was written.
                    guard self.flushDrafts() else { return }
                    leave()
                    self.show(style: .heading) { t in t("draft.kept-for-later") }
                })
        } else if top.hasUnsavedChanges {
            confirm({ $0("confirm.discard") }) { [unowned self] in
                top.discardChanges(app: self)
                leave()
            }
        } else {
            leave()
        }
    }

    /// F10 on the first screen asks first when someone is logged in: one
    /// F10 too many on the way back must not log them out (walk-through).
    /// When their forms wait as drafts, it says so (they stay for the next
    /// login either way).
    func quitFromFirstScreen() {
        _ = flushDrafts()
        guard let session, !isLocked else { return quitNow() }
        do {
            let waiting = try services.drafts.unsaved(session, terminal: drafts.terminal).count
            guard waiting > 0 else {
                confirm({ $0("confirm.quit") }) { [unowned self] in self.quitNow() }
                return
            }
            confirm({ $0.count("confirm.quit-drafts-waiting", waiting) }) { [unowned self] in self.quitNow() }
        } catch {
            // The drafts stay in the database either way; say that they could
            // not be counted rather than quitting as if there were none.
            confirm({ [unowned self] t in t("confirm.quit-drafts-unknown", self.message(for: error, in: t)) }) {
                [unowned self] in self.quitNow()
            }
        }
    }

    /// `askIfIdle`: with nothing unsaved, a logged-in user is still asked
    /// first (Ctrl-C, which on an office PC is often a copy pressed from
    /// habit); not where no question could be shown (a terminal too small).
    func requestQuit(askIfIdle: Bool = false) {
        let unsaved = (stack + (lockedWork?.stack ?? [])).filter(\.hasUnsavedChanges)
        if !unsaved.isEmpty, !flushDrafts() || (isLocked && !keepLockedWorkAsDrafts()) {
            // Never promise a draft that was not written.
            let failure = drafts.failure
            confirm({ [unowned self] t in t("draft.quit-not-kept", failure.map { self.message(for: $0, in: t) } ?? "") }) {
                [unowned self] in self.quitNow()
            }
        } else if unsaved.isEmpty {
            if askIfIdle && session != nil && !isLocked { quitFromFirstScreen() } else { quitNow() }
        } else if unsaved.allSatisfy(\.keepsDraft) {
            confirm({ $0("confirm.quit-draft") }) { [unowned self] in self.quitNow() }
        } else {
            confirm({ $0("confirm.quit-discard") }) { [unowned self] in self.quitNow() }
        }
    }

    func quitNow() {
        // Quitting never waits on the audit write: a full disk must not
        // trap the user in the program.
        _ = flushDrafts()
        if let session {
            backUpIfDue(session, .quit)
            try? services.accounts.logOut(session)
        }
        for screen in (stack + (lockedWork?.stack ?? [])).reversed() { screen.didClose(app: self) }
        // A backup still running finishes before the program ends.
        runningBackup?.wait()
        drafts.end()
        isRunning = false
    }

    /// A user logged in (at the login screen or the lock screen). A reset
    /// password must be changed before any work; then the home screen.
    /// `password`: the one just typed to log in, so a password that must be
    /// changed is not asked for a second time.
    func logIn(_ newSession: Session, password: String? = nil) {
        // A language chosen with F6 at the login screen is the one the user
        // wants now, and from now on; otherwise their saved one.
        if let chosen = languageChosenAtLogin {
            languageChosenAtLogin = nil
            localizer.language = chosen
            if chosen.rawValue != newSession.user.languageCode {
                do { try services.accounts.setLanguage(newSession, languageCode: chosen.rawValue) } catch { report(error) }
            }
        } else {
            localizer.language = Language(code: newSession.user.languageCode)
        }
        let now = services.clock.now()
        lastActivity = now
        passwordConfirmedAt = now
        reloadIdleLock()
        // Read at each login: the database may have joined head office, or head office added an office.
        do { officeCodeColumns = try services.offices.longestCode().map { $0 + 1 } ?? 0 } catch { report(error) }
        if newSession.user.mustChangePassword {
            session = nil
            // The screen says why at its top; the status line stays free for what the user does there.
            setRoot(ChangePasswordScreen(app: self, session: newSession, forced: true, typedAtLogin: password))
            return
        }
        session = newSession
        do { restoreMarkAtLogin = try services.accounts.restoreMark() } catch { report(error) }
        drafts.heartbeat(userId: newSession.user.id, force: true)
        backUpIfDue(newSession, .daily)
        setRoot(HomeScreen(app: self, session: newSession))
        offerUnsavedForms(newSession)
    }

    /// The automatic backup of the day's first login (on another thread,
    /// while the user works), or of quitting after changes (waited for).
    /// A failure is said; on quitting it is printed after the terminal is
    /// restored.
    func backUpIfDue(_ session: Session, _ kind: BackupManifest.Kind) {
        if kind == .quit, let running = runningBackup {
            show(style: .heading) { t in t("backups.automatic") }
            render()
            if case .failure(let error) = running.wait() {
                exitMessage = localizer("backups.automatic-failed", message(for: error))
            }
            runningBackup = nil
        }
        do {
            guard runningBackup == nil, try services.backups.isDue(kind) else { return }
            if kind == .daily {
                let (backups, sync) = (services.backups, services.sync)
                runningBackup = BackgroundTask {
                    DailyCopies(backup: try backups.make(session, kind: kind), changes: Result { try sync.exportIfDue(session) })
                }
                show { t in t("backups.working-background") }
                return
            }
            show(style: .heading) { t in t("backups.automatic") }
            render()
            try services.backups.make(session, kind: kind)
            status = nil
        } catch {
            exitMessage = localizer("backups.automatic-failed", message(for: error))
        }
    }

    /// Says how the automatic backup ended, once it has.
    func checkRunningBackup() {
        guard let running = runningBackup, let outcome = running.outcome else { return }
        runningBackup = nil
        // The home screen's backup notices were read before this copy was made.
        if let home = stack.last as? HomeScreen { home.didReturn(app: self) }
        switch outcome {
        case .success(let copies):
            switch copies.changes {
            case .success(nil): show { t in t("backups.made", copies.backup.file.lastPathComponent) }
            case .success(let report?):
                show { t in t("backups.made-and-sent", report.files.last?.lastPathComponent ?? "") }
            case .failure(let error): showError { [unowned self] t in t("sync.daily-failed", message(for: error, in: t)) }
            }
        case .failure(let error): showError { [unowned self] t in t("backups.automatic-failed", message(for: error, in: t)) }
        }
    }

    /// The idle-lock time as the office settings say now.
    func reloadIdleLock() {
        do { idleLockMinutes = try services.settings.office().idleLockMinutes } catch { report(error) }
    }

    func logOut() {
        var problem: (any Error)?
        _ = flushDrafts()
        drafts.heartbeat(userId: nil, force: true)
        if let session {
            do { try services.accounts.logOut(session) } catch { problem = error }
        }
        session = nil
        lockedWork = nil
        setRoot(LoginScreen(app: self))
        show { t in t("login.logged-out") }
        if let problem { report(problem) }
    }

    func switchLanguage() { setLanguage(localizer.language.toggled) }

    func setLanguage(_ language: Language) {
        localizer.language = language
        for screen in stack { screen.languageDidChange(app: self) }
        sayStatusAgain()
        if let session {
            do { try services.accounts.setLanguage(session, languageCode: language.rawValue) } catch { report(error) }
        } else {
            languageChosenAtLogin = language
        }
    }

    func reloadOrganisation() {
        do { organisation = try services.accounts.organisation() } catch { report(error) }
    }
}
