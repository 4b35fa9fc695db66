import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The household register: a search box over a table of households,
/// newest first. Typing searches names (head or member, Khmer or Latin),
/// codes, villages and phone numbers; Enter opens the household file; F7
/// registers one. Opened from the intake (`onPick`), Enter chooses the
/// child's household instead, and F7 registers a new one and chooses it.
@MainActor
final class HouseholdListScreen: ListScreen {
    var titleKey: String { onPick == nil ? "households.title" : "households.pick-title" }
    private let session: Session
    private let onPick: ((PickerField.Value) -> Void)?
    /// The village a household registered from here starts in.
    private let villageCode: String?
    let list: RecordList<HouseholdSummary>
    private var total = 0
    /// How many match what is typed in the search box.
    private var found = ListCount.exact(0)

    init(app: App, session: Session, villageCode: String? = nil, onPick: ((PickerField.Value) -> Void)? = nil) {
        self.session = session
        self.onPick = onPick
        self.villageCode = villageCode
        list = RecordList(app: app, columns: [
            TableColumn("households.code", width: 9 + app.officeCodeColumns),
            TableColumn("households.head-km", width: 12, flexible: true),
            TableColumn("households.head-latin", width: 12, flexible: true),
            TableColumn("cases.village", width: 8, flexible: true),
            TableColumn("households.members", width: 7, alignment: .right),
            CaseRows.riskColumn,
            TableColumn("households.status", width: 7),
        ], searchable: true, cells: { [unowned app] h in
            let t = app.localizer
            return [h.code, h.headNameKm, h.headNameLatin, app.name(km: h.villageNameKm, latin: h.villageNameLatin),
                    t.digitsForDisplay(String(h.memberCount)), t(h.riskLevel.labelKey), t(h.status.labelKey)]
        })
        list.load { [unowned app] text, last, limit in
            try app.services.households.list(session, query: text, after: last.map { HouseholdCursor(lastId: $0.id) },
                                             limit: limit)
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
        recount(app)
    }

    func recount(_ app: App) {
        do {
            if list.text.trimmingSpaces().isEmpty {
                total = try app.services.households.count(session)
            } else {
                found = try app.services.households.count(session, matching: list.text)
            }
        } catch { app.report(error) }
    }

    /// How a chosen household reads in the intake's field.
    static func pickValue(id: Int64, code: String, km: String, latin: String) -> PickerField.Value {
        PickerField.Value(id: String(id), text: code + " · " + [km, latin].filter { !$0.isEmpty }.joined(separator: " / "))
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(7), label: "key.new", help: "help.new-household") { [unowned self, unowned app] in
            self.register(app)
         }.enabled(session.may(.createIntake)),
         onPick == nil
            ? list.openBinding { [unowned self, unowned app] household in
                app.push(HouseholdViewScreen(app: app, session: self.session, householdId: household.id))
            }
            : list.openBinding(label: "key.choose", help: "help.choose-household", inBar: true) { [unowned self, unowned app] household in
                app.pop()
                self.onPick?(Self.pickValue(id: household.id, code: household.code, km: household.headNameKm,
                                            latin: household.headNameLatin))
            },
         CommonBindings.scroll]
    }

    private func register(_ app: App) {
        guard let onPick else {
            app.push(HouseholdFormScreen(app: app, session: session))
            return
        }
        app.push(HouseholdFormScreen(app: app, session: session, villageCode: villageCode, onRegistered: {
            [unowned app] chosen in
            app.pop()
            onPick(chosen)
        }))
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let heading = if list.text.trimmingSpaces().isEmpty {
            t.count("households.count", total)
        } else {
            switch list.shownCount(found) {
            case .exact(let n): t.count("households.found", n)
            case .moreThan(let cap): t("households.found-over", t.number(cap))
            }
        }
        list.render(into: &canvas, area: area, app: app, heading: (heading, .muted),
                    empty: t(!list.text.isEmpty ? "search.none"
                        // Others' households may exist: "no households yet" would not be true.
                        : session.may(.viewAllCases) ? "households.empty" : "households.empty-own"))
    }
}
