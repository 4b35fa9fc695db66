import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// F3: one box, results as you type. Part of a child's name in Khmer or
/// Latin letters, a case code or a village name; ↑ ↓ choose a result,
/// Enter opens it. Each search is audited once, when a result is opened
/// or the screen closes: how many cases it found, never what was typed.
@MainActor
final class SearchScreen: ListScreen {
    let titleKey = "search.title"
    private let session: Session
    let list: RecordList<CaseSummary>
    private var count = ListCount.exact(0)
    /// The text whose search is already in the audit log.
    private var auditedText = ""

    init(app: App, session: Session) {
        self.session = session
        list = CaseRows.list(app: app, searchable: true)
        list.load { [unowned app] text, last, limit in
            guard !SearchQuery(text).isEmpty else { return [] }
            return try app.services.cases.listCases(session, after: last.map(CaseListCursor.init(after:)), limit: limit,
                                                    filter: CaseFilter(text: text))
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
    }

    func recount(_ app: App) {
        guard !SearchQuery(list.text).isEmpty else {
            count = .exact(0)
            return
        }
        do {
            count = try app.services.cases.listCount(session, filter: CaseFilter(text: list.text))
        } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] {
        let open = CaseRows.open(list, app: app, session: session)
        return [KeyBinding(.enter, label: open.labelKey, help: open.helpKey, inBar: open.inBar) { [unowned self] in
                    self.audit(app)
                    open.action?()
                },
                CommonBindings.scroll]
    }

    func didClose(app: App) { audit(app) }

    private func audit(_ app: App) {
        let text = list.text
        guard !SearchQuery(text).isEmpty, text != auditedText else { return }
        auditedText = text
        do { try app.services.cases.recordSearch(session, found: count) } catch { app.report(error) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let heading = switch list.shownCount(count) {
        case _ where SearchQuery(list.text).isEmpty: t("search.hint")
        case .exact(let n): n == 0 ? t("search.none") : t("search.found", t.number(n))
        case .moreThan(let cap): t("search.found-over", t.number(cap))
        }
        list.render(into: &canvas, area: Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1),
                    app: app, heading: (heading, .muted), empty: "")
    }
}
