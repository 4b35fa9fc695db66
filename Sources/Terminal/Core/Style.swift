/// What a piece of text means on screen; each backend decides how that
/// looks (colours where the terminal has them, attributes where it does not).
public enum ColorRole: UInt8, Sendable, CaseIterable {
    case normal, title, accent, error, warning, muted, keyName, selection
}

/// Text attributes and meaning of one cell.
public struct TextStyle: Hashable, Sendable {
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var role: ColorRole

    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false, role: ColorRole = .normal) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.role = role
    }

    public static let plain = TextStyle()
    public static let title = TextStyle(bold: true, role: .title)
    public static let heading = TextStyle(bold: true, role: .accent)
    public static let error = TextStyle(bold: true, role: .error)
    public static let warning = TextStyle(role: .warning)
    public static let muted = TextStyle(role: .muted)
    public static let keyName = TextStyle(bold: true, role: .keyName)
    public static let selected = TextStyle(reverse: true, role: .selection)
    public static let field = TextStyle(underline: true)
    public static let focusedField = TextStyle(reverse: true)
}
