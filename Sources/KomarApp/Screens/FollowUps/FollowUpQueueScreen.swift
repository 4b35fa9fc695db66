import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The user's follow-ups: overdue first (marked), then due today, then the
/// next seven days, each with the case's risk level. Typing finds a child's; Enter records the visit.
@MainActor
final class FollowUpQueueScreen: ListScreen {
    let titleKey = "followups.title"
    private let session: Session
    let list: RecordList<FollowUpItem>
    /// Nil while they are counted again, off the keystroke path.
    private var counts: FollowUpCounts?

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("followups.due", width: 12),
            CaseRows.codeColumn(app),
            CaseRows.riskColumn,
            TableColumn("cases.name-km", width: 10, flexible: true),
            TableColumn("cases.name-latin", width: 10, flexible: true),
            TableColumn("followups.type", width: 8, flexible: true),
        ], searchable: true, cells: { [unowned app] item in Self.cells(item, app) })
        list.load { [unowned app] text, last, limit in
            try app.services.followUps.queue(session, matching: text, after: last.map(FollowUpCursor.init(after:)),
                                             limit: limit)
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
        recount(app)
    }

    private static func cells(_ item: FollowUpItem, _ app: App) -> [String] {
        let t = app.localizer
        // The heading counts overdue and today; each row says which it is.
        let due = switch FollowUpRules.urgency(due: item.due, today: app.services.clock.today) {
        case .overdue: "⚠ " + app.dateText(item.due)
        case .dueToday: t("followups.today-row")
        case .upcoming, .later: app.dateText(item.due)
        }
        // A household's home visit, nearly all of them, says "Household". The column is too narrow for
        // "Household: Phone call" (it was cut to "Household: …"), so another kind says its kind alone: the
        // row's HH- code and the head's name already say whose it is.
        // In the list, a kind's short name: "ការចុះសួរសុខទុក្ខតាមផ្ទះ" was cut to "ការចុះសួរសុខទុ…".
        let type = item.isHouseholdVisit && item.type == .homeVisit ? t("followups.household-home-visit")
            : t(item.type.shortLabelKey)
        return [due, item.caseCode, CaseRows.riskCell(item.riskLevel, app), item.childNameKm, item.childNameLatin, type]
    }

    func recount(_ app: App) {
        let services = app.services, session = session, text = list.text
        counts = nil
        app.readInBackground("follow-up queue count", { try services.followUps.queueCounts(session, matching: text) }) {
            [weak self] counts in self?.counts = counts
        }
    }

    func bindings(app: App) -> [KeyBinding] {
        [list.openBinding(label: "key.record", help: "help.record-visit") { [unowned self, unowned app] item in
            app.push(RecordVisitScreen(app: app, session: self.session, item: item))
         },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let heading = counts.map { t("followups.summary", t.number($0.overdue), t.number($0.today), t.number($0.upcoming)) }
            ?? t("list.counting")
        list.render(into: &canvas, area: area, app: app,
                    heading: list.isEmpty ? nil : (heading, (counts?.overdue ?? 0) > 0 ? .warning : .muted),
                    empty: t(list.text.isEmpty ? "followups.empty" : "search.none"))
    }
}
