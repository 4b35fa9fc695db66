import KhmerText
import Terminal

/// The search box at the top of a list ("Find: …"). A list gives it every
/// key its table does not take, so results follow as the user types in
/// Khmer or Latin, while ↑ ↓ PgUp PgDn Home End still move in the list.
@MainActor
final class ListSearchBox {
    let field = TextField(maxLength: 60, placeholderKey: "search.placeholder")

    /// Called after every change of the text.
    init(onChange: @escaping (String) -> Void) { field.onChange = onChange }

    var text: String { field.text }

    /// Draws the label and the box on one row.
    func render(into canvas: inout Canvas, row: Int, width: Int, app: App) {
        let label = app.localizer("search.label") + " "
        canvas.put(label, row: row, col: 1, style: .heading)
        let labelWidth = DisplayWidth.of(label)
        field.render(into: &canvas, at: Rect(row: row, col: 1 + labelWidth, width: min(40, width - labelWidth - 2),
                                             height: 1), focused: true, env: app.widgetEnvironment)
    }
}
