import CaseDomain
import CaseStore
import Terminal

/// Shown before an intake is saved when existing cases look like the same
/// child. Open one to compare (Enter), save anyway (F2, recorded in the
/// audit log), or go back to the form (Esc).
@MainActor
final class DuplicatesScreen: Screen, TableDataSource {
    let titleKey = "duplicates.title"
    var bindings: [KeyBinding] {
        [KeyBinding(.function(2), label: "key.save-anyway", help: "help.save-anyway"), CommonBindings.open,
         CommonBindings.back]
    }
    private let candidates: [DuplicateCandidate]
    private let saveAnyway: () -> Void
    private let table = Table(columns: CaseRows.identity + [TableColumn("duplicates.match", width: 5, alignment: .right)])
    private weak var app: App?

    init(app: App, candidates: [DuplicateCandidate], saveAnyway: @escaping () -> Void) {
        self.candidates = candidates
        self.saveAnyway = saveAnyway
        self.app = app
        table.source = self
        table.onActivate = { [unowned self, unowned app] index in
            let candidate = self.candidates[index]
            if candidate.visible {
                app.push(CaseViewScreen(app: app, caseId: candidate.summary.id))
            } else {
                app.showError(app.localizer("duplicates.not-yours"))
            }
        }
    }

    var rowCount: Int { candidates.count }
    func prepare(through index: Int) {}
    func cells(at index: Int) -> [String] {
        guard let app else { return [] }
        let c = candidates[index]
        let t = app.localizer
        var cells = CaseRows.cells(c.summary, app)
        if !c.visible { cells = [c.summary.code, t("duplicates.hidden"), "", "", "", "", ""] }
        return Array(cells.prefix(CaseRows.identity.count)) + [t.digitsForDisplay("\(c.score)%")]
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(2) {
            app.pop()
            saveAnyway()
            return true
        }
        return table.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let lines = wrapWords(t("duplicates.explain", t.number(candidates.count)), width: area.width - 2)
        for (i, line) in lines.prefix(3).enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 1, style: i == 0 ? .warning : .plain)
        }
        let top = area.row + 2 + min(lines.count, 3)
        table.render(into: &canvas, at: Rect(row: top, col: 0, width: area.width, height: area.bottom - top),
                     focused: true, env: app.widgetEnvironment)
    }
}
