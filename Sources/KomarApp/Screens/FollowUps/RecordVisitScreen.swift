import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// Records what happened to one follow-up: done (with wellbeing, notes and,
/// for social workers, a new risk level), missed or cancelled (with a
/// reason). Saving schedules the next visit.
@MainActor
final class RecordVisitScreen: DraftableScreen {
    let titleKey = "visit.title"
    private let session: Session

    private let item: FollowUpItem
    private let outcome = ChoiceField(filterable: false)
    private let type = ChoiceField(filterable: false)
    private let date = DateField()
    private let wellbeing = ChoiceField(filterable: false)
    private let risk = ChoiceField()
    private let notes = TextArea(rows: 4, maxLength: 10_000)
    private let reason = TextField(maxLength: 300)
    private let nextVisit = DateField()
    let form: Form
    /// The form as it opened: anything else is unsaved.
    private var baseline: FormSnapshot = [:]

    var draftKey: DraftKey { DraftKey("visit", record: String(item.id)) }
    /// "Visit for Sophea (KC-2026-0008)": the code alone did not say whose
    /// visit it was (walk-through).
    func draftTitle(_ t: Localizer, app: App) -> String {
        let (first, second) = t.language == .km ? (item.childNameKm, item.childNameLatin) : (item.childNameLatin, item.childNameKm)
        let name = first.isEmpty ? second : first
        return name.isEmpty ? t("draft.title-visit", item.caseCode) : t("draft.title-visit-named", item.caseCode, name)
    }
    var draftContext: [String: String] { ["item": DraftContext.encode(item)] }

    init(app: App, session: Session, item: FollowUpItem) {
        self.session = session
        self.item = item
        form = Form(fields: [
            FormField(id: "outcome", label: "visit.outcome", widget: outcome, required: true),
            FormField(id: "type", label: "visit.type", widget: type, required: true),
            FormField(id: "date", label: "visit.date", widget: date, required: true),
            // A household's visit asks how the family is doing.
            FormField(id: "wellbeing", label: item.isHouseholdVisit ? "visit.wellbeing-household" : "visit.wellbeing",
                      widget: wellbeing, required: true),
            FormField(id: "risk", label: "visit.new-risk", widget: risk),
            FormField(id: "notes", label: "visit.notes", widget: notes, required: true),
            FormField(id: "reason", label: "visit.reason", widget: reason, required: true),
            FormField(id: "nextVisit", label: "visit.next-on", widget: nextVisit, required: true),
        ])
        outcome.setOptions(app.options(FollowUpOutcomeKind.self))
        type.setOptions(app.options(FollowUpType.self))
        wellbeing.setOptions(app.options(Wellbeing.self))
        risk.setOptions(app.options(RiskLevel.self))
        outcome.select(FollowUpOutcomeKind.done.rawValue)
        type.select(item.type.rawValue)
        let today = app.services.clock.today
        date.text = FormInput.text(today, app)
        nextVisit.text = FormInput.text(today.adding(days: 1), app)
        form.field("risk")?.isHidden = !session.may(.assessRisk)
        outcome.onSelect = { [unowned self] _ in self.showFields() }
        showFields()
        baseline = form.snapshot()
    }

    private func showFields() {
        let done = outcome.selectedId == FollowUpOutcomeKind.done.rawValue
        form.field("wellbeing")?.isHidden = !done
        form.field("notes")?.isHidden = !done
        form.field("risk")?.isHidden = !done || !session.may(.assessRisk)
        form.field("reason")?.isHidden = done
        form.field("nextVisit")?.isHidden = outcome.selectedId != FollowUpOutcomeKind.missed.rawValue
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        form.clearMessages()
        guard let parsedDate = FormInput.requiredDate(date, id: "date", in: form, app: app) else { return }
        let kind = outcome.selectedId.flatMap(FollowUpOutcomeKind.init(rawValue:)) ?? .done
        var nextOn: LocalDate?
        if kind == .missed {
            guard let chosen = FormInput.requiredDate(nextVisit, id: "nextVisit", in: form, app: app) else { return }
            nextOn = chosen
        }
        var visit = VisitReport(
            outcome: kind, type: type.selectedId.flatMap(FollowUpType.init(rawValue:)) ?? .homeVisit, date: parsedDate,
            notes: kind == .done ? notes.text : "",
            wellbeing: kind == .done ? wellbeing.selectedId.flatMap(Wellbeing.init(rawValue:)) : nil,
            newRiskLevel: kind == .done ? risk.selectedId.flatMap(RiskLevel.init(rawValue:)) : nil,
            reason: kind == .done ? "" : reason.text)
        visit.nextVisitOn = nextOn
        do {
            let next = try app.services.followUps.record(session, followUpId: item.id, visit, draft: app.draftRef(self))
            app.draftSaved(self)
            app.pop()
            if let next {
                app.show(style: .heading) { [unowned app, item] t in t("visit.saved-next", item.caseCode, app.longDateText(next)) }
            } else {
                app.show(style: .heading) { [item] t in t("visit.saved", item.caseCode) }
            }
        } catch let rejected as FollowUpRejected {
            for (field, key) in rejected.issues { form.field(field)?.message = app.fieldMessage(key) }
            if let first = form.fields.first(where: { rejected.issues[$0.id] != nil }) { form.focus(first.id) }
            app.showError { [count = rejected.issues.count] t in t("form.fix-errors-count", t.number(count)) }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let name = [item.childNameKm, item.childNameLatin].filter { !$0.isEmpty }.joined(separator: " · ")
        canvas.put(item.caseCode + "  " + name, row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        canvas.put(t("visit.due", app.longDateText(item.due)), row: area.row + 2, col: 2, style: .muted,
                   maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: area.width - 4, height: area.height - 4),
                    env: app.widgetEnvironment)
    }
}
