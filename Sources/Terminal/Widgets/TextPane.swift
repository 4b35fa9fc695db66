import KhmerText

/// Lines of text wider and longer than the screen (a report's tables),
/// scrolled both ways: ↑ ↓ PgUp PgDn Home End down the lines, ← → across
/// them: a table's line by one whole column (its `columnStarts`, "‹" after
/// its label marking the columns scrolled past), and only
/// as far as that table needs, so each table stops once its last column
/// shows; other lines by eight columns. Lines are never wrapped, so
/// columns stay lined up; a line cut at either edge shows "…" there. A
/// line's first `frozen` columns (a table's row labels) stay in place when
/// it scrolls sideways, so a row is never read without its label; lines
/// that do not scroll (wrapped text) stay in place.
@MainActor
public final class TextPane: Widget {
    public struct Line: Sendable {
        public let text: String
        public let style: TextStyle
        public let frozen: Int
        /// False for text wrapped to the screen (a title, a note): it stays
        /// where it is while the tables scroll sideways.
        public let scrolls: Bool
        /// Where a table's columns after the frozen ones begin.
        public let columnStarts: [Int]
        public init(_ text: String, style: TextStyle = .plain, frozen: Int = 0, scrolls: Bool = true,
                    columnStarts: [Int] = []) {
            self.text = text
            self.style = style
            self.frozen = frozen
            self.scrolls = scrolls
            self.columnStarts = columnStarts
        }
    }

    public var lines: [Line] {
        didSet { clamp() }
    }
    public private(set) var top = 0
    /// How many steps right: whole columns in a table, eight columns
    /// elsewhere.
    public private(set) var left = 0
    private var lastHeight = 10
    private var lastWidth = 80
    public static let sidewaysStep = 8

    public init(lines: [Line] = []) { self.lines = lines }

    public func height(width: Int) -> Int { lines.count }

    /// The widest line that scrolls sideways, in columns: how far ← → go.
    public var contentWidth: Int { lines.filter(\.scrolls).map { DisplayWidth.of($0.text) }.max() ?? 0 }

    public func handle(_ key: Key) -> Bool {
        switch key {
        case .up: top -= 1
        case .down: top += 1
        case .pageUp: top -= max(1, lastHeight - 1)
        case .pageDown: top += max(1, lastHeight - 1)
        case .home: (top, left) = (0, 0)
        case .end: top = lines.count
        case .left: left -= 1
        case .right: left += 1
        default: return false
        }
        clamp()
        return true
    }

    private func clamp() {
        top = max(0, min(top, lines.count - lastHeight))
        left = max(0, min(left, stepLimits(width: lastWidth).max() ?? 0))
    }

    /// For each line, the steps right after which all of it shows; a
    /// table's lines (a run with the same column starts) share the most any
    /// of them needs, so its heading and rows move together.
    private func stepLimits(width: Int) -> [Int] {
        var limits = lines.map { $0.scrolls ? stepsNeeded($0, width: width) : 0 }
        var start = 0
        while start < lines.count {
            var end = start + 1
            while end < lines.count && !lines[start].columnStarts.isEmpty
                    && lines[end].columnStarts == lines[start].columnStarts { end += 1 }
            let most = limits[start..<end].max() ?? 0
            for i in start..<end { limits[i] = most }
            start = end
        }
        return limits
    }

    /// The steps right after which all of `line` shows.
    private func stepsNeeded(_ line: Line, width: Int) -> Int {
        let total = DisplayWidth.of(line.text)
        guard total > width else { return 0 }
        guard !line.columnStarts.isEmpty else { return (total - width + Self.sidewaysStep - 1) / Self.sidewaysStep }
        let frozen = frozenWidth(line, width: width)
        for (k, start) in line.columnStarts.enumerated().dropFirst() where frozen + total - start <= width { return k }
        return line.columnStarts.count - 1
    }

    private func frozenWidth(_ line: Line, width: Int) -> Int { min(line.frozen, width * 2 / 3) }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        lastHeight = max(1, rect.height)
        lastWidth = max(1, rect.width)
        clamp()
        let limits = stepLimits(width: rect.width)
        for (i, line) in lines.dropFirst(top).prefix(rect.height).enumerated() {
            guard line.scrolls else {
                canvas.put(line.text, row: rect.row + i, col: rect.col, style: line.style, maxWidth: rect.width)
                continue
            }
            if !line.columnStarts.isEmpty {
                let steps = min(left, limits[top + i])
                var text = line.text
                if steps > 0 {
                    // The label, then "‹" where the columns scrolled past
                    // were: "…" there read as the label cut short.
                    let frozen = frozenWidth(line, width: rect.width)
                    text = TextFit.pad(TextFit.truncate(line.text, to: max(0, frozen - 2)), to: max(0, frozen - 2)) + " ‹ "
                        + Self.dropColumns(line.text, line.columnStarts[steps])
                }
                canvas.put(text, row: rect.row + i, col: rect.col, style: line.style, maxWidth: rect.width)
                continue
            }
            let left = self.left * Self.sidewaysStep
            let frozen = left > 0 ? min(line.frozen, rect.width * 2 / 3) : 0
            var head = ""
            var rest = line.text
            if frozen > 0 {
                head = TextFit.pad(TextFit.truncate(line.text, to: frozen), to: frozen)
                rest = Self.dropColumns(line.text, frozen)
            }
            var text = Self.dropColumns(rest, left)
            if left > 0 && !text.isEmpty { text = "…" + Self.dropColumns(text, 1) }
            // A row whose other columns are all scrolled past still says it has some.
            if left > 0 && text.isEmpty && frozen > 0 && !rest.trimmingSpaces().isEmpty { text = "…" }
            canvas.put(head + text, row: rect.row + i, col: rect.col, style: line.style, maxWidth: rect.width)
        }
    }

    /// `text` without its first `columns` display columns; a cluster cut
    /// in two is dropped whole and made up with a space.
    static func dropColumns(_ text: String, _ columns: Int) -> String {
        guard columns > 0 else { return text }
        var dropped = 0
        var rest = Substring(text)
        for cluster in Clusters.split(text) {
            guard dropped < columns else { break }
            dropped += Clusters.width(ofCluster: cluster)
            rest = rest.dropFirst(cluster.count)
        }
        return String(repeating: " ", count: max(0, dropped - columns)) + rest
    }
}
