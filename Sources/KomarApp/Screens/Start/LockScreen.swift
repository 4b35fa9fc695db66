import CaseDomain
import CaseStore
import Terminal

/// The locked screen (idle, or Ctrl-L). It shows nothing of the work
/// underneath, only whose it is. Their password brings the work back as it
/// was; another user may log in instead, and then the first user's forms
/// wait as drafts for their next login.
@MainActor
final class LockScreen: Screen {
    let titleKey = "lock.title"
    private let user: UserAccount
    private var credentials: CredentialsForm!

    init(app: App, user: UserAccount) {
        self.user = user
        credentials = CredentialsForm(username: user.username) { [unowned self, unowned app] in self.submit(app) }
    }

    func bindings(app: App) -> [KeyBinding] { credentials.bindings(help: "help.unlock") }

    func handleInput(_ key: Key, app: App) -> Bool { credentials.handleInput(key, app: app) }

    func languageDidChange(app: App) { credentials.languageDidChange(app: app) }

    private func submit(_ app: App) {
        credentials.form.clearMessages()
        let name = UsernameRules.normalized(credentials.username.text)
        do {
            if name == user.username, let session = app.session {
                if try app.services.accounts.confirmPassword(session, credentials.password.text) {
                    app.unlock()
                } else {
                    credentials.refused(app)
                }
                return
            }
            let typed = credentials.password.text
            switch try app.services.accounts.logIn(username: name, password: typed) {
            case .success(let other):
                if app.keepLockedWorkAsDrafts() {
                    app.handOver(to: other, password: typed)
                } else {
                    let lockedBy = user.displayName
                    app.confirm({ $0("lock.other-user-loses", lockedBy) }) { [unowned app] in
                        app.handOver(to: other, password: typed)
                    }
                }
            case .invalidCredentials:
                credentials.refused(app)
            }
        } catch {
            credentials.failed(error, app: app)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let width = min(64, area.width - 4)
        let left = (area.width - width) / 2
        canvas.put(t("lock.heading"), row: area.row + 1, col: left, style: .heading, maxWidth: width)
        for (i, line) in wrapWords(t("lock.explain", user.displayName), width: width).prefix(3).enumerated() {
            canvas.put(line, row: area.row + 2 + i, col: left, style: .muted)
        }
        credentials.render(into: &canvas, at: Rect(row: area.row + 6, col: left, width: width, height: 4), app: app)
    }
}
