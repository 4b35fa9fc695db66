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
/// A keystroke flows: backend → `Key` → `process` (global keys: F1 help, F6
/// language, Ctrl-C) → the top screen (which passes it to its focused
/// widget) → back/quit fallbacks for Esc and F10. Then the whole frame is
/// drawn into a `Canvas` and handed to the backend.
@MainActor
public final class App {
    let backend: any TerminalBackend
    let services: KomarServices
    var localizer: Localizer
    private(set) var session: Session?
    private(set) var stack: [any Screen] = []
    private var dialog: (ConfirmDialog, (Bool) -> Void)?
    private var status: (text: String, style: TextStyle)?
    public private(set) var isRunning = true
    let demoAccounts: [DemoAccount]
    private var organisation = ""

    /// Keys that work on every screen (search once someone who may see
    /// cases is logged in).
    var globalBindings: [KeyBinding] {
        var bindings = [KeyBinding(.function(1), label: "key.help", help: "help.help")]
        if session?.may(.viewOwnCases) == true {
            bindings.append(KeyBinding(.function(3), label: "key.search", help: "help.search"))
        }
        bindings.append(KeyBinding(.function(6), label: "key.language", help: "help.language"))
        bindings.append(stack.count <= 1 ? CommonBindings.quit : CommonBindings.back)
        return bindings
    }

    public init(backend: any TerminalBackend, services: KomarServices, language: Language,
                demoAccounts: [DemoAccount] = []) {
        self.backend = backend
        self.services = services
        localizer = Localizer(language: language)
        self.demoAccounts = demoAccounts
    }

    /// Shows first-run setup on an empty database, otherwise the login.
    public func start() {
        do {
            organisation = try services.accounts.organisation()
            if try services.accounts.isSetUp() {
                stack = [LoginScreen(app: self)]
            } else {
                stack = [SetupScreen(app: self)]
            }
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
            guard let key = backend.readKey() else { continue }
            process(key)
        }
    }

    /// Handles one key and redraws. Screen-flow tests drive the app here.
    public func process(_ key: Key) {
        status = nil
        defer { render() }
        if key == .resize { return }
        if key == .ctrl("c") || key == .ctrl("q") {
            requestQuit()
            return
        }
        if !backend.size.isBigEnough {
            if key == .function(10) { requestQuit() }
            return
        }
        if let (box, completion) = dialog {
            if let answer = box.handle(key) {
                dialog = nil
                completion(answer)
            }
            return
        }
        switch key {
        case .function(1):
            if !(stack.last is HelpScreen), let top = stack.last {
                push(HelpScreen(for: top, registry: registry(for: top)))
            }
            return
        case .function(6):
            switchLanguage()
            return
        case .function(3) where session?.may(.viewOwnCases) == true:
            if !(stack.last is SearchScreen) { push(SearchScreen(app: self)) }
            return
        default:
            break
        }
        guard let top = stack.last else { return }
        if top.handle(key, app: self) { return }
        switch key {
        case .escape where stack.count > 1, .function(10):
            goBack()
        default:
            break
        }
    }

    /// Queues keys and processes them all, as a terminal would deliver them.
    public func process(_ keys: [Key]) {
        for key in keys { process(key) }
    }

    func registry(for screen: any Screen) -> KeyBindingRegistry {
        KeyBindingRegistry(global: globalBindings, screen: screen.bindings)
    }

    // MARK: navigation

    func push(_ screen: any Screen) { stack.append(screen) }

    func pop() {
        guard stack.count > 1 else { return }
        stack.removeLast()
        stack.last?.didReturn(app: self)
    }

    func replaceTop(with screen: any Screen) {
        if !stack.isEmpty { stack.removeLast() }
        stack.append(screen)
    }

    func setRoot(_ screen: any Screen) { stack = [screen] }

    /// Leaves the top screen, asking first if it holds unsaved changes; at
    /// the bottom of the stack this quits.
    func goBack() {
        guard let top = stack.last else { return }
        let leave = { [unowned self] in
            if self.stack.count > 1 { self.pop() } else { self.quitNow() }
        }
        if top.hasUnsavedChanges {
            confirm(localizer("confirm.discard")) { [unowned self] in
                top.discardChanges(app: self)
                leave()
            }
        } else {
            leave()
        }
    }

    func requestQuit() {
        let unsaved = stack.filter(\.hasUnsavedChanges)
        if unsaved.isEmpty {
            quitNow()
        } else if unsaved.allSatisfy(\.keepsDraft) {
            confirm(localizer("confirm.quit-draft")) { [unowned self] in self.quitNow() }
        } else {
            confirm(localizer("confirm.quit-discard")) { [unowned self] in self.quitNow() }
        }
    }

