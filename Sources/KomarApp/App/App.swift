import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import Terminal

/// A demo account shown on the login screen of `komar --demo`.
public struct DemoAccount: Sendable {
    public let username: String
    public let password: String
    public let role: Role
    public init(username: String, password: String, role: Role) {
        self.username = username
        self.password = password
        self.role = role
    }
}

/// The running application: a stack of screens over one backend, the
/// logged-in session and the current language.
///
/// A keystroke flows: backend → `Key` → `process`: bindings that act before
/// any field (F1 help, F3 search, F6 language), then the top screen's
/// fields and lists (`handleInput`), then the screen's and the app's other
/// bindings (F2 save, F10 back…). Then the whole frame is drawn into a
/// `Canvas` and handed to the backend.
@MainActor
public final class App {
    let backend: any TerminalBackend
    let services: KomarServices
    var localizer: Localizer
    /// Who is logged in; screens behind the login are given it when made.
    var session: Session?
    var stack: [any Screen] = []
    var dialog: PendingDialog?
    var status: (text: String, style: TextStyle)?
    /// How the status line's message is said in any language, when known:
    /// F6 says it again in the new one instead of clearing it.
    private var statusWords: ((Localizer) -> String)?
    /// The message of the key before this one, for F6 to say again.
    private var statusBeforeKey: (words: (Localizer) -> String, style: TextStyle)?
    /// Said on standard error after the terminal is restored (a backup on
    /// quitting that failed).
    public internal(set) var exitMessage: String?
    public internal(set) var isRunning = true
    let demoAccounts: [DemoAccount]
    var organisation = ""
    /// Where exports are offered to go: the user's home folder.
    var exportDirectory = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.currentDirectoryPath
    /// Whether `komar demo` made this database: every title bar says DEMO.
    var isDemo = false
    /// The work under the lock screen while the screen is locked.
    var lockedWork: LockedWork?
    /// When the user last pressed a key, for the idle lock.
    var lastActivity = Date.distantPast
    /// The language chosen with F6 before logging in, kept at login.
    var languageChosenAtLogin: Language?
    /// When the user last typed their password; exports and changes to
    /// accounts ask for it again once this is `passwordGrace` old.
    var passwordConfirmedAt = Date.distantPast
    /// Minutes without a key before the screen locks (an office setting).
    var idleLockMinutes = OfficeSettings.defaultIdleLockMinutes
    /// The drafts of the forms being typed, written between keys.
    let drafts: DraftKeeper
    /// The database's restore mark when the user logged in: a restore in
    /// another window changes it, and this session ends.
    var restoreMarkAtLogin: String?
    /// When the write-ahead log was last checkpointed (while idle).
    var lastCheckpoint = Date.distantPast
    /// Reads running off the keystroke path, by name (`readInBackground`).
    var backgroundReads: [String: BackgroundRead] = [:]
    /// The day's automatic backup (and office export) running on another thread.
    var runningBackup: BackgroundTask<DailyCopies>?
    /// How much wider code columns are here: the longest office code and
    /// its dash, in an office or head office (KC-PV1-2026-0001); 0 alone.
    var officeCodeColumns = 0

    public init(backend: any TerminalBackend, services: KomarServices, language: Language,
                demoAccounts: [DemoAccount] = []) {
        self.backend = backend
        self.services = services
        localizer = Localizer(language: language)
        self.demoAccounts = demoAccounts
        drafts = DraftKeeper(services: services)
    }

    /// Shows first-run setup on an empty database, otherwise the login
    /// (with the reason when the accounts were removed from under records).
    public func start() {
        do {
            organisation = try services.accounts.organisation()
            isDemo = try services.accounts.isDemo()
            if try services.accounts.accountsWereRemoved() { throw AccountError.accountsRemoved }
            stack = [try services.accounts.isSetUp() ? LoginScreen(app: self) : SetupScreen(app: self)]
        } catch {
            stack = [LoginScreen(app: self)]
            report(error)
        }
        render()
    }

    /// Reads keys until the user quits or a signal arrives; restores the
    /// terminal on every path.
    public func run() {
        SignalWatcher.install()
        defer { backend.shutdown() }
        start()
        while isRunning {
            if SignalWatcher.take() != nil { break }
            guard let key = backend.readKey() else {
                tick()
                continue
            }
            process(key)
        }
    }

