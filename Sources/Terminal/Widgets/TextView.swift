/// A styled line of read-only text.
public struct StyledLine: Sendable {
    public let text: String
    public let style: TextStyle
    public init(_ text: String, style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }
}

/// Read-only lines that scroll with ↑/↓, PgUp/PgDn, Home/End. Long lines
/// wrap at the view's width.
@MainActor
public final class TextView: Widget {
    public var lines: [StyledLine]
    private var top = 0
    private var lastHeight = 10
    private var lastWrappedCount = 0

    public init(lines: [StyledLine] = []) { self.lines = lines }

    public func height(width: Int) -> Int { lines.count }

    public func handle(_ key: Key) -> Bool {
        let maxTop = max(0, lastWrappedCount - lastHeight)
        switch key {
        case .up: top = max(0, top - 1)
        case .down: top = min(maxTop, top + 1)
        case .pageUp: top = max(0, top - lastHeight + 1)
        case .pageDown: top = min(maxTop, top + lastHeight - 1)
        case .home: top = 0
        case .end: top = maxTop
        default: return false
        }
        return true
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        var wrapped: [StyledLine] = []
        for line in lines {
            for piece in wrapWords(line.text, width: rect.width - 1) { wrapped.append(StyledLine(piece, style: line.style)) }
        }
        lastHeight = rect.height
        lastWrappedCount = wrapped.count
        top = min(top, max(0, wrapped.count - rect.height))
        for r in 0..<rect.height {
            let index = top + r
            guard index < wrapped.count else { break }
            canvas.put(wrapped[index].text, row: rect.row + r, col: rect.col, style: wrapped[index].style,
                       maxWidth: rect.width - 1)
        }
        if top > 0 { canvas.put("▲", row: rect.row, col: rect.right - 1, style: .muted) }
        if top + rect.height < wrapped.count { canvas.put("▼", row: rect.bottom - 1, col: rect.right - 1, style: .muted) }
    }
}
