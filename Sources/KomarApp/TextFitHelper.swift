import KhmerText

/// Shorthands over `TextFit` for screen code.
enum TextFitHelper {
    static func pad(_ text: String, _ width: Int) -> String { TextFit.pad(text, to: width) }
}
