import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: a checked backup written straight to another disk (a USB
/// stick), optionally encrypted with a passphrase typed twice, as
/// `komar backup --to DIR [--encrypt]` does. The folder is filled in with
/// the first removable disk found. Nothing here is kept as a draft: the
/// form holds a passphrase.
@MainActor
final class BackupCopyScreen: FormScreen {
    let titleKey = "backup-copy.title"
    private let session: Session
    private let folder = TextField(maxLength: 512)
    private let passphrase = TextField(kind: .secret, maxLength: 256)
    private let again = TextField(kind: .secret, maxLength: 256)
    let form: Form
    /// Called once the copy is written (the list says when the last one was).
    var onCopied: (() -> Void)?

    init(app: App, session: Session) {
        self.session = session
        folder.text = Self.removableDisk() ?? ""
        form = Form(fields: [
            FormField(id: "folder", label: "backup-copy.folder", widget: folder, required: true),
            FormField(id: "passphrase", label: "backup-copy.passphrase", widget: passphrase),
            FormField(id: "again", label: "backup-copy.passphrase-again", widget: again),
        ])
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    var hasUnsavedChanges: Bool { !(passphrase.text.isEmpty && again.text.isEmpty) }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.copy", help: "help.copy-backup") { [unowned self, unowned app] in self.save(app: app) }
    }

    func save(app: App) {
        form.clearMessages()
        let path = (folder.text.trimmingCharacters(in: .whitespaces) as NSString).expandingTildeInPath
        var issues: [String: String] = [:]
        var isFolder: ObjCBool = false
        if path.isEmpty {
            issues["folder"] = "error.required"
        } else if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) || !isFolder.boolValue {
            issues["folder"] = "backup-copy.no-folder"
        } else if let database = app.services.database.path, Self.isDatabaseFolder(path, of: database) {
            issues["folder"] = "backup-copy.same-disk"
        }
        if !passphrase.text.isEmpty, passphrase.text.unicodeScalars.count < PasswordRules.minimumLength {
            issues["passphrase"] = "backup-copy.passphrase-short"
        } else if passphrase.text != again.text {
            issues["again"] = "backup-copy.passphrase-mismatch"
        }
        guard issues.isEmpty else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        // A copy without a passphrase is every child's file, readable by
        // whoever holds the stick: said before it is written (walk-through).
        if passphrase.text.isEmpty {
            app.confirm({ t in t("backup-copy.confirm-plain") }) { [unowned self, unowned app] in self.copy(app, to: path) }
        } else {
            copy(app, to: path)
        }
    }

    private func copy(_ app: App, to path: String) {
        app.show(style: .heading) { t in t("backups.working") }
        app.render()
        do {
            let entry = try app.services.backups.make(session, kind: .manual, to: URL(fileURLWithPath: path),
                                                      passphrase: passphrase.text.isEmpty ? nil : passphrase.text)
            passphrase.text = ""
            again.text = ""
            app.pop()
            onCopied?()
            app.show(style: .heading) { t in t("backup-copy.done", entry.file.lastPathComponent) }
        } catch {
            form.field("folder")?.message = app.fieldMessage(for: error)
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        for (i, line) in wrapWords(t("backup-copy.hint"), width: area.width - 4).prefix(3).enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 2, style: .muted, maxWidth: area.width - 4)
        }
        form.render(into: &canvas, at: Rect(row: area.row + 5, col: 2, width: min(76, area.width - 4), height: 8),
                    env: app.widgetEnvironment)
    }

    /// Whether `path` is the database's own folder or its `backups/`: a
    /// copy there is no copy to another disk, and would silence the
    /// reminder to make one.
    static func isDatabaseFolder(_ path: String, of database: String) -> Bool {
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent()
        let chosen = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        return [folder, BackupFolder.url(besideDatabase: database)].contains {
            $0.resolvingSymlinksInPath().standardizedFileURL.path == chosen
        }
    }

    /// The first disk mounted where desktops put USB sticks
    /// (`/media/USER/NAME`, `/run/media/USER/NAME`, `/media/NAME`).
    static func removableDisk() -> String? {
        let fm = FileManager.default
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        for root in ["/media/\(user)", "/run/media/\(user)", "/media"] where !user.isEmpty || root == "/media" {
            guard let names = try? fm.contentsOfDirectory(atPath: root) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") && name != user {
                var isFolder: ObjCBool = false
                let path = root + "/" + name
                if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return path }
            }
        }
        return nil
    }
}
