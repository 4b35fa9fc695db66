/// One key a screen responds to: its label in the function-key bar, its
/// sentence in the help screen, whether it may be used now (and why not),
/// and what it does. A screen declares each key once, as a binding; the
/// bar, F1 help, key dispatch and the README's key table all read these
/// declarations (lazygit's bindings and tig's request table are the
/// models).
public struct KeyBinding {
    public let key: Key
    /// String-table key of the 1–2 word label in the function-key bar.
    public let labelKey: String
    /// String-table key of the sentence in the help screen.
    public let helpKey: String
    /// Whether the function-key bar shows it (help always does).
    public let inBar: Bool
    /// Whether the key does anything now.
    public private(set) var isEnabled = true
    /// String-table key of why a disabled key does nothing, said when it is
    /// pressed and in help. Without one, a disabled binding is not offered
    /// at all (the user's role never has it).
    public private(set) var disabledReasonKey: String?
    /// Acts before the screen's fields and lists see the key, so it works
    /// even while a drop-down is open (help, search, language).
    public let preemptsWidgets: Bool
    /// What the key does. Nil documents a key that a field or list handles
    /// itself (Tab, ↑ ↓, PgDn).
    public let action: (@MainActor () -> Void)?

    public init(_ key: Key, label labelKey: String, help helpKey: String, inBar: Bool = true,
                preemptsWidgets: Bool = false, action: (@MainActor () -> Void)? = nil) {
        self.key = key
        self.labelKey = labelKey
        self.helpKey = helpKey
        self.inBar = inBar
        self.preemptsWidgets = preemptsWidgets
        self.action = action
    }

    /// This binding, enabled only when `condition` holds; `reasonKey` is
    /// what a disabled one says.
    public func enabled(_ condition: Bool, otherwise reasonKey: String? = nil) -> KeyBinding {
        var copy = self
        copy.isEnabled = isEnabled && condition
        if !condition { copy.disabledReasonKey = reasonKey }
        return copy
    }

    /// Whether help and the key tables list it: enabled, or disabled with
    /// a reason.
    public var isOffered: Bool { isEnabled || disabledReasonKey != nil }
}

/// The key-binding registry: bindings every screen shares plus the
/// current screen's own. Looking a key up here is how the app decides what
/// a key does.
public struct KeyBindingRegistry {
    public let global: [KeyBinding]
    public let screen: [KeyBinding]

    public init(global: [KeyBinding], screen: [KeyBinding]) {
        self.global = global
        self.screen = screen
    }

    /// Screen bindings first (so a screen can label F10 "Back" or "Quit"),
    /// then the global ones it does not override. A screen overrides a key
    /// with its first binding of that key that is offered.
    public var all: [KeyBinding] {
        let own = screen.filter(\.isOffered)
        return own + global.filter { g in g.isOffered && !own.contains { $0.key == g.key } }
    }

    /// The bar's entries: enabled ones, ordered by F-key number then the rest.
    public var barEntries: [KeyBinding] {
        all.filter { $0.inBar && $0.isEnabled }.sorted { a, b in
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
