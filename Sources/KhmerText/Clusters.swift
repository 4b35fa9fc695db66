/// Khmer-aware text clusters: the unit the cursor, forward-delete and
/// truncation move by.
///
/// Swift's `Character` splits a stacked consonant after the COENG (U+17D2):
/// ស្ត្រី becomes ["ស្", "ត្", "រី"]. A cluster here is Swift Characters merged
/// while the previous one ends in COENG and the next starts with a Khmer
/// consonant, so ស្ត្រី is one cluster, and a stray COENG before a space, a
/// Latin letter or a digit joins nothing (Unicode 17's grapheme rules agree).
public enum Clusters {
    public static let coeng: Unicode.Scalar = "\u{17D2}"

    /// The clusters of `text`, in order.
    public static func split(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            let joinsNext = text[index].unicodeScalars.last == coeng && next < text.endIndex
                && text[next].unicodeScalars.first.map(isConsonant) == true
            if !joinsNext {
                result.append(text[start..<next])
                start = next
            }
            index = next
        }
        return result
    }

    /// A Khmer consonant (U+1780–U+17A2): what a COENG makes a subscript of.
    public static func isConsonant(_ scalar: Unicode.Scalar) -> Bool { (0x1780...0x17A2).contains(scalar.value) }

    /// A format character drawn as nothing: zero-width space, joiners,
    /// word joiner, byte-order mark, soft hyphen.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format
    }

    /// Columns a cluster takes on the screen: nothing for invisible format
    /// characters alone, a dotted circle (1) for a mark with no base.
    public static func width<S: StringProtocol>(ofCluster cluster: S) -> Int {
        let w = DisplayWidth.ofScalars(cluster)
        guard w == 0, !cluster.isEmpty else { return w }
        return cluster.unicodeScalars.allSatisfy(isInvisible) ? 0 : 1
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
