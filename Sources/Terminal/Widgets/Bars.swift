import KhmerText

/// The bottom line: function keys and what they do, generated from the
/// key-binding registry so it always matches what the keys really do.
public enum FunctionKeyBar {
    public static func render(into canvas: inout Canvas, row: Int, entries: [(key: String, label: String)]) {
        canvas.fill(row: row, col: 0, width: canvas.size.width)
        var col = 0
        for entry in entries {
            let need = DisplayWidth.of(entry.key) + DisplayWidth.of(entry.label) + 3
            if col + need > canvas.size.width { break }
            col += canvas.put(entry.key, row: row, col: col, style: .keyName)
            col += 1
            col += canvas.put(entry.label, row: row, col: col, style: .plain)
            col += 2
        }
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
        canvas.put(TextFit.truncate(right, to: rightWidth), row: 0, col: canvas.size.width - rightWidth - 1,
                   style: .title)
    }
}
