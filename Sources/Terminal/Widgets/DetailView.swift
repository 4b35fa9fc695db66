import KhmerText

/// One line of a record's file: a section heading, a labelled field, free
/// text, or a gap.
public enum DetailLine: Sendable {
    case heading(String)
    case field(label: String, value: String, style: TextStyle = .plain)
    case text(String, style: TextStyle = .plain)
    /// An entry of a list ("2. Pov Piseth · …", "12/11 · visit …"): its
    /// further lines start under its text, after the marker before its first
    /// space.
    case item(String, style: TextStyle = .plain)
    case blank
}

/// A record's file (a case, a household, a referral, a provider, help):
/// labelled fields whose values wrap under their own value column, section
/// headings and free text. Scrolls with ↑ ↓ PgUp PgDn Home End.
@MainActor
public final class DetailView: Widget {
    public var lines: [DetailLine]
    /// Columns for labels; nil fits the widest label (at most a third of
    /// the width).
    public var labelWidth: Int?
    private var top = 0
    private var lastHeight = 10
    private var lastRowCount = 0

    public init(lines: [DetailLine] = [], labelWidth: Int? = nil) {
        self.lines = lines
        self.labelWidth = labelWidth
    }

    public func height(width: Int) -> Int { rows(width: width).count }

    public func handle(_ key: Key) -> Bool {
        let maxTop = max(0, lastRowCount - lastHeight)
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

    /// A drawn row: text from a column, in a style; a field's label row
    /// carries its label too.
    struct Row {
        var label: String?
        let col: Int
        let text: String
        let style: TextStyle
    }

    func rows(width: Int) -> [Row] {
        let usable = max(1, width - 1)
        let labels = lines.compactMap { line -> String? in
            if case .field(let label, _, _) = line { return label }
            return nil
        }
        let widest = labels.map { DisplayWidth.of($0) }.max() ?? 0
        let labelColumns = min(labelWidth ?? widest + 2, max(1, usable / 3))
        var rows: [Row] = []
        for line in lines {
            switch line {
            case .heading(let text):
                rows += wrapWords(text, width: usable).map { Row(col: 0, text: $0, style: .heading) }
            case .text(let text, let style):
                rows += wrapWords(text, width: usable).map { Row(col: 0, text: $0, style: style) }
            case .item(let text, let style):
                let marker = text.firstIndex(of: " ").map { DisplayWidth.of(text[..<$0]) + 1 } ?? 0
                let indent = marker <= 12 && marker < usable / 2 ? marker : 0
                let first = wrapWords(text, width: usable).first ?? ""
                rows.append(Row(col: 0, text: first, style: style))
                let rest = String(text.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
                if !rest.isEmpty {
                    rows += wrapWords(rest, width: max(1, usable - indent)).map { Row(col: indent, text: $0, style: style) }
                }
            case .blank:
                rows.append(Row(col: 0, text: "", style: .plain))
            case .field(let label, let value, let style):
                let pieces = wrapWords(value, width: max(1, usable - labelColumns))
                for (i, piece) in pieces.enumerated() {
                    rows.append(Row(label: i == 0 ? TextFit.truncateWithEllipsis(label, to: labelColumns - 1) : nil,
                                    col: labelColumns, text: piece, style: style))
                }
            }
        }
        return rows
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let all = rows(width: rect.width)
        lastHeight = rect.height
        lastRowCount = all.count
        top = min(top, max(0, all.count - rect.height))
        for r in 0..<rect.height {
            let index = top + r
            guard index < all.count else { break }
            let row = all[index]
            if let label = row.label { canvas.put(label, row: rect.row + r, col: rect.col, style: .muted) }
            canvas.put(row.text, row: rect.row + r, col: rect.col + row.col, style: row.style,
                       maxWidth: rect.width - 1 - row.col)
        }
        if top > 0 { canvas.put("▲", row: rect.row, col: rect.right - 1, style: .muted) }
        if top + rect.height < all.count { canvas.put("▼", row: rect.bottom - 1, col: rect.right - 1, style: .muted) }
    }
}
