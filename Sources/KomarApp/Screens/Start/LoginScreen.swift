import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// Username, then password; Enter logs in. A failed login says so without
/// saying which part was wrong, nor whether the account is locked.
@MainActor
final class LoginScreen: Screen {
    let titleKey = "login.title"
    private var credentials: CredentialsForm!

    init(app: App, username name: String = "") {
        credentials = CredentialsForm(username: name) { [unowned self, unowned app] in self.logIn(app) }
    }

    func bindings(app: App) -> [KeyBinding] { credentials.bindings() }

    func handleInput(_ key: Key, app: App) -> Bool { credentials.handleInput(key, app: app) }

    func languageDidChange(app: App) { credentials.languageDidChange(app: app) }

    private func logIn(_ app: App) {
        credentials.form.clearMessages()
        do {
            switch try app.services.accounts.logIn(username: credentials.username.text,
                                                   password: credentials.password.text) {
            case .success(let session): app.logIn(session, password: credentials.password.text)
            case .invalidCredentials: credentials.refused(app)
            }
        } catch {
            credentials.failed(error, app: app)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let width = min(60, area.width - 4)
        let left = (area.width - width) / 2
        canvas.put("កុមារ  Komar", row: area.row + 1, col: left, style: .heading)
        canvas.put(t("login.tagline"), row: area.row + 2, col: left, style: .muted, maxWidth: width)
        var below = credentials.render(into: &canvas, at: Rect(row: area.row + 4, col: left, width: width, height: 4),
                                       app: app)
        if let problem = app.services.database.integrityProblem {
            canvas.put(app.message(for: problem), row: below, col: left, style: .error, maxWidth: width)
            below += 1
        }
        guard !app.demoAccounts.isEmpty else { return }
        let top = max(below, area.row + 9)
        canvas.put(t("login.demo-accounts"), row: top, col: left, style: .heading, maxWidth: width)
        for (i, account) in app.demoAccounts.enumerated() {
            let line = "\(account.username) / \(account.password)"
            canvas.put(line, row: top + 1 + i, col: left + 2)
            canvas.put(t(account.role.labelKey), row: top + 1 + i, col: left + 32, style: .muted, maxWidth: width - 32)
        }
    }
}
