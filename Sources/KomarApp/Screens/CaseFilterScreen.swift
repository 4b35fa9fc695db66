import CaseDomain
import CaseStore
import Terminal

/// F5 on the case list: narrow it by status, risk level, overdue visits,
/// cases assigned to me, and commune. An empty choice means "any"; Delete
/// clears a choice. F2 applies.
@MainActor
final class CaseFilterScreen: Screen {
    let titleKey = "filter.title"
    var bindings: [KeyBinding] {
        [KeyBinding(.function(2), label: "key.apply", help: "help.apply-filter"), CommonBindings.fieldNext,
         CommonBindings.escape]
    }
    private let status = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let risk = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let overdue = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let mine = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let province = ChoiceField(placeholderKey: "filter.any")
    private let district = ChoiceField(placeholderKey: "filter.any")
    private let commune = ChoiceField(placeholderKey: "filter.any")
    private let form: Form
    private let apply: (CaseFilter) -> Void
    private let userId: Int64?
    private var places: PlaceCascade!

    init(app: App, current: CaseFilter, apply: @escaping (CaseFilter) -> Void) {
        self.apply = apply
        userId = app.session?.user.id
        form = Form(fields: [
            FormField(id: "status", label: "cases.status", widget: status),
            FormField(id: "risk", label: "case.risk", widget: risk),
            FormField(id: "overdue", label: "filter.overdue", widget: overdue),
            FormField(id: "mine", label: "filter.mine", widget: mine),
            FormField(id: "province", label: "field.province", widget: province),
            FormField(id: "district", label: "field.district", widget: district),
            FormField(id: "commune", label: "field.commune", widget: commune),
        ])
        status.setOptions(app.options(CaseStatus.self))
        risk.setOptions(app.options(RiskLevel.self))
        let yesNo = app.options(YesNoUnknown.self).filter { $0.id != YesNoUnknown.unknown.rawValue }
        overdue.setOptions(yesNo)
        mine.setOptions(yesNo)
        form.field("mine")?.isHidden = !(app.session?.may(.assignCase) ?? false)
        places = PlaceCascade(app: app, levels: [province, district, commune])
        status.select(current.status?.rawValue)
        risk.select(current.riskLevel?.rawValue)
        if current.overdueOnly { overdue.select(YesNoUnknown.yes.rawValue) }
        if current.assignedTo != nil { mine.select(YesNoUnknown.yes.rawValue) }
        places.select(code: current.communeCode)
        form.onSave = { [unowned self, unowned app] in
            app.pop()
            self.apply(self.filter)
        }
    }

    private var filter: CaseFilter {
        CaseFilter(status: status.selectedId.flatMap(CaseStatus.init(rawValue:)),
                   riskLevel: risk.selectedId.flatMap(RiskLevel.init(rawValue:)),
                   overdueOnly: overdue.selectedId == YesNoUnknown.yes.rawValue,
                   assignedTo: mine.selectedId == YesNoUnknown.yes.rawValue ? userId : nil,
                   communeCode: commune.selectedId)
    }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        canvas.put(app.localizer("filter.hint"), row: area.row + 1, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}
