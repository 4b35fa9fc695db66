/// Khmer-aware text clusters: the unit the cursor, forward-delete and
/// truncation move by.
///
/// Swift's `Character` splits a stacked consonant after the COENG (U+17D2):
/// ស្ត្រី becomes ["ស្", "ត្", "រី"]. A cluster here is Swift Characters merged
/// while the previous one ends in COENG, so ស្ត្រី is one cluster. This stays
/// right when Swift adopts the Unicode 17 rules, which already join them.
public enum Clusters {
    public static let coeng: Unicode.Scalar = "\u{17D2}"

    /// The clusters of `text`, in order.
    public static func split(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            let endsInCoeng = text[index].unicodeScalars.last == coeng
            if !endsInCoeng || next == text.endIndex {
                result.append(text[start..<next])
                start = next
            }
            index = next
        }
        return result
    }

    /// Cluster boundaries as offsets into `text.unicodeScalars`, always
    /// starting with 0 and ending with the scalar count.
    public static func scalarBoundaries(_ text: String) -> [Int] {
        var offsets = [0]
        var total = 0
        for cluster in split(text) {
            total += cluster.unicodeScalars.count
            offsets.append(total)
        }
        return offsets
    }
}
