import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The provider directory: who offers which services where, with seats and
/// the next intake. The service filter at the top narrows the list. Enter
/// opens a provider (coordinators edit it); F7 adds one.
@MainActor
final class ProviderListScreen: Screen, TableDataSource {
    let titleKey = "providers.title"
    var bindings: [KeyBinding] {
        var list = [CommonBindings.open, CommonBindings.scroll, CommonBindings.back]
        if canEdit { list.insert(KeyBinding(.function(7), label: "key.new", help: "help.new-provider"), at: 0) }
        return list
    }
    private let service = ChoiceField(placeholderKey: "filter.any-service")
    private let table = Table(columns: [
        TableColumn("providers.name", width: 14, flexible: true),
        TableColumn("providers.kind", width: 8),
        TableColumn("providers.services", width: 14, flexible: true),
        TableColumn("providers.seats", width: 5, alignment: .right),
        TableColumn("providers.next-intake", width: 10),
    ])
    private var providers: [Provider] = []
    private let canEdit: Bool
    private weak var app: App?
    private var serviceFocused = false

    init(app: App) {
        self.app = app
        canEdit = app.session?.may(.editProviders) ?? false
        service.setOptions(app.options(ServiceType.self))
        service.onSelect = { [unowned self, unowned app] _ in self.reload(app) }
        table.source = self
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.providers.count else { return }
            let p = self.providers[index]
            app.push(self.canEdit ? ProviderFormScreen(app: app, provider: p) : ProviderViewScreen(provider: p))
        }
        reload(app)
    }

    func reload(_ app: App) {
        guard let session = app.session else { return }
        do {
            providers = try app.services.providers.list(session, service: service.selectedId.flatMap(ServiceType.init(rawValue:)))
        } catch { app.report(error) }
        table.select(min(table.selected, max(0, providers.count - 1)))
    }

    func didReturn(app: App) { reload(app) }

    var rowCount: Int { providers.count }
    func prepare(through index: Int) {}
    func cells(at index: Int) -> [String] {
        guard let app else { return [] }
        let t = app.localizer
        let p = providers[index]
        let name = (t.language == .km && !p.nameKm.isEmpty ? p.nameKm : p.nameLatin) + (p.isActive ? "" : " ✗")
        return [name, t(p.kind.labelKey), p.services.map { t($0.labelKey) }.joined(separator: ", "),
                p.seatsPerIntake.map { t.number($0) } ?? "—", p.nextIntake.map(app.dateText) ?? "—"]
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(7) && canEdit {
            app.push(ProviderFormScreen(app: app, provider: nil))
            return true
        }
        if key == .tab || key == .backTab {
            serviceFocused.toggle()
            return true
        }
        if serviceFocused || service.isExpanded { return service.handle(key) }
        return table.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let label = t("providers.service-filter") + " "
        canvas.put(label, row: area.row, col: 1, style: serviceFocused ? .heading : .muted)
        let width = DisplayWidth.of(label)
        let fieldRect = Rect(row: area.row, col: 1 + width, width: min(36, area.width - width - 2), height: 1)
        service.render(into: &canvas, at: fieldRect, focused: serviceFocused, env: app.widgetEnvironment)
        canvas.put(t("providers.hint"), row: area.row + 1, col: 1, style: .muted, maxWidth: area.width - 2)
        if providers.isEmpty {
            canvas.put(t("providers.empty"), row: area.row + 3, col: 1, style: .muted, maxWidth: area.width - 2)
        } else {
            table.render(into: &canvas, at: Rect(row: area.row + 2, col: 0, width: area.width, height: area.height - 2),
                         focused: !serviceFocused, env: app.widgetEnvironment)
        }
        if service.isExpanded {
            service.renderOverlay(into: &canvas, anchor: fieldRect, bounds: area, env: app.widgetEnvironment)
        }
    }
}

/// One provider, read-only (for everyone but coordinators).
@MainActor
final class ProviderViewScreen: Screen {
    let titleKey = "provider.title"
    var bindings: [KeyBinding] { [CommonBindings.scroll, CommonBindings.back] }
    private let provider: Provider
    private let view = TextView()

    init(provider: Provider) { self.provider = provider }

    func handle(_ key: Key, app: App) -> Bool { view.handle(key) }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let p = provider
        func row(_ key: String, _ value: String) -> StyledLine { StyledLine(TextFit.pad(t(key), to: 22) + value) }
        var areaNames: [String] = []
        for code in p.areas {
            if let place = try? app.services.gazetteer.place(code: code) { areaNames.append(app.placeName(place)) }
        }
        view.lines = [
            StyledLine(p.displayName + (p.isActive ? "" : "  ·  " + t("provider.inactive")), style: .heading),
            StyledLine(""),
            row("providers.kind", t(p.kind.labelKey)),
            row("providers.services", p.services.map { t($0.labelKey) }.joined(separator: ", ")),
            row("provider.areas", areaNames.isEmpty ? t("provider.everywhere") : areaNames.joined(separator: ", ")),
            row("provider.contact", p.contactPerson.isEmpty ? "—" : p.contactPerson),
            row("field.phone", p.phone.isEmpty ? "—" : t.digitsForDisplay(p.phone)),
            row("field.address", p.address.isEmpty ? "—" : p.address),
            row("providers.seats", p.seatsPerIntake.map { t.number($0) } ?? "—"),
            row("providers.next-intake", p.nextIntake.map(app.longDateText) ?? "—"),
        ]
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}

