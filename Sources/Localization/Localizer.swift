import KhmerText

/// Turns string keys, numbers and dates into text in one language. Khmer
/// mode shows Khmer digits and Khmer month names; dates are day first.
public struct Localizer: Sendable {
    public var language: Language
    public let table: StringTable

    public init(language: Language, table: StringTable = .shipped) {
        self.language = language
        self.table = table
    }

    /// The text of `key`. A missing key shows as ⟦key⟧ so it is noticed
    /// (and the string-table test fails before it ships).
    public func callAsFunction(_ key: String) -> String {
        table.text(key, language) ?? "⟦\(key)⟧"
    }

    /// The text of `key` with `{0}`, `{1}`… replaced by `arguments`.
    public func callAsFunction(_ key: String, _ arguments: String...) -> String {
        Self.fill(self(key), arguments)
    }

    /// The text of `key` for `count` things, the count (in the language's
    /// digits) as `{0}` and `more` from `{1}` on. One thing takes
    /// `key.one` where the table has it ("1 conflict waits"); Khmer nouns do
    /// not change with the number, so its `.one` texts say the same.
    public func count(_ key: String, _ count: Int, _ more: String...) -> String {
        let one = key + ".one"
        return Self.fill(self(count == 1 && table.text(one, language) != nil ? one : key), [number(count)] + more)
    }

    private static func fill(_ text: String, _ arguments: [String]) -> String {
        var text = text
        for (i, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(i)}", with: argument)
        }
        return text
    }

    /// A whole number with thousands separators, in Khmer digits in Khmer.
    public func number(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += "," }
            grouped.append(ch)
        }
        let text = (value < 0 ? "-" : "") + grouped
        return digitsForDisplay(text)
    }

    /// "label: value", with Khmer's own colon (៖) in Khmer.
    public func labelled(_ label: String, _ value: String) -> String {
        label + (language == .km ? "៖ " : ": ") + value
    }

    /// Western digits turned Khmer in Khmer mode.
    public func digitsForDisplay(_ text: String) -> String {
        language == .km ? Digits.toKhmer(text) : text
    }

    /// "21 វិច្ឆិកា ២០២៦" or "21 Nov 2026".
    public func longDate(year: Int, month: Int, day: Int) -> String {
        let monthName = (1...12).contains(month) ? self("month.\(month)") : "?"
        return digitsForDisplay("\(day)") + " " + monthName + " " + digitsForDisplay("\(year)")
    }

    /// "២១/១១/២០២៦" or "21/11/2026": the form users type.
    public func shortDate(year: Int, month: Int, day: Int) -> String {
        digitsForDisplay(String(format: "%02d/%02d/%04d", day, month, year))
    }
}
