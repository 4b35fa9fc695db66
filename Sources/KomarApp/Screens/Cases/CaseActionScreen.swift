import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// F4 on a case: accept it (assign a worker, confirm the risk level), close
/// it with a reason, reopen it, or give an open case to another worker. Only the fields the chosen action needs
/// are shown. If someone else changed the case meanwhile, what was entered
/// is kept and the user is told what the case is now.
@MainActor
final class CaseActionScreen: DraftableScreen {
    let titleKey = "action.title"
    private let session: Session

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
    let form: Form
    private var baseline: FormSnapshot = [:]

    var draftKey: DraftKey { DraftKey("case-action", record: String(caseId)) }
    func draftTitle(_ t: Localizer, app: App) -> String { t("draft.title-case-action", code) }

    init(app: App, session: Session, detail: CaseDetail, onDone: @escaping () -> Void) {
        self.session = session
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
        let role = session.user.role
        let allowed = CaseStatusRules.actions(for: detail.summary.status, role: role)
        action.setOptions(app.options(CaseAction.self).filter { option in allowed.contains { $0.rawValue == option.id } })
        risk.setOptions(app.options(RiskLevel.self))
        risk.select(detail.summary.riskLevel?.rawValue)
        reason.setOptions(app.options(ClosureReason.self))
        if session.may(.assignCase) {
            do {
                assignee.setOptions(try app.services.cases.assignees(session).map {
                    ChoiceOption(id: String($0.id), labels: [$0.displayName])
                })
                if session.user.role == .socialWorker { assignee.select(String(session.user.id)) }
            } catch { app.report(error) }
        }
        action.onSelect = { [unowned self] _ in self.showFields() }
        reason.onSelect = { [unowned self] _ in self.showFields() }
        action.select(allowed.first?.rawValue)
        showFields()
        baseline = form.snapshot()
    }

    private func showFields() {
        let chosen = action.selectedId.flatMap(CaseAction.init(rawValue:))
        form.field("assignTo")?.isHidden = chosen != .accept && chosen != .reassign
        form.field("riskLevel")?.isHidden = chosen != .accept
        form.field("closureReason")?.isHidden = chosen != .close
        form.field("duplicateOf")?.isHidden = chosen != .close || reason.selectedId != ClosureReason.duplicate.rawValue
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        guard let chosen = action.selectedId.flatMap(CaseAction.init(rawValue:)) else {
            form.field("action")?.message = app.fieldMessage("error.required")
            return
        }
        form.clearMessages()
        // Only what the chosen action shows is sent.
        var change = CaseChange(action: chosen, expectedVersion: expectedVersion, note: note.text)
        if chosen == .accept || chosen == .reassign {
            change.assignTo = assignee.selectedId.flatMap { Int64($0) }
        }
        if chosen == .accept { change.riskLevel = risk.selectedId.flatMap(RiskLevel.init(rawValue:)) }
        if chosen == .close {
            change.closureReason = reason.selectedId.flatMap(ClosureReason.init(rawValue:))
            if change.closureReason == .duplicate { change.duplicateOf = duplicateOf.text }
        }
        do {
            try app.services.cases.apply(session, caseId: caseId, change, draft: app.draftRef(self))
            app.draftSaved(self)
            app.pop()
            onDone()
            if chosen == .reassign {
                let worker = assignee.selected?.label(0) ?? ""
                app.show(style: .heading) { [code] t in t("action.reassigned", code, worker) }
            } else {
                app.show(style: .heading) { [code] t in t("action.done", code, t(CaseStatusRules.target(of: chosen).labelKey)) }
            }
        } catch let rejected as CaseChangeRejected {
            for (field, key) in rejected.issues {
                form.field(field.rawValue)?.message = app.fieldMessage(key)
            }
            app.showError { [count = rejected.issues.count] t in t("form.fix-errors-count", t.number(count)) }
        } catch StoreError.changedElsewhere {
            do {
                let now = try app.services.cases.caseDetail(session, id: caseId)
                expectedVersion = now.version
                app.showError { t in t("error.changed-now", t(now.summary.status.labelKey)) }
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