/// A coordinator adds or edits a provider: names, kind, services, areas
/// (provinces or districts, type to filter), contact, seats per intake and
/// the next intake date.
@MainActor
final class ProviderFormScreen: Screen {
    var titleKey: String { provider == nil ? "provider.new-title" : "provider.edit-title" }
    var bindings: [KeyBinding] { CommonBindings.form }
    private let provider: Provider?
    private let nameKm = TextField(maxLength: 150)
    private let nameLatin = TextField(maxLength: 150)
    private let kind = ChoiceField(filterable: false)
    private let services: MultiChoiceField
    private let areas: MultiChoiceField
    private let contact = TextField(maxLength: 100)
    private let phone = TextField(kind: .phone, maxLength: 20)
    private let address = TextField(maxLength: 200)
    private let seats = TextField(kind: .number, maxLength: 5)
    private let nextIntake = DateField()
    private let active = ChoiceField(filterable: false)
    private let form: Form

    init(app: App, provider: Provider?) {
        self.provider = provider
        services = MultiChoiceField(options: app.options(ServiceType.self))
        var areaOptions: [ChoiceOption] = []
        do {
            for province in try app.services.gazetteer.provinces() {
                areaOptions.append(ChoiceOption(id: province.code, labels: [province.nameKm, province.nameLatin]))
                for district in try app.services.gazetteer.children(of: province.code) {
                    areaOptions.append(ChoiceOption(id: district.code, labels: [
                        province.nameKm + " › " + district.nameKm, province.nameLatin + " › " + district.nameLatin,
                    ]))
                }
            }
        } catch { app.report(error) }
        areas = MultiChoiceField(options: areaOptions)
        form = Form(fields: [
            FormField(id: "nameKm", label: "field.name-km", widget: nameKm, required: true),
            FormField(id: "nameLatin", label: "field.name-latin", widget: nameLatin),
            FormField(id: "kind", label: "providers.kind", widget: kind, required: true),
            FormField(id: "services", label: "providers.services", widget: services, required: true),
            FormField(id: "areas", label: "provider.areas", widget: areas),
            FormField(id: "contact", label: "provider.contact", widget: contact),
            FormField(id: "phone", label: "field.phone", widget: phone),
            FormField(id: "address", label: "field.address", widget: address),
            FormField(id: "seats", label: "providers.seats", widget: seats),
            FormField(id: "nextIntake", label: "providers.next-intake", widget: nextIntake),
            FormField(id: "active", label: "provider.active", widget: active, required: true),
        ])
        kind.setOptions(app.options(ProviderKind.self))
        active.setOptions(app.options(YesNoUnknown.self).filter { $0.id != YesNoUnknown.unknown.rawValue })
        active.select(YesNoUnknown.yes.rawValue)
        if let p = provider {
            nameKm.text = p.nameKm
            nameLatin.text = p.nameLatin
            kind.select(p.kind.rawValue)
            services.select(Set(p.services.map(\.rawValue)))
            areas.select(Set(p.areas))
            contact.text = p.contactPerson
            phone.text = p.phone
            address.text = p.address
            seats.text = p.seatsPerIntake.map(String.init) ?? ""
            nextIntake.text = p.nextIntake.map(FormInput.text) ?? ""
            active.select(p.isActive ? YesNoUnknown.yes.rawValue : YesNoUnknown.no.rawValue)
        }
        form.onSave = { [unowned self, unowned app] in self.save(app) }
    }

    var hasUnsavedChanges: Bool {
        guard let p = provider else { return !nameKm.text.isEmpty || !nameLatin.text.isEmpty || !services.selectedIds.isEmpty }
        return nameKm.text != p.nameKm || nameLatin.text != p.nameLatin || Set(p.services.map(\.rawValue)) != services.selectedIds
            || Set(p.areas) != areas.selectedIds || contact.text != p.contactPerson || phone.text != p.phone
    }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    private func save(_ app: App) {
        guard let session = app.session else { return }
        let t = app.localizer
        form.clearMessages()
        var failed = false
        var input = ProviderInput()
        input.nameKm = nameKm.text
        input.nameLatin = nameLatin.text
        input.kind = kind.selectedId.flatMap(ProviderKind.init(rawValue:))
        input.services = Set(services.selectedIds.compactMap(ServiceType.init(rawValue:)))
        // A district inside a chosen province adds nothing: keep the province.
        let chosen = areas.selectedIds.sorted()
        input.areas = chosen.filter { code in !chosen.contains { $0 != code && code.hasPrefix($0) } }
        input.contactPerson = contact.text
        input.phone = phone.text
        input.address = address.text
        let seatsText = seats.text.trimmingSpaces()
        input.seatsPerIntake = seatsText.isEmpty ? nil : (Digits.parseInt(seatsText) ?? -1)
        input.nextIntake = FormInput.date(nextIntake, id: "nextIntake", in: form, app: app, failed: &failed)
        input.isActive = FormInput.yesNo(active) ?? true
        input.expectedVersion = provider?.version
        var issues = Dictionary(uniqueKeysWithValues: ProviderRules.validate(input).map { ($0.key.rawValue, $0.value) })
        if issues["name"] != nil { issues["nameKm"] = issues.removeValue(forKey: "name") }
        guard issues.isEmpty && !failed else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        do {
            let saved = try app.services.providers.save(session, id: provider?.id, input)
            app.pop()
            app.show(t("provider.saved", saved.displayName), style: .heading)
        } catch StoreError.changedElsewhere {
            app.showError(t("error.changed-elsewhere"))
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}
