import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// The coordinator's referral list: counts per status on top, filters
/// (F5), open referrals first with the longest waiting on top, so stuck
/// ones surface. Enter opens a
/// referral; coming back keeps the place in the list. F8 exports the list
/// as CSV.
@MainActor
final class ReferralListScreen: Screen {
    let titleKey = "referrals.title"
    var bindings: [KeyBinding] {
        var list = [KeyBinding(.function(5), label: "key.filter", help: "help.filter-referrals"), CommonBindings.open,
                    CommonBindings.scroll, CommonBindings.back]
        if canExport { list.insert(KeyBinding(.function(8), label: "key.export", help: "help.export"), at: 1) }
        return list
    }
    private let table = Table(columns: [
        TableColumn("referrals.code", width: 12),
        TableColumn("referrals.person", width: 10, flexible: true),
        TableColumn("cases.sex", width: 6),
        TableColumn("cases.age", width: 3, alignment: .right),
        TableColumn("referrals.service", width: 8, flexible: true),
        TableColumn("referrals.provider", width: 8, flexible: true),
        TableColumn("referrals.status", width: 9),
        TableColumn("referrals.waiting", width: 7, alignment: .right),
    ])
    private var source: PagedRows<ReferralSummary>
    private var counts: [ReferralStatus: Int] = [:]
    private var filter: ReferralFilter
    private var filterWords = ""
    private let canExport: Bool

    init(app: App, filter: ReferralFilter = ReferralFilter()) {
        self.filter = filter
        source = Self.rows(app, filter: filter)
        canExport = app.session?.may(.exportData) ?? false
        table.source = source
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.source.rows.count else { return }
            app.push(ReferralViewScreen(app: app, referralId: self.source.rows[index].id))
        }
        reload(app, keepingSelection: false)
    }

    /// Referrals matching `filter`, open first, longest waiting on top, a page at a time.
    private static func rows(_ app: App, filter: ReferralFilter) -> PagedRows<ReferralSummary> {
        PagedRows(app: app, fetch: { [unowned app] session, last, limit in
            try app.services.referrals.list(session, filter: filter, after: last.map(ReferralCursor.init(after:)),
                                            limit: limit)
        }, cells: { [unowned app] r in
        let t = app.localizer
        let days = ReferralRules.isFinal(r.status) ? "" : t("referrals.days", t.number(r.daysSinceLastMove(now: app.services.clock.now())))
        return [r.code, r.personNameKm.isEmpty ? r.personNameLatin : r.personNameKm, t(r.sex.labelKey),
                t.digitsForDisplay(String(r.age)), t(r.service.labelKey),
                t.language == .km && !r.providerName.isEmpty ? r.providerName : r.providerNameLatin,
                (r.priority == .urgent ? "! " : "") + t(r.status.labelKey), days]
        })
    }

    /// Back from a referral: read again, at the same place in the list.
    func didReturn(app: App) { reload(app, keepingSelection: true) }

    private func reload(_ app: App, keepingSelection: Bool) {
        let selected = keepingSelection ? table.selected : 0
        source = Self.rows(app, filter: filter)
        table.source = source
        if let session = app.session {
            do { counts = try app.services.referrals.countsByStatus(session, filter: filter) } catch { app.report(error) }
        }
        source.prepare(through: selected)
        table.select(selected)
        filterWords = ReferralFilterScreen.describe(filter, app: app)
    }

    func handle(_ key: Key, app: App) -> Bool {
        switch key {
        case .function(5):
            app.push(ReferralFilterScreen(app: app, current: filter) { [unowned self, unowned app] newFilter in
                self.filter = newFilter
                self.reload(app, keepingSelection: false)
            })
            return true
        case .function(8) where canExport:
            app.push(ExportScreen(app: app, filter: filter, total: total))
            return true
        default:
            return table.handle(key)
        }
    }

    private var total: Int {
        filter.status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        // Counts per status, wrapping onto a second line on narrow terminals.
        var col = 1
        var line = area.row
        for status in ReferralStatus.allCases {
            let text = t(status.labelKey) + " " + t.number(counts[status] ?? 0)
            let width = DisplayWidth.of(text)
            if col + width > area.width - 1 {
                guard line == area.row else { break }
                line += 1
                col = 1
            }
            canvas.put(text, row: line, col: col, style: filter.status == status ? .heading : .muted)
            col += width + 2
        }
        let top = line + 1
        var heading = t("referrals.count", t.number(total))
        if !filter.isEmpty { heading += " · " + t("filter.active", filterWords) }
        canvas.put(heading, row: top, col: 1, style: filter.isEmpty ? .plain : .warning, maxWidth: area.width - 2)
        source.prepare(through: 0)
        if source.rowCount == 0 {
            canvas.put(t(filter.isEmpty ? "referrals.empty" : "filter.none"), row: top + 2, col: 1, style: .muted,
                       maxWidth: area.width - 2)
            return
        }
        table.render(into: &canvas, at: Rect(row: top + 1, col: 0, width: area.width, height: area.bottom - top - 1),
                     focused: true, env: app.widgetEnvironment)
    }
}

