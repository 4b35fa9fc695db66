import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// One provider, read-only (for everyone but coordinators).
@MainActor
final class ProviderViewScreen: RecordFileScreen {
    let titleKey = "provider.title"
    let file = DetailView(labelWidth: 22)
    private let provider: Provider
    private var areaNames: [String] = []

    init(app: App, provider: Provider) {
        self.provider = provider
        do {
            areaNames = try provider.areas.compactMap { try app.services.gazetteer.place(code: $0) }.map(app.placeName)
        } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] { [CommonBindings.scroll] }

    func fileLines(app: App) -> [DetailLine]? {
        let t = app.localizer
        let p = provider
        return [
            .heading(p.displayName + (p.isActive ? "" : "  ·  " + t("provider.inactive"))),
            .blank,
            app.field("providers.kind", t(p.kind.labelKey)),
            app.field("providers.services", p.services.map { t($0.labelKey) }.joined(separator: ", ")),
            app.field("provider.areas", areaNames.isEmpty ? t("provider.everywhere") : areaNames.joined(separator: ", ")),
            app.field("provider.contact", p.contactPerson.isEmpty ? "—" : p.contactPerson),
            app.field("field.phone", p.phone.isEmpty ? "—" : t.digitsForDisplay(p.phone)),
            app.field("field.address", p.address.isEmpty ? "—" : p.address),
            app.field("providers.seats", p.seatsPerIntake.map { t.number($0) } ?? "—"),
            app.field("providers.next-intake", p.nextIntake.map(app.longDateText) ?? "—"),
        ]
    }
}
