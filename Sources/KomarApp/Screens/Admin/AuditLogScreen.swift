import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: the audit log, newest first, in the user's language;
/// whether its hash chain holds, and its seal (to copy outside the file,
/// so a later check can catch truncation or a recomputed chain). F5
/// filters by user, action, record code and dates; F8 exports what is
/// shown to CSV; F4 acknowledges the warning that the audit triggers were
/// missing.
@MainActor
final class AuditLogScreen: ListScreen {
    let titleKey = "audit.title"
    private let session: Session
    let list: RecordList<AuditEntry>
    private var filter = AuditFilter()
    private var brokenRow: Int64?
    private var seal: AuditSeal?
    private var alert: Date?
    private var count = 0

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("audit.when", width: 17), TableColumn("audit.who", width: 12),
            TableColumn("audit.action", width: 16), TableColumn("audit.summary", width: 10, flexible: true),
        ], searchable: false, cells: { [unowned app] e in
            [app.dateTimeText(e.at), e.username.isEmpty ? "—" : e.username, AuditLogScreen.actionText(e.action, app),
             [e.entity, e.summary].filter { !$0.isEmpty }.joined(separator: " ")]
        })
        list.load { [unowned self, unowned app] _, last, limit in
            try app.services.audit.recent(session, filter: self.filter, before: last?.id, limit: limit)
        }
        check(app)
    }

    static func actionText(_ raw: String, _ app: App) -> String {
        app.localizer.table.text("audit-action." + raw, app.localizer.language) ?? raw
    }

    /// Walks the chain and reads the seal, the alert and the count again.
    private func check(_ app: App) {
        do {
            let verification = try app.services.audit.verify(session)
            brokenRow = verification.firstBrokenRow
            alert = verification.triggersMissingSince
            seal = try app.services.audit.seal(session)
            recount(app)
        } catch { app.report(error) }
    }

    func recount(_ app: App) {
        do { count = try app.services.audit.count(session, filter: filter) } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(4), label: "key.acknowledge", help: "help.acknowledge-alert") { [unowned self, unowned app] in
            do {
                try app.services.audit.clearAlert(self.session)
                self.check(app)
                self.list.reload(keepingSelection: false)
            } catch { app.report(error) }
         }.enabled(alert != nil),
         KeyBinding(.function(5), label: "key.filter", help: "help.filter-audit") { [unowned self, unowned app] in
            app.push(AuditFilterScreen(app: app, current: self.filter) { [unowned self, unowned app] newFilter in
                self.filter = newFilter
                self.list.reload(keepingSelection: false)
                self.recount(app)
            })
         },
         KeyBinding(.function(8), label: "key.export", help: "help.export-audit") { [unowned self, unowned app] in
            let t = app.localizer
            let filter = self.filter
            let session = self.session
            app.push(ExportScreen(app: app, titleKey: "audit.export-title", what: t("audit.export-what", t.number(self.count)),
                                  fileName: ExportScreen.fileName("audit", app: app), doneKey: "audit.exported") { url, _ in
                try app.services.audit.export(session, filter: filter, to: url) { key in
                    key.hasPrefix("audit-action.") ? AuditLogScreen.actionText(String(key.dropFirst(13)), app) : t(key)
                }
            })
         },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var row = area.row
        if let alert {
            canvas.put(t("audit.alert", app.dateTimeText(alert)), row: row, col: 1, style: .error, maxWidth: area.width - 2)
            row += 1
        }
        let chain = brokenRow.map { (t("audit.broken", t.number(Int($0))), TextStyle.error) } ?? (t("audit.intact"), .muted)
        canvas.put(chain.0, row: row, col: 1, style: chain.1, maxWidth: area.width - 2)
        if let seal {
            canvas.put(t("audit.seal", seal.description), row: row + 1, col: 1, style: .heading,
                       maxWidth: area.width - 2)
        }
        let described = AuditFilterScreen.describe(filter, app: app)
        let heading = described.isEmpty ? t("audit.count", t.number(count))
                                        : t("audit.count-filtered", t.number(count), described)
        list.render(into: &canvas, area: Rect(row: row + 2, col: area.col, width: area.width, height: area.bottom - row - 2),
                    app: app, heading: (heading, .muted), empty: t("audit.empty"))
    }
}