/// F5 on the referral list: status, provider, service, place (province,
/// district or commune), sex, age group, priority and a date range of
/// when people were referred. F2 applies.
@MainActor
final class ReferralFilterScreen: Screen {
    let titleKey = "filter.title"
    var bindings: [KeyBinding] {
        [KeyBinding(.function(2), label: "key.apply", help: "help.apply-filter"), CommonBindings.fieldNext,
         CommonBindings.escape]
    }
    private let status = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let provider = ChoiceField(placeholderKey: "filter.any")
    private let service = ChoiceField(placeholderKey: "filter.any")
    private let province = ChoiceField(placeholderKey: "filter.any")
    private let district = ChoiceField(placeholderKey: "filter.any")
    private let commune = ChoiceField(placeholderKey: "filter.any")
    private let sex = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let ageGroup = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let priority = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let from = DateField()
    private let to = DateField()
    private let form: Form
    private let apply: (ReferralFilter) -> Void
    private var places: PlaceCascade!

    init(app: App, current: ReferralFilter, apply: @escaping (ReferralFilter) -> Void) {
        self.apply = apply
        form = Form(fields: [
            FormField(id: "status", label: "referrals.status", widget: status),
            FormField(id: "provider", label: "referrals.provider", widget: provider),
            FormField(id: "service", label: "referrals.service", widget: service),
            FormField(id: "province", label: "field.province", widget: province),
            FormField(id: "district", label: "field.district", widget: district),
            FormField(id: "commune", label: "field.commune", widget: commune),
            FormField(id: "sex", label: "field.sex", widget: sex),
            FormField(id: "ageGroup", label: "filter.age-group", widget: ageGroup),
            FormField(id: "priority", label: "referral.priority", widget: priority),
            FormField(id: "from", label: "filter.from", widget: from),
            FormField(id: "to", label: "filter.to", widget: to),
        ])
        status.setOptions(app.options(ReferralStatus.self))
        service.setOptions(app.options(ServiceType.self))
        sex.setOptions(app.options(Sex.self))
        ageGroup.setOptions(app.options(AgeGroup.self))
        priority.setOptions(app.options(ReferralPriority.self))
        if let session = app.session {
            do {
                provider.setOptions(try app.services.providers.list(session).map {
                    ChoiceOption(id: String($0.id), labels: [$0.nameKm.isEmpty ? $0.nameLatin : $0.nameKm, $0.nameLatin])
                })
            } catch { app.report(error) }
        }
        places = PlaceCascade(app: app, levels: [province, district, commune])
        status.select(current.status?.rawValue)
        provider.select(current.providerId.map { String($0) })
        service.select(current.service?.rawValue)
        places.select(code: current.placeCode)
        sex.select(current.sex?.rawValue)
        ageGroup.select(current.ageGroup?.rawValue)
        priority.select(current.priority?.rawValue)
        if let date = current.from { from.text = FormInput.text(date) }
        if let date = current.to { to.text = FormInput.text(date) }
        form.onSave = { [unowned self, unowned app] in self.applyFilter(app) }
    }

