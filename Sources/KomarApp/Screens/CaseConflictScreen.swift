import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// Shown when a correction meets a newer save by someone else: each field
/// they changed, with their value and the user's. Nothing was written;
/// Esc goes back to the user's entries, where F2 saves them over theirs.
@MainActor
final class CaseConflictScreen: Screen {
    let titleKey = "conflict.title"
    var bindings: [KeyBinding] { [CommonBindings.scroll, CommonBindings.back] }
    private let view = TextView()

    init(app: App, fields: [IntakeField], theirs: IntakeInput, yours: IntakeInput, changedBy: String) {
        let t = app.localizer
        var lines = [StyledLine(t("conflict.intro", changedBy.isEmpty ? "—" : changedBy), style: .warning),
                     StyledLine("")]
        if fields.isEmpty { lines.append(StyledLine(t("conflict.no-fields"))) }
        for field in fields {
            lines.append(StyledLine(t(Self.labelKey(field)), style: .heading))
            lines.append(StyledLine("  " + TextFit.pad(t("conflict.theirs"), to: 12) + Self.text(field, theirs, app)))
            lines.append(StyledLine("  " + TextFit.pad(t("conflict.yours"), to: 12) + Self.text(field, yours, app)))
        }
        lines += [StyledLine(""), StyledLine(t("conflict.next"), style: .muted)]
        view.lines = lines
        app.showError(t("conflict.status"))
    }

    func handle(_ key: Key, app: App) -> Bool { view.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 4, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }

    static func labelKey(_ field: IntakeField) -> String {
        switch field {
        case .childNameKm: "field.child-name-km"
        case .childNameLatin: "field.child-name-latin"
        case .sex: "field.sex"
        case .birth: "case.age"
        case .village: "field.village"
        case .household: "field.household"
        case .concerns: "field.concerns"
        case .narrative: "field.narrative"
        case .reporter: "field.reporter"
        case .reportedDate: "field.reported-date"
        case .ethnicity: "field.ethnicity"
        case .disability: "field.disability"
        case .inSchool: "field.in-school"
        case .caregiverConsent: "field.caregiver-consent"
        case .childAssent: "field.child-assent"
        case .consentBy: "field.consent-by"
        case .consentDate: "field.consent-date"
        case .riskOverrideReason: "field.risk-override-reason"
        }
    }

    /// One field's value in words, in the user's language.
    static func text(_ field: IntakeField, _ input: IntakeInput, _ app: App) -> String {
        let t = app.localizer
        func yesNo(_ value: Bool?) -> String { t(YesNoUnknown(value).labelKey) }
        func date(_ value: LocalDate?) -> String { value.map(app.longDateText) ?? "—" }
        let text: String
        switch field {
        case .childNameKm: text = input.childNameKm
        case .childNameLatin: text = input.childNameLatin
        case .sex: text = input.sex.map { t($0.labelKey) } ?? ""
        case .birth:
            switch input.birth {
            case .dateOfBirth(let dob)?: text = t("case.born", app.longDateText(dob))
            case .estimatedAge(let years)?: text = t("case.age-years", t.number(years)) + " (" + t("case.estimated") + ")"
            case nil: text = ""
            }
        case .village:
            let path = (try? app.services.gazetteer.path(of: input.villageCode ?? "")) ?? []
            text = path.map(app.placeName).joined(separator: " › ")
        case .household:
            if let id = input.householdId, let session = app.session,
               let household = try? app.services.households.summary(session, id: id) {
                text = household.code + " · " + household.headNameKm
            } else {
                text = ""
            }
        case .concerns: text = Concern.allCases.filter(input.concerns.contains).map { t($0.labelKey) }.joined(separator: ", ")
        case .narrative: text = input.narrative
        case .reporter: text = input.reporter.map { t($0.labelKey) } ?? ""
        case .reportedDate: text = date(input.reportedDate)
        case .ethnicity: text = input.ethnicity.map { t($0.labelKey) } ?? ""
        case .disability: text = yesNo(input.disability)
        case .inSchool: text = yesNo(input.inSchool)
        case .caregiverConsent: text = yesNo(input.caregiverConsent)
        case .childAssent: text = yesNo(input.childAssent)
        case .consentBy: text = input.consentRecordedBy
        case .consentDate: text = date(input.consentDate)
        case .riskOverrideReason: text = input.riskOverrideReason
        }
        return text.trimmingSpaces().isEmpty ? "—" : text
    }
}
