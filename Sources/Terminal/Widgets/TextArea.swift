import KhmerText

/// Multi-line text, soft-wrapped at the field width by cluster. Enter starts
/// a new line; Tab leaves the field.
@MainActor
public final class TextArea: Widget {
    public var editor: EditableText
    public let rows: Int
    private var topLine = 0
    public var onChange: ((String) -> Void)?

    public init(_ text: String = "", rows: Int = 4, maxLength: Int = 20_000) {
        editor = EditableText(text, maxLength: maxLength)
        self.rows = rows
    }

    public var text: String {
        get { editor.text }
        set { editor.text = newValue }
    }

    public func height(width: Int) -> Int { rows }

    /// A wrapped visual line: scalar range and text.
    struct VisualLine {
        let start: Int
        let end: Int
        let text: String
    }

    /// Lines as drawn: a line breaks after a space or zero-width space
    /// (Khmer's word break) when the next word does not fit, and inside a
    /// word only when the word is longer than the line.
    func wrap(width: Int) -> [VisualLine] {
        let w = max(1, width - 1)
        var lines: [VisualLine] = []
        var lineStart = 0
        var offset = 0
        // The clusters of the line being filled, and where it may break.
        var pieces: [(text: String, count: Int, width: Int)] = []
        var used = 0
        var lastBreak: Int?
        func flush(upTo end: Int) {
            let head = pieces[..<end]
            let count = head.reduce(0) { $0 + $1.count }
            lines.append(VisualLine(start: lineStart, end: lineStart + count, text: head.map(\.text).joined()))
            lineStart += count
            pieces.removeFirst(end)
            used = pieces.reduce(0) { $0 + $1.width }
            lastBreak = nil
        }
        for cluster in Clusters.split(editor.text) {
            let count = cluster.unicodeScalars.count
            if cluster == "\n" {
                flush(upTo: pieces.count)
                offset += count
                lineStart = offset
                continue
            }
            let cw = DisplayWidth.of(cluster)
            while used + cw > w && !pieces.isEmpty {
                if let b = lastBreak, b > 0 { flush(upTo: b) } else { flush(upTo: pieces.count) }
            }
            pieces.append((String(cluster), count, cw))
            used += cw
            offset += count
            if cluster == " " || cluster == "\u{200B}" { lastBreak = pieces.count }
        }
        flush(upTo: pieces.count)
        return lines
    }

    private func lineIndex(of cursor: Int, in lines: [VisualLine]) -> Int {
        lines.lastIndex(where: { $0.start <= cursor }) ?? 0
    }

    private var lastWidth = 40

    private func column(of offset: Int, in line: VisualLine) -> Int {
        DisplayWidth.of(String(String.UnicodeScalarView(editor.scalars[line.start..<max(line.start, offset)])))
    }

    private func moveVertically(_ delta: Int) -> Bool {
        let lines = wrap(width: lastWidth)
        let index = lineIndex(of: editor.cursor, in: lines)
        let target = index + delta
        guard target >= 0, target < lines.count else { return false }
        let col = column(of: editor.cursor, in: lines[index])
        let line = lines[target]
        var offset = line.start
        var used = 0
        for b in Clusters.scalarBoundaries(line.text).dropFirst() {
            let next = line.start + b
            let w = column(of: next, in: line)
            if w > col { break }
            offset = next
            used = w
        }
        _ = used
        editor.setCursor(offset)
        return true
    }

    public func handle(_ key: Key) -> Bool {
        let before = editor.text
        switch key {
        case .char(let c):
            guard c.properties.generalCategory != .control else { return true }
            editor.insert(c)
        case .enter: editor.insert("\n")
        case .backspace: editor.backspace()
        case .delete: editor.deleteForward()
        case .left: editor.moveLeft()
        case .right: editor.moveRight()
        case .up: return moveVertically(-1)
        case .down: return moveVertically(1)
        case .home: editor.moveHome()
        case .end: editor.moveEnd()
        default: return false
        }
        if editor.text != before { onChange?(editor.text) }
        return true
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        lastWidth = rect.width
        let lines = wrap(width: rect.width)
        let cursorLine = lineIndex(of: editor.cursor, in: lines)
        if cursorLine < topLine { topLine = cursorLine }
        if cursorLine >= topLine + rect.height { topLine = cursorLine - rect.height + 1 }
        let style: TextStyle = focused ? .focusedField : .field
        for r in 0..<rect.height {
            canvas.fill(row: rect.row + r, col: rect.col, width: rect.width, style: style)
            let index = topLine + r
            if index < lines.count {
                canvas.put(lines[index].text, row: rect.row + r, col: rect.col, style: style, maxWidth: rect.width)
            }
        }
        if focused {
            let col = column(of: editor.cursor, in: lines[cursorLine])
            canvas.cursor = Position(row: rect.row + cursorLine - topLine, col: rect.col + min(col, rect.width - 1))
        }
    }
}
