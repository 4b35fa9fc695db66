import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// F4 on a case: accept it (assign a worker, confirm the risk level), close
/// it with a reason, or reopen it. Only the fields the chosen action needs
/// are shown. If someone else changed the case meanwhile, what was entered
/// is kept and the user is told what the case is now.
@MainActor
final class CaseActionScreen: Screen {
    let titleKey = "action.title"
    var bindings: [KeyBinding] { CommonBindings.form }

    private let caseId: Int64
    private let code: String
    private var expectedVersion: Int
    private let onDone: () -> Void
    private let action = ChoiceField(filterable: false)
    private let assignee = ChoiceField()
    private let risk = ChoiceField()
    private let reason = ChoiceField()
    private let duplicateOf = TextField(maxLength: 20)
    private let note = TextArea(rows: 3, maxLength: 2_000)
    private let form: Form

    init(app: App, detail: CaseDetail, onDone: @escaping () -> Void) {
        caseId = detail.summary.id
        code = detail.summary.code
        expectedVersion = detail.version
        self.onDone = onDone
        form = Form(fields: [
            FormField(id: "action", label: "action.action", widget: action, required: true),
            FormField(id: "assignTo", label: "action.assign-to", widget: assignee, required: true),
            FormField(id: "riskLevel", label: "action.risk", widget: risk, required: true),
            FormField(id: "closureReason", label: "action.reason", widget: reason, required: true),
            FormField(id: "duplicateOf", label: "action.duplicate-of", widget: duplicateOf),
            FormField(id: "note", label: "action.note", widget: note),
        ])
        let role = app.session?.user.role ?? .volunteer
        let allowed = CaseStatusRules.actions(for: detail.summary.status, role: role)
        action.setOptions(app.options(CaseAction.self).filter { option in allowed.contains { $0.rawValue == option.id } })
        risk.setOptions(app.options(RiskLevel.self))
        risk.select(detail.summary.riskLevel?.rawValue)
        reason.setOptions(app.options(ClosureReason.self))
        if let session = app.session, session.may(.assignCase) {
            do {
                assignee.setOptions(try app.services.cases.assignees(session).map {
                    ChoiceOption(id: String($0.id), labels: [$0.displayName])
                })
                if session.user.role == .socialWorker { assignee.select(String(session.user.id)) }
            } catch { app.report(error) }
        }
        form.onSave = { [unowned self, unowned app] in self.save(app) }
        action.onSelect = { [unowned self] _ in self.showFields() }
        reason.onSelect = { [unowned self] _ in self.showFields() }
        action.select(allowed.first?.rawValue)
        showFields()
    }

    private func showFields() {
        let chosen = action.selectedId.flatMap(CaseAction.init(rawValue:))
        form.field("assignTo")?.isHidden = chosen != .accept
        form.field("riskLevel")?.isHidden = chosen != .accept
        form.field("closureReason")?.isHidden = chosen != .close
        form.field("duplicateOf")?.isHidden = chosen != .close || reason.selectedId != ClosureReason.duplicate.rawValue
    }

    var hasUnsavedChanges: Bool { !note.text.isEmpty || !duplicateOf.text.isEmpty }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    private func save(_ app: App) {
        guard let session = app.session, let chosen = action.selectedId.flatMap(CaseAction.init(rawValue:)) else {
            form.field("action")?.message = FieldMessage(app.localizer("error.required"))
            return
        }
        form.clearMessages()
        // Only what the chosen action shows is sent.
        var change = CaseChange(action: chosen, expectedVersion: expectedVersion, note: note.text)
        if chosen == .accept {
            change.assignTo = assignee.selectedId.flatMap { Int64($0) }
            change.riskLevel = risk.selectedId.flatMap(RiskLevel.init(rawValue:))
        }
        if chosen == .close {
            change.closureReason = reason.selectedId.flatMap(ClosureReason.init(rawValue:))
            if change.closureReason == .duplicate { change.duplicateOf = duplicateOf.text }
        }
        let t = app.localizer
        do {
            try app.services.cases.apply(session, caseId: caseId, change)
            app.pop()
            onDone()
            app.show(t("action.done", code, t(CaseStatusRules.target(of: chosen).labelKey)), style: .heading)
        } catch let rejected as CaseChangeRejected {
            for (field, key) in rejected.issues {
                form.field(field.rawValue)?.message = FieldMessage(t(key))
            }
            app.showError(t("form.fix-errors"))
        } catch StoreError.changedElsewhere {
            do {
                let now = try app.services.cases.caseDetail(session, id: caseId)
                expectedVersion = now.version
                app.showError(t("error.changed-now", t(now.summary.status.labelKey)))
            } catch { app.report(error) }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        canvas.put(code, row: area.row + 1, col: 2, style: .heading)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}

/// New intakes waiting for a social worker, oldest first; typing finds a
/// child's; Enter opens one.
@MainActor
final class ReviewQueueScreen: Screen, TableDataSource {
    let titleKey = "review.title"
    var bindings: [KeyBinding] { [CommonBindings.open, CommonBindings.scroll, CommonBindings.back] }
    private var cases: [CaseSummary] = []
    private let table = CaseRows.makeTable()
    private weak var app: App?
    private var search: ListSearchBox!

    init(app: App) {
        self.app = app
        table.source = self
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.cases.count else { return }
            app.push(CaseViewScreen(app: app, caseId: self.cases[index].id))
        }
        search = ListSearchBox { [unowned self, unowned app] _ in self.reload(app) }
        reload(app)
    }

    func reload(_ app: App) {
        guard let session = app.session else { return }
        do { cases = try app.services.cases.reviewQueue(session, matching: search.text) } catch { app.report(error) }
        table.select(table.selected)
    }

    var rowCount: Int { cases.count }
    func prepare(through index: Int) {}
    func cells(at index: Int) -> [String] { app.map { CaseRows.cells(cases[index], $0) } ?? [] }

    func handle(_ key: Key, app: App) -> Bool {
        ListSearchBox.isTableKey(key) ? table.handle(key) : search.field.handle(key)
    }

    func didReturn(app: App) { reload(app) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        search.render(into: &canvas, row: area.row, width: area.width, app: app)
        let area = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        if cases.isEmpty {
            canvas.put(t(search.text.isEmpty ? "review.empty" : "search.none"), row: area.row + 1, col: 1,
                       style: .muted, maxWidth: area.width - 2)
            return
        }
        canvas.put(t("review.count", t.number(cases.count)), row: area.row, col: 1, style: .muted)
        table.render(into: &canvas, at: Rect(row: area.row + 1, col: 0, width: area.width, height: area.height - 1),
                     focused: true, env: app.widgetEnvironment)
    }
}
