import Terminal

/// A full screen of the app: a component that draws into the content area
/// between the title bar and the status line, declares its key bindings
/// (each with what it does), and gives its fields and lists the keys they
/// use. Screens call services, never SQL.
@MainActor
protocol Screen: AnyObject {
    /// String-table key of the title shown in the title bar.
    var titleKey: String { get }
    /// Every key this screen offers, with its condition and action; they
    /// feed the function-key bar, F1 help, dispatch and `komar keys`.
    func bindings(app: App) -> [KeyBinding]
    /// Keys for the screen's fields and lists (typing, moving, opening a
    /// drop-down). Returns true when one used the key; bindings get the rest.
    func handleInput(_ key: Key, app: App) -> Bool
    /// True when leaving would lose something typed; Esc/F10 then ask first.
    var hasUnsavedChanges: Bool { get }
    /// True when what is typed is saved as a draft as the user types, so
    /// quitting keeps it for the next login.
    var keepsDraft: Bool { get }
    /// The user chose to discard what they typed: drop any draft.
    func discardChanges(app: App)
    /// The screen above this one closed: read again what may have changed.
    func didReturn(app: App)
    /// The screen was closed (going back, logging out, another user taking
    /// over at the lock, quitting): say what should be said, such as how
    /// many results a search found.
    func didClose(app: App)
    /// F6 switched the language: redo what the screen wrote in the old
    /// one, such as digits it filled into a field.
    func languageDidChange(app: App)
    func render(into canvas: inout Canvas, area: Rect, app: App)
}

extension Screen {
    func handleInput(_ key: Key, app: App) -> Bool { false }
    var hasUnsavedChanges: Bool { false }
    var keepsDraft: Bool { false }
    func discardChanges(app: App) {}
    func didReturn(app: App) {}
    func didClose(app: App) {}
    func languageDidChange(app: App) {}
}

/// A screen that is one form: its fields take the keys, F2 saves, Tab and
/// Shift-Tab move, Esc leaves (asking first if something is unsaved).
@MainActor
protocol FormScreen: Screen {
    var form: Form { get }
    func save(app: App)
}

extension FormScreen {
    func handleInput(_ key: Key, app: App) -> Bool { form.handle(key) }
    /// Numbers and dates take the new language's digits, and messages
    /// under fields are said again in the new language.
    func languageDidChange(app: App) { FormInput.languageDidChange(form, app: app) }
    func bindings(app: App) -> [KeyBinding] { CommonBindings.form { [unowned self] in self.save(app: app) } }
}

/// A form that chooses what a list shows: F2 applies it (and goes back).
@MainActor
protocol FilterScreen: FormScreen {}

extension FilterScreen {
    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.apply", help: "help.apply-filter") { [unowned self] in self.save(app: app) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        canvas.put(app.localizer("filter.hint"), row: area.row + 1, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}

/// Bindings shared by several screens, declared once.
@MainActor
enum CommonBindings {
    static func save(_ action: @escaping @MainActor () -> Void) -> KeyBinding {
        KeyBinding(.function(2), label: "key.save", help: "help.save", action: action)
    }
    static let fieldNext = KeyBinding(.tab, label: "key.next-field", help: "help.tab", inBar: false)
    static let fieldPrevious = KeyBinding(.backTab, label: "key.previous-field", help: "help.backtab", inBar: false)
    static let scroll = KeyBinding(.pageDown, label: "key.scroll", help: "help.scroll", inBar: false)

    /// Enter on a list: opens the selected row.
    static func open(_ action: @escaping @MainActor () -> Void) -> KeyBinding {
        KeyBinding(.enter, label: "key.open", help: "help.open", inBar: false, action: action)
    }

    /// What every form screen offers: F2 does `save`, Tab and Shift-Tab
    /// move between fields.
    static func form(_ label: String = "key.save", help: String = "help.save",
                     save: @escaping @MainActor () -> Void) -> [KeyBinding] {
        [KeyBinding(.function(2), label: label, help: help, action: save), fieldNext, fieldPrevious]
    }
}
