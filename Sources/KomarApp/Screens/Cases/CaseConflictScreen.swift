import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// Shown when a correction meets a newer save by someone else: each field
/// they changed, with their value and the user's. Nothing was written;
/// Esc goes back to the user's entries, where F2 saves them over theirs.
@MainActor
final class CaseConflictScreen: RecordFileScreen {
    let titleKey = "conflict.title"
    let file = DetailView(labelWidth: 14)
    private let session: Session
    private let fields: [IntakeField]
    private let theirs: IntakeInput
    private let yours: IntakeInput
    private let changedBy: String

    init(app: App, session: Session, fields: [IntakeField], theirs: IntakeInput, yours: IntakeInput, changedBy: String) {
        self.session = session
        self.fields = fields
        self.theirs = theirs
        self.yours = yours
        self.changedBy = changedBy
        app.showError(app.localizer("conflict.status"))
    }

    func bindings(app: App) -> [KeyBinding] { [CommonBindings.scroll] }

    func fileLines(app: App) -> [DetailLine]? {
        let t = app.localizer
        var lines: [DetailLine] = [.text(t("conflict.intro", changedBy.isEmpty ? "—" : changedBy), style: .warning), .blank]
        if fields.isEmpty { lines.append(.text(t("conflict.no-fields"))) }
        for field in fields {
            lines.append(.heading(t(Self.labelKey(field))))
            lines.append(.field(label: "  " + t("conflict.theirs"), value: text(field, theirs, app)))
            lines.append(.field(label: "  " + t("conflict.yours"), value: text(field, yours, app)))
        }
        return lines + [.blank, .text(t("conflict.next"), style: .muted)]
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
    private func text(_ field: IntakeField, _ input: IntakeInput, _ app: App) -> String {
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
            if let id = input.householdId, let household = try? app.services.households.summary(session, id: id) {
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
