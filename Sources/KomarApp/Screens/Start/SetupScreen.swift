import CaseDomain
import CaseStore
import Localization
import Terminal

/// First-run setup on an empty database: organisation, office location, the
/// first admin account and the default language.
@MainActor
final class SetupScreen: FormScreen {
    let titleKey = "setup.title"

    private let organisation = TextField(maxLength: 120)
    private let province = ChoiceField()
    private let district = ChoiceField()
    private let username = TextField(maxLength: 32)
    private let displayName = TextField(maxLength: 80)
    private let password = TextField(kind: .secret, maxLength: 128)
    private let confirmation = TextField(kind: .secret, maxLength: 128)
    private let language = ChoiceField(filterable: false)
    let form: Form
    private var places: PlaceCascade!

    init(app: App) {
        form = Form(fields: [
            FormField(id: "organisation", label: "setup.organisation", widget: organisation, required: true),
            FormField(id: "province", label: "field.office-province", widget: province),
            FormField(id: "district", label: "field.office-district", widget: district),
            FormField(id: "username", label: "setup.admin-username", widget: username, required: true),
            FormField(id: "displayName", label: "setup.admin-name", widget: displayName, required: true),
            FormField(id: "password", label: "setup.password", widget: password, required: true),
            FormField(id: "confirmation", label: "setup.password-again", widget: confirmation, required: true),
            FormField(id: "language", label: "setup.language", widget: language, required: true),
        ])
        language.setOptions(Language.allCases.map { ChoiceOption(id: $0.rawValue, labels: [$0.nativeName]) })
        language.select(app.localizer.language.rawValue)
        language.onSelect = { [unowned app] id in if let id { app.setLanguage(Language(code: id)) } }
        places = PlaceCascade(app: app, levels: [province, district])
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    var hasUnsavedChanges: Bool { !organisation.text.isEmpty || !username.text.isEmpty || !password.text.isEmpty }

    func save(app: App) {
        form.clearMessages()
        var firstProblem: String?
        func problem(_ id: String, _ message: FieldMessage) {
            form.field(id)?.message = message
            if firstProblem == nil { firstProblem = id }
        }
        if organisation.text.trimmingSpaces().isEmpty { problem("organisation", app.fieldMessage("error.required")) }
        if !UsernameRules.isValid(username.text) { problem("username", app.fieldMessage("error.username-invalid")) }
        if displayName.text.trimmingSpaces().isEmpty { problem("displayName", app.fieldMessage("error.required")) }
        if let weak = app.services.accounts.passwordProblem(password.text, username: username.text) {
            problem("password", app.fieldMessage(for: AccountError.weakPassword(weak)))
        } else if password.text != confirmation.text {
            problem("confirmation", app.fieldMessage("error.password-mismatch"))
        }
        if let firstProblem {
            form.focus(firstProblem)
            app.showError { $0("form.fix-errors") }
            return
        }
        let input = SetupInput(
            organisation: organisation.text, provinceCode: province.selectedId, districtCode: district.selectedId,
            adminUsername: username.text, adminDisplayName: displayName.text, adminPassword: password.text,
            languageCode: language.selectedId ?? app.localizer.language.rawValue)
        do {
            let admin = try app.services.accounts.setUp(input)
            app.reloadOrganisation()
            let login = LoginScreen(app: app, username: admin.username)
            app.setRoot(login)
            app.show(style: .heading) { t in t("setup.done", admin.username) }
        } catch let error as AccountError where error == .usernameTaken || error == .invalidUsername {
            problem("username", app.fieldMessage(for: error))
            form.focus("username")
        } catch AccountError.weakPassword(let weak) {
            problem("password", app.fieldMessage(for: AccountError.weakPassword(weak)))
            form.focus("password")
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let intro = wrapWords(app.localizer("setup.intro"), width: area.width - 4)
        for (i, line) in intro.prefix(2).enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 2, style: .muted)
        }
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: min(area.width - 4, 90),
                                            height: area.height - 5), env: app.widgetEnvironment)
    }
}
