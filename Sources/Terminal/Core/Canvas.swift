import KhmerText

/// One terminal column. A cluster wider than one column lives in its first
/// cell; the cells it covers are continuations (`width == 0`).
public struct Cell: Equatable, Sendable {
    public var text: String
    public var width: Int
    public var style: TextStyle

    public static let blank = Cell(text: " ", width: 1, style: .plain)
    static let continuation = Cell(text: "", width: 0, style: .plain)

    public var isContinuation: Bool { width == 0 }
}

/// The grid every screen draws into. Backends copy it to the real terminal
/// (ncurses) or keep it for tests (in memory). Text is placed by Khmer-aware
/// clusters with widths from the terminal's own `wcwidth`.
public struct Canvas: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown, or nil to hide it.
    public var cursor: Position?

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    public subscript(row: Int, col: Int) -> Cell {
        cells[row * size.width + col]
    }

    /// Draws `text` from (`row`, `col`), clipped to `maxWidth` columns and
    /// the canvas edge, never cutting a cluster; "…" marks a cut. Returns
    /// the columns used.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, style: TextStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < size.height, col < size.width else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.width - max(col, 0))
        guard limit > 0 else { return 0 }
        var x = col
        var used = 0
        var last: (col: Int, style: TextStyle)?
        for cluster in Clusters.split(text) {
            var piece = String(cluster)
            if piece.contains(where: { $0 == "\n" || $0 == "\t" || $0 == "\r" }) { piece = " " }
            let w = Clusters.width(ofCluster: piece)
            if w == 0 { continue }                       // zero-width format characters draw nothing
            if DisplayWidth.ofScalars(piece) == 0 {
                // A mark with no base: show it on a dotted circle, as fonts do.
                piece = "\u{25CC}" + piece
            }
            if used + w > limit {
                // "…" marks every cut: in the free column, or over the
                // last cluster drawn when none is left.
                if used < limit, x >= 0 {
                    setCell(row: row, col: x, Cell(text: "…", width: 1, style: style))
                    used += 1
                } else if let last {
                    setCell(row: row, col: last.col, Cell(text: "…", width: 1, style: last.style))
                }
                break
            }
            if x >= 0 {
                setCell(row: row, col: x, Cell(text: piece, width: w, style: style))
                last = (x, style)
            }
            x += w
            used += w
        }
        return used
    }

    /// Fills `width` columns from (`row`, `col`) with spaces in `style`.
    public mutating func fill(row: Int, col: Int, width: Int, style: TextStyle = .plain) {
        guard row >= 0, row < size.height else { return }
        for x in max(0, col)..<min(size.width, col + width) {
            setCell(row: row, col: x, Cell(text: " ", width: 1, style: style))
        }
    }

    /// Fills a rectangle with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: TextStyle = .plain) {
        for r in rect.row..<rect.bottom { fill(row: r, col: rect.col, width: rect.width, style: style) }
    }

    /// Draws a single-line box around `rect`.
    public mutating func box(_ rect: Rect, style: TextStyle = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let horizontal = String(repeating: "─", count: rect.width - 2)
        put("┌" + horizontal + "┐", row: rect.row, col: rect.col, style: style)
        put("└" + horizontal + "┘", row: rect.bottom - 1, col: rect.col, style: style)
        for r in (rect.row + 1)..<(rect.bottom - 1) {
            put("│", row: r, col: rect.col, style: style)
            put("│", row: r, col: rect.right - 1, style: style)
        }
    }

    private mutating func setCell(row: Int, col: Int, _ cell: Cell) {
        guard col >= 0, col + cell.width <= size.width else { return }
        let base = row * size.width
        // Whatever this cell or its continuations overlap is blanked first,
        // so no half of a wide cluster is left behind.
        for x in col..<(col + max(cell.width, 1)) { clearCluster(at: base, col: x) }
        cells[base + col] = cell
        if cell.width > 1 {
            for x in (col + 1)..<(col + cell.width) { cells[base + x] = .continuation }
        }
    }

    private mutating func clearCluster(at base: Int, col: Int) {
        var start = col
        while start > 0 && cells[base + start].isContinuation { start -= 1 }
        let owner = cells[base + start]
        let end = start + max(owner.width, 1)
        guard owner.width > 1 || owner.isContinuation else { return }
        for x in start..<min(end, size.width) {
            cells[base + x] = Cell(text: " ", width: 1, style: owner.style)
        }
    }

    /// The text of one row as the terminal would show it (for tests and
    /// debugging), trailing spaces kept.
    public func rowText(_ row: Int) -> String {
        var s = ""
        for col in 0..<size.width { s += self[row, col].text }
        return s
    }

    /// The whole screen as lines of text.
    public var text: String {
        (0..<size.height).map { rowText($0) }.joined(separator: "\n")
    }
}
