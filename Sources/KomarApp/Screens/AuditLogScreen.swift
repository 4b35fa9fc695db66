import CaseStore
import Foundation
import Terminal

/// For admins: the newest audit events and whether the hash chain holds.
@MainActor
final class AuditLogScreen: Screen, TableDataSource {
    let titleKey = "audit.title"
    var bindings: [KeyBinding] { [CommonBindings.scroll, CommonBindings.back] }
    private var entries: [AuditEntry] = []
    private var brokenRow: Int64?
    private let table = Table(columns: [
        TableColumn("audit.when", width: 16), TableColumn("audit.who", width: 14),
        TableColumn("audit.action", width: 14), TableColumn("audit.summary", width: 10, flexible: true),
    ])

    init(app: App) {
        do {
            entries = try app.services.audit.recent(limit: 500)
            brokenRow = try app.services.audit.firstBrokenRow()
        } catch { app.report(error) }
        table.source = self
    }

    var rowCount: Int { entries.count }
    func prepare(through index: Int) {}
    func cells(at index: Int) -> [String] {
        let e = entries[index]
        let stamp = e.at.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false))
        return [String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " "), e.username, e.action,
                [e.entity, e.summary].filter { !$0.isEmpty }.joined(separator: " ")]
    }

    func handle(_ key: Key, app: App) -> Bool { table.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        if let brokenRow {
            canvas.put(t("audit.broken", t.number(Int(brokenRow))), row: area.row, col: 1, style: .error)
        } else {
            canvas.put(t("audit.intact"), row: area.row, col: 1, style: .muted)
        }
        table.render(into: &canvas, at: Rect(row: area.row + 1, col: 0, width: area.width, height: area.height - 1),
                     focused: true, env: app.widgetEnvironment)
    }
}
