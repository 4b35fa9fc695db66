import KhmerText

/// Lines of text wider and longer than the screen (a report's tables),
/// scrolled both ways: ↑ ↓ PgUp PgDn Home End down the lines, ← → across
/// them by eight columns. Lines are never wrapped, so columns stay lined
/// up; a line cut at either edge shows "…" there. A line's first
/// `frozen` columns (a table's row labels) stay in place when it scrolls
/// sideways, so a row is never read without its label; lines that do not
/// scroll (wrapped text) stay in place.
@MainActor
public final class TextPane: Widget {
    public struct Line: Sendable {
        public let text: String
        public let style: TextStyle
        public let frozen: Int
        /// False for text wrapped to the screen (a title, a note): it stays
        /// where it is while the tables scroll sideways.
        public let scrolls: Bool
        public init(_ text: String, style: TextStyle = .plain, frozen: Int = 0, scrolls: Bool = true) {
            self.text = text
            self.style = style
            self.frozen = frozen
            self.scrolls = scrolls
        }
    }

    public var lines: [Line] {
        didSet { clamp() }
    }
    public private(set) var top = 0
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
        case .left: left -= Self.sidewaysStep
        case .right: left += Self.sidewaysStep
        default: return false
        }
        clamp()
        return true
    }

    private func clamp() {
        top = max(0, min(top, lines.count - lastHeight))
        left = max(0, min(left, contentWidth - lastWidth))
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        lastHeight = max(1, rect.height)
        lastWidth = max(1, rect.width)
        clamp()
        for (i, line) in lines.dropFirst(top).prefix(rect.height).enumerated() {
            guard line.scrolls else {
                canvas.put(line.text, row: rect.row + i, col: rect.col, style: line.style, maxWidth: rect.width)
                continue
            }
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
