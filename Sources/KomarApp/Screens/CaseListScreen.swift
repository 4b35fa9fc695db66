import CaseDomain
import CaseStore
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

/// All cases the user may see, newest first, in aligned Khmer and Latin
/// columns. Enter opens one.
@MainActor
final class CaseListScreen: Screen {
    let titleKey = "cases.title"
    var bindings: [KeyBinding] {
        var list = [KeyBinding(.function(5), label: "key.filter", help: "help.filter-list"), CommonBindings.open,
                    CommonBindings.scroll, CommonBindings.back]
        if canCreate { list.insert(KeyBinding(.function(7), label: "key.new", help: "help.new-intake"), at: 0) }
        return list
    }
    private let table = CaseRows.makeTable()
    private var source: PagedRows<CaseSummary>
    private var total = 0
    private let canCreate: Bool
    private var filter = CaseFilter()
    /// The filter's commune, read once when the filter is applied.
    private var filterPlace: Place?

    init(app: App) {
        source = Self.rows(app, filter: CaseFilter())
        canCreate = app.session?.may(.createIntake) ?? false
        table.source = source
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.source.rows.count else { return }
            app.push(CaseViewScreen(app: app, caseId: self.source.rows[index].id))
        }
        if let session = app.session {
            do { total = try app.services.cases.countCases(session) } catch { app.report(error) }
        }
    }

    /// Cases matching `filter`, newest first, a page at a time.
    private static func rows(_ app: App, filter: CaseFilter) -> PagedRows<CaseSummary> {
        PagedRows(app: app, fetch: { [unowned app] session, last, limit in
            try app.services.cases.listCases(session, after: last.map { CaseListCursor(lastId: $0.id) }, limit: limit,
                                             filter: filter)
        }, cells: { [unowned app] in CaseRows.cells($0, app) })
    }

    /// Back from a case or a new intake: read the first pages again.
    func didReturn(app: App) { reload(app, keepingSelection: true) }

    private func reload(_ app: App, keepingSelection: Bool) {
        let selected = keepingSelection ? table.selected : 0
        source = Self.rows(app, filter: filter)
        table.source = source
        if let session = app.session {
            do { total = try app.services.cases.countCases(session, filter: filter) } catch { app.report(error) }
        }
        table.select(selected)
    }

    /// Words for the active filter, for the line above the table.
    private func filterSummary(_ app: App) -> String {
        let t = app.localizer
        var parts: [String] = []
        if let status = filter.status { parts.append(t(status.labelKey)) }
        if let risk = filter.riskLevel { parts.append(t("case.risk") + ": " + t(risk.labelKey)) }
        if filter.overdueOnly { parts.append(t("followups.overdue")) }
        if filter.assignedTo != nil { parts.append(t("filter.mine")) }
        if let place = filterPlace { parts.append(app.placeName(place)) }
        return parts.joined(separator: ", ")
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(5) {
            app.push(CaseFilterScreen(app: app, current: filter) { [unowned self, unowned app] newFilter in
                self.filter = newFilter
                self.filterPlace = nil
                if let code = newFilter.communeCode {
                    do { self.filterPlace = try app.services.gazetteer.place(code: code) } catch { app.report(error) }
                }
                self.reload(app, keepingSelection: false)
            })
            return true
        }
        if key == .function(7) && canCreate {
            app.push(IntakeScreen(app: app))
            return true
        }
        return table.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        source.prepare(through: 0)
        var heading = t("cases.count", t.number(total))
        if !filter.isEmpty { heading += " · " + t("filter.active", filterSummary(app)) }
        canvas.put(heading, row: area.row, col: 1, style: filter.isEmpty ? .muted : .warning, maxWidth: area.width - 2)
        if source.rowCount == 0 {
            canvas.put(t(filter.isEmpty ? "cases.empty" : "filter.none"), row: area.row + 2, col: 1, style: .muted,
                       maxWidth: area.width - 2)
            return
        }
        table.render(into: &canvas, at: Rect(row: area.row + 1, col: 0, width: area.width, height: area.height - 1),
                     focused: true, env: app.widgetEnvironment)
    }
}
