import KhmerText

/// A message shown under one field: an error in red, a warning in yellow.
public struct FieldMessage: Equatable, Sendable {
    public let text: String
    public let isWarning: Bool
    /// The message in every language, by `WidgetEnvironment.labelIndex`,
    /// so that F6 says it again in the new one; empty when only `text` is
    /// known.
    public let translations: [String]

    public init(_ text: String, isWarning: Bool = false, translations: [String] = []) {
        self.text = text
        self.isWarning = isWarning
        self.translations = translations
    }

    /// The message in the language of `labelIndex`, where it is known.
    public func inLanguage(_ labelIndex: Int) -> FieldMessage {
        guard translations.indices.contains(labelIndex) else { return self }
        return FieldMessage(translations[labelIndex], isWarning: isWarning, translations: translations)
    }
}

/// A labelled field in a `Form`.
@MainActor
public final class FormField {
    public let id: String
    /// String-table key of the label.
    public let labelKey: String
    public let widget: any Widget
    public let required: Bool
    /// The validation message shown on the line below the field.
    public var message: FieldMessage?
    /// Hidden fields keep their value but are skipped and not drawn.
    public var isHidden = false

    public init(id: String, label labelKey: String, widget: any Widget, required: Bool = false) {
        self.id = id
        self.labelKey = labelKey
        self.widget = widget
        self.required = required
    }
}

/// Fields with labels in a column, one focused at a time. Tab, Shift-Tab,
/// ↓ and ↑ move focus (↑/↓ only when the field does not use them), Enter on
/// a one-line text field moves on. Each field's message sits right under it.
/// The form scrolls to keep the focused field on screen.
@MainActor
public final class Form {
    public private(set) var fields: [FormField]
    public private(set) var focusIndex = 0
    private var top = 0
    /// Called when Enter is pressed on the last field.
    public var onSubmit: (() -> Void)?
    /// Called on F2 (save), unless a drop-down list is open: there F2 is
    /// ignored so a half-made choice is not saved by accident.
    public var onSave: (() -> Void)?
    /// Tab on the last field goes to the first, Shift-Tab on the first to
    /// the last: a short form (username and password) where the user
    /// looks for the other field with Tab.
    public var wrapsFocus = false

    public init(fields: [FormField]) {
        self.fields = fields
        focusIndex = fields.firstIndex { !$0.isHidden } ?? 0
    }

    public var focused: FormField? { fields.indices.contains(focusIndex) ? fields[focusIndex] : nil }

    public func field(_ id: String) -> FormField? { fields.first { $0.id == id } }

    /// Says every message again in the language of `labelIndex` (F6).
    public func translateMessages(to labelIndex: Int) {
        for field in fields { field.message = field.message?.inLanguage(labelIndex) }
    }

    public func focus(_ id: String) {
        if let i = fields.firstIndex(where: { $0.id == id && !$0.isHidden }) { focusIndex = i }
    }

    public func clearMessages() { for f in fields { f.message = nil } }

    private func moveFocus(_ delta: Int, from start: Int? = nil) -> Bool {
        var i = (start ?? focusIndex) + delta
        while fields.indices.contains(i) {
            if !fields[i].isHidden && fields[i].widget.isFocusable {
                focusIndex = i
                return true
            }
            i += delta
        }
        return false
    }

    /// Handles a key; false when neither the field nor the form used it.
    public func handle(_ key: Key) -> Bool {
        if key == .function(2), let onSave {
            if !(focused?.widget.isExpanded ?? false) { onSave() }
            return true
        }
        guard let field = focused else { return false }
        // A message about the value goes once the value changes: the next save says it again if it still holds.
        // Only a field showing one is compared, so plain typing pays nothing.
        let before = field.message == nil ? nil : Self.typed(in: field.widget)
        if field.widget.handle(key) {
            if field.message != nil, Self.typed(in: field.widget) != before { field.message = nil }
            return true
        }
        switch key {
        case .tab:
            if !moveFocus(1) && wrapsFocus { _ = moveFocus(1, from: -1) }
            return true
        case .backTab:
            if !moveFocus(-1) && wrapsFocus { _ = moveFocus(-1, from: fields.count) }
            return true
        case .down: return moveFocus(1)
        case .up: return moveFocus(-1)
        case .enter:
            if !moveFocus(1) { onSubmit?() }
            return true
        default: return false
        }
    }

