/// Fitting text into a number of terminal columns without cutting a cluster.
public enum TextFit {
    /// The longest prefix of whole clusters that fits in `width` columns.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        var used = 0
        var result = ""
        for cluster in Clusters.split(text) {
            let w = DisplayWidth.of(cluster)
            if used + w > width { break }
            used += w
            result += cluster
        }
        return result
    }

    /// Like `truncate`, but ends with "…" when something was cut.
    public static func truncateWithEllipsis(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        return truncate(text, to: width - 1) + "…"
    }

    /// `text` cut to `width` columns ("…" marks a cut), then padded with
    /// spaces to exactly `width` columns, so that columns of Khmer and
    /// Latin text line up.
    public static func pad(_ text: String, to width: Int) -> String {
        let fitted = truncateWithEllipsis(text, to: width)
        let missing = width - DisplayWidth.of(fitted)
        return missing > 0 ? fitted + String(repeating: " ", count: missing) : fitted
    }

    /// Right-aligned variant of `pad`, for numbers.
    public static func padLeft(_ text: String, to width: Int) -> String {
        let fitted = truncateWithEllipsis(text, to: width)
        let missing = width - DisplayWidth.of(fitted)
        return missing > 0 ? String(repeating: " ", count: missing) + fitted : fitted
    }
}
