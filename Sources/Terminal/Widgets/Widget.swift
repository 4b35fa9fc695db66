import KhmerText

/// What widgets need from the app at render time without depending on it:
/// which of an option's labels to show (0 = Khmer, 1 = English in Komar) and
/// a lookup for the few generic strings widgets show ("no match", "Yes").
public struct WidgetEnvironment {
    public var labelIndex: Int
    public var localize: (String) -> String
    /// Writes the digits of a text the user's way (Khmer digits in Khmer).
    public var digits: (String) -> String

    public init(labelIndex: Int = 0, localize: @escaping (String) -> String = { $0 },
                digits: @escaping (String) -> String = { $0 }) {
        self.labelIndex = labelIndex
        self.localize = localize
        self.digits = digits
    }
}

/// A piece of UI that draws itself into a rectangle and may take keys.
/// Widgets are small and composed by `Form` and by screens.
@MainActor
public protocol Widget: AnyObject {
    /// Rows needed at `width` columns.
    func height(width: Int) -> Int
    /// Draws into `rect`; a focused widget also places the cursor.
    func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment)
    /// Handles a key; false lets the container use it (focus moves, etc.).
    func handle(_ key: Key) -> Bool
    /// True while a drop-down list is open and takes every key.
    var isExpanded: Bool { get }
    /// False for read-only widgets that focus skips.
    var isFocusable: Bool { get }
    /// Draws the drop-down list, if open, anchored at the field's rectangle
    /// and kept inside `bounds`.
    func renderOverlay(into canvas: inout Canvas, anchor: Rect, bounds: Rect, env: WidgetEnvironment)
}

extension Widget {
    public var isExpanded: Bool { false }
    public var isFocusable: Bool { true }
    public func renderOverlay(into canvas: inout Canvas, anchor: Rect, bounds: Rect, env: WidgetEnvironment) {}
}

/// Static text in a form; long text wraps.
@MainActor
public final class Label: Widget {
    public var text: String
    public var style: TextStyle
    public init(_ text: String, style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }
    /// A long text wraps at word breaks, up to three lines (then "…").
    public func height(width: Int) -> Int { min(3, max(1, wrapWords(text, width: max(1, width)).count)) }
    public var isFocusable: Bool { false }
    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let lines = wrapWords(text, width: max(1, rect.width))
        for (i, line) in lines.prefix(rect.height).enumerated() {
            let last = i == rect.height - 1 && lines.count > rect.height
            canvas.put(last ? TextFit.truncateWithEllipsis(line + " …", to: rect.width) : line,
                       row: rect.row + i, col: rect.col, style: style, maxWidth: rect.width)
        }
    }
    public func handle(_ key: Key) -> Bool { false }
}

extension Canvas {
    /// A closed one-line field that opens something to choose from (a
    /// list, a checklist, a picker screen): the value, or a muted hint when
    /// there is none, and `mark` at the right edge saying it opens.
    mutating func putClosedField(_ value: String?, hint: String?, mark: String, at rect: Rect, focused: Bool) {
        let style: TextStyle = focused ? .focusedField : .field
        fill(row: rect.row, col: rect.col, width: rect.width, style: style)
        if let value {
            put(TextFit.truncateWithEllipsis(value, to: rect.width - 2), row: rect.row, col: rect.col, style: style)
        } else if let hint {
            put(hint, row: rect.row, col: rect.col, style: TextStyle(reverse: focused, underline: !focused, role: .muted),
                maxWidth: rect.width - 2)
        }
        put(mark, row: rect.row, col: rect.right - 1, style: style)
        if focused { cursor = nil }
    }
}
