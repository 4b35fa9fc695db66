import CaseDomain
import CaseStore
import Terminal

/// F5 on the case list: narrow it by status, risk level, overdue visits,
/// the worker it is assigned to, commune and (at head office) office, and
/// choose the order. An
/// empty choice means "any"; Delete clears a choice. F2 applies.
@MainActor
final class CaseFilterScreen: FilterScreen {
    let titleKey = "filter.title"
    private let status = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let risk = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let overdue = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let assigned = ChoiceField(placeholderKey: "filter.any")
    private let sort = ChoiceField(filterable: false)
    private let province = ChoiceField(placeholderKey: "filter.any")
    private let district = ChoiceField(placeholderKey: "filter.any")
    private let commune = ChoiceField(placeholderKey: "filter.any")
    private let office = ChoiceField(filterable: false, placeholderKey: "filter.any")
    let form: Form
    private let apply: (CaseFilter, CaseSort) -> Void
    private let text: String
    private var places: PlaceCascade!

    init(app: App, session: Session, current: CaseFilter, sort currentSort: CaseSort,
         apply: @escaping (CaseFilter, CaseSort) -> Void) {
        self.apply = apply
        text = current.text
        form = Form(fields: [
            FormField(id: "status", label: "cases.status", widget: status),
            FormField(id: "risk", label: "case.risk", widget: risk),
            FormField(id: "overdue", label: "filter.overdue", widget: overdue),
            FormField(id: "assigned", label: "case.assigned-to", widget: assigned),
            FormField(id: "province", label: "field.province", widget: province),
            FormField(id: "district", label: "field.district", widget: district),
            FormField(id: "commune", label: "field.commune", widget: commune),
            FormField(id: "office", label: "filter.office", widget: office),
            FormField(id: "sort", label: "filter.sort", widget: sort),
        ])
        status.setOptions(app.options(CaseStatus.self))
        risk.setOptions(app.options(RiskLevel.self))
        let yesNo = app.options(YesNoUnknown.self).filter { $0.id != YesNoUnknown.unknown.rawValue }
        overdue.setOptions(yesNo)
        sort.setOptions(app.options(CaseSort.self))
        sort.select(currentSort.rawValue)
        if session.may(.assignCase) {
            // The user first, then every social worker and coordinator.
            do {
                let me = session.user.id
                let workers = try app.services.cases.assignees(session).sorted { a, _ in a.id == me }
                assigned.setOptions(workers.map { w in
                    let name = w.id == me ? app.localizer("filter.me", w.displayName) : w.displayName
                    return ChoiceOption(id: String(w.id), labels: [name, name])
                })
            } catch { app.report(error) }
        }
        form.field("assigned")?.isHidden = assigned.options.isEmpty
        // At head office, every office's cases are here: one may be chosen.
        office.setOptions(app.officeOptions(session))
        form.field("office")?.isHidden = office.options.isEmpty
        office.select(current.office.map(String.init))
        places = PlaceCascade(app: app, levels: [province, district, commune])
        status.select(current.status?.rawValue)
        risk.select(current.riskLevel?.rawValue)
        if current.overdueOnly { overdue.select(YesNoUnknown.yes.rawValue) }
        assigned.select(current.assignedTo.map(String.init))
        places.select(code: current.communeCode)
    }

    func save(app: App) {
        app.pop()
        apply(filter, sort.selectedId.flatMap(CaseSort.init(rawValue:)) ?? .newest)
    }

    private var filter: CaseFilter {
        CaseFilter(status: status.selectedId.flatMap(CaseStatus.init(rawValue:)),
                   riskLevel: risk.selectedId.flatMap(RiskLevel.init(rawValue:)),
                   overdueOnly: overdue.selectedId == YesNoUnknown.yes.rawValue,
                   assignedTo: assigned.selectedId.flatMap { Int64($0) },
                   communeCode: commune.selectedId, office: office.selectedId.flatMap { Int64($0) }, text: text)
    }
}
