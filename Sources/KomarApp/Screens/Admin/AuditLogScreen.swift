import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: the audit log, newest first, and whether its hash chain
/// holds.
@MainActor
final class AuditLogScreen: ListScreen {
    let titleKey = "audit.title"
    private let session: Session
    let list: RecordList<AuditEntry>
    private var brokenRow: Int64?

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("audit.when", width: 16), TableColumn("audit.who", width: 14),
            TableColumn("audit.action", width: 14), TableColumn("audit.summary", width: 10, flexible: true),
        ], searchable: false, cells: { e in
            let stamp = e.at.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false))
            return [String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " "), e.username, e.action,
                    [e.entity, e.summary].filter { !$0.isEmpty }.joined(separator: " ")]
        })
        list.load { [unowned app] _, last, limit in
            try app.services.audit.recent(session, before: last?.id, limit: limit)
        }
        do { brokenRow = try app.services.audit.firstBrokenRow(session) } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] { [CommonBindings.scroll] }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let heading = brokenRow.map { (t("audit.broken", t.number(Int($0))), TextStyle.error) }
            ?? (t("audit.intact"), .muted)
        list.render(into: &canvas, area: area, app: app, heading: heading, empty: "")
    }
}
