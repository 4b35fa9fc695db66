import CNcursesw

/// Terminal column widths, computed with the same `wcwidth` that ncurses and
/// tmux use, so that what we measure is what the terminal draws.
public enum DisplayWidth {
    /// `wcwidth` only knows non-ASCII characters under a UTF-8 `LC_CTYPE`.
    /// The app sets the locale itself at start; tests and tools that never
    /// call `setlocale` get C.UTF-8 here, once.
    private static let localeReady: Bool = {
        if komar_locale_is_utf8() == 0 {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        return komar_locale_is_utf8() != 0
    }()

    /// Columns taken by one scalar: 0 for combining and zero-width marks,
    /// 2 for wide (CJK) characters, 1 otherwise. Control characters count 0.
    @inline(__always)
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || v == 0x7F { return 0 }
        _ = localeReady
        return max(0, Int(komar_wcwidth(wchar_t(bitPattern: v))))
    }

    /// Columns taken by a string when drawn on one row, as the canvas
    /// draws it: invisible format characters take none, a mark with no
    /// base takes the dotted circle it is drawn on.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        // Fast path: every cluster with a visible base is its scalars' sum.
        var total = 0
        var suspect = false
        var first = true
        for scalar in text.unicodeScalars {
            let w = of(scalar)
            if first && w == 0 { suspect = true }
            if w == 0 && Clusters.isInvisible(scalar) { suspect = true }
            total += w
            first = false
        }
        guard suspect || total == 0 && !text.isEmpty else { return total }
        return Clusters.split(String(text)).reduce(0) { $0 + Clusters.width(ofCluster: $1) }
    }

    /// The plain sum of the scalars' widths, mark by mark.
    public static func ofScalars<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += of(scalar) }
        return total
    }
}