    private func quitNow() {
        // Quitting never waits on the audit write: a full disk must not
        // trap the user in the program.
        if let session { try? services.accounts.logOut(session) }
        isRunning = false
    }

    func confirm(_ message: String, then action: @escaping () -> Void) {
        dialog = (ConfirmDialog(message: message, yesLabel: localizer("dialog.yes"), noLabel: localizer("dialog.no")),
                  { yes in if yes { action() } })
    }

    // MARK: session and language

    func logIn(_ newSession: Session) {
        session = newSession
        localizer.language = Language(code: newSession.user.languageCode)
        setRoot(HomeScreen(app: self))
        offerDraft()
    }

    /// After a crash, a kill or a power cut: offer to go back to the
    /// unsaved intake. Saying no keeps it; New intake opens it again.
    private func offerDraft() {
        guard let session, session.may(.createIntake) else { return }
        do {
            guard let draft = try services.drafts.load(session, form: IntakeDraft.form),
                  IntakeDraft.decode(draft.payload) != nil else { return }
            confirm(localizer("draft.offer", dateTimeText(draft.updatedAt))) { [unowned self] in self.push(IntakeScreen(app: self)) }
        } catch {
            report(error)
        }
    }

    func logOut() {
        var problem: (any Error)?
        if let session {
            do { try services.accounts.logOut(session) } catch { problem = error }
        }
        session = nil
        setRoot(LoginScreen(app: self))
        show(localizer("login.logged-out"))
        if let problem { report(problem) }
    }

    func switchLanguage() {
        setLanguage(localizer.language.toggled)
    }

    func setLanguage(_ language: Language) {
        localizer.language = language
        if let session {
            do { try services.accounts.setLanguage(session, languageCode: language.rawValue) } catch { report(error) }
        }
    }

    func reloadOrganisation() {
        do { organisation = try services.accounts.organisation() } catch { report(error) }
    }

    // MARK: status line

    func show(_ text: String, style: TextStyle = .plain) { status = (text, style) }

    func showError(_ text: String) { status = (text, .error) }

    /// Shows an error from a service in the user's language.
    func report(_ error: any Error) {
        showError(message(for: error))
    }

    func message(for error: any Error) -> String {
        switch error {
        case let e as StoreError: return localizer(e.messageKey)
        case AccountError.weakPassword:
            return localizer("error.password-short", localizer.number(PasswordRules.minimumLength))
        case let e as AccountError: return localizer(e.messageKey)
        case is PermissionDenied: return localizer("error.permission")
        default: return localizer("error.unexpected", "\(error)")
        }
    }

    var widgetEnvironment: WidgetEnvironment {
        let localizer = self.localizer
        return WidgetEnvironment(labelIndex: localizer.language.labelIndex, localize: { localizer($0) })
    }

    /// Both labels of a code, Khmer first, for choice widgets.
    func options<C: CodeList>(_ type: C.Type) -> [ChoiceOption] {
        C.allCases.map { code in
            ChoiceOption(id: code.rawValue, labels: Language.allCases.map {
                localizer.table.text(code.labelKey, $0) ?? code.rawValue
            })
        }
    }

    func placeOptions(_ places: [Place]) -> [ChoiceOption] {
        places.map { ChoiceOption(id: $0.code, labels: [$0.nameKm, $0.nameLatin]) }
    }

    func placeName(_ place: Place) -> String {
        localizer.language == .km ? place.nameKm : place.nameLatin
    }

    func dateText(_ date: LocalDate) -> String {
        localizer.shortDate(year: date.year, month: date.month, day: date.day)
    }

    /// "21 វិច្ឆិកា 2026 14:05" in local time.
    func dateTimeText(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return localizer.longDate(year: c.year!, month: c.month!, day: c.day!) + " "
            + localizer.digitsForDisplay(String(format: "%02d:%02d", c.hour!, c.minute!))
    }

    func longDateText(_ date: LocalDate) -> String {
        localizer.longDate(year: date.year, month: date.month, day: date.day)
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
        var title = "Komar"
        if !organisation.isEmpty { title += " · " + organisation }
        title += " — " + localizer(top.titleKey)
        let who = session.map { "\($0.user.displayName) · \(localizer($0.user.role.labelKey))" } ?? ""
        TitleBar.render(into: &canvas, title: title, right: who)
        let area = Rect(row: 1, col: 0, width: size.width, height: size.height - 3)
        top.render(into: &canvas, area: area, app: self)
        if let (box, _) = dialog { box.render(into: &canvas, bounds: area) }
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
