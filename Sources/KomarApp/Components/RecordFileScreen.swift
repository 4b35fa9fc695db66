import Terminal

/// A screen that shows one record's file (a case, a household, a
/// referral, a provider, help) in a `DetailView`: labelled rows whose
/// values wrap under their column, sections and timelines, scrolled with
/// ↑ ↓ PgUp PgDn Home End.
@MainActor
protocol RecordFileScreen: Screen {
    var file: DetailView { get }
    /// The file's lines in the current language, or nil when the record
    /// could not be read.
    func fileLines(app: App) -> [DetailLine]?
    /// String-table key of what is said when the record could not be read.
    var unavailableKey: String { get }
}

extension RecordFileScreen {
    var unavailableKey: String { "error.not-found" }

    func handleInput(_ key: Key, app: App) -> Bool { file.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        guard let lines = fileLines(app: app) else {
            canvas.put(app.localizer(unavailableKey), row: area.row + 1, col: 2, style: .error, maxWidth: area.width - 4)
            return
        }
        file.lines = lines
        file.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}
