import CaseDomain
import CaseStore
import Foundation
import Localization
import Terminal

/// Restoring one backup over the database: what it holds, the admin's
/// password (checked against the backup's accounts) and the passphrase if
/// it is encrypted. The current file is kept as a safety copy; afterwards
/// everyone logs in again.
@MainActor
final class RestoreScreen: FormScreen {
    let titleKey = "restore.title"
    private let session: Session
    private let entry: BackupEntry
    private let password = TextField(kind: .secret, maxLength: 128)
    private let passphrase = TextField(kind: .secret, maxLength: 256)
    let form: Form
    /// What the database holds now, beside what the backup holds
    /// (walk-through: restoring the first login's backup quietly took back
    /// four accounts and eight households, and nothing had said so).
    private var now: [String: Int] = [:]
    private static let countLabels = [
        "child_case": "restore.cases", "household": "restore.households", "household_member": "restore.people",
        "follow_up": "restore.visits", "referral": "restore.referrals", "user": "restore.accounts",
    ]

    init(app: App, session: Session, entry: BackupEntry) {
        self.session = session
        self.entry = entry
        var fields = [FormField(id: "password", label: "login.password", widget: password, required: true)]
        if entry.manifest.encrypted {
            fields.append(FormField(id: "passphrase", label: "restore.passphrase", widget: passphrase, required: true))
        }
        form = Form(fields: fields)
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
        do { now = try app.services.backups.currentCounts(session) } catch { app.report(error) }
    }

    /// "8" or "0 (now 8)" for each table of the summary: the backup's count, and today's where it differs.
    private func counts(_ t: Localizer) -> [(label: String, text: String, fewer: Bool)] {
        BackupService.restoreSummaryTables.map { table in
            let then = entry.manifest.rowCounts[table] ?? 0
            let label = t(Self.countLabels[table] ?? table)
            guard let current = now[table], current != then else { return (label, t.number(then), false) }
            return (label, t("restore.count-now", t.number(then), t.number(current)), then < current)
        }
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.restore", help: "help.restore-now") { [unowned self, unowned app] in self.save(app: app) }
    }

    func save(app: App) {
        form.clearMessages()
        var issues: [String: String] = [:]
        if password.text.isEmpty { issues["password"] = "error.required" }
        if entry.manifest.encrypted && passphrase.text.isEmpty { issues["passphrase"] = "error.required" }
        guard issues.isEmpty else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        guard let path = app.services.database.path else {
            app.report(BackupError.cannotWrite("in-memory database"))
            return
        }
        app.confirm({ [unowned self, unowned app, createdAt = entry.manifest.createdAt] t in
            let fewer = self.counts(t).filter { $0.fewer }.map { t.labelled($0.label, $0.text) }
            return fewer.isEmpty ? t("restore.confirm", app.dateTimeText(createdAt))
                : t("restore.confirm-fewer", app.dateTimeText(createdAt), fewer.joined(separator: ", "))
        }) {
            [unowned self, unowned app] in
            app.show(style: .heading) { t in t("restore.working") }
            app.render()
            do {
                let report = try BackupService.restore(
                    RestoreRequest(backup: self.entry.file, passphrase: self.entry.manifest.encrypted ? self.passphrase.text : nil,
                                   databasePath: path, username: self.session.user.username, password: self.password.text),
                    live: app.services.database, now: app.services.clock.now())
                app.restored(from: report)
            } catch let error as BackupError {
                self.password.text = ""
                self.passphrase.text = ""
                let field: String? = switch error {
                case .notAnAdminInTheBackup: "password"
                case .wrongPassphrase, .passphraseNeeded: "passphrase"
                default: nil
                }
                if let field { self.form.field(field)?.message = app.fieldMessage(for: error) }
                app.report(error)
            } catch {
                app.report(error)
            }
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let m = entry.manifest
        let lines = [
            app.field("backups.when", app.dateTimeText(m.createdAt)),
            app.field("restore.organisation", m.organisation),
        ] + counts(t).map { DetailLine.field(label: $0.label, value: $0.text) } + [
            app.field("backups.seal", m.auditSeal),
            app.field("restore.file", entry.file.lastPathComponent),
        ]
        DetailView(lines: lines, labelWidth: 20).render(
            into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 4, height: lines.count), focused: false,
            env: app.widgetEnvironment)
        // Where the current file will be kept is the point of the warning: it wraps rather than being cut.
        let hintRow = area.row + 2 + lines.count
        for (i, line) in wrapWords(t("restore.hint"), width: area.width - 4).prefix(3).enumerated() {
            canvas.put(line, row: hintRow + i, col: 2, style: .warning, maxWidth: area.width - 4)
        }
        form.render(into: &canvas, at: Rect(row: hintRow + 4, col: 2, width: min(76, area.width - 4),
                                            height: max(2, area.bottom - hintRow - 4)),
                    env: app.widgetEnvironment)
    }
}

/// A backup failure in the user's words: its string-table key and detail.
enum BackupText {
    static func key(_ error: BackupError) -> (key: String, detail: String) {
        switch error {
        case .noManifest(let name): ("backup-error.no-manifest", name)
        case .damagedManifest(let name): ("backup-error.damaged-manifest", name)
        case .checksumMismatch: ("backup-error.checksum", "")
        case .damaged(let detail): ("backup-error.damaged", detail)
        case .rowCountsDiffer(let table): ("backup-error.row-counts", table)
        case .passphraseNeeded: ("backup-error.passphrase-needed", "")
        case .wrongPassphrase: ("backup-error.wrong-passphrase", "")
        case .otherOrganisation(let backup, _): ("backup-error.other-organisation", backup)
        case .otherDatabase: ("backup-error.other-database", "")
        case .notAnAdminInTheBackup: ("backup-error.not-admin", "")
        case .cannotWrite(let detail): ("backup-error.cannot-write", detail)
        }
    }
}
