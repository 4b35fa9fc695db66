import CaseDomain
import CaseStore
import KhmerText
import Localization
import Terminal

/// The admin's office settings: the organisation's name, the language new
/// users start in, how many days after a visit the next one is due at each
/// risk level, after how many idle minutes the screen locks and how long
/// five failed logins lock an account. F2 saves; visits already scheduled
/// keep their dates.
@MainActor
final class SettingsScreen: DraftableScreen {
    let titleKey = "settings.title"
    private let session: Session
    private let organisation = TextField(maxLength: 100)
    private let language = ChoiceField(filterable: false)
    private var days: [RiskLevel: TextField] = [:]
    private let idleLock = TextField(kind: .number, maxLength: 2)
    private let lockout = TextField(kind: .number, maxLength: 4)
    private let ageBands = ChoiceField(filterable: false)
    let form: Form
    /// The version the form started from (moves on after a merge).
    private var version: Int?
    /// The form as it opened: what "unchanged" means, and the base of a
    /// merge.
    private var baseline: FormSnapshot = [:]

    let draftKey = DraftKey("settings")
    func draftTitle(_ t: Localizer, app: App) -> String { t("settings.title") }

    /// Highest risk first, as workers think of it.
    private static let levels = RiskLevel.allCases.reversed()

    init(app: App, session: Session) {
        self.session = session
        var fields = [
            FormField(id: "organisation", label: "setup.organisation", widget: organisation, required: true),
            FormField(id: "language", label: "setup.language", widget: language, required: true),
        ]
        for risk in Self.levels {
            let field = TextField(kind: .number, maxLength: 3)
            days[risk] = field
            fields.append(FormField(id: "days-" + risk.rawValue, label: "settings.days-" + risk.rawValue,
                                    widget: field, required: true))
        }
        fields += [FormField(id: "idleLock", label: "settings.idle-lock", widget: idleLock, required: true),
                   FormField(id: "lockout", label: "settings.lockout", widget: lockout, required: true),
                   FormField(id: "ageBands", label: "reports.age-bands", widget: ageBands, required: true)]
        form = Form(fields: fields)
        language.setOptions(Language.allCases.map { ChoiceOption(id: $0.rawValue, labels: [$0.nativeName]) })
        ageBands.setOptions(app.options(AgeBandPreset.self))
        do {
            let (current, version) = try app.services.settings.versioned()
            fill(current, app: app)
            self.version = version
        } catch { app.report(error) }
        baseline = form.snapshot()
    }

    private func fill(_ current: OfficeSettings, app: App) {
        organisation.text = current.organisation
        language.select(current.languageCode)
        for risk in Self.levels {
            days[risk]?.text = app.localizer.digitsForDisplay(String(current.followUpDays[risk] ?? 0))
        }
        idleLock.text = app.localizer.digitsForDisplay(String(current.idleLockMinutes))
        lockout.text = app.localizer.digitsForDisplay(String(current.lockoutMinutes))
        ageBands.select(current.ageBands.rawValue)
    }

    private var entered: OfficeSettings {
        var followUpDays: [RiskLevel: Int] = [:]
        for risk in Self.levels {
            if let text = days[risk]?.text, let value = Digits.parseInt(text.trimmingSpaces()) { followUpDays[risk] = value }
        }
        func minutes(_ field: TextField) -> Int { Digits.parseInt(field.text.trimmingSpaces()) ?? 0 }
        return OfficeSettings(organisation: organisation.text, languageCode: language.selectedId ?? "km",
                              followUpDays: followUpDays, idleLockMinutes: minutes(idleLock),
                              lockoutMinutes: minutes(lockout),
                              ageBands: ageBands.selectedId.flatMap(AgeBandPreset.init(rawValue:)) ?? .childProtection)
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        form.clearMessages()
        let settings = entered
        do {
            try app.services.settings.save(session, settings, expectedVersion: version, draft: app.draftRef(self))
            app.draftSaved(self)
            app.reloadOrganisation()
            app.reloadIdleLock()
            app.pop()
            app.show(style: .heading) { t in t("settings.saved") }
        } catch let rejected as OfficeSettingsRejected {
            var issues: [String: String] = [:]
            for (field, key) in rejected.issues {
                switch field {
                case .organisation: issues["organisation"] = key
                case .language: issues["language"] = key
                case .followUpDays(let risk): issues["days-" + risk.rawValue] = key
                case .idleLockMinutes: issues["idleLock"] = key
                case .lockoutMinutes: issues["lockout"] = key
                case .ageBands: issues["ageBands"] = key
                }
            }
            FormInput.show(issues, in: form, app: app)
        } catch StoreError.changedElsewhere {
            merge(app)
        } catch {
            app.report(error)
        }
    }

    /// Another admin saved the settings meanwhile: their changes and this
    /// admin's are merged, and the next F2 saves over their version.
    private func merge(_ app: App) {
        do {
            let mine = form.snapshot()
            let (current, version) = try app.services.settings.versioned()
            fill(current, app: app)
            let theirs = form.snapshot()
            let base = baseline
            self.version = version
            baseline = theirs
            FormMerge.merge(form: form, base: base, mine: mine, theirs: theirs, changedBy: "", app: app)
        } catch { app.report(error) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        canvas.put(t("settings.hint", t.number(OfficeSettingsRules.maximumDays)), row: area.row + 1, col: 2,
                   style: .muted, maxWidth: area.width - 4)
        canvas.put(t("settings.hint-scheduled"), row: area.row + 2, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: area.width - 4, height: area.height - 4),
                    env: app.widgetEnvironment)
    }
}
