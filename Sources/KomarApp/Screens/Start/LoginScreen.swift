import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// Username, then password; Enter logs in. A failed login says so without
/// saying which part was wrong.
@MainActor
final class LoginScreen: Screen {
    let titleKey = "login.title"

    private let username = TextField(maxLength: 32)
    private let password = TextField(kind: .secret, maxLength: 128)
    private let form: Form

    init(app: App, username name: String = "") {
        username.text = name
        form = Form(fields: [
            FormField(id: "username", label: "login.username", widget: username),
            FormField(id: "password", label: "login.password", widget: password),
        ])
        if !name.isEmpty { form.focus("password") }
        form.onSubmit = { [unowned self, unowned app] in self.logIn(app) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.enter, label: "key.login", help: "help.login"), CommonBindings.fieldNext]
    }

    /// Enter on the username moves to the password (once a name is typed);
    /// Enter on the password logs in.
    func handleInput(_ key: Key, app: App) -> Bool {
        if key == .enter && username.text.trimmingSpaces().isEmpty {
            form.field("username")?.message = FieldMessage(app.localizer("login.username-required"))
            form.focus("username")
            return true
        }
        return form.handle(key)
    }

    private func logIn(_ app: App) {
        form.clearMessages()
        let t = app.localizer
        do {
            switch try app.services.accounts.logIn(username: username.text, password: password.text) {
            case .success(let session):
                app.logIn(session)
            case .invalidCredentials:
                password.text = ""
                form.field("password")?.message = FieldMessage(t("login.failed"))
                app.showError(t("login.failed"))
            case .locked(let until):
                password.text = ""
                let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
                form.field("password")?.message = FieldMessage(t("login.locked", t.number(minutes)))
                app.showError(t("login.locked", t.number(minutes)))
            }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let width = min(60, area.width - 4)
        let left = (area.width - width) / 2
        canvas.put("កុមារ  Komar", row: area.row + 1, col: left, style: .heading)
        canvas.put(t("login.tagline"), row: area.row + 2, col: left, style: .muted, maxWidth: width)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: left, width: width, height: 4),
                    env: app.widgetEnvironment)
        if let problem = app.services.database.integrityProblem {
            canvas.put(app.message(for: problem), row: area.row + 8, col: left, style: .error, maxWidth: width)
        }
        guard !app.demoAccounts.isEmpty else { return }
        let top = area.row + 9
        canvas.put(t("login.demo-accounts"), row: top, col: left, style: .heading, maxWidth: width)
        for (i, account) in app.demoAccounts.enumerated() {
            let line = "\(account.username) / \(account.password)"
            canvas.put(line, row: top + 1 + i, col: left + 2)
            canvas.put(t(account.role.labelKey), row: top + 1 + i, col: left + 32, style: .muted, maxWidth: width - 32)
        }
    }
}
