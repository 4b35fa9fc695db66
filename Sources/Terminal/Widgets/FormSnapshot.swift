import KhmerText

/// What one field holds, as a draft keeps it: the raw text typed, the ids
/// chosen, or a value picked on another screen.
public enum FieldValue: Codable, Equatable, Sendable {
    case text(String)
    case choice(String?)
    case choices([String])
    case picked(id: String, text: String)
    case none
}

/// A widget whose value a draft can keep and put back.
@MainActor
public protocol ValueWidget: Widget {
    /// The value now; nil for one a draft must never hold (a password).
    var fieldValue: FieldValue? { get }
    /// Puts a kept value back, as if the user had typed or chosen it, so
    /// lists that depend on it (districts of a province) are filled.
    func restore(_ value: FieldValue)
    /// A value in words, as the field would show it.
    func describe(_ value: FieldValue, env: WidgetEnvironment) -> String
}

extension ValueWidget {
    public func describe(_ value: FieldValue, env: WidgetEnvironment) -> String {
        switch value {
        case .text(let text): text
        case .choice(let id): id ?? ""
        case .choices(let ids): ids.joined(separator: ", ")
        case .picked(_, let text): text
        case .none: ""
        }
    }
}

// Numbers and dates are kept in Western digits, so that the same value
// written in Khmer digits (after F6) is not a change.
extension TextField: ValueWidget {
    public var fieldValue: FieldValue? {
        switch kind {
        case .secret: nil
        case .number, .date: .text(Digits.toWestern(text))
        case .text, .phone: .text(text)
        }
    }
    public func restore(_ value: FieldValue) { if case .text(let t) = value, kind != .secret { text = t } }
}

extension DateField: ValueWidget {
    public var fieldValue: FieldValue? { .text(Digits.toWestern(text)) }
    public func restore(_ value: FieldValue) { if case .text(let t) = value { text = t } }
}

extension TextArea: ValueWidget {
    public var fieldValue: FieldValue? { .text(text) }
    public func restore(_ value: FieldValue) { if case .text(let t) = value { text = t } }
}

extension ChoiceField: ValueWidget {
    public var fieldValue: FieldValue? { .choice(selectedId) }
    public func restore(_ value: FieldValue) { if case .choice(let id) = value { select(id) } }
    public func describe(_ value: FieldValue, env: WidgetEnvironment) -> String {
        guard case .choice(let id?) = value else { return "" }
        return options.first { $0.id == id }?.label(env.labelIndex) ?? id
    }
}

extension MultiChoiceField: ValueWidget {
    public var fieldValue: FieldValue? { .choices(selectedIds.sorted()) }
    public func restore(_ value: FieldValue) { if case .choices(let ids) = value { select(Set(ids)) } }
    public func describe(_ value: FieldValue, env: WidgetEnvironment) -> String {
        guard case .choices(let ids) = value else { return "" }
        return options.filter { ids.contains($0.id) }.map { $0.label(env.labelIndex) }.joined(separator: ", ")
    }
}

extension PickerField: ValueWidget {
    public var fieldValue: FieldValue? { value.map { .picked(id: $0.id, text: $0.text) } ?? FieldValue.none }
    public func restore(_ value: FieldValue) {
        switch value {
        case .picked(let id, let text): set(Value(id: id, text: text))
        case .none: set(nil)
        default: break
        }
    }
}

/// Every field's value by field id, for drafts and for three-way merges.
public typealias FormSnapshot = [String: FieldValue]

extension Form {
    /// The values of the fields a draft may keep (not passwords, not labels).
    public func snapshot() -> FormSnapshot {
        var values: FormSnapshot = [:]
        for field in fields {
            if let widget = field.widget as? any ValueWidget, let value = widget.fieldValue { values[field.id] = value }
        }
        return values
    }

    /// Puts values back in field order, so a choice that fills the next
    /// field's list (province → district) comes first. Numbers and dates
    /// are written with `digits` (the language's own).
    public func restore(_ snapshot: FormSnapshot, digits: (String) -> String) {
        for field in fields {
            if let value = snapshot[field.id], let widget = field.widget as? any ValueWidget { widget.restore(value) }
        }
        rewriteDigits(digits)
    }

    /// Writes the numbers and dates of every field again with `digits`
    /// (from Western ones), as when F6 switches the language.
    public func rewriteDigits(_ digits: (String) -> String) {
        for field in fields {
            switch field.widget {
            case let number as TextField where number.kind == .number || number.kind == .date:
                number.text = digits(Digits.toWestern(number.text))
            case let date as DateField:
                date.text = digits(Digits.toWestern(date.text))
            default:
                break
            }
        }
    }
}
