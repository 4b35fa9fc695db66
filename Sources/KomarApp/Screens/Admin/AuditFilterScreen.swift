import CaseDomain
import CaseStore
import Localization
import Foundation
import Terminal

/// F5 on the audit log: who, which action, a record's code, and a range
/// of days. F2 applies.
@MainActor
final class AuditFilterScreen: FilterScreen {
    let titleKey = "audit.filter-title"
    private let username = TextField(maxLength: 32)
    private let action = ChoiceField(placeholderKey: "filter.any")
    private let code = TextField(maxLength: 40)
    private let from = DateField()
    private let to = DateField()
    let form: Form
    private let apply: (AuditFilter) -> Void

    init(app: App, current: AuditFilter, apply: @escaping (AuditFilter) -> Void) {
        self.apply = apply
        form = Form(fields: [
            FormField(id: "username", label: "audit.who", widget: username),
            FormField(id: "action", label: "audit.action", widget: action),
            FormField(id: "code", label: "audit.code", widget: code),
            FormField(id: "from", label: "audit.from", widget: from),
            FormField(id: "to", label: "audit.to", widget: to),
        ])
        action.setOptions(AuditAction.allCases.map { action in
            ChoiceOption(id: action.rawValue, labels: Language.allCases.map {
                app.localizer.table.text("audit-action." + action.rawValue, $0) ?? action.rawValue
            })
        })
        username.text = current.username ?? ""
        action.select(current.action?.rawValue)
        code.text = current.code ?? ""
        if let date = current.from { from.text = FormInput.text(date, app) }
        if let date = current.to { to.text = FormInput.text(date, app) }
    }

    func save(app: App) {
        form.clearMessages()
        guard let (fromDate, toDate) = FormInput.dateRange(from, to, in: form, app: app) else { return }
        let name = username.text.trimmingSpaces()
        let typedCode = code.text.trimmingSpaces()
        app.pop()
        apply(AuditFilter(username: name.isEmpty ? nil : name, action: action.selectedId.flatMap(AuditAction.init(rawValue:)),
                          code: typedCode.isEmpty ? nil : typedCode, from: fromDate, to: toDate))
    }

    /// Words for a filter, for the line above the log.
    static func describe(_ filter: AuditFilter, app: App) -> String {
        var parts: [String] = []
        if let username = filter.username { parts.append(username) }
        if let action = filter.action { parts.append(AuditLogScreen.actionText(action.rawValue, app)) }
        if let code = filter.code { parts.append(code) }
        if let range = app.dateRangeText(filter.from, filter.to) { parts.append(range) }
        return parts.joined(separator: ", ")
    }
}
