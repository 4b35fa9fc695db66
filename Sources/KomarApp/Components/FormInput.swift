import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// Reading typed values out of form widgets the same way on every screen,
/// and putting a service's validation messages under their fields.
@MainActor
enum FormInput {
    /// A date as a date field shows it: day/month/year, in Khmer digits in
    /// Khmer (either digits may be typed).
    static func text(_ date: LocalDate, _ app: App) -> String {
        app.localizer.digitsForDisplay(String(format: "%02d/%02d/%04d", date.day, date.month, date.year))
    }

    /// F6 switched the language: the form's numbers and dates take its
    /// digits, and the messages under fields are said again in it.
    static func languageDidChange(_ form: Form, app: App) {
        form.rewriteDigits { app.localizer.digitsForDisplay($0) }
        form.translateMessages(to: app.localizer.language.labelIndex)
    }

    /// An optional date: nil when empty; a malformed or impossible date
    /// puts its message under the field and sets `failed`.
    static func date(_ field: DateField, id: String, in form: Form, app: App, failed: inout Bool) -> LocalDate? {
        guard !field.text.trimmingSpaces().isEmpty else { return nil }
        switch LocalDate.parse(userInput: field.text) {
        case .success(let date): return date
        case .failure(let failure):
            form.field(id)?.message = app.fieldMessage(failure == .malformed ? "error.date-format" : "error.date-impossible")
            failed = true
            return nil
        }
    }

    /// A date the form needs: nil, with its message under the field and
    /// the focus on it, when it is malformed or impossible.
    static func requiredDate(_ field: DateField, id: String, in form: Form, app: App) -> LocalDate? {
        switch LocalDate.parse(userInput: field.text) {
        case .success(let date): return date
        case .failure(let failure):
            form.field(id)?.message = app.fieldMessage(failure == .malformed ? "error.date-format" : "error.date-impossible")
            form.focus(id)
            return nil
        }
    }

    /// A range of days from the fields "from" and "to" (either may be
    /// empty); nil, with the messages shown, when a date is malformed or
    /// the range ends before it starts.
    static func dateRange(_ from: DateField, _ to: DateField, in form: Form, app: App) -> (LocalDate?, LocalDate?)? {
        var failed = false
        let fromDate = date(from, id: "from", in: form, app: app, failed: &failed)
        let toDate = date(to, id: "to", in: form, app: app, failed: &failed)
        if let fromDate, let toDate, toDate < fromDate {
            form.field("to")?.message = app.fieldMessage("error.date-order")
            failed = true
        }
        if failed {
            show([:], in: form, app: app)
            return nil
        }
        return (fromDate, toDate)
    }

    /// Yes, no, or not known from a `YesNoUnknown` choice.
    static func yesNo(_ field: ChoiceField) -> Bool? {
        field.selectedId.flatMap(YesNoUnknown.init(rawValue:))?.bool
    }

    /// Shows each message (a string-table key) under its field, focuses the
    /// first marked field in form order and says on the status line how many
    /// fields need attention (including ones marked before, e.g. bad dates).
    static func show(_ issues: [String: String], in form: Form, app: App) {
        for (id, key) in issues { form.field(id)?.message = app.fieldMessage(key) }
        let marked = form.fields.filter { $0.message != nil && !$0.isHidden }
        if let first = marked.first { form.focus(first.id) }
        app.showError { [count = marked.count] t in t("form.fix-errors-count", t.number(count)) }
    }

    /// Password-policy messages (whose `{0}` is the minimum length) under
    /// their fields.
    static func showPasswordIssues(_ issues: [String: String], in form: Form, app: App) {
        for (id, key) in issues {
            form.field(id)?.message = app.fieldMessage { $0(key, $0.number(PasswordRules.minimumLength)) }
        }
        show([:], in: form, app: app)
    }

    /// What a service refused, said where it belongs: messages under the
    /// fields they name, a newer save by someone else on the status line,
    /// anything else as an error there.
    static func showFailure(_ error: any Error, in form: Form, app: App) {
        switch error {
        case let rejected as HouseholdRejected: show(rejected.issues, in: form, app: app)
        case let rejected as ProviderRejected:
            var issues = Dictionary(uniqueKeysWithValues: rejected.issues.map { ($0.key.rawValue, $0.value) })
            if let name = issues.removeValue(forKey: "name") { issues["nameKm"] = name }
            show(issues, in: form, app: app)
        case let rejected as ReferralRejected:
            show(Dictionary(uniqueKeysWithValues: rejected.issues.map { ($0.key.rawValue, $0.value) }), in: form, app: app)
        case let rejected as ReferralMoveRejected:
            show(Dictionary(uniqueKeysWithValues: rejected.issues.map { ($0.key.rawValue, $0.value) }), in: form, app: app)
        case StoreError.changedElsewhere: app.showError { t in t("error.changed-elsewhere") }
        default: app.report(error)
        }
    }
}
