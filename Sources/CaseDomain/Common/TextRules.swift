/// Rules for short texts that are printed on terminals: names shown in
/// every title bar, printed by the command line.
public enum TextRules {
    /// Whether `text` holds a control character (an escape sequence could
    /// change a terminal's title or clear it when printed).
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
