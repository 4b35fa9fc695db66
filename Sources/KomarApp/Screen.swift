import Terminal

/// A full screen of the app: a component that draws into the content area
/// between the title bar and the status line, declares its key bindings,
/// and handles keys. Screens call services, never SQL.
@MainActor
protocol Screen: AnyObject {
    /// String-table key of the title shown in the title bar.
    var titleKey: String { get }
    /// The keys this screen offers; they feed the function-key bar and help.
    var bindings: [KeyBinding] { get }
    /// True when leaving would lose something typed; Esc/F10 then ask first.
    var hasUnsavedChanges: Bool { get }
    /// True when what is typed is saved as a draft as the user types, so
    /// quitting keeps it for the next login.
    var keepsDraft: Bool { get }
    /// The user chose to discard what they typed: drop any draft.
    func discardChanges(app: App)
    /// The screen above this one closed: read again what may have changed.
    func didReturn(app: App)
    func render(into canvas: inout Canvas, area: Rect, app: App)
    /// Returns true when the key was used.
    func handle(_ key: Key, app: App) -> Bool
}

extension Screen {
    var hasUnsavedChanges: Bool { false }
    var keepsDraft: Bool { false }
    func discardChanges(app: App) {}
    func didReturn(app: App) {}
}

/// Bindings shared by several screens, declared once.
enum CommonBindings {
    static let save = KeyBinding(.function(2), label: "key.save", help: "help.save")
    static let back = KeyBinding(.function(10), label: "key.back", help: "help.back")
    static let quit = KeyBinding(.function(10), label: "key.quit", help: "help.quit")
    static let escape = KeyBinding(.escape, label: "key.cancel", help: "help.escape", inBar: false)
    static let fieldNext = KeyBinding(.tab, label: "key.next-field", help: "help.tab", inBar: false)
    static let fieldPrevious = KeyBinding(.backTab, label: "key.previous-field", help: "help.backtab", inBar: false)
    static let open = KeyBinding(.enter, label: "key.open", help: "help.open", inBar: false)
    static let scroll = KeyBinding(.pageDown, label: "key.scroll", help: "help.scroll", inBar: false)
    /// What every form screen offers: F2 saves, Tab and Shift-Tab move,
    /// Esc leaves (asking first if something is unsaved).
    static let form = [save, fieldNext, fieldPrevious, escape]
}