    /// What a field holds, to tell whether a key changed it: a password's
    /// text too, which a draft never keeps (walk-through: "at least 10
    /// characters" stayed under a password 19 characters long).
    private static func typed(in widget: any Widget) -> FieldValue? {
        if let field = widget as? TextField { return .text(field.text) }
        return (widget as? any ValueWidget)?.fieldValue
    }

    public func labelWidth(_ env: WidgetEnvironment, total: Int) -> Int {
        let widest = fields.map { DisplayWidth.of(env.localize($0.labelKey)) + ($0.required ? 2 : 0) }.max() ?? 10
        return min(max(widest + 1, 12), total / 3)
    }

    /// A field's message wrapped to the field's width (at most three
    /// lines), so a long one is read whole rather than cut.
    static func messageLines(_ message: FieldMessage?, width: Int) -> [String] {
        guard let message else { return [] }
        return Array(wrapWords((message.isWarning ? "⚠ " : "✗ ") + message.text, width: max(1, width)).prefix(3))
    }

    public func render(into canvas: inout Canvas, at rect: Rect, env: WidgetEnvironment) {
        // A field hidden while it had the focus (the first, often) hands it
        // to the next one shown, or the form would have nothing to scroll to.
        if focused?.isHidden == true, !moveFocus(1) { _ = moveFocus(-1) }
        let labelWidth = labelWidth(env, total: rect.width)
        let fieldWidth = rect.width - labelWidth - 1
        let visibleFields = fields.enumerated().filter { !$0.element.isHidden }
        let heights = visibleFields.map {
            $0.element.widget.height(width: fieldWidth) + Self.messageLines($0.element.message, width: fieldWidth).count
        }
        // Scroll so the whole focused field (with its message, and the
        // read-only rows right after it, which describe it) is visible.
        guard let focusPosition = visibleFields.firstIndex(where: { $0.offset == focusIndex }) else { return }
        var keepVisible = focusPosition
        while keepVisible + 1 < visibleFields.count && !visibleFields[keepVisible + 1].element.widget.isFocusable {
            keepVisible += 1
        }
        if focusPosition < top { top = focusPosition }
        while top < focusPosition && heights[top...keepVisible].reduce(0, +) > rect.height { top += 1 }
        var row = rect.row
        var overlay: (any Widget, Rect)?
        for (k, entry) in visibleFields.enumerated() where k >= top {
            let field = entry.element
            let h = field.widget.height(width: fieldWidth)
            if row + h > rect.bottom { break }
            let isFocused = entry.offset == focusIndex
            var label = env.localize(field.labelKey)
            if field.required { label += " *" }
            canvas.put(TextFit.pad(label, to: labelWidth), row: row, col: rect.col,
                       style: isFocused ? TextStyle(bold: true, role: .accent) : .plain)
            let fieldRect = Rect(row: row, col: rect.col + labelWidth + 1, width: fieldWidth, height: h)
            field.widget.render(into: &canvas, at: fieldRect, focused: isFocused, env: env)
            if isFocused && field.widget.isExpanded { overlay = (field.widget, fieldRect) }
            row += h
            for line in Self.messageLines(field.message, width: fieldWidth) where row < rect.bottom {
                canvas.put(line, row: row, col: fieldRect.col, style: field.message?.isWarning == true ? .warning : .error,
                           maxWidth: fieldWidth)
                row += 1
            }
        }
        if top > 0 { canvas.put("▲", row: rect.row, col: rect.right - 1, style: .muted) }
        if row < rect.bottom - 1 || visibleFields.count > 0 {
            let lastShown = heights.indices.filter { $0 >= top }.reduce((rect.row, top)) { acc, i in
                acc.0 + heights[i] <= rect.bottom ? (acc.0 + heights[i], i) : acc
            }.1
            if lastShown < visibleFields.count - 1 {
                canvas.put("▼", row: rect.bottom - 1, col: rect.right - 1, style: .muted)
            }
        }
        if let (widget, anchor) = overlay {
            widget.renderOverlay(into: &canvas, anchor: anchor, bounds: rect, env: env)
        }
    }
}