    private func applyFilter(_ app: App) {
        form.clearMessages()
        var failed = false
        let fromDate = FormInput.date(from, id: "from", in: form, app: app, failed: &failed)
        let toDate = FormInput.date(to, id: "to", in: form, app: app, failed: &failed)
        if let fromDate, let toDate, toDate < fromDate {
            form.field("to")?.message = FieldMessage(app.localizer("error.date-order"))
            failed = true
        }
        guard !failed else {
            FormInput.show([:], in: form, app: app)
            return
        }
        let filter = ReferralFilter(
            status: status.selectedId.flatMap(ReferralStatus.init(rawValue:)),
            providerId: provider.selectedId.flatMap { Int64($0) },
            service: service.selectedId.flatMap(ServiceType.init(rawValue:)),
            placeCode: commune.selectedId ?? district.selectedId ?? province.selectedId,
            sex: sex.selectedId.flatMap(Sex.init(rawValue:)), ageGroup: ageGroup.selectedId.flatMap(AgeGroup.init(rawValue:)),
            priority: priority.selectedId.flatMap(ReferralPriority.init(rawValue:)), from: fromDate, to: toDate)
        app.pop()
        apply(filter)
    }

    /// Words for a filter, for the line above a list.
    static func describe(_ filter: ReferralFilter, app: App) -> String {
        let t = app.localizer
        var parts: [String] = []
        if let status = filter.status { parts.append(t(status.labelKey)) }
        if let service = filter.service { parts.append(t(service.labelKey)) }
        if let id = filter.providerId, let session = app.session,
           let p = try? app.services.providers.provider(session, id: id) {
            parts.append(t.language == .km && !p.nameKm.isEmpty ? p.nameKm : p.nameLatin)
        }
        if let code = filter.placeCode, let place = try? app.services.gazetteer.place(code: code) {
            parts.append(app.placeName(place))
        }
        if let sex = filter.sex { parts.append(t(sex.labelKey)) }
        if let group = filter.ageGroup { parts.append(t(group.labelKey)) }
        if let priority = filter.priority { parts.append(t(priority.labelKey)) }
        if filter.from != nil || filter.to != nil {
            parts.append((filter.from.map(app.dateText) ?? "…") + "–" + (filter.to.map(app.dateText) ?? "…"))
        }
        return parts.joined(separator: ", ")
    }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        canvas.put(app.localizer("filter.hint"), row: area.row + 1, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}

/// Writes the referral list as it is filtered to a CSV file that Excel and
/// LibreOffice open with Khmer intact; a progress line shows how far it is.
@MainActor
final class ExportScreen: Screen {
    let titleKey = "export.title"
    var bindings: [KeyBinding] { [KeyBinding(.function(2), label: "key.export", help: "help.export-now"), CommonBindings.escape] }
    private let path = TextField(maxLength: 300)
    private let form: Form
    private let filter: ReferralFilter
    private let total: Int

    init(app: App, filter: ReferralFilter, total: Int) {
        self.filter = filter
        self.total = total
        form = Form(fields: [FormField(id: "path", label: "export.file", widget: path, required: true)])
        let today = app.services.clock.today
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.currentDirectoryPath
        path.text = home + "/" + String(format: "komar-referrals-%04d-%02d-%02d.csv", today.year, today.month, today.day)
        form.onSave = { [unowned self, unowned app] in self.export(app) }
        form.onSubmit = form.onSave
    }

    private func export(_ app: App) {
        guard let session = app.session else { return }
        let t = app.localizer
        form.clearMessages()
        var target = path.text.trimmingSpaces()
        if target.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            target = home + target.dropFirst(1)
        }
        guard !target.isEmpty else {
            FormInput.show(["path": "error.required"], in: form, app: app)
            return
        }
        do {
            let written = try app.services.referrals.export(
                session, filter: filter, to: URL(fileURLWithPath: target), khmerPlaceNames: t.language == .km,
                label: { t($0) }, progress: { done, all in
                    app.show(t("export.progress", t.number(done), t.number(all)), style: .heading)
                    app.render()
                })
            app.pop()
            app.show(t("export.done", t.number(written), target), style: .heading)
        } catch let failed as ExportFailed {
            form.field("path")?.message = FieldMessage(t("error.export-failed", failed.detail))
            app.showError(t("error.export-failed", failed.detail))
        } catch {
            app.report(error)
        }
    }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        canvas.put(t("export.what", t.number(total)), row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        canvas.put(t("export.hint"), row: area.row + 2, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: area.width - 4, height: 3),
                    env: app.widgetEnvironment)
    }
}
