/// One key a screen responds to, with string-table keys for its short label
/// (function-key bar) and its description (help screen). Screens declare
/// their bindings once; the bar, F1 help and the README's key table are all
/// generated from these declarations.
public struct KeyBinding: Equatable, Sendable {
    public let key: Key
    /// String-table key of the 1–2 word label in the function-key bar.
    public let labelKey: String
    /// String-table key of the sentence in the help screen.
    public let helpKey: String
    /// Whether the function-key bar shows it (help always does).
    public let inBar: Bool

    public init(_ key: Key, label labelKey: String, help helpKey: String, inBar: Bool = true) {
        self.key = key
        self.labelKey = labelKey
        self.helpKey = helpKey
        self.inBar = inBar
    }
}

/// The key-binding registry: bindings every screen shares plus the
/// current screen's own. Looking a key up here is how the app decides what a
/// key does before a screen or widget sees it.
public struct KeyBindingRegistry: Sendable {
    public let global: [KeyBinding]
    public let screen: [KeyBinding]

    public init(global: [KeyBinding], screen: [KeyBinding]) {
        self.global = global
        self.screen = screen
    }

    /// Screen bindings first (so a screen can label F10 "Back" or "Quit"),
    /// then the global ones it does not override.
    public var all: [KeyBinding] {
        screen + global.filter { g in !screen.contains { $0.key == g.key } }
    }

    /// The bar's entries, ordered by F-key number then the rest.
    public var barEntries: [KeyBinding] {
        all.filter(\.inBar).sorted { a, b in
            switch (a.key, b.key) {
            case (.function(let x), .function(let y)): return x < y
            case (.function, _): return true
            case (_, .function): return false
            default: return false
            }
        }
    }

    public func binding(for key: Key) -> KeyBinding? { all.first { $0.key == key } }
}
