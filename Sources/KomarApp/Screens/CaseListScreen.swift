import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The columns of every case table (list, search) and how a case fills
/// them, so all of them look alike.
@MainActor
enum CaseRows {
    /// Who the child is and where: the columns every case table starts with.
    static let identity = [
        TableColumn("cases.code", width: 12),
        TableColumn("cases.name-km", width: 12, flexible: true),
        TableColumn("cases.name-latin", width: 12, flexible: true),
        TableColumn("cases.sex", width: 4),
        TableColumn("cases.age", width: 3, alignment: .right),
        TableColumn("cases.village", width: 8, flexible: true),
    ]

    static func makeTable() -> Table {
        Table(columns: identity + [TableColumn("cases.status", width: 8), TableColumn("cases.reported", width: 10)])
    }

    static func cells(_ c: CaseSummary, _ app: App) -> [String] {
        let t = app.localizer
        let age = t.digitsForDisplay("\(c.ageYears)") + (c.ageIsEstimated ? "~" : "")
        let village = t.language == .km ? c.villageNameKm : c.villageNameLatin
        return [c.code, c.childNameKm, c.childNameLatin, t(c.sex.labelKey), age, village, t(c.status.labelKey),
                app.dateText(c.reportedDate)]
    }
}

/// All cases the user may see, in aligned Khmer and Latin columns, newest
/// first or in the order chosen under F5. Typing searches names, codes
/// and villages as you type; F5 filters and sorts; Enter opens a case.
@MainActor
final class CaseListScreen: Screen {
    let titleKey = "cases.title"
    var bindings: [KeyBinding] {
        var list = [KeyBinding(.function(5), label: "key.filter", help: "help.filter-list"), CommonBindings.open,
                    CommonBindings.scroll, CommonBindings.back]
        if canCreate { list.insert(KeyBinding(.function(7), label: "key.new", help: "help.new-intake"), at: 0) }
        return list
    }
    private var search: ListSearchBox!
    private let table = CaseRows.makeTable()
    private var source: PagedRows<CaseSummary>
    private var total = 0
    private let canCreate: Bool
    private var filter = CaseFilter()
    private var sort = CaseSort.newest
    /// The filter's commune and worker, read once when the filter is applied.
    private var filterPlace: Place?
    private var filterWorker: String?

    init(app: App) {
        source = Self.rows(app, filter: CaseFilter(), sort: .newest)
        canCreate = app.session?.may(.createIntake) ?? false
        table.source = source
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.source.rows.count else { return }
            app.push(CaseViewScreen(app: app, caseId: self.source.rows[index].id))
        }
        search = ListSearchBox { [unowned self, unowned app] text in
            self.filter.text = text
            self.reload(app, keepingSelection: false)
        }
        if let session = app.session {
            do { total = try app.services.cases.countCases(session) } catch { app.report(error) }
        }
    }

    /// Cases matching `filter` in `sort` order, a page at a time.
    private static func rows(_ app: App, filter: CaseFilter, sort: CaseSort) -> PagedRows<CaseSummary> {
        PagedRows(app: app, fetch: { [unowned app] session, last, limit in
            try app.services.cases.listCases(session, after: last.map(CaseListCursor.init(after:)), limit: limit,
                                             filter: filter, sort: sort)
        }, cells: { [unowned app] in CaseRows.cells($0, app) })
    }

    /// Back from a case or a new intake: read the first pages again.
    func didReturn(app: App) { reload(app, keepingSelection: true) }

    private func reload(_ app: App, keepingSelection: Bool) {
        let selected = keepingSelection ? table.selected : 0
        source = Self.rows(app, filter: filter, sort: sort)
        table.source = source
        if let session = app.session {
            do { total = try app.services.cases.countCases(session, filter: filter) } catch { app.report(error) }
        }
        source.prepare(through: selected)
        table.select(selected)
    }

    /// Words for the active filter and order, for the line above the table.
    private func filterSummary(_ app: App) -> String {
        let t = app.localizer
        var parts: [String] = []
        if let status = filter.status { parts.append(t(status.labelKey)) }
        if let risk = filter.riskLevel { parts.append(t("case.risk") + ": " + t(risk.labelKey)) }
        if filter.overdueOnly { parts.append(t("followups.overdue")) }
        if let worker = filterWorker { parts.append(t("case.assigned-to") + ": " + worker) }
        if let place = filterPlace { parts.append(app.placeName(place)) }
        if sort != .newest && filter.text.isEmpty { parts.append(t(sort.labelKey)) }
        return parts.joined(separator: ", ")
    }

    private var isFiltered: Bool {
        var withoutText = filter
        withoutText.text = ""
        return !withoutText.isEmpty || sort != .newest
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(5) {
            app.push(CaseFilterScreen(app: app, current: filter, sort: sort) { [unowned self, unowned app] newFilter, newSort in
                self.filter = newFilter
                self.sort = newSort
                self.filterPlace = nil
                self.filterWorker = nil
                do {
                    if let code = newFilter.communeCode { self.filterPlace = try app.services.gazetteer.place(code: code) }
                    if let worker = newFilter.assignedTo, let session = app.session {
                        self.filterWorker = try app.services.cases.assignees(session).first { $0.id == worker }?.displayName
                    }
                } catch { app.report(error) }
                self.reload(app, keepingSelection: false)
            })
            return true
        }
        if key == .function(7) && canCreate {
            app.push(IntakeScreen(app: app))
            return true
        }
        return ListSearchBox.isTableKey(key) ? table.handle(key) : search.field.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        search.render(into: &canvas, row: area.row, width: area.width, app: app)
        source.prepare(through: 0)
        var heading = total > CaseService.searchCountCap
            ? t("cases.count-over", t.number(CaseService.searchCountCap)) : t("cases.count", t.number(total))
        if isFiltered { heading += " · " + t("filter.active", filterSummary(app)) }
        canvas.put(heading, row: area.row + 1, col: 1, style: isFiltered ? .warning : .muted, maxWidth: area.width - 2)
        if source.rowCount == 0 {
            let empty = !filter.text.isEmpty ? "search.none" : (filter.isEmpty ? "cases.empty" : "filter.none")
            canvas.put(t(empty), row: area.row + 3, col: 1, style: .muted, maxWidth: area.width - 2)
            return
        }
        table.render(into: &canvas, at: Rect(row: area.row + 2, col: 0, width: area.width, height: area.height - 2),
                     focused: true, env: app.widgetEnvironment)
    }
}
