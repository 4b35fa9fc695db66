import CaseDomain
import CaseStore
import Terminal

/// The user's own password: the current one, then a new one twice. Opened
/// from the home menu, or straight after login when an admin reset the
/// password (`forced`): then it must be changed before any work, and F10
/// logs out instead.
@MainActor
final class ChangePasswordScreen: FormScreen {
    var titleKey: String { forced ? "password.forced-title" : "password.title" }
    private let session: Session
    private let forced: Bool
    private let current = TextField(kind: .secret, maxLength: 128)
    private let new = TextField(kind: .secret, maxLength: 128)
    private let again = TextField(kind: .secret, maxLength: 128)
    let form: Form

    /// `typedAtLogin`: the password just typed at the login screen; it is
    /// not asked for again (walk-through: a new user typed it twice in a
    /// row).
    init(app: App, session: Session, forced: Bool, typedAtLogin: String? = nil) {
        self.session = session
        self.forced = forced
        form = Form(fields: [
            FormField(id: "current", label: "password.current", widget: current, required: true),
            FormField(id: "new", label: "password.new", widget: new, required: true),
            FormField(id: "again", label: "password.again", widget: again, required: true),
        ])
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
        if forced, let typedAtLogin {
            current.text = typedAtLogin
            form.field("current")?.isHidden = true
            form.focus("new")
        }
    }

    var hasUnsavedChanges: Bool { !forced && !(current.text.isEmpty && new.text.isEmpty && again.text.isEmpty) }

    func bindings(app: App) -> [KeyBinding] {
        var bindings = CommonBindings.form { [unowned self] in self.save(app: app) }
        if forced {
            bindings.append(KeyBinding(.function(10), label: "key.logout", help: "help.logout-forced") { [unowned app] in
                app.setRoot(LoginScreen(app: app))
                app.show { t in t("login.logged-out") }
            })
        }
        return bindings
    }

    func save(app: App) {
        form.clearMessages()
        var issues: [String: String] = [:]
        if current.text.isEmpty { issues["current"] = "error.required" }
        if let problem = app.services.accounts.passwordProblem(new.text, username: session.user.username) {
            issues["new"] = problem.messageKey
        } else if new.text != again.text {
            issues["again"] = "error.password-mismatch"
        }
        guard issues.isEmpty else {
            refuse(issues, app)
            return
        }
        do {
            try app.services.accounts.changeOwnPassword(session, current: current.text, new: new.text)
            current.text = ""
            new.text = ""
            again.text = ""
            app.passwordWasConfirmed()
            if forced {
                guard let account = try app.services.accounts.current(session) else {
                    app.setRoot(LoginScreen(app: app))
                    return
                }
                app.logIn(Session(user: account))
            } else {
                app.pop()
            }
            // In the language the login chose.
            app.show(style: .heading) { t in t("password.changed") }
        } catch AccountError.wrongPassword {
            refuse(["current": "error.password-wrong"], app)
        } catch AccountError.weakPassword(let problem) {
            refuse(["new": problem.messageKey], app)
        } catch {
            app.report(error)
        }
    }

    /// Says what is wrong and empties the password fields it concerns, so
    /// the user types them afresh rather than after hidden characters.
    private func refuse(_ issues: [String: String], _ app: App) {
        if issues["current"] != nil { current.text = "" }
        if issues["new"] != nil || issues["again"] != nil {
            new.text = ""
            again.text = ""
        }
        FormInput.showPasswordIssues(issues, in: form, app: app)
    }


    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var row = area.row + 1
        if forced {
            canvas.put(t("password.must-change"), row: row, col: 2, style: .warning, maxWidth: area.width - 4)
            row += 1
        }
        canvas.put(t("password.policy", t.number(PasswordRules.minimumLength)), row: row, col: 2, style: .muted,
                   maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: row + 2, col: 2, width: min(76, area.width - 4), height: 6),
                    env: app.widgetEnvironment)
    }
}
