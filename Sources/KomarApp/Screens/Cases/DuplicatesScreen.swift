import CaseDomain
import CaseStore
import Terminal

/// Shown before an intake is saved when existing cases look like the same
/// child. Open one to compare (Enter), save anyway (F2, recorded in the
/// audit log), or go back to the form (Esc).
@MainActor
final class DuplicatesScreen: Screen {
    let titleKey = "duplicates.title"
    private let session: Session
    private let candidates: [DuplicateCandidate]
    private let saveAnyway: () -> Void
    private let list: RecordList<DuplicateCandidate>

    init(app: App, session: Session, candidates: [DuplicateCandidate], saveAnyway: @escaping () -> Void) {
        self.session = session
        self.candidates = candidates
        self.saveAnyway = saveAnyway
        list = RecordList(app: app, columns: CaseRows.identity(app) + [TableColumn("duplicates.match", width: 5, alignment: .right)],
                          searchable: false, cells: { [unowned app] c in
            let t = app.localizer
            let cells = c.visible ? CaseRows.cells(c.summary, app) : [c.summary.code, t("duplicates.hidden"), "", "", "", ""]
            return Array(cells.prefix(CaseRows.identity(app).count)) + [t.digitsForDisplay("\(c.score)%")]
        })
        list.load { _, last, _ in last == nil ? candidates : [] }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(2), label: "key.save-anyway", help: "help.save-anyway") { [unowned self, unowned app] in
            app.pop()
            self.saveAnyway()
         },
         list.openBinding { [unowned self, unowned app] candidate in
            if candidate.visible {
                app.push(CaseViewScreen(app: app, session: self.session, caseId: candidate.summary.id))
            } else {
                app.showError { t in t("duplicates.not-yours") }
            }
         }]
    }

    func handleInput(_ key: Key, app: App) -> Bool { list.handleInput(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let lines = wrapWords(t("duplicates.explain", t.number(candidates.count)), width: area.width - 2)
        for (i, line) in lines.prefix(3).enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 1, style: i == 0 ? .warning : .plain)
        }
        let top = area.row + 2 + min(lines.count, 3)
        list.render(into: &canvas, area: Rect(row: top, col: 0, width: area.width, height: area.bottom - top), app: app,
                    heading: nil, empty: "")
    }
}
