import CaseDomain
import CaseStore
import Localization
import Terminal

/// For admins: a new account (username, name, role, language and a first
/// password the user must change at their first login), or an existing
/// one: its role, whether it is active, and a new password if it was
/// forgotten (leave empty to keep it). F5 lifts a lock-out. Saving asks
/// for the admin's password again when it is more than five minutes old.
@MainActor
final class UserFormScreen: DraftableScreen {
    var titleKey: String { user == nil ? "user.new-title" : "user.edit-title" }
    private let session: Session
    private var user: UserSummary?
    private let username = TextField(maxLength: 32)
    private let displayName = TextField(maxLength: 80)
    private let role = ChoiceField(filterable: false)
    private let language = ChoiceField(filterable: false)
    private let active = ChoiceField(filterable: false)
    private let password = TextField(kind: .secret, maxLength: 128)
    private let again = TextField(kind: .secret, maxLength: 128)
    let form: Form
    /// The form as it opened (passwords are never part of it): what
    /// "unchanged" means.
    private var baseline: FormSnapshot = [:]

    var draftKey: DraftKey { DraftKey("user", record: user.map { String($0.account.id) } ?? "") }

    func draftTitle(_ t: Localizer, app: App) -> String {
        t("draft.title-user", user?.account.username ?? (username.text.isEmpty ? "…" : username.text))
    }

    init(app: App, session: Session, user: UserSummary?) {
        self.session = session
        self.user = user
        let isNew = user == nil
        var fields: [FormField] = []
        if isNew {
            fields += [FormField(id: "username", label: "user.username", widget: username, required: true),
                       FormField(id: "displayName", label: "user.display-name", widget: displayName, required: true)]
        }
        fields.append(FormField(id: "role", label: "user.role", widget: role, required: true))
        if isNew {
            fields.append(FormField(id: "language", label: "user.language", widget: language, required: true))
        } else {
            fields.append(FormField(id: "active", label: "user.active", widget: active, required: true))
        }
        fields += [FormField(id: "password", label: isNew ? "user.first-password" : "user.new-password", widget: password,
                             required: isNew),
                   FormField(id: "again", label: "password.again", widget: again, required: isNew)]
        form = Form(fields: fields)
        role.setOptions(app.options(Role.self))
        language.setOptions(Language.allCases.map { ChoiceOption(id: $0.rawValue, labels: [$0.nativeName]) })
        language.select(app.localizer.language.rawValue)
        active.setOptions(app.yesNoOptions)
        if let user {
            // An account changed outside Komar starts from what the audit log
            // recorded, so giving it a new password never keeps a role or
            // state put in by hand unless the admin chooses it.
            var shownRole = user.account.role
            var shownActive = user.account.isActive
            switch user.changedOutside {
            case .role(let recorded): shownRole = recorded
            case .enabled: shownActive.toggle()
            default: break
            }
            role.select(shownRole.rawValue)
            active.select(shownActive ? YesNoUnknown.yes.rawValue : YesNoUnknown.no.rawValue)
        } else {
            role.select(Role.volunteer.rawValue)
        }
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
        baseline = form.snapshot()
    }

