/// Khmer digits ០–៩ (U+17E0–U+17E9) and Western digits 0–9. Users type both
/// into the same field, so every parser goes through `toWestern` first.
public enum Digits {
    private static let khmerZero: UInt32 = 0x17E0

    /// Replaces Khmer digits with Western ones; everything else is kept.
    public static func toWestern(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value >= khmerZero && s.value <= khmerZero + 9,
               let w = Unicode.Scalar(s.value - khmerZero + 0x30) {
                out.append(w)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Replaces Western digits with Khmer ones; everything else is kept.
    public static func toKhmer(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value >= 0x30 && s.value <= 0x39, let k = Unicode.Scalar(s.value - 0x30 + khmerZero) {
                out.append(k)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// True for 0–9 and ០–៩.
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= khmerZero && scalar.value <= khmerZero + 9)
    }

    /// Parses an integer written in Khmer or Western digits, with surrounding
    /// spaces allowed.
    public static func parseInt(_ text: String) -> Int? {
        let trimmed = toWestern(text).trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) else {
            return nil
        }
        return Int(trimmed)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
