import KhmerText

/// The bottom line: function keys and what they do, generated from the
/// key-binding registry so it always matches what the keys really do.
public enum FunctionKeyBar {
    public static func render(into canvas: inout Canvas, row: Int, entries: [(key: String, label: String)]) {
        canvas.fill(row: row, col: 0, width: canvas.size.width)
        var col = 0
        for entry in fitting(entries, width: canvas.size.width) {
            col += canvas.put(entry.key, row: row, col: col, style: .keyName)
            col += 1
            col += canvas.put(entry.label, row: row, col: col, style: .plain)
            col += 2
        }
    }

    /// The keys that always stay: help and leaving the screen.
    static let kept: Set<String> = ["F1", "F10"]

    /// The entries that fit in `width`, in their order: when they do not
    /// all fit, the last ones other than F1 and F10 are dropped first.
    public static func fitting(_ entries: [(key: String, label: String)], width: Int) -> [(key: String, label: String)] {
        var shown = entries
        func need(_ list: [(key: String, label: String)]) -> Int {
            list.reduce(0) { $0 + DisplayWidth.of($1.key) + DisplayWidth.of($1.label) + 3 } - 1
        }
        while need(shown) > width, let drop = shown.lastIndex(where: { !kept.contains($0.key) }) {
            shown.remove(at: drop)
        }
        return shown
    }
}

/// The line above the function-key bar: status and validation messages.
public enum StatusLine {
    public static func render(into canvas: inout Canvas, row: Int, text: String, style: TextStyle) {
        canvas.fill(row: row, col: 0, width: canvas.size.width)
        canvas.put(text, row: row, col: 1, style: style, maxWidth: canvas.size.width - 2)
    }
}

/// The top line: what screen this is, and who is logged in.
public enum TitleBar {
    public static func render(into canvas: inout Canvas, title: String, right: String) {
        canvas.fill(row: 0, col: 0, width: canvas.size.width, style: .title)
        let rightWidth = min(DisplayWidth.of(right), canvas.size.width / 2)
        canvas.put(title, row: 0, col: 1, style: .title, maxWidth: canvas.size.width - rightWidth - 3)
        canvas.put(TextFit.truncateWithEllipsis(right, to: rightWidth), row: 0, col: canvas.size.width - rightWidth - 1,
                   style: .title)
    }
}
