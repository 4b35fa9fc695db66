import KhmerText
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
}