    /// Handles one key and redraws. Screen-flow tests drive the app here.
    public func process(_ key: Key) {
        statusBeforeKey = statusWords.flatMap { words in status.map { (words, $0.style) } }
        status = nil
        statusWords = nil
        defer {
            noteDrafts()
            render()
        }
        if key == .resize { return }
        // A key that finds the screen idle too long wakes it locked; it
        // does not act on the work underneath.
        if lockIfIdle() { return }
        lastActivity = services.clock.now()
        guard sessionIsStillValid() else { return }
        if key == .ctrl("c") || key == .ctrl("q") {
            requestQuit(askIfIdle: backend.size.isBigEnough)
            return
        }
        if !backend.size.isBigEnough {
            if key == .function(10) { requestQuit() }
            return
        }
        if let pending = dialog {
            if key == .function(6) {
                setLanguage(localizer.language.toggled)
                dialog?.askAgain(in: localizer)
                return
            }
            if let answer = pending.box.answer(key) {
                dialog = nil
                pending.completion(answer)
            }
            return
        }
        guard let top = stack.last else { return }
        let registry = registry(for: top)
        if let binding = registry.binding(for: key), binding.preemptsWidgets {
            run(binding)
        } else if !top.handleInput(key, app: self) {
            if let binding = registry.binding(for: key) {
                run(binding)
            } else if case .char = key, let form = (top as? any FormScreen)?.form {
                sayWhyTypingWasRefused(form)
            }
        }
    }

    /// A letter the focused field does not take is not dropped in silence
    /// (walk-through: a Khmer sentence typed into the risk factors' list,
    /// and words into the age, vanished): the status line says what the
    /// field takes.
    private func sayWhyTypingWasRefused(_ form: Form) {
        guard let widget = form.focused?.widget else { return }
        if let field = widget as? TextField, field.kind != .text, field.kind != .secret {
            let key = switch field.kind {
            case .number: "form.digits-only"
            case .date: "form.date-only"
            default: "form.phone-only"
            }
            showError { $0(key) }
        } else if widget is ChoiceField || widget is MultiChoiceField || widget is PickerField {
            showError { $0("form.choose-with-enter") }
        }
    }

    /// Queues keys and processes them all, as a terminal would deliver them.
    public func process(_ keys: [Key]) {
        for key in keys { process(key) }
    }

    /// Does what a binding does, or says why it cannot.
    private func run(_ binding: KeyBinding) {
        guard binding.isEnabled else {
            if let reason = binding.disabledReasonKey { showError { $0(reason) } }
            return
        }
        binding.action?()
    }

    /// The keys every screen shares: help, search (for those who see
    /// cases), language, back (or quit on the first screen) and Ctrl-C.
    var globalBindings: [KeyBinding] {
        var bindings = [KeyBinding(.function(1), label: "key.help", help: "help.help", preemptsWidgets: true) {
            [unowned self] in self.showHelp()
        }]
        if let session, !isLocked, session.may(.viewOwnCases) {
            bindings.append(KeyBinding(.function(3), label: "key.search", help: "help.search", preemptsWidgets: true) {
                [unowned self] in self.push(SearchScreen(app: self, session: session))
            }.enabled(!(stack.last is SearchScreen)))
        }
        bindings.append(KeyBinding(.function(6), label: "key.language", help: "help.language", preemptsWidgets: true) {
            [unowned self] in self.switchLanguage()
        })
        if stack.count <= 1 {
            bindings.append(KeyBinding(.function(10), label: "key.quit", help: "help.quit") { [unowned self] in
                self.goBack()
            })
        } else {
            bindings.append(KeyBinding(.function(10), label: "key.back", help: "help.back") { [unowned self] in
                self.goBack()
            })
            bindings.append(KeyBinding(.escape, label: "key.cancel", help: "help.escape", inBar: false) {
                [unowned self] in self.goBack()
            })
        }
        if session != nil && !isLocked {
            bindings.append(KeyBinding(.ctrl("l"), label: "key.lock", help: "help.lock", inBar: false,
                                       preemptsWidgets: true) { [unowned self] in self.lock(idle: false) })
        }
        bindings.append(KeyBinding(.ctrl("c"), label: "key.quit", help: "help.ctrl-c", inBar: false) { [unowned self] in
            self.requestQuit(askIfIdle: true)
        })
        return bindings
    }

    func registry(for screen: any Screen) -> KeyBindingRegistry {
        KeyBindingRegistry(global: globalBindings, screen: screen.bindings(app: self))
    }

