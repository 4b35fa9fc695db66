import CaseDomain
import CaseStore
import Terminal

/// Asks for the user's password again before an export, a backup or a
/// change to accounts, when it was last typed more than five minutes ago.
/// A wrong one counts like a failed login.
@MainActor
final class PasswordCheckScreen: FormScreen {
    let titleKey = "password-check.title"
    private let session: Session
    private let purposeKey: String
    private let password = TextField(kind: .secret, maxLength: 128)
    private let then: () -> Void
    let form: Form

    init(app: App, session: Session, purposeKey: String, then: @escaping () -> Void) {
        self.session = session
        self.purposeKey = purposeKey
        self.then = then
        form = Form(fields: [FormField(id: "password", label: "login.password", widget: password, required: true)])
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.enter, label: "key.continue", help: "help.password-check") { [unowned self] in self.save(app: app) }]
    }

    func save(app: App) {
        form.clearMessages()
        do {
            guard try app.services.accounts.confirmPassword(session, password.text) else {
                password.text = ""
                form.field("password")?.message = app.fieldMessage("error.password-wrong")
                app.showError { $0("error.password-wrong") }
                return
            }
            app.passwordWasConfirmed()
            app.pop()
            then()
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        canvas.put(t(purposeKey), row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        canvas.put(t("password-check.hint"), row: area.row + 2, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: min(70, area.width - 4), height: 3),
                    env: app.widgetEnvironment)
    }
}
