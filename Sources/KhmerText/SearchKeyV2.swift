import Foundation

/// The second search-key folding (2026-11-22). Frozen once shipped: the
/// migration "2026-11-22 search keys v2" re-folds every stored key with
/// it, so changing it would change what that migration does. A later
/// folding is a new `SearchKeyV3`, with its own migration, and `SearchKey`
/// moves to it. `SearchKeyGoldenTests` pins its output.
///
/// Two spellings a person would call "the same name" give the same key:
/// - Latin lower-cased, accents removed; runs of spaces, hyphens, dots,
///   commas and underscores become one space;
/// - Khmer digits become Western ones;
/// - zero-width characters and the inherent vowels U+17B4/U+17B5 dropped;
/// - a separator between two Khmer words (a space, a zero-width space, or
///   none) folded away;
/// - after each base, subscripts (COENG + consonant) first, a subscript RO
///   after the others, then the other marks in one order, whatever order
///   they were typed in; COENG DA folded to COENG TA; a stray COENG dropped;
/// - split vowels composed (េ+ី → ើ, េ+ា → ោ);
/// - each subscript becomes one private-use code point (U+F780 + the
///   consonant's offset), so a query never matches inside a cluster: រី
///   does not find the subscript RO of ស្រី.
public enum SearchKeyV2 {
    public static func make(_ text: String) -> String { make(text, alwaysNormalizing: false) }

    /// The folding itself. Text already in every canonical form (ASCII
    /// and Khmer, see `CanonicalForm`) skips the two normalisations: the
    /// key is the same, several times cheaper. `alwaysNormalizing` is for
    /// the test that checks exactly that.
    static func make(_ text: String, alwaysNormalizing: Bool) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var separatorPending = false
        let normalized = !alwaysNormalizing && CanonicalForm.isUnchanged(text)
        for s in (normalized ? text : text.decomposedStringWithCanonicalMapping).unicodeScalars {
            switch s.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x17B4, 0x17B5, 0x0300...0x036F:
                continue
            default:
                break
            }
            if isSeparator(s) {
                separatorPending = !scalars.isEmpty
                continue
            }
            if separatorPending, let last = scalars.last, !(isKhmerLetter(last) && isKhmerLetter(s)) {
                scalars.append(" ")
            }
            separatorPending = false
            if (0x17E0...0x17E9).contains(s.value) {
                scalars.append(Unicode.Scalar(s.value - 0x17E0 + 0x30)!)
            } else if (0x41...0x5A).contains(s.value) {
                scalars.append(Unicode.Scalar(s.value + 0x20)!)
            } else if (0xC0..<0x250).contains(s.value) {
                scalars.append(contentsOf: String(s).lowercased().unicodeScalars)
            } else {
                scalars.append(s)
            }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: composeVowels(ordered(scalars)))
        return normalized ? String(out) : String(out).precomposedStringWithCanonicalMapping
    }

    private static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x2C, 0x2D, 0x2E, 0x5F: true
        case 0..<0x80: false
        default: s.properties.isWhitespace
        }
    }

    private static let coeng: UInt32 = 0x17D2
    /// Where subscripts go: U+F780 + the consonant's offset in U+1780….
    private static let subscriptBase: UInt32 = 0xF780

    private static func isKhmerLetter(_ s: Unicode.Scalar) -> Bool { (0x1780...0x17DD).contains(s.value) }
    private static func isConsonant(_ v: UInt32) -> Bool { (0x1780...0x17A2).contains(v) }

    /// Rank of a mark after a base (subscripts are 0 and 1, RO last).
    private static func markRank(_ v: UInt32) -> Int? {
        switch v {
        case 0x17C9, 0x17CA: return 2                   // register shifters
        case 0x17CC: return 3                           // robat
        case 0x17B6...0x17C5: return 4                  // vowels
        case 0x17C6: return 5                           // nikahit
        case 0x17CB, 0x17CD...0x17D1, 0x17D3, 0x17DD: return 6
        case 0x17C7, 0x17C8: return 7                   // reahmuk, yuukaleapintu
        default: return nil
        }
    }

    /// Each base's marks in canonical order, subscripts as one scalar.
    private static func ordered(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            // A run of units: subscripts, marks and stray COENGs.
            var units: [(rank: Int, scalar: Unicode.Scalar)] = []
            var j = i
            while j < s.count {
                let v = s[j].value
                if v == coeng {
                    if j + 1 < s.count, isConsonant(s[j + 1].value) {
                        var consonant = s[j + 1].value
                        if consonant == 0x178A { consonant = 0x178F }          // COENG DA → COENG TA
                        units.append((consonant == 0x179A ? 1 : 0, Unicode.Scalar(subscriptBase + consonant - 0x1780)!))
                        j += 2
                    } else {
                        j += 1                                                 // a stray COENG
                    }
                } else if let rank = markRank(v) {
                    units.append((rank, s[j]))
                    j += 1
                } else {
                    break
                }
            }
            if j > i {
                out += units.enumerated().sorted { a, b in
                    a.element.rank == b.element.rank ? a.offset < b.offset : a.element.rank < b.element.rank
                }.map(\.element.scalar)
                i = j
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// What េ (U+17C1) and the vowel after it compose into.
    private static let composedWithE: [UInt32: Unicode.Scalar] = [0x17B8: "\u{17BE}", 0x17B6: "\u{17C4}"]

    /// េ + ី → ើ, េ + ា → ោ.
    private static func composeVowels(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i].value == 0x17C1, i + 1 < s.count, let vowel = composedWithE[s[i + 1].value] {
                out.append(vowel)
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}
