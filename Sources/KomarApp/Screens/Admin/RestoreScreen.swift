import CaseDomain
import CaseStore
import Foundation
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

    init(app: App, session: Session, entry: BackupEntry) {
        self.session = session
        self.entry = entry
        var fields = [FormField(id: "password", label: "login.password", widget: password, required: true)]
        if entry.manifest.encrypted {
            fields.append(FormField(id: "passphrase", label: "restore.passphrase", widget: passphrase, required: true))
        }
        form = Form(fields: fields)
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
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
        app.confirm({ [unowned app, createdAt = entry.manifest.createdAt] t in t("restore.confirm", app.dateTimeText(createdAt)) }) {
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
            app.field("restore.cases", t.number(m.rowCounts["child_case"] ?? 0)),
            app.field("backups.seal", m.auditSeal),
            app.field("restore.file", entry.file.lastPathComponent),
        ]
        DetailView(lines: lines, labelWidth: 20).render(
            into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 4, height: 5), focused: false,
            env: app.widgetEnvironment)
        // Where the current file will be kept is the point of the warning: it wraps rather than being cut.
        for (i, line) in wrapWords(t("restore.hint"), width: area.width - 4).prefix(3).enumerated() {
            canvas.put(line, row: area.row + 7 + i, col: 2, style: .warning, maxWidth: area.width - 4)
        }
        form.render(into: &canvas, at: Rect(row: area.row + 11, col: 2, width: min(76, area.width - 4), height: 5),
                    env: app.widgetEnvironment)
    }
}

/// A backup failure in the user's words: its string-table key and detail.
enum BackupText {
    static func key(_ error: BackupError) -> (key: String, detail: String) {
        switch error {
        case .noManifest(let name): ("backup-error.no-manifest", name)
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
