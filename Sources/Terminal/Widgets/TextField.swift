import KhmerText

/// A single-line text field. Text wider than the field scrolls
/// horizontally to keep the cursor visible.
@MainActor
public final class TextField: Widget {
    /// What the field accepts.
    public enum Kind: Sendable {
        case text
        /// Digits only, Khmer ០–៩ or Western 0–9.
        case number
        /// Digits and the separators / - . (day/month/year).
        case date
        /// Shown as dots: passwords.
        case secret
        /// Digits, spaces, + and - (phone numbers).
        case phone
    }

    public var editor: EditableText
    public let kind: Kind
    /// Grey hint shown while the field is empty (a string-table key).
    public var placeholderKey: String?
    /// Columns scrolled off to the left.
    private var scroll = 0
    /// Called after every change to the text.
    public var onChange: ((String) -> Void)?

    public init(_ text: String = "", kind: Kind = .text, maxLength: Int = 200, placeholderKey: String? = nil) {
        editor = EditableText(text, maxLength: maxLength)
        self.kind = kind
        self.placeholderKey = placeholderKey
    }

    public var text: String {
        get { editor.text }
        set {
            editor.text = newValue
            onChange?(newValue)
        }
    }

    public func height(width: Int) -> Int { 1 }

    func accepts(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.generalCategory == .control { return false }
        switch kind {
        case .text, .secret: return true
        case .number: return Digits.isDigit(scalar)
        case .date: return Digits.isDigit(scalar) || "/-. ".unicodeScalars.contains(scalar)
        case .phone: return Digits.isDigit(scalar) || " +-".unicodeScalars.contains(scalar)
        }
    }

    public func handle(_ key: Key) -> Bool {
        let before = editor.text
        switch key {
        case .char(let c):
            // Refused, and said so: the screen tells the user what the
            // field takes rather than dropping the letter in silence.
            guard accepts(c) else { return false }
            editor.insert(c)
        case .backspace: editor.backspace()
        case .delete: editor.deleteForward()
        case .left: editor.moveLeft()
        case .right: editor.moveRight()
        case .home: editor.moveHome()
        case .end: editor.moveEnd()
        case .ctrl("u"): editor.clear()
        default: return false
        }
        if editor.text != before { onChange?(editor.text) }
        return true
    }

    /// What is drawn for the text (dots for secrets).
    private var shown: String {
        kind == .secret ? String(repeating: "•", count: editor.scalars.count) : editor.text
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let style: TextStyle = focused ? .focusedField : .field
        canvas.fill(row: rect.row, col: rect.col, width: rect.width, style: style)
        let cursorCol = kind == .secret ? editor.cursor : editor.cursorColumn
        let visible = max(1, rect.width - 1)
        if cursorCol < scroll { scroll = cursorCol }
        if cursorCol - scroll > visible { scroll = cursorCol - visible }
        if editor.isEmpty, let placeholderKey, !focused {
            canvas.put(env.localize(placeholderKey), row: rect.row, col: rect.col,
                       style: TextStyle(underline: true, role: .muted), maxWidth: rect.width)
        } else {
            var skipped = 0
            var piece = ""
            var clusters = Clusters.split(shown)[...]
            while let first = clusters.first, skipped < scroll {
                skipped += DisplayWidth.of(first)
                clusters = clusters.dropFirst()
            }
            for c in clusters { piece += c }
            // A wide cluster partly scrolled off leaves blank columns on the
            // left; what follows it must still end inside the box.
            let shift = skipped - scroll
            canvas.put(piece, row: rect.row, col: rect.col + shift, style: style, maxWidth: rect.width - shift)
        }
        if focused {
            canvas.cursor = Position(row: rect.row, col: rect.col + min(cursorCol - scroll, rect.width - 1))
        }
    }
}

/// A day/month/year field. It accepts Khmer or Western digits; the app
/// checks the calendar (so 31/02 is refused with a message, not silently).
@MainActor
public final class DateField: Widget {
    public let field: TextField

    public init(_ text: String = "") {
        field = TextField(text, kind: .date, maxLength: 10, placeholderKey: "widget.date-hint")
    }

    public var text: String {
        get { field.text }
        set { field.text = newValue }
    }

    /// Day, month and year as typed (2-digit years become 20xx), or nil when
    /// the text is not three numbers.
    public var parts: (day: Int, month: Int, year: Int)? {
        let western = Digits.toWestern(field.text)
        let pieces = western.split(whereSeparator: { "/-. ".contains($0) })
        guard pieces.count == 3, let d = Int(pieces[0]), let m = Int(pieces[1]), var y = Int(pieces[2]) else {
            return nil
        }
        if pieces[2].count == 2 { y += 2000 }
        return (d, m, y)
    }

    public func height(width: Int) -> Int { 1 }
    public func handle(_ key: Key) -> Bool { field.handle(key) }
    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        field.render(into: &canvas, at: Rect(row: rect.row, col: rect.col, width: min(rect.width, 12), height: 1),
                     focused: focused, env: env)
    }
}
