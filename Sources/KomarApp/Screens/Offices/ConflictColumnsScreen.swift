import CaseDomain
import CaseStore
import Localization
import Terminal

/// F5 on a conflict: the columns the office changed, each to take from
/// the office or not (Space); F2 writes the office's value of those
/// chosen and keeps head office's of the rest, audited.
@MainActor
final class ConflictColumnsScreen: FormScreen {
    let titleKey = "conflict-columns.title"
    let form: Form
    private let columns: MultiChoiceField
    private let session: Session
    private let conflict: SyncConflict

    init(app: App, session: Session, conflict: SyncConflict) {
        self.session = session
        self.conflict = conflict
        let changed = conflict.changed.isEmpty
            ? Array(Set((conflict.theirs ?? [:]).keys).union((conflict.ours ?? [:]).keys)).sorted() : conflict.changed
        columns = MultiChoiceField(options: changed.map { column in
            ChoiceOption(id: column, labels: Language.allCases.map { ConflictScreen.columnLabel(column, app, in: $0) })
        })
        form = Form(fields: [FormField(id: "columns", label: "conflict-columns.field", widget: columns)])
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.apply", help: "help.apply-columns") { [unowned self] in self.save(app: app) }
    }

    func save(app: App) {
        let chosen = columns.selectedIds
        // Taking none of the office's columns is keeping head office's version: F4 on the conflict says so.
        guard !chosen.isEmpty else {
            FormInput.show(["columns": "error.mark-a-column"], in: form, app: app)
            return
        }
        do {
            try app.services.sync.resolve(session, conflict: conflict.id, keepTheirsOf: chosen)
            app.pop()
            app.pop()
            let names = conflict.changed.filter(chosen.contains).map { ConflictScreen.columnLabel($0, app) }
            app.show(style: .heading) { [conflict] t in
                t("conflict.kept-columns", t.number(Int(conflict.id)), names.joined(separator: ", "))
            }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        canvas.put(t("conflict-columns.hint", t.number(Int(conflict.id))), row: area.row + 1, col: 2, style: .muted,
                   maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}
