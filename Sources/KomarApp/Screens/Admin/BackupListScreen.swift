import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: the backups in `backups/`, newest first, with their size,
/// whether they were verified and encrypted, and the audit seal each
/// holds. F7 makes one now; F8 copies one to another disk; Enter restores
/// the highlighted one. Each asks for the password again.
@MainActor
final class BackupListScreen: ListScreen {
    let titleKey = "backups.title"
    private let session: Session
    let list: RecordList<BackupEntry>
    private var status: BackupStatus?
    /// Backup files a damaged or missing manifest keeps out of the list.
    private var unreadable: [URL] = []

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            // Khmer month names are up to two columns wider than English ones,
            // and "Before restore" is the longest kind.
            TableColumn("backups.when", width: 19), TableColumn("backups.kind", width: 14),
            TableColumn("backups.size", width: 9, alignment: .right), TableColumn("backups.state", width: 10, flexible: true),
            TableColumn("backups.seal", width: 18),
        ], searchable: false, cells: { [unowned app] entry in
            let t = app.localizer
            let megabytes = t.digitsForDisplay(String(format: "%.1f MB", Double(entry.manifest.bytes) / 1_048_576))
            var state = [t(entry.manifest.verified ? "backups.verified" : "backups.not-verified")]
            if entry.manifest.encrypted { state.append(t("backups.encrypted")) }
            return [app.dateTimeText(entry.manifest.createdAt), t("backup-kind." + entry.manifest.kind.rawValue),
                    megabytes, state.joined(separator: ", "), entry.manifest.auditSeal]
        })
        list.load { [unowned app] _, last, _ in
            guard last == nil else { return [] }
            return try app.services.backups.list(session)
        }
        recount(app)
    }

    func recount(_ app: App) {
        do {
            status = try app.services.backups.status(session)
            unreadable = try app.services.backups.unreadable(session)
        } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(7), label: "key.backup-now", help: "help.backup-now") { [unowned self, unowned app] in
            app.withRecentPassword("password-check.for-backup") { [unowned self, unowned app] in self.backUp(app) }
         },
         KeyBinding(.function(8), label: "key.copy-to-disk", help: "help.copy-to-disk") { [unowned self, unowned app] in
            app.withRecentPassword("password-check.for-backup") { [unowned self, unowned app] in
                let copy = BackupCopyScreen(app: app, session: self.session)
                copy.onCopied = { [unowned self, unowned app] in self.recount(app) }
                app.push(copy)
            }
         },
         list.openBinding(label: "key.restore", help: "help.restore") { [unowned self, unowned app] entry in
            app.push(RestoreScreen(app: app, session: self.session, entry: entry))
         },
         CommonBindings.scroll]
    }

    private func backUp(_ app: App) {
        app.show(style: .heading) { t in t("backups.working") }
        app.render()
        do {
            let entry = try app.services.backups.make(session)
            list.reload(keepingSelection: false)
            recount(app)
            app.show(style: .heading) { t in t("backups.made", entry.file.lastPathComponent) }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let folder = app.services.backups.folder?.path ?? ""
        canvas.put(t("backups.where", folder), row: area.row, col: 1, style: .muted, maxWidth: area.width - 2)
        let now = app.services.clock.now()
        var warnings: [String] = []
        if let status {
            // With no backups at all, the empty list says so, and how to make one.
            if status.backupIsStale(now: now), !list.isEmpty { warnings.append(app.staleBackupWarning(status)) }
            if status.externalCopyIsStale(now: now) {
                warnings.append(app.externalCopyWarning(status, onBackups: true))
            }
        }
        if !unreadable.isEmpty { warnings.append(t.count("backups.unreadable", unreadable.count)) }
        for (i, warning) in warnings.enumerated() {
            canvas.put(warning, row: area.row + 1 + i, col: 1, style: .warning, maxWidth: area.width - 2)
        }
        let top = area.row + 1 + warnings.count
        list.render(into: &canvas, area: Rect(row: top, col: area.col, width: area.width, height: area.bottom - top),
                    app: app, heading: (t("backups.hint"), .muted), empty: t("backups.empty"))
    }
}
