import CaseStore
import Terminal

/// One audit event in full (Enter on the audit log): the list's details
/// column is cut at the screen's width, and an admin checking what
/// happened must be able to read all of it.
@MainActor
final class AuditEventScreen: RecordFileScreen {
    let titleKey = "audit-event.title"
    let file = DetailView(labelWidth: 16)
    private let event: AuditEntry

    init(event: AuditEntry) { self.event = event }

    func bindings(app: App) -> [KeyBinding] { [CommonBindings.scroll] }

    func fileLines(app: App) -> [DetailLine]? {
        let t = app.localizer
        let e = event
        return [
            .heading(AuditLogScreen.actionText(e.action, app)),
            .blank,
            app.field("audit.when", app.dateTimeText(e.at)),
            app.field("audit.who", e.username.isEmpty ? "—" : e.username),
            app.field("audit.entity", e.entity.isEmpty ? "—" : AuditLogScreen.entityText(e, app)),
            app.field("audit.summary", e.summary.isEmpty ? "—" : AuditLogScreen.summaryText(e, app)),
            app.field("audit.id", t.digitsForDisplay(String(e.id))),
        ]
    }
}
