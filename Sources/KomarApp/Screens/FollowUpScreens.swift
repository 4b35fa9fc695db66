import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The user's follow-ups: overdue first (marked), then due today, then the
/// next seven days. Typing finds a child's; Enter records the visit.
@MainActor
final class FollowUpQueueScreen: Screen, TableDataSource {
    let titleKey = "followups.title"
    var bindings: [KeyBinding] {
        [KeyBinding(.enter, label: "key.record", help: "help.record-visit"), CommonBindings.scroll,
         CommonBindings.back]
    }
    private var items: [FollowUpItem] = []
    private let table = Table(columns: [
        TableColumn("followups.due", width: 10),
        TableColumn("followups.when", width: 12),
        TableColumn("cases.code", width: 12),
        TableColumn("cases.name-km", width: 10, flexible: true),
        TableColumn("cases.name-latin", width: 10, flexible: true),
        TableColumn("followups.type", width: 8, flexible: true),
    ])
    private weak var app: App?
    private var search: ListSearchBox!

    init(app: App) {
        self.app = app
        table.source = self
        search = ListSearchBox { [unowned self, unowned app] _ in self.reload(app) }
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.items.count else { return }
            app.push(RecordVisitScreen(app: app, item: self.items[index]))
        }
        reload(app)
    }

    func reload(_ app: App) {
        guard let session = app.session else { return }
        do { items = try app.services.followUps.queue(session, matching: search.text) } catch { app.report(error) }
        table.select(table.selected)
    }

    func didReturn(app: App) { reload(app) }

    var rowCount: Int { items.count }
    func prepare(through index: Int) {}
    func cells(at index: Int) -> [String] {
        guard let app else { return [] }
        let t = app.localizer
        let item = items[index]
        let today = app.services.clock.today
        let when: String
        switch FollowUpRules.urgency(due: item.due, today: today) {
        case .overdue: when = "⚠ " + t("followups.overdue")
        case .dueToday: when = t("followups.today")
        case .upcoming, .later: when = ""
        }
        return [app.dateText(item.due), when, item.caseCode, item.childNameKm, item.childNameLatin, t(item.type.labelKey)]
    }

    func handle(_ key: Key, app: App) -> Bool {
        ListSearchBox.isTableKey(key) ? table.handle(key) : search.field.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        search.render(into: &canvas, row: area.row, width: area.width, app: app)
        let area = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        guard !items.isEmpty else {
            canvas.put(t(search.text.isEmpty ? "followups.empty" : "search.none"), row: area.row + 1, col: 1,
                       style: .muted, maxWidth: area.width - 2)
            return
        }
        let today = app.services.clock.today
        let overdue = items.filter { $0.due < today }.count
        let dueToday = items.filter { $0.due == today }.count
        canvas.put(t("followups.summary", t.number(overdue), t.number(dueToday), t.number(items.count - overdue - dueToday)),
                   row: area.row, col: 1, style: overdue > 0 ? .warning : .muted, maxWidth: area.width - 2)
        table.render(into: &canvas, at: Rect(row: area.row + 1, col: 0, width: area.width, height: area.height - 1),
                     focused: true, env: app.widgetEnvironment)
    }
}

/// Records what happened to one follow-up: done (with wellbeing, notes and,
/// for social workers, a new risk level), missed or cancelled (with a
/// reason). Saving schedules the next visit.
@MainActor
final class RecordVisitScreen: Screen {
    let titleKey = "visit.title"
    var bindings: [KeyBinding] { CommonBindings.form }

    private let item: FollowUpItem
    private let outcome = ChoiceField(filterable: false)
    private let type = ChoiceField(filterable: false)
    private let date = DateField()
    private let wellbeing = ChoiceField(filterable: false)
    private let risk = ChoiceField()
    private let notes = TextArea(rows: 4, maxLength: 10_000)
    private let reason = TextField(maxLength: 300)
    private let form: Form

    init(app: App, item: FollowUpItem) {
        self.item = item
        form = Form(fields: [
            FormField(id: "outcome", label: "visit.outcome", widget: outcome, required: true),
            FormField(id: "type", label: "visit.type", widget: type, required: true),
            FormField(id: "date", label: "visit.date", widget: date, required: true),
            FormField(id: "wellbeing", label: "visit.wellbeing", widget: wellbeing, required: true),
            FormField(id: "risk", label: "visit.new-risk", widget: risk),
            FormField(id: "notes", label: "visit.notes", widget: notes, required: true),
            FormField(id: "reason", label: "visit.reason", widget: reason, required: true),
        ])
        outcome.setOptions(app.options(FollowUpOutcomeKind.self))
        type.setOptions(app.options(FollowUpType.self))
        wellbeing.setOptions(app.options(Wellbeing.self))
        risk.setOptions(app.options(RiskLevel.self))
        outcome.select(FollowUpOutcomeKind.done.rawValue)
        type.select(item.type.rawValue)
        let today = app.services.clock.today
        date.text = FormInput.text(today)
        form.field("risk")?.isHidden = !(app.session?.may(.assessRisk) ?? false)
        form.onSave = { [unowned self, unowned app] in self.save(app) }
        outcome.onSelect = { [unowned self, unowned app] _ in self.showFields(app) }
        showFields(app)
    }

    private func showFields(_ app: App) {
        let done = outcome.selectedId == FollowUpOutcomeKind.done.rawValue
        form.field("wellbeing")?.isHidden = !done
        form.field("notes")?.isHidden = !done
        form.field("risk")?.isHidden = !done || !(app.session?.may(.assessRisk) ?? false)
        form.field("reason")?.isHidden = done
    }

    var hasUnsavedChanges: Bool { !notes.text.isEmpty || !reason.text.isEmpty }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    private func save(_ app: App) {
        guard let session = app.session else { return }
        let t = app.localizer
        form.clearMessages()
        let parsedDate: LocalDate
        switch LocalDate.parse(userInput: date.text) {
        case .success(let d): parsedDate = d
        case .failure(let failure):
            form.field("date")?.message = FieldMessage(t(failure == .malformed ? "error.date-format" : "error.date-impossible"))
            form.focus("date")
            return
        }
        let kind = outcome.selectedId.flatMap(FollowUpOutcomeKind.init(rawValue:)) ?? .done
        let visit = FollowUpRecord(
            outcome: kind, type: type.selectedId.flatMap(FollowUpType.init(rawValue:)) ?? .homeVisit, date: parsedDate,
            notes: kind == .done ? notes.text : "",
            wellbeing: kind == .done ? wellbeing.selectedId.flatMap(Wellbeing.init(rawValue:)) : nil,
            newRiskLevel: kind == .done ? risk.selectedId.flatMap(RiskLevel.init(rawValue:)) : nil,
            reason: kind == .done ? "" : reason.text)
        do {
            let next = try app.services.followUps.record(session, followUpId: item.id, visit)
            app.pop()
            if let next {
                app.show(t("visit.saved-next", item.caseCode, app.longDateText(next)), style: .heading)
            } else {
                app.show(t("visit.saved", item.caseCode), style: .heading)
            }
        } catch let rejected as FollowUpRejected {
            for (field, key) in rejected.issues { form.field(field)?.message = FieldMessage(t(key)) }
            if let first = form.fields.first(where: { rejected.issues[$0.id] != nil }) { form.focus(first.id) }
            app.showError(t("form.fix-errors"))
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
