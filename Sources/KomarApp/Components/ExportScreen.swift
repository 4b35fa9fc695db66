import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import Terminal

/// Writing a list to a file (CSV that Excel and LibreOffice open with
/// Khmer intact): the path, what will be written, a progress line, and the
/// password asked again when it is more than five minutes old. Each export
/// (referrals, the audit log) says what it writes and how.
@MainActor
final class ExportScreen: FormScreen {
    /// Writes to the file at `url`, reporting (done, total) as it goes;
    /// returns how many rows it wrote.
    typealias Write = (_ url: URL, _ progress: @escaping (Int, Int) -> Void) throws -> Int

    let titleKey: String
    /// What will be written, in the current language (F6 changes it).
    private let what: () -> String
    private let doneKey: String
    private let path = TextField(maxLength: 300)
    private let write: Write
    /// A string-table key saying what is wrong with a path before anything
    /// is written (a file ending no format has), or nil.
    private let check: (URL) -> String?
    let form: Form

    /// `what` describes the rows; `fileName` is suggested in the user's
    /// home folder; `doneKey` reports "{0} rows written to {1}".
    init(app: App, titleKey: String, what: @escaping () -> String, fileName: String, doneKey: String,
         check: @escaping (URL) -> String? = { _ in nil }, write: @escaping Write) {
        self.check = check
        self.titleKey = titleKey
        self.what = what
        self.doneKey = doneKey
        self.write = write
        form = Form(fields: [FormField(id: "path", label: "export.file", widget: path, required: true)])
        path.text = app.exportDirectory + "/" + fileName
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    /// "komar-referrals-2026-11-22.csv" for today.
    static func fileName(_ prefix: String, app: App) -> String {
        let today = app.services.clock.today
        return String(format: "komar-%@-%04d-%02d-%02d.csv", prefix, today.year, today.month, today.day)
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.export", help: "help.export-now") { [unowned self, unowned app] in self.save(app: app) }
    }

    func save(app: App) {
        form.clearMessages()
        var target = path.text.trimmingSpaces()
        if target.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            target = home + target.dropFirst(1)
        }
        guard !target.isEmpty else {
            FormInput.show(["path": "error.required"], in: form, app: app)
            return
        }
        // A name alone lands in the folder Komar was started from: the message says which one
        // (walk-through: "written to ref-en.xlsx" left the user looking for the file).
        target = URL(fileURLWithPath: target).standardizedFileURL.path
        if let problem = check(URL(fileURLWithPath: target)) {
            FormInput.show(["path": problem], in: form, app: app)
            return
        }
        let export = { [unowned self, unowned app] in
            app.withRecentPassword("password-check.for-export") { [unowned self, unowned app] in
                self.export(to: target, app: app)
            }
        }
        if FileManager.default.fileExists(atPath: target) {
            app.confirm({ $0("export.overwrite", target) }, then: export)
        } else {
            export()
        }
    }

    /// Why a file could not be written, in the user's words.
    static func reason(_ failed: ExportFailed, _ t: Localizer) -> String {
        switch failed.reason {
        case .noFolder: t("export-error.no-folder")
        case .noPermission: t("export-error.no-permission")
        case .diskFull: t("export-error.disk-full")
        case .readOnly: t("export-error.read-only")
        case .other: failed.detail
        }
    }

    private func export(to target: String, app: App) {
        do {
            let written = try write(URL(fileURLWithPath: target)) { done, all in
                app.show(style: .heading) { t in t("export.progress", t.number(done), t.number(all)) }
                app.render()
            }
            app.pop()
            app.show(style: .heading) { [doneKey] t in t.count(doneKey, written, target) }
        } catch let failed as ExportFailed {
            let words = { (t: Localizer) in t("error.export-failed", Self.reason(failed, t)) }
            form.field("path")?.message = app.fieldMessage(words)
            app.showError(words)
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        // What is exported wraps onto a second line: with a large count, or in Khmer, it is wider than 76 columns.
        var row = area.row + 1
        for line in wrapWords(what(), width: area.width - 4).prefix(2) {
            canvas.put(line, row: row, col: 2, style: .heading, maxWidth: area.width - 4)
            row += 1
        }
        canvas.put(app.localizer("export.hint"), row: row, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: row + 2, col: 2, width: area.width - 4, height: 3),
                    env: app.widgetEnvironment)
    }
}
