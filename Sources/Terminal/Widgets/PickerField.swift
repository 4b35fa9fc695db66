/// A field whose value is chosen on another screen (a household from the
/// register, say): it shows the chosen value or a hint; Enter or Space asks
/// the screen to open the chooser (`onOpen`), Delete or Backspace clears it.
@MainActor
public final class PickerField: Widget {
    /// What the field holds: an id for the program, a text for the user.
    public struct Value: Equatable, Sendable {
        public let id: String
        public let text: String
        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    public private(set) var value: Value?
    /// Grey hint shown while nothing is chosen (a string-table key).
    public var placeholderKey: String?
    /// Called when the user asks to choose.
    public var onOpen: (() -> Void)?
    /// Called after the value changes, by the user or by `set`.
    public var onChange: ((Value?) -> Void)?

    public init(placeholderKey: String? = nil) { self.placeholderKey = placeholderKey }

    public func set(_ value: Value?) {
        self.value = value
        onChange?(value)
    }

    public func height(width: Int) -> Int { 1 }

    public func handle(_ key: Key) -> Bool {
        switch key {
        case .enter, .char(" "):
            onOpen?()
            return onOpen != nil
        case .delete, .backspace:
            guard value != nil else { return false }
            set(nil)
            return true
        default: return false
        }
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        canvas.putClosedField(value?.text, hint: placeholderKey.map { env.localize($0) }, mark: "…", at: rect,
                              focused: focused)
    }
}
