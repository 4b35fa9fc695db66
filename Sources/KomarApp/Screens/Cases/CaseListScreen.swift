import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// All cases the user may see, in aligned Khmer and Latin columns, newest
/// first or in the order chosen under F5. Typing searches names, codes
/// and villages as you type; F5 filters and sorts; Enter opens a case.
@MainActor
final class CaseListScreen: ListScreen {
    let titleKey = "cases.title"
    private let session: Session
    let list: RecordList<CaseSummary>
    /// Nil while it is counted again, off the keystroke path.
    private var count: ListCount?
    private var filter = CaseFilter()
    private var sort = CaseSort.newest
    /// The filter's commune, worker and office, read once when the filter is applied.
    private var filterPlace: Place?
    private var filterWorker: String?
    private var filterOffice: String?

    init(app: App, session: Session) {
        self.session = session
        list = CaseRows.list(app: app, searchable: true)
        list.load { [unowned self, unowned app] text, last, limit in
            var filter = self.filter
            filter.text = text
            return try app.services.cases.listCases(session, after: last.map(CaseListCursor.init(after:)), limit: limit,
                                                    filter: filter, sort: self.sort)
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
        recount(app)
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(7), label: "key.new", help: "help.new-intake") { [unowned self, unowned app] in
            IntakeScreen.openNew(app, self.session)
        }.enabled(session.may(.createIntake)),
         KeyBinding(.function(5), label: "key.filter", help: "help.filter-list") { [unowned self, unowned app] in
            self.openFilter(app)
         },
         CaseRows.open(list, app: app, session: session),
         CommonBindings.scroll]
    }

    func recount(_ app: App) {
        var typed = self.filter
        typed.text = list.text
        let services = app.services, session = session, filter = typed
        count = nil
        app.readInBackground("case list count", { try services.cases.listCount(session, filter: filter) }) {
            [weak self] found in self?.count = found
        }
    }

    private func openFilter(_ app: App) {
        app.push(CaseFilterScreen(app: app, session: session, current: filter, sort: sort) {
            [unowned self, unowned app] newFilter, newSort in
            self.filter = newFilter
            self.sort = newSort
            self.filterPlace = nil
            self.filterWorker = nil
            self.filterOffice = nil
            do {
                if let number = newFilter.office {
                    self.filterOffice = try app.services.offices.officeNames(self.session).first { $0.number == number }?.code
                }
                if let code = newFilter.communeCode { self.filterPlace = try app.services.gazetteer.place(code: code) }
                if let worker = newFilter.assignedTo {
                    self.filterWorker = try app.services.cases.assignees(self.session).first { $0.id == worker }?.displayName
                }
            } catch { app.report(error) }
            self.list.reload(keepingSelection: false)
            self.recount(app)
        })
    }

    /// Words for the active filter and order, for the line above the table.
    private func filterSummary(_ app: App) -> String {
        let t = app.localizer
        var parts: [String] = []
        if let status = filter.status { parts.append(t(status.labelKey)) }
        if let risk = filter.riskLevel { parts.append(t.labelled(t("case.risk"), t(risk.labelKey))) }
        if filter.overdueOnly { parts.append(t("followups.overdue")) }
        if let worker = filterWorker { parts.append(t.labelled(t("case.assigned-to"), worker)) }
        if let place = filterPlace { parts.append(app.placeName(place)) }
        if let office = filterOffice { parts.append(t.labelled(t("filter.office"), office)) }
        if sort != .newest && list.text.isEmpty { parts.append(t(sort.labelKey)) }
        return parts.joined(separator: ", ")
    }

    private var isFiltered: Bool { !filter.isEmpty || sort != .newest }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var heading = switch count.map(list.shownCount) {
        case .exact(let n): t.count("cases.count", n)
        case .moreThan(let cap): t("cases.count-over", t.number(cap))
        case nil: t("list.counting")
        }
        if isFiltered {
            heading += " · " + t("filter.active", filterSummary(app))
        } else if list.text.isEmpty {
            // The order is said even when it is the usual one: codes of other years mix in it.
            heading += " · " + t(CaseSort.newest.labelKey)
        }
        let empty = !list.text.isEmpty ? "search.none" : (filter.isEmpty ? "cases.empty" : "filter.none")
        list.render(into: &canvas, area: area, app: app, heading: (heading, isFiltered ? .warning : .muted),
                    empty: t(empty))
    }
}
