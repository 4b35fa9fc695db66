import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// Writes the referral list as it is filtered to a CSV file that Excel and
/// LibreOffice open with Khmer intact; a progress line shows how far it is.
@MainActor
final class ReferralExportScreen: FormScreen {
    let titleKey = "export.title"
    private let session: Session
    private let path = TextField(maxLength: 300)
    let form: Form
    private let filter: ReferralFilter
    private let total: Int

    init(app: App, session: Session, filter: ReferralFilter, total: Int) {
        self.session = session
        self.filter = filter
        self.total = total
        form = Form(fields: [FormField(id: "path", label: "export.file", widget: path, required: true)])
        let today = app.services.clock.today
        path.text = app.exportDirectory + "/" + String(format: "komar-referrals-%04d-%02d-%02d.csv", today.year, today.month, today.day)
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.export", help: "help.export-now") { [unowned self, unowned app] in self.save(app: app) }
    }

    func save(app: App) {
        let t = app.localizer
        form.clearMessages()
        var target = path.text.trimmingSpaces()
        if target.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            target = home + target.dropFirst(1)
        }
        guard !target.isEmpty else {
            FormInput.show(["path": "error.required"], in: form, app: app)
            return
        }
        do {
            let written = try app.services.referrals.export(
                session, filter: filter, to: URL(fileURLWithPath: target), khmerPlaceNames: t.language == .km,
                label: { t($0) }, progress: { done, all in
                    app.show(t("export.progress", t.number(done), t.number(all)), style: .heading)
                    app.render()
                })
            app.pop()
            app.show(t("export.done", t.number(written), target), style: .heading)
        } catch let failed as ExportFailed {
            form.field("path")?.message = FieldMessage(t("error.export-failed", failed.detail))
            app.showError(t("error.export-failed", failed.detail))
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        canvas.put(t("export.what", t.number(total)), row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        canvas.put(t("export.hint"), row: area.row + 2, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: area.width - 4, height: 3),
                    env: app.widgetEnvironment)
    }
}
