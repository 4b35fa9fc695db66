import CaseStore
import Terminal

/// Username and password, as the login and lock screens ask for them.
/// Enter on an empty username says so; Enter on the password submits.
/// A refused attempt clears the password and says only that the pair is
/// not right, never which half.
@MainActor
final class CredentialsForm {
    let username = TextField(maxLength: 32)
    let password = TextField(kind: .secret, maxLength: 128)
    let form: Form
    /// Why the right password did not open the account (it was changed
    /// outside Komar), said under the fields: too long for the status line.
    /// Kept as a key, so F6 says it in the other language.
    private var refusalKey: String?

    /// The name the form opened with (the locked user's, at the lock).
    private let prefilled: String

    init(username name: String, submit: @escaping () -> Void) {
        username.text = name
        prefilled = name
        form = Form(fields: [
            FormField(id: "username", label: "login.username", widget: username),
            FormField(id: "password", label: "login.password", widget: password),
        ])
        if !name.isEmpty { form.focus("password") }
        // Walk-through: at the lock, Tab never reached Username, so a colleague's own password was tried
        // against the locked user's account (and counted towards locking it).
        form.wrapsFocus = true
        form.onSubmit = submit
    }

    /// Enter submits (`help` says what that does here), Tab moves.
    func bindings(help: String = "help.login") -> [KeyBinding] {
        [KeyBinding(.enter, label: "key.login", help: help), CommonBindings.fieldNext]
    }

    func handleInput(_ key: Key, app: App) -> Bool {
        if key == .enter { refusalKey = nil }
        // At the lock, Tab from the password to the username is someone else logging in: the locked user's
        // name goes, rather than taking the new name on its end (walk-through: "vannakdara").
        if (key == .tab || key == .backTab) && form.focused?.id == "password" && !prefilled.isEmpty {
            let handled = form.handle(key)
            if form.focused?.id == "username" && username.text == prefilled { username.text = "" }
            return handled
        }
        if key == .enter && username.text.trimmingSpaces().isEmpty {
            form.field("username")?.message = app.fieldMessage("login.username-required")
            form.focus("username")
            return true
        }
        return form.handle(key)
    }

    func refused(_ app: App) {
        password.text = ""
        form.focus("password")
        form.field("password")?.message = app.fieldMessage("login.failed")
        app.showError { $0("login.failed") }
    }

    /// The login or unlock threw: an account changed outside Komar is said
    /// under the fields, anything else on the status line.
    func failed(_ error: any Error, app: App) {
        guard case AccountError.changedOutsideKomar = error else { return app.report(error) }
        password.text = ""
        refusalKey = AccountError.changedOutsideKomar.messageKey
    }

    /// F6: the messages under the fields are said again in the new language.
    func languageDidChange(app: App) { FormInput.languageDidChange(form, app: app) }

    /// Draws the fields in `rect` and any refusal on the rows below it;
    /// returns the first row free below.
    @discardableResult
    func render(into canvas: inout Canvas, at rect: Rect, app: App) -> Int {
        form.render(into: &canvas, at: rect, env: app.widgetEnvironment)
        var row = rect.row + rect.height
        if let refusalKey {
            for line in wrapWords(app.localizer(refusalKey), width: rect.width) {
                canvas.put(line, row: row, col: rect.col, style: .error, maxWidth: rect.width)
                row += 1
            }
        }
        return row
    }
}
