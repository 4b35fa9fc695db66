import KhmerText
import Terminal

/// F1: every key of the screen underneath, generated from the same
/// registry that draws the function-key bar.
@MainActor
final class HelpScreen: Screen {
    let titleKey = "help.title"
    var bindings: [KeyBinding] { [CommonBindings.back] }
    private let registry: KeyBindingRegistry
    private let underTitleKey: String
    private let view = TextView()

    init(for screen: any Screen, registry: KeyBindingRegistry) {
        self.registry = registry
        underTitleKey = screen.titleKey
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .escape || key == .function(1) {
            app.pop()
            return true
        }
        return view.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var lines = [StyledLine(t("help.keys-for", t(underTitleKey)), style: .heading), StyledLine("")]
        for binding in registry.all {
            let keyName = binding.key.displayName
            lines.append(StyledLine(TextFit.pad(keyName, to: 8) + t(binding.helpKey)))
        }
        lines.append(StyledLine(""))
        lines.append(StyledLine(t("help.general"), style: .heading))
        for key in ["help.esc-digit", "help.editing-khmer", "help.digits", "help.filter"] {
            lines.append(StyledLine(t(key)))
        }
        view.lines = lines
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 4, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}
