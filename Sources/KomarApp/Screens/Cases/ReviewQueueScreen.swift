import CaseDomain
import CaseStore
import Terminal

/// New intakes waiting for a social worker, most urgent first (immediate
/// danger, then risk level), then the longest waiting; typing finds a
/// child's; Enter opens one (F4 there accepts or closes it).
@MainActor
final class ReviewQueueScreen: ListScreen {
    let titleKey = "review.title"
    private let session: Session
    let list: RecordList<CaseSummary>
    private var count = 0

    init(app: App, session: Session) {
        self.session = session
        list = CaseRows.reviewList(app: app)
        list.load { [unowned app] text, last, limit in
            try app.services.cases.reviewQueue(session, matching: text, after: last.map(CaseListCursor.init(after:)),
                                               limit: limit)
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
        recount(app)
    }

    func recount(_ app: App) {
        do { count = try app.services.cases.countReviewQueue(session, matching: list.text) } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [CaseRows.open(list, app: app, session: session), CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        list.render(into: &canvas, area: area, app: app,
                    heading: list.isEmpty ? nil : (t("review.count", t.number(count)), .muted),
                    empty: t(list.text.isEmpty ? "review.empty" : "search.none"))
    }
}
