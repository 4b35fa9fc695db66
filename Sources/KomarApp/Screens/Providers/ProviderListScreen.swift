import CaseDomain
import CaseStore
import KhmerText
import Localization
import Terminal

/// The provider directory: who offers which services where, with seats and
/// the next intake. The service filter at the top (Tab reaches it) narrows
/// the list. Enter opens a provider (coordinators edit it); F7 adds one.
@MainActor
final class ProviderListScreen: ListScreen {
    let titleKey = "providers.title"
    private let session: Session
    private let service = ChoiceField(placeholderKey: "filter.any-service")
    let list: RecordList<Provider>
    private var serviceFocused = false
    /// Seats left in each provider's next intake, read with the list.
    private final class SeatsLeft { var byProvider: [Int64: SeatAvailability] = [:] }
    private let seatsLeft = SeatsLeft()

    init(app: App, session: Session) {
        self.session = session
        service.setOptions(app.options(ServiceType.self))
        list = RecordList(app: app, columns: [
            TableColumn("providers.name", width: 20, flexible: true),
            TableColumn("providers.kind", width: 10),
            TableColumn("providers.services", width: 10, flexible: true),
            TableColumn("providers.seats-left", width: 10, alignment: .right),
            TableColumn("providers.next-intake", width: 11),
        ], searchable: false, cells: { [unowned app, seatsLeft] p in
            let t = app.localizer
            return [app.name(km: p.nameKm, latin: p.nameLatin) + (p.isActive ? "" : " ✗"), t(p.kind.labelKey),
                    p.services.map { t($0.labelKey) }.joined(separator: ", "),
                    Self.seatsCell(p, seatsLeft: seatsLeft.byProvider, t), p.nextIntake.map(app.dateText) ?? "—"]
        })
        list.load { [unowned self, unowned app] _, last, _ in
            guard last == nil else { return [] }
            self.seatsLeft.byProvider = try app.services.providers.seatsLeft(session)
            return try app.services.providers.list(session, service: self.service.selectedId.flatMap(ServiceType.init(rawValue:)))
        }
        service.onSelect = { [unowned self] _ in self.list.reload(keepingSelection: false) }
    }

    /// "7 / 10": seats left of the intake's seats; "⚠ 0 / 10" when full
    /// or over; "—" when the provider does not limit seats.
    static func seatsCell(_ p: Provider, seatsLeft: [Int64: SeatAvailability], _ t: Localizer) -> String {
        guard let seats = p.seatsPerIntake, seats > 0 else { return "—" }
        switch seatsLeft[p.id] ?? .available(seats) {
        case .unlimited: return "—"
        case .available(let left): return t.number(left) + " / " + t.number(seats)
        case .full: return "⚠ " + t.number(0) + " / " + t.number(seats)
        }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(7), label: "key.new", help: "help.new-provider") { [unowned self, unowned app] in
            app.push(ProviderFormScreen(app: app, session: self.session, provider: nil))
         }.enabled(session.may(.editProviders)),
         list.openBinding { [unowned self, unowned app] p in
            app.push(self.session.may(.editProviders) ? ProviderFormScreen(app: app, session: self.session, provider: p)
                                                      : ProviderViewScreen(app: app, provider: p))
         }.enabled(!serviceFocused),
         KeyBinding(.tab, label: "key.next-field", help: "help.provider-tab", inBar: false),
         CommonBindings.scroll]
    }

    /// Tab moves between the service filter and the list.
    func handleInput(_ key: Key, app: App) -> Bool {
        if key == .tab || key == .backTab {
            serviceFocused.toggle()
            return true
        }
        if serviceFocused || service.isExpanded { return service.handle(key) }
        return list.handleInput(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let label = t("providers.service-filter") + " "
        canvas.put(label, row: area.row, col: 1, style: serviceFocused ? .heading : .muted)
        let width = DisplayWidth.of(label)
        let fieldRect = Rect(row: area.row, col: 1 + width, width: min(36, area.width - width - 2), height: 1)
        service.render(into: &canvas, at: fieldRect, focused: serviceFocused, env: app.widgetEnvironment)
        list.render(into: &canvas, area: Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1),
                    app: app, heading: (t("providers.hint"), .muted), empty: t("providers.empty"))
        if service.isExpanded {
            service.renderOverlay(into: &canvas, anchor: fieldRect, bounds: area, env: app.widgetEnvironment)
        }
    }
}
