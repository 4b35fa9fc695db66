import KhmerText

/// A column of a `Table`.
public struct TableColumn: Sendable {
    public enum Alignment: Sendable { case left, right }
    public let titleKey: String
    /// Fixed width, or the minimum width of a flexible column.
    public let width: Int
    /// Flexible columns share what the fixed ones leave.
    public let flexible: Bool
    public let alignment: Alignment
    /// Shown only when the terminal is wide enough for it after the others:
    /// wider terminals show more columns.
    public let optional: Bool

    public init(_ titleKey: String, width: Int, flexible: Bool = false, alignment: Alignment = .left,
                optional: Bool = false) {
        self.titleKey = titleKey
        self.width = width
        self.flexible = flexible
        self.alignment = alignment
        self.optional = optional
    }

    /// This column, shown only where there is room for it.
    public var whenRoom: TableColumn {
        TableColumn(titleKey, width: width, flexible: flexible, alignment: alignment, optional: true)
    }
}

/// Where a table's rows come from. Only visible rows are asked for, so a
/// source can page from the database as the user scrolls.
@MainActor
public protocol TableDataSource: AnyObject {
    /// Total rows, or the rows known so far when more can be loaded.
    var rowCount: Int { get }
    /// The cells of row `index`, one string per column.
    func cells(at index: Int) -> [String]
    /// Asked before showing rows up to `index`, so the source can load them.
    func prepare(through index: Int)
}

/// A table with a header row and virtual scrolling: it draws only the rows
/// that fit and asks the data source for nothing else.
@MainActor
public final class Table: Widget {
    public let columns: [TableColumn]
    public weak var source: (any TableDataSource)?
    public private(set) var selected = 0
    /// The first row on screen (after the last render).
    public private(set) var top = 0
    private var lastPage = 10
    /// Called with the selected row when Enter is pressed.
    public var onActivate: ((Int) -> Void)?

    public init(columns: [TableColumn]) {
        self.columns = columns
    }

    public func height(width: Int) -> Int { 10 }

    /// The indices of the columns shown at `total` width: optional ones
    /// give way, the last first, when not all fit.
    public func shown(total: Int) -> [Int] {
        var indices = Array(columns.indices)
        func need(_ shown: [Int]) -> Int { shown.reduce(0) { $0 + columns[$1].width } + max(0, shown.count - 1) }
        while need(indices) > total, let drop = indices.lastIndex(where: { columns[$0].optional }) {
            indices.remove(at: drop)
        }
        return indices
    }

    /// The width of each column at `total` (0 for a column not shown).
    public func widths(total: Int) -> [Int] {
        let shown = Set(self.shown(total: total))
        let visible = columns.indices.filter { shown.contains($0) }.map { columns[$0] }
        let gaps = max(0, visible.count - 1)
        let fixed = visible.filter { !$0.flexible }.reduce(0) { $0 + $1.width }
        let flexMin = visible.filter(\.flexible).reduce(0) { $0 + $1.width }
        let flexCount = visible.filter(\.flexible).count
        let spare = max(0, total - gaps - fixed - flexMin)
        var given = 0
        var flexSeen = 0
        return columns.indices.map { i in
            let c = columns[i]
            guard shown.contains(i) else { return 0 }
            guard c.flexible else { return c.width }
            flexSeen += 1
            let share = flexSeen == flexCount ? spare - given : spare / max(1, flexCount)
            given += share
            return c.width + share
        }
    }

    public func select(_ index: Int) {
        guard let source else { return }
        source.prepare(through: index)
        selected = max(0, min(index, source.rowCount - 1))
    }

    public func handle(_ key: Key) -> Bool {
        guard let source, source.rowCount > 0 else { return false }
        switch key {
        case .up: select(selected - 1)
        case .down: select(selected + 1)
        case .pageUp: select(selected - lastPage)
        case .pageDown: select(selected + lastPage)
        case .home: select(0)
        case .end: select(Int.max / 2)
        case .enter: onActivate?(selected)
        default: return false
        }
        return true
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let w = widths(total: rect.width)
        var col = rect.col
        for (i, c) in columns.enumerated() where w[i] > 0 {
            let title = env.localize(c.titleKey)
            let text = c.alignment == .right ? TextFit.padLeft(title, to: w[i]) : TextFit.pad(title, to: w[i])
            canvas.put(text, row: rect.row, col: col, style: .heading)
            col += w[i] + 1
        }
        let bodyRows = max(1, rect.height - 1)
        lastPage = max(1, bodyRows - 1)
        guard let source else { return }
        source.prepare(through: top + bodyRows)
        if selected < top { top = selected }
        if selected >= top + bodyRows { top = selected - bodyRows + 1 }
        for r in 0..<bodyRows {
            let index = top + r
            guard index < source.rowCount else { break }
            let cells = source.cells(at: index)
            let style: TextStyle = index == selected && focused ? .selected : .plain
            let row = rect.row + 1 + r
            canvas.fill(row: row, col: rect.col, width: rect.width, style: style)
            // Each cell is placed at its own absolute column, so a Khmer
            // cell never shifts the cells after it.
            var x = rect.col
            for (i, column) in columns.enumerated() where i < cells.count && w[i] > 0 {
                let text = column.alignment == .right
                    ? TextFit.padLeft(cells[i], to: w[i]) : TextFit.truncateWithEllipsis(cells[i], to: w[i])
                canvas.put(text, row: row, col: x, style: style, maxWidth: w[i])
                x += w[i] + 1
            }
        }
    }
}
