import CaseDomain
import Terminal

/// The rows of a list, read from a service page by page as the table
/// scrolls (keyset paging: each page starts after the last row shown). One
/// request reads at most a few pages, so End never reads a whole table at
/// once; pressing it again goes further. Every long list uses this.
@MainActor
final class PagedRows<Row>: TableDataSource {
    /// Reads up to `limit` rows after `last` (nil: from the start).
    typealias Fetch = (_ session: Session, _ last: Row?, _ limit: Int) throws -> [Row]

    private unowned let app: App
    private let fetch: Fetch
    private let cellsOf: (Row) -> [String]
    private(set) var rows: [Row] = []
    private var exhausted = false
    let pageSize = 100

    init(app: App, fetch: @escaping Fetch, cells: @escaping (Row) -> [String]) {
        self.app = app
        self.fetch = fetch
        cellsOf = cells
    }

    var rowCount: Int { rows.count }

    func prepare(through index: Int) {
        guard let session = app.session else { return }
        var pages = 0
        while !exhausted && index >= rows.count && pages < 5 {
            do {
                let page = try fetch(session, rows.last, pageSize)
                rows += page
                exhausted = page.count < pageSize
            } catch {
                app.report(error)
                exhausted = true
            }
            pages += 1
        }
    }

    func cells(at index: Int) -> [String] { cellsOf(rows[index]) }
}