    private var chosenRole: Role? { role.selectedId.flatMap(Role.init(rawValue:)) }
    private var chosenActive: Bool { active.selectedId != YesNoUnknown.no.rawValue }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline || !password.text.isEmpty }

    func bindings(app: App) -> [KeyBinding] {
        var bindings = CommonBindings.form { [unowned self] in self.save(app: app) }
        if user != nil {
            bindings.append(KeyBinding(.function(5), label: "key.unlock", help: "help.unlock-user") {
                [unowned self, unowned app] in self.unlockUser(app)
            }.enabled(user?.isLocked == true, otherwise: "user.not-locked"))
        }
        return bindings
    }

    func save(app: App) {
        form.clearMessages()
        var issues: [String: String] = [:]
        let name = user?.account.username ?? username.text
        if user == nil {
            if !UsernameRules.isValid(username.text) { issues["username"] = "error.username-invalid" }
            if displayName.text.trimmingSpaces().isEmpty { issues["displayName"] = "error.required" }
        }
        if !password.text.isEmpty || user == nil {
            if let problem = app.services.accounts.passwordProblem(password.text, username: name) {
                issues["password"] = problem.messageKey
            } else if password.text != again.text {
                issues["again"] = "error.password-mismatch"
            }
        }
        guard issues.isEmpty, let chosenRole else {
            if issues["password"] != nil || issues["again"] != nil {
                password.text = ""
                again.text = ""
            }
            FormInput.showPasswordIssues(issues, in: form, app: app)
            return
        }
        let commit = { [unowned self, unowned app] in
            app.withRecentPassword("password-check.for-users") { [unowned self, unowned app] in
                self.commit(app, role: chosenRole)
            }
        }
        // Disabling someone whose cases are open leaves those cases with
        // nobody: the admin is told how many first (walk-through).
        if let user, user.account.isActive, !chosenActive {
            do {
                let open = try app.services.accounts.openCasesAssigned(session, userId: user.account.id)
                if open > 0 {
                    let name = user.account.displayName
                    app.confirm({ t in t.count("user.confirm-disable-with-cases", open, name) }, then: commit)
                    return
                }
            } catch { app.report(error) }
        }
        commit()
    }

    private func commit(_ app: App, role chosenRole: Role) {
        let accounts = app.services.accounts
        do {
            if let user {
                try accounts.updateUser(session, userId: user.account.id, role: chosenRole, active: chosenActive,
                                        newPassword: password.text.isEmpty ? nil : password.text,
                                        expectedVersion: user.version, draft: app.draftRef(self))
                app.draftSaved(self)
                app.pop()
                app.show(style: .heading) { t in t("user.saved", user.account.username) }
            } else {
                let added = try accounts.addUser(by: session, username: username.text, displayName: displayName.text,
                                                 role: chosenRole, password: password.text,
                                                 languageCode: language.selectedId ?? "km", mustChange: true,
                                                 draft: app.draftRef(self))
                app.draftSaved(self)
                app.pop()
                app.show(style: .heading) { t in t("user.added", added.username) }
            }
            password.text = ""
            again.text = ""
        } catch let error as AccountError {
            let field: String? = switch error {
            case .invalidUsername, .usernameTaken: "username"
            case .displayNameRequired: "displayName"
            case .weakPassword, .newPasswordNeeded: "password"
            case .lastAdmin: user?.account.role == chosenRole ? "active" : "role"
            default: nil
            }
            if let field {
                FormInput.showPasswordIssues([field: error.messageKey], in: form, app: app)
            } else {
                app.report(error)
            }
        } catch StoreError.changedElsewhere {
            // Another admin changed the account meanwhile: show it as it is
            // now, keeping this admin's choices, to save again.
            if let id = user?.account.id, let fresh = try? app.services.accounts.user(session, id: id) {
                user = fresh
                app.showError { t in t("user.changed-elsewhere") }
            }
        } catch {
            app.report(error)
        }
        if let id = user?.account.id, let fresh = try? app.services.accounts.user(session, id: id) { user = fresh }
    }

    private func unlockUser(_ app: App) {
        guard let user else { return }
        app.withRecentPassword("password-check.for-users") { [unowned self, unowned app] in
            do {
                try app.services.accounts.unlock(self.session, userId: user.account.id)
                self.user = try app.services.accounts.user(self.session, id: user.account.id)
                app.show(style: .heading) { t in t("user.unlocked", user.account.username) }
            } catch {
                app.report(error)
            }
        }
    }


    /// How an account changed outside Komar differs from what the audit
    /// log recorded, and that a new password records it again.
    static func explain(_ change: AccountChangedOutside.Kind, now role: Role, _ app: App) -> String {
        let t = app.localizer
        switch change {
        case .role(let recorded): return t("user.changed-role", t(recorded.labelKey), t(role.labelKey))
        case .enabled: return t("user.changed-enabled")
        case .passwordOrName: return t("user.changed-password")
        case .unrecorded: return t("user.changed-unrecorded")
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var row = area.row + 1
        if let user {
            canvas.put("\(user.account.username) · \(user.account.displayName)", row: row, col: 2, style: .heading,
                       maxWidth: area.width - 4)
            if let change = user.changedOutside {
                // What differs, and what records it again: said in full, as
                // the admin decides here what the account really is.
                let lines = wrapWords(Self.explain(change, now: user.account.role, app), width: area.width - 4).prefix(3)
                for (i, line) in lines.enumerated() { canvas.put(line, row: row + 1 + i, col: 2, style: .error) }
                row += lines.count + 1
            } else {
                canvas.put(UserListScreen.status(user, app), row: row + 1, col: 2, style: user.isLocked ? .warning : .muted,
                           maxWidth: area.width - 4)
                row += 2
            }
        } else {
            canvas.put(t("user.new-hint"), row: row, col: 2, style: .muted, maxWidth: area.width - 4)
            row += 1
        }
        canvas.put(t("password.policy", t.number(PasswordRules.minimumLength)), row: row, col: 2, style: .muted,
                   maxWidth: area.width - 4)
        if user != nil {
            row += 1
            canvas.put(t("user.new-password-hint"), row: row, col: 2, style: .muted, maxWidth: area.width - 4)
        }
        form.render(into: &canvas, at: Rect(row: row + 2, col: 2, width: min(76, area.width - 4),
                                            height: area.bottom - row - 2), env: app.widgetEnvironment)
    }
}
