import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// Reports on the home menu: which report, for which period (a month,
/// quarter, year or range of days) and area, counted in which age bands;
/// at head office, for every office or one.
/// F2 shows it.
@MainActor
final class ReportsScreen: FormScreen {
    let titleKey = "reports.title"
    let session: Session
    private let kind = ChoiceField(filterable: false)
    private let period = TextField(maxLength: 24)
    private let province = ChoiceField(placeholderKey: "report.area.office")
    private let district = ChoiceField(placeholderKey: "filter.any")
    private let commune = ChoiceField(placeholderKey: "filter.any")
    private let ageBands = ChoiceField(filterable: false)
    private let office = ChoiceField(filterable: false, placeholderKey: "reports.every-office")
    private let places: PlaceCascade
    let form: Form

    init(app: App, session: Session) {
        self.session = session
        form = Form(fields: [
            FormField(id: "kind", label: "reports.report", widget: kind, required: true),
            FormField(id: "period", label: "reports.period", widget: period, required: true),
            FormField(id: "office", label: "filter.office", widget: office),
            FormField(id: "province", label: "field.province", widget: province),
            FormField(id: "district", label: "field.district", widget: district),
            FormField(id: "commune", label: "field.commune", widget: commune),
            FormField(id: "ageBands", label: "reports.age-bands", widget: ageBands, required: true),
        ])
        places = PlaceCascade(app: app, levels: [province, district, commune])
        kind.setOptions(app.options(ReportKind.self))
        kind.select(ReportKind.cases.rawValue)
        // At head office, a report may count one office's records.
        office.setOptions(app.officeOptions(session))
        form.field("office")?.isHidden = office.options.isEmpty
        // Beside the Office choice, no province means any of them, not "the whole office".
        if !office.options.isEmpty { province.placeholderKey = "filter.any" }
        ageBands.setOptions(app.options(AgeBandPreset.self))
        ageBands.select(AgeBandPreset.childProtection.rawValue)
        do { ageBands.select(try app.services.settings.office().ageBands.rawValue) } catch { app.report(error) }
        let today = app.services.clock.today
        period.text = app.localizer.digitsForDisplay(ReportPeriod.month(today.year, today.month)?.description ?? "")
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
    }

    func bindings(app: App) -> [KeyBinding] {
        CommonBindings.form("key.show", help: "help.show-report") { [unowned self, unowned app] in self.save(app: app) }
    }

    /// The request the form describes, or nil with a message under the
    /// period when it cannot be read.
    func request(app: App) -> ReportRequest? {
        form.clearMessages()
        let parsed: ReportPeriod
        switch ReportPeriod.read(Digits.toWestern(period.text), today: app.services.clock.today) {
        case .success(let period): parsed = period
        case .failure(let error):
            let key = period.text.trimmingSpaces().isEmpty ? "error.required" : error.messageKey
            FormInput.show(["period": key], in: form, app: app)
            return nil
        }
        let code = commune.selectedId ?? district.selectedId ?? province.selectedId
        return ReportRequest(kind: kind.selectedId.flatMap(ReportKind.init(rawValue:)) ?? .cases, period: parsed,
                             area: code.flatMap { ReportArea(code: $0) } ?? .office,
                             ageBands: ageBands.selectedId.flatMap(AgeBandPreset.init(rawValue:)) ?? .childProtection,
                             office: office.selectedId.flatMap { Int64($0) })
    }

    func save(app: App) {
        guard let request = request(app: app) else { return }
        // Back on this form, the period is the one the report last showed (F4 and F5 step through periods).
        app.push(ReportViewScreen(app: app, session: session, request: request) { [unowned self, unowned app] shown in
            self.period.text = app.localizer.digitsForDisplay(shown.description)
        })
    }

    /// The period is written in the language's digits, like the one filled in.
    func languageDidChange(app: App) {
        FormInput.languageDidChange(form, app: app)
        period.text = app.localizer.digitsForDisplay(Digits.toWestern(period.text))
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let hint = wrapWords(app.localizer("reports.hint"), width: max(1, area.width - 4)).prefix(3)
        for (i, line) in hint.enumerated() {
            canvas.put(line, row: area.row + 1 + i, col: 2, style: .muted, maxWidth: area.width - 4)
        }
        // The form ends where the area does, so its drop-down lists fit above the status line.
        let top = 2 + hint.count
        form.render(into: &canvas, at: Rect(row: area.row + top, col: 2, width: area.width - 4, height: area.height - top),
                    env: app.widgetEnvironment)
    }
}
