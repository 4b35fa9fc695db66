import Foundation
@testable import KhmerText
import PropertyBased
import Terminal
import Testing

/// Issue 13's properties over generated text: Khmer consonants, subscripts,
/// vowel signs, signs, zero-width characters, Latin letters and digits.
@MainActor
@Suite struct KhmerPropertyTests {
    static let pieces = ["ក", "ស", "រ", "ព", "ជ", "ន", "្ត", "្រ", "្ម", "្ន", "ា", "ី", "ុ", "េ", "ើ", "ំ", "ះ", "៊",
                         "\u{200B}", "\u{200C}", "a", "B", "7", "៣", " ", "្"]
    static let text = Gen<String?>.element(of: pieces).array(of: 0...24).map { $0.compactMap { $0 }.joined() }
    static let khmerWord = Gen<String?>.element(of: ["ក", "ស្រ", "ពេ", "ជ្រ", "ប្រា", "ក់", "ដា", "រ៉ា", "សុ", "ខា"])
        .array(of: 1...4).map { $0.compactMap { $0 }.joined() }

    @Test func fittingNeverExceedsTheWidthNorSplitsACluster() async {
        await propertyCheck(count: 300, input: Self.text, Gen.int(in: 0...30)) { text, width in
            let fitted = TextFit.truncate(text, to: width)
            #expect(DisplayWidth.of(fitted) <= width)
            let all = Clusters.split(text).map(String.init)
            let kept = Clusters.split(fitted).map(String.init)
            #expect(Array(all.prefix(kept.count)) == kept)
        }
    }

    @Test func theMeasuredWidthIsTheDrawnWidth() async {
        await propertyCheck(count: 300, input: Self.text) { text in
            var canvas = Canvas(size: Size(width: 200, height: 1))
            #expect(canvas.put(text, row: 0, col: 0) == DisplayWidth.of(text))
        }
    }

    @Test func theSearchKeyIgnoresSeparatorsBetweenKhmerWordsAndMarkOrder() async {
        await propertyCheck(count: 300, input: Self.khmerWord, Self.khmerWord) { a, b in
            let key = SearchKey.make(a + b)
            #expect(SearchKey.make(a + " " + b) == key)
            #expect(SearchKey.make(a + "\u{200B}" + b) == key)
            // A subscript typed after the vowel it goes with.
            let swapped = (a + b).replacingOccurrences(of: "ពេ", with: "ពេ")
                .replacingOccurrences(of: "ប្រា", with: "បា្រ")
            #expect(SearchKey.make(swapped) == key)
        }
    }

    /// The fast path of the frozen folding (no normalisation for text
    /// already canonical) gives the key the normalising path gives, for
    /// Khmer, Latin with and without accents, the one Khmer mark with a
    /// high combining class, and stray combining accents.
    @Test func theSearchKeySkipsNormalisingOnlyWhereItChangesNothing() async {
        let pieces = Self.pieces + ["\u{17DD}", "é", "e\u{0301}", "Ö", "\u{00A0}", "ញ", "ៃ", "\u{17D2}\u{17DD}", "-"]
        let text = Gen<String?>.element(of: pieces).array(of: 0...24).map { $0.compactMap { $0 }.joined() }
        await propertyCheck(count: 500, input: text) { text in
            #expect(SearchKeyV2.make(text) == SearchKeyV2.make(text, alwaysNormalizing: true))
        }
    }

    /// Names are stored composed (NFC); text left as it is because it is
    /// ASCII or Khmer must be exactly what Foundation's normaliser makes.
    @Test func canonicallyComposedTextIsFoundationsComposedForm() async {
        let pieces = Self.pieces + ["\u{17DD}", "é", "e\u{0301}", "Ö", "\u{00A0}", "\u{17D2}\u{17DD}", "A\u{030A}"]
        let text = Gen<String?>.element(of: pieces).array(of: 0...24).map { $0.compactMap { $0 }.joined() }
        await propertyCheck(count: 500, input: text) { text in
            #expect(Array(text.canonicallyComposed.unicodeScalars)
                    == Array(text.precomposedStringWithCanonicalMapping.unicodeScalars))
        }
    }
}
