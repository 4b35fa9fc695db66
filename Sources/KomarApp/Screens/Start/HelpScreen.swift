import KhmerText
import Terminal

/// F1: every key of the screen underneath, generated from the same
/// registry that draws the function-key bar; a key that cannot be used now
/// says why.
@MainActor
final class HelpScreen: RecordFileScreen {
    let titleKey = "help.title"
    let file = DetailView(labelWidth: 8)
    private let registry: KeyBindingRegistry
    private let underTitleKey: String

    init(for screen: any Screen, registry: KeyBindingRegistry) {
        self.registry = registry
        underTitleKey = screen.titleKey
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(1), label: "key.close", help: "help.close-help", preemptsWidgets: true) { [unowned app] in
            app.pop()
         },
         CommonBindings.scroll]
    }

    func fileLines(app: App) -> [DetailLine]? {
        let t = app.localizer
        var lines: [DetailLine] = [.heading(t("help.keys-for", t(underTitleKey))), .blank]
        for binding in registry.all {
            var text = t(binding.helpKey)
            if !binding.isEnabled, let reason = binding.disabledReasonKey { text += " (" + t(reason) + ")" }
            lines.append(.field(label: binding.key.displayName, value: text, style: binding.isEnabled ? .plain : .muted))
        }
        lines += [.blank, .heading(t("help.general"))]
        for key in ["help.esc-digit", "help.editing-khmer", "help.digits", "help.filter", "help.marks"] { lines.append(.text(t(key))) }
        return lines
    }
}
