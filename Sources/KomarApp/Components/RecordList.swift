import CaseDomain
import Terminal

/// The one list component: an optional search box that narrows the list
/// as the user types, a heading line (usually the count), a table read
/// page by page from a service (keyset paging), and a message when there
/// is nothing to show. Every list screen is built from it: cases, the
/// review and follow-up queues, households, search results, providers,
/// referrals, the audit log.
@MainActor
final class RecordList<Row> {
    /// Reads up to `limit` rows matching `text` after `last`.
    typealias Fetch = (_ text: String, _ last: Row?, _ limit: Int) throws -> [Row]

    let table: Table
    let searchBox: ListSearchBox?
    private(set) var rows: PagedRows<Row>
    private var fetch: Fetch = { _, _, _ in [] }
    private let cells: (Row) -> [String]
    private let report: (any Error) -> Void
    /// Says on the status line that End stopped before the list's end.
    private let sayMoreBelow: (Int) -> Void
    /// Called after the search text changed and the list was read again.
    var onSearch: (() -> Void)?

    /// A list with these columns; it shows rows once `load` says where
    /// they come from.
    init(app: App, columns: [TableColumn], searchable: Bool, cells: @escaping (Row) -> [String]) {
        table = Table(columns: columns)
        self.cells = cells
        report = { [unowned app] error in app.report(error) }
        sayMoreBelow = { [unowned app] shown in
            app.show(style: .muted) { t in t("list.more-below", t.number(shown)) }
        }
        rows = PagedRows(fetch: { _, _ in [] }, cells: cells, report: report)
        searchBox = searchable ? ListSearchBox { _ in } : nil
        searchBox?.field.onChange = { [unowned self] _ in
            self.reload(keepingSelection: false)
            self.onSearch?()
        }
    }

    /// Reads the list from `fetch` (also on every later reload).
    func load(_ fetch: @escaping Fetch) {
        self.fetch = fetch
        reload(keepingSelection: false)
    }

    /// What is typed in the search box.
    var text: String { searchBox?.text ?? "" }

    /// The highlighted record.
    var selected: Row? { rows.rows.indices.contains(table.selected) ? rows.rows[table.selected] : nil }

    /// A count for the heading, true to what the table has read: past a
    /// "more than" cap (End reads on), the rows read; exact once the last
    /// page has come.
    func shownCount(_ counted: ListCount) -> ListCount {
        guard case .moreThan(let cap) = counted, rows.rowCount > cap else { return counted }
        return rows.isComplete ? .exact(rows.rowCount) : .moreThan(rows.rowCount)
    }

    var isEmpty: Bool {
        rows.prepare(through: 0)
        return rows.rowCount == 0
    }

    /// Reads the list again from its first page, or, keeping the highlight
    /// on the same row number (after coming back from a record), from the
    /// first row on screen: the rows scrolled off above stay as they were
    /// read, so coming back costs a screenful however far down the user
    /// is. Typing in the search box reads everything again.
    func reload(keepingSelection: Bool) {
        let keep = keepingSelection ? table.selected : 0
        let above = keepingSelection ? Array(rows.rows.prefix(min(table.top, keep))) : []
        let text = self.text
        rows = PagedRows(fetch: { [fetch] last, limit in try fetch(text, last, limit) }, cells: cells, report: report,
                         read: above)
        table.source = rows
        rows.prepare(through: keep)
        table.select(keep)
    }

    /// ↑ ↓ PgUp PgDn Home End move in the table; the rest (typing,
    /// Backspace, ← →, Ctrl-U) goes to the search box.
    func handleInput(_ key: Key) -> Bool {
        switch key {
        case .end:
            // End reads a few pages at a time (PagedRows): the user is told when there are more.
            let handled = table.handle(key)
            if !rows.isComplete { sayMoreBelow(rows.rowCount) }
            return handled
        case .up, .down, .pageUp, .pageDown, .home: return table.handle(key)
        case .enter: return false
        default: return searchBox?.field.handle(key) ?? false
        }
    }

    /// Enter opens the highlighted record.
    func openBinding(label: String = "key.open", help: String = "help.open", inBar: Bool = false,
                     _ open: @escaping (Row) -> Void) -> KeyBinding {
        KeyBinding(.enter, label: label, help: help, inBar: inBar) { [unowned self] in
            if let row = self.selected { open(row) }
        }
    }

    /// Draws the search box (when the list has one), `heading`, and the
    /// table, or `empty` when there are no rows.
    func render(into canvas: inout Canvas, area: Rect, app: App, heading: (text: String, style: TextStyle)?,
                empty: String) {
        var row = area.row
        if let searchBox {
            searchBox.render(into: &canvas, row: row, width: area.width, app: app)
            row += 1
        }
        if let heading {
            // A heading too wide for one line (a filter in words, then the order) takes a second.
            for line in wrapWords(heading.text, width: area.width - 2).prefix(2) {
                canvas.put(line, row: row, col: area.col + 1, style: heading.style, maxWidth: area.width - 2)
                row += 1
            }
        }
        if isEmpty {
            canvas.put(empty, row: row + 1, col: area.col + 1, style: .muted, maxWidth: area.width - 2)
            return
        }
        table.render(into: &canvas, at: Rect(row: row, col: area.col, width: area.width, height: area.bottom - row),
                     focused: true, env: app.widgetEnvironment)
    }
}

/// A screen that is one list: the list takes ↑ ↓ PgUp PgDn Home End and
/// typing; coming back from a record reads the list (and its counts)
/// again, at the same row.
@MainActor
protocol ListScreen: Screen {
    associatedtype Row
    var list: RecordList<Row> { get }
    /// Reads the list's counts again (after typing, or on coming back).
    func recount(_ app: App)
}

extension ListScreen {
    func recount(_ app: App) {}
    func handleInput(_ key: Key, app: App) -> Bool { list.handleInput(key) }

    func didReturn(app: App) {
        list.reload(keepingSelection: true)
        recount(app)
    }
}
