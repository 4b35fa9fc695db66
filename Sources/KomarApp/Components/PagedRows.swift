import Terminal

/// The rows of a list, read page by page as the table scrolls (keyset
/// paging: each page starts after the last row shown). One request reads
/// at most a few pages, so End never reads a whole table at once; pressing
/// it again goes further.
@MainActor
final class PagedRows<Row>: TableDataSource {
    /// Reads up to `limit` rows after `last` (nil: from the start).
    typealias Fetch = (_ last: Row?, _ limit: Int) throws -> [Row]

    private let fetch: Fetch
    private let cellsOf: (Row) -> [String]
    private let report: (any Error) -> Void
    private(set) var rows: [Row] = []
    private var exhausted = false
    /// A screenful or two: a taller terminal reads the next page as it draws.
    let pageSize = 50

    /// `read`: rows already read, kept as they are; the next page starts after the last of them.
    init(fetch: @escaping Fetch, cells: @escaping (Row) -> [String], report: @escaping (any Error) -> Void,
         read: [Row] = []) {
        self.fetch = fetch
        rows = read
        cellsOf = cells
        self.report = report
    }

    var rowCount: Int { rows.count }
    /// Whether every row has been read.
    var isComplete: Bool { exhausted }

    func prepare(through index: Int) {
        var pages = 0
        while !exhausted && index >= rows.count && pages < 5 {
            do {
                let page = try fetch(rows.last, pageSize)
                rows += page
                exhausted = page.count < pageSize
            } catch {
                report(error)
                exhausted = true
            }
            pages += 1
        }
    }

    func cells(at index: Int) -> [String] { cellsOf(rows[index]) }
}
