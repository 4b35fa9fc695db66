import KhmerText

/// The bottom line: function keys and what they do, generated from the
/// key-binding registry so it always matches what the keys really do.
public enum FunctionKeyBar {
    public static func render(into canvas: inout Canvas, row: Int, entries: [(key: String, label: String)]) {
        canvas.fill(row: row, col: 0, width: canvas.size.width)
        let (shown, gap) = layout(entries, width: canvas.size.width)
        var col = 0
        for entry in shown {
            col += canvas.put(entry.key, row: row, col: col, style: .keyName)
            col += 1
            col += canvas.put(entry.label, row: row, col: col, style: .plain)
            col += gap
        }
    }

    /// The keys that always stay: help and leaving the screen.
    static let kept: Set<String> = ["F1", "F10"]

    /// The entries that fit in `width`, in their order: when they do not
    /// all fit, the last ones other than F1 and F10 are dropped first.
    public static func fitting(_ entries: [(key: String, label: String)], width: Int) -> [(key: String, label: String)] {
        layout(entries, width: width).shown
    }

    /// The entries shown and the spaces between them: two, or one when that
    /// makes every key fit (Khmer labels are wider); keys are dropped only
    /// when even one space is not enough.
    static func layout(_ entries: [(key: String, label: String)], width: Int)
        -> (shown: [(key: String, label: String)], gap: Int) {
        func need(_ list: [(key: String, label: String)], gap: Int) -> Int {
            list.reduce(0) { $0 + DisplayWidth.of($1.key) + DisplayWidth.of($1.label) + 1 + gap } - gap
        }
        if need(entries, gap: 2) <= width { return (entries, 2) }
        var shown = entries
        while need(shown, gap: 1) > width, let drop = shown.lastIndex(where: { !kept.contains($0.key) }) {
            shown.remove(at: drop)
        }
        return (shown, 1)
    }
}

/// The line above the function-key bar: status and validation messages.
public enum StatusLine {
    public static func render(into canvas: inout Canvas, row: Int, text: String, style: TextStyle) {
        canvas.fill(row: row, col: 0, width: canvas.size.width)
        canvas.put(text, row: row, col: 1, style: style, maxWidth: canvas.size.width - 2)
    }
}

/// The top line: what screen this is, whose office (`detail`), and who is
/// logged in. Two spaces at least keep the office apart from the user.
public enum TitleBar {
    public static func render(into canvas: inout Canvas, title: String, detail: String = "", right: String) {
        canvas.fill(row: 0, col: 0, width: canvas.size.width, style: .title)
        let rightWidth = min(DisplayWidth.of(right), canvas.size.width / 2)
        let room = max(0, canvas.size.width - rightWidth - 4)
        let text = title + fitted(detail, room: room - DisplayWidth.of(title))
        canvas.put(TextFit.truncateWithEllipsis(text, to: room), row: 0, col: 1, style: .title)
        canvas.put(TextFit.truncateWithEllipsis(right, to: rightWidth), row: 0, col: canvas.size.width - rightWidth - 1,
                   style: .title)
    }

    /// " · detail" whole if it fits in `room`, else its first words and
    /// "…", else nothing: a name cut inside a word ("អង្គការកុ…") reads
    /// as another name.
    static func fitted(_ detail: String, room: Int) -> String {
        guard !detail.isEmpty else { return "" }
        let whole = " · " + detail
        if DisplayWidth.of(whole) <= room { return whole }
        var words = detail.split(separator: " ").map(String.init)
        while words.count > 1 {
            words.removeLast()
            let cut = " · " + words.joined(separator: " ") + "…"
            if DisplayWidth.of(cut) <= room { return cut }
        }
        return ""
    }
}
