import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// A coordinator adds or edits a provider: names, kind, services, areas
/// (provinces or districts, type to filter), contact, seats per intake and
/// the next intake date.
@MainActor
final class ProviderFormScreen: DraftableScreen {
    var titleKey: String { providerId == nil ? "provider.new-title" : "provider.edit-title" }

    var draftKey: DraftKey { DraftKey("provider", record: providerId.map(String.init) ?? "") }

    func draftTitle(_ t: Localizer, app: App) -> String {
        t("draft.title-provider", app.name(km: nameKm.text, latin: nameLatin.text).isEmpty ? "…"
                      : app.name(km: nameKm.text, latin: nameLatin.text))
    }
    private let session: Session
    private let providerId: Int64?
    /// The version the edit starts from (moves on after a merge).
    private var version: Int?
    /// The form as it opened: what "unchanged" means, and the base of a
    /// merge.
    private var baseline: FormSnapshot = [:]
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
    let form: Form

    init(app: App, session: Session, provider: Provider?) {
        self.session = session
        providerId = provider?.id
        version = provider?.version
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
        areas = MultiChoiceField(options: areaOptions, filterable: true)
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
        active.setOptions(app.yesNoOptions)
        active.select(YesNoUnknown.yes.rawValue)
        if let provider { fill(provider, app: app) }
        baseline = form.snapshot()
    }

    private func fill(_ p: Provider, app: App) {
        nameKm.text = p.nameKm
        nameLatin.text = p.nameLatin
        kind.select(p.kind.rawValue)
        services.select(Set(p.services.map(\.rawValue)))
        areas.select(Set(p.areas))
        contact.text = p.contactPerson
        phone.text = p.phone
        address.text = p.address
        seats.text = p.seatsPerIntake.map(String.init) ?? ""
        nextIntake.text = p.nextIntake.map { FormInput.text($0, app) } ?? ""
        active.select(p.isActive ? YesNoUnknown.yes.rawValue : YesNoUnknown.no.rawValue)
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
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
        input.expectedVersion = version
        var issues = Dictionary(uniqueKeysWithValues: ProviderRules.validate(input).map { ($0.key.rawValue, $0.value) })
        if issues["name"] != nil { issues["nameKm"] = issues.removeValue(forKey: "name") }
        guard issues.isEmpty && !failed else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        do {
            let saved = try app.services.providers.save(session, id: providerId, input, draft: app.draftRef(self))
            app.draftSaved(self)
            app.pop()
            app.show(style: .heading) { t in t("provider.saved", saved.displayName) }
        } catch StoreError.changedElsewhere {
            merge(app)
        } catch {
            FormInput.showFailure(error, in: form, app: app)
        }
    }

    /// Someone else saved the provider meanwhile: their changes and the
    /// user's are merged, and the next F2 saves over their version.
    private func merge(_ app: App) {
        guard let providerId else { return }
        do {
            let mine = form.snapshot()
            let stored = try app.services.providers.provider(session, id: providerId)
            fill(stored, app: app)
            let theirs = form.snapshot()
            let base = baseline
            version = stored.version
            baseline = theirs
            FormMerge.merge(form: form, base: base, mine: mine, theirs: theirs, changedBy: "", app: app)
        } catch { app.report(error) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}