    private func showHelp() {
        guard let top = stack.last, !(top is HelpScreen) else { return }
        push(HelpScreen(for: top, registry: registry(for: top)))
    }

    // MARK: status line

    /// Shows a message that F6 says again in the new language: every
    /// message is given as words, never as text already in one language.
    func show(style: TextStyle = .plain, _ words: @escaping (Localizer) -> String) {
        status = (words(localizer), style)
        statusWords = words
    }

    func showError(_ words: @escaping (Localizer) -> String) { show(style: .error, words) }

    /// The message of the key before this one, said again in the language
    /// just chosen, unless this key has said something of its own.
    func sayStatusAgain() {
        guard status == nil, let before = statusBeforeKey else { return }
        show(style: before.style, before.words)
    }

    /// Shows an error from a service in the user's language.
    func report(_ error: any Error) { showError { [unowned self] in self.message(for: error, in: $0) } }

    /// Asks `words` in the user's language, yes or no; F6 asks it again in
    /// the other.
    func confirm(_ words: @escaping (Localizer) -> String, then action: @escaping () -> Void) {
        dialog = PendingDialog(localizer, ask: { t in
            ConfirmDialog(message: words(t), yesLabel: t("dialog.yes"), noLabel: t("dialog.no"),
                          keysHint: t("dialog.keys-two", t("dialog.yes"), t("dialog.no")),
                          typingPastHint: t("dialog.typing-past"))
        }, completion: { answer in if answer == .yes { action() } })
    }

    /// Asks `words` with three answers: `yes` (labelled `yesKey`), `other`
    /// (`otherKey`) and one that does nothing (`noKey`, chosen first).
    /// F6 asks it again in the other language.
    func ask(_ words: @escaping (Localizer) -> String, yes yesKey: String, other otherKey: String, no noKey: String,
             yes: @escaping () -> Void, other: @escaping () -> Void) {
        dialog = PendingDialog(localizer, ask: { t in
            ConfirmDialog(message: words(t), yesLabel: t(yesKey), noLabel: t(noKey), otherLabel: t(otherKey),
                          keysHint: t("dialog.keys-three", t(noKey)), typingPastHint: t("dialog.typing-past"))
        }, completion: { answer in
            switch answer {
            case .yes: yes()
            case .other: other()
            case .no: break
            }
        })
    }

    // MARK: drawing

    func render() {
        let size = backend.size
        var canvas = Canvas(size: size)
        guard size.isBigEnough else {
            renderTooSmall(into: &canvas)
            backend.draw(canvas)
            return
        }
        guard let top = stack.last else { return }
        // The screen's title comes before the organisation, so a narrow
        // terminal cuts the organisation, not what the screen is.
        let title = (isDemo ? "Komar " + localizer("app.demo") : "Komar") + " — " + localizer(top.titleKey)
        let who = isLocked ? "" : session.map { "\($0.user.displayName) · \(localizer($0.user.role.labelKey))" } ?? ""
        TitleBar.render(into: &canvas, title: title, detail: organisation, right: who)
        let area = Rect(row: 1, col: 0, width: size.width, height: size.height - 3)
        top.render(into: &canvas, area: area, app: self)
        dialog?.box.render(into: &canvas, bounds: area)
        StatusLine.render(into: &canvas, row: size.height - 2, text: status?.text ?? "", style: status?.style ?? .plain)
        let entries = registry(for: top).barEntries.map { binding in
            (key: binding.key.displayName,
             label: binding.key == .function(6) ? localizer.language.toggled.nativeName : localizer(binding.labelKey))
        }
        FunctionKeyBar.render(into: &canvas, row: size.height - 1, entries: entries)
        backend.draw(canvas)
    }

    private func renderTooSmall(into canvas: inout Canvas) {
        let size = canvas.size
        let lines = wrapWords(localizer("app.too-small", localizer.number(Size.minimum.width),
                                        localizer.number(Size.minimum.height), localizer.number(size.width),
                                        localizer.number(size.height)), width: max(1, size.width - 2))
        let first = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where first + i < size.height {
            let col = max(0, (size.width - DisplayWidth.of(line)) / 2)
            canvas.put(line, row: first + i, col: col, style: .warning)
        }
    }

    // MARK: test access

    /// The top screen's title key, for tests.
    public var topScreenTitleKey: String? { stack.last?.titleKey }
    public var currentLanguage: Language { localizer.language }
    public var loggedInUser: UserAccount? { session?.user }
}
