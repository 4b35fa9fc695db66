import CaseDomain
import CaseStore
import Localization
import Terminal

/// After someone else saved the record a form edits: their changes and
/// the user's are merged field by field against what both started from
/// (`ThreeWayMerge`). Fields both changed are shown side by side to choose
/// from; nothing is saved until the user presses F2 again.
@MainActor
enum FormMerge {
    static func merge(form: Form, base: FormSnapshot, mine: FormSnapshot, theirs: FormSnapshot, changedBy: String,
                      app: App) {
        let (merged, conflicts) = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        form.restore(merged) { app.localizer.digitsForDisplay($0) }
        let ordered = form.fields.filter { conflicts.contains($0.id) && !$0.isHidden }
        if ordered.isEmpty {
            app.show(style: .warning) { t in t("merge.merged", MergeScreen.who(changedBy, t)) }
        } else {
            app.push(MergeScreen(app: app, form: form, fields: ordered, theirs: theirs, mine: mine, changedBy: changedBy))
        }
    }

    /// A field's value in words; a place code is named from the gazetteer.
    static func describe(_ value: FieldValue, of field: FormField, app: App) -> String {
        guard let widget = field.widget as? any ValueWidget else { return "" }
        let text = widget.describe(value, env: app.widgetEnvironment)
        if case .choice(let id?) = value, text == id, id.allSatisfy(\.isNumber),
           let place = try? app.services.gazetteer.place(code: id) {
            return app.placeName(place)
        }
        return text.isEmpty ? "—" : text
    }
}

/// The fields both people changed: for each, theirs and the user's, and a
/// choice of which to keep (the user's unless they choose otherwise). F2
/// puts the choices into the form; Esc keeps the user's values.
@MainActor
final class MergeScreen: FormScreen {
    let titleKey = "merge.title"
    private let target: Form
    private let theirs: FormSnapshot
    private let changedBy: String
    private var choices: [(field: FormField, choice: ChoiceField)] = []
    let form: Form

    /// Who saved the other version, or "someone" in the language shown
    /// (said again after F6).
    static func who(_ changedBy: String, _ t: Localizer) -> String {
        changedBy.isEmpty ? t("merge.someone") : changedBy
    }

    init(app: App, form target: Form, fields: [FormField], theirs: FormSnapshot, mine: FormSnapshot, changedBy: String) {
        self.target = target
        self.theirs = theirs
        self.changedBy = changedBy
        let t = app.localizer
        var rows: [FormField] = []
        for field in fields {
            let choice = ChoiceField(filterable: false)
            choice.setOptions([
                ChoiceOption(id: "mine", labels: [t("merge.yours", FormMerge.describe(mine[field.id] ?? .none, of: field, app: app))]),
                ChoiceOption(id: "theirs", labels: [t("merge.theirs", FormMerge.describe(theirs[field.id] ?? .none,
                                                                                       of: field, app: app))]),
            ])
            choice.select("mine")
            choices.append((field, choice))
            rows.append(FormField(id: field.id, label: field.labelKey, widget: choice))
        }
        form = Form(fields: rows)
        app.showError { [changedBy] t in t("merge.status", Self.who(changedBy, t)) }
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.apply", help: "help.merge-apply") { [unowned self] in self.save(app: app) }
    }

    func save(app: App) {
        for (field, choice) in choices where choice.selectedId == "theirs" {
            if let value = theirs[field.id], let widget = field.widget as? any ValueWidget { widget.restore(value) }
        }
        target.rewriteDigits { app.localizer.digitsForDisplay($0) }
        app.pop()
        app.show(style: .warning) { t in t("merge.chosen") }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let intro = wrapWords(app.localizer("merge.intro", Self.who(changedBy, app.localizer)), width: area.width - 4)
        for (i, line) in intro.prefix(3).enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 2, style: .warning)
        }
        form.render(into: &canvas, at: Rect(row: area.row + 5, col: 2, width: area.width - 4, height: area.height - 5),
                    env: app.widgetEnvironment)
    }
}
