import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// F3: one box, results as you type. Part of a child's name in Khmer or
/// Latin letters, a case code or a village name; ↓ goes to the results,
/// Enter opens one.
@MainActor
final class SearchScreen: Screen, TableDataSource {
    let titleKey = "search.title"
    var bindings: [KeyBinding] { [CommonBindings.open, CommonBindings.scroll, CommonBindings.back] }
    private let box = TextField(maxLength: 60)
    private let table = CaseRows.makeTable()
    private var results: [CaseSummary] = []
    private var searched = ""
    private var inResults = false

    init(app: App) {
        table.source = self
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.results.count else { return }
            app.push(CaseViewScreen(app: app, caseId: self.results[index].id))
        }
    }

    var rowCount: Int { results.count }
    func prepare(through index: Int) {}
    private weak var app: App?
    func cells(at index: Int) -> [String] { app.map { CaseRows.cells(results[index], $0) } ?? [] }

    private func refresh(_ app: App) {
        guard box.text != searched, let session = app.session else { return }
        searched = box.text
        do {
            results = try app.services.cases.search(session, box.text)
            table.select(0)
        } catch {
            app.report(error)
        }
    }

    func handle(_ key: Key, app: App) -> Bool {
        switch key {
        case .down where !inResults && !results.isEmpty:
            inResults = true
            return true
        case .up where inResults && table.selected == 0:
            inResults = false
            return true
        case .up, .down, .pageUp, .pageDown, .enter:
            if !inResults && key == .enter && !results.isEmpty { inResults = true }
            return inResults ? table.handle(key) : false
        default:
            inResults = false
            let used = box.handle(key)
            if used { refresh(app) }
            return used
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        self.app = app
        let t = app.localizer
        let label = t("search.label")
        let used = canvas.put(label + " ", row: area.row + 1, col: 1, style: .heading)
        box.render(into: &canvas, at: Rect(row: area.row + 1, col: 1 + used, width: min(50, area.width - used - 2),
                                           height: 1), focused: !inResults, env: app.widgetEnvironment)
        let summary: String
        if searched.trimmingSpaces().isEmpty {
            summary = t("search.hint")
        } else if results.isEmpty {
            summary = t("search.none")
        } else {
            summary = t("search.found", t.number(results.count))
        }
        canvas.put(summary, row: area.row + 2, col: 1, style: .muted, maxWidth: area.width - 2)
        guard !results.isEmpty else { return }
        table.render(into: &canvas, at: Rect(row: area.row + 4, col: 0, width: area.width, height: area.height - 4),
                     focused: inResults, env: app.widgetEnvironment)
    }
}
