import Foundation
import Testing
@testable import KhmerText

/// Real names from the gazetteer with stacked consonants (COENG), spacing
/// vowels and signs: the hardest cases for widths and clusters.
let hardNames = ["ប្រទ្បាយហ្លួងក្រោម", "ជ្រោយស្នែងក្របីក្រោម", "ព្រែកចង្ក្រានក្រោម", "កញ្ជ្រៀច", "ត្បូងឃ្មុំ",
                 "ស្ត្រី", "ខ្មែរ", "កម្ពុជា", "ព្រះសីហនុ", "ឧត្តរមានជ័យ"]

@Suite struct DisplayWidthTests {
    @Test func khmerWidthsMatchGlibc() {
        #expect(DisplayWidth.of("ខ្មែរ") == 4)
        #expect(DisplayWidth.of("កម្ពុជា") == 5)
        #expect(DisplayWidth.ofScalars("\u{17D2}") == 0)     // COENG
        #expect(DisplayWidth.ofScalars("\u{17B6}") == 1)     // vowel AA
        #expect(DisplayWidth.ofScalars("\u{17C6}") == 0)     // NIKAHIT
        #expect(DisplayWidth.ofScalars("\u{17C7}") == 1)     // REAHMUK
        #expect(DisplayWidth.ofScalars("\u{17B7}") == 0)     // vowel above
    }

    @Test func asciiAndWideAndControls() {
        #expect(DisplayWidth.of("Takéo") == 5)
        #expect(DisplayWidth.of("中文") == 4)
        #expect(DisplayWidth.of("a\u{0007}b") == 2)
        #expect(DisplayWidth.of("") == 0)
    }
}

@Suite struct ClusterTests {
    @Test func coengJoinsTheNextConsonant() {
        #expect(Clusters.split("ស្ត្រី") == ["ស្ត្រី"])
        #expect(Clusters.split("ខ្មែរ") == ["ខ្មែ", "រ"])
        #expect(Clusters.split("abc") == ["a", "b", "c"])
    }

    @Test func clustersNeverEndInCoengUnlessTextDoes() {
        for name in hardNames {
            let clusters = Clusters.split(name)
            #expect(clusters.joined() == name)
            for c in clusters.dropLast() { #expect(c.unicodeScalars.last != Clusters.coeng, "\(name)") }
        }
        #expect(Clusters.split("ក្") == ["ក្"])
    }

    @Test func scalarBoundariesCoverTheText() {
        let b = Clusters.scalarBoundaries("ខ្មែរ")
        #expect(b == [0, 4, 5])
        #expect(Clusters.scalarBoundaries("") == [0])
    }

    @Test func everyGazetteerNameSplitsLossleslyWithoutCoengEnds() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Resources/gazetteer/cambodia-gazetteer.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n").dropFirst() {
            let name = String(line.split(separator: "\t")[2])
            let clusters = Clusters.split(name)
            #expect(clusters.joined() == name)
            #expect(clusters.dropLast().allSatisfy { $0.unicodeScalars.last != Clusters.coeng })
            #expect(clusters.map { DisplayWidth.of($0) }.reduce(0, +) == DisplayWidth.of(name))
            checked += 1
        }
        #expect(checked == 16_465)
    }
}

@Suite struct TextFitTests {
    @Test func truncateNeverCutsAClusterAndFits() {
        for name in hardNames {
            let full = DisplayWidth.of(name)
            for width in 0...(full + 1) {
                let cut = TextFit.truncate(name, to: width)
                #expect(DisplayWidth.of(cut) <= width)
                #expect(name.hasPrefix(cut))
                let clusters = Clusters.split(name)
                var prefix = ""
                var matched = cut.isEmpty
                for c in clusters {
                    prefix += c
                    if prefix == cut { matched = true }
                }
                #expect(matched, "cut '\(cut)' of \(name) at \(width) is not on a cluster boundary")
            }
        }
    }

    @Test func padMakesExactWidthsSoColumnsAlign() {
        for name in hardNames + ["Sok Dara", ""] {
            #expect(DisplayWidth.of(TextFit.pad(name, to: 12)) == 12)
            #expect(DisplayWidth.of(TextFit.padLeft(name, to: 7)) == 7)
        }
    }

    @Test func ellipsisOnlyWhenCut() {
        #expect(TextFit.truncateWithEllipsis("Prey Veng", to: 20) == "Prey Veng")
        let cut = TextFit.truncateWithEllipsis("ជ្រោយស្នែងក្របីក្រោម", to: 6)
        #expect(cut.hasSuffix("…"))
        #expect(DisplayWidth.of(cut) <= 6)
    }
}

@Suite struct DigitsTests {
    @Test func convertsBothWays() {
        #expect(Digits.toWestern("២១/១១/២០២៦") == "21/11/2026")
        #expect(Digits.toKhmer("21/11/2026") == "២១/១១/២០២៦")
        #expect(Digits.toWestern("abc ៣") == "abc 3")
    }

    @Test func parsesMixedDigits() {
        #expect(Digits.parseInt("១២") == 12)
        #expect(Digits.parseInt(" 1៥ ") == 15)
        #expect(Digits.parseInt("12a") == nil)
        #expect(Digits.parseInt("") == nil)
    }
}

@Suite struct SearchKeyTests {
    @Test func khmerDigitsFoldToWesternOnes() {
        #expect(SearchKey.make("០១២ ៣៤៥ ៦៧៨") == "012 345 678")
        #expect(SearchKey.make("KC-២០២៦") == SearchKey.make("kc-2026"))
    }

    @Test func latinFoldsCaseAccentsAndSeparators() {
        #expect(SearchKey.make("Takéo") == "takeo")
        #expect(SearchKey.make("  Prey-Veng ") == "prey veng")
        #expect(SearchKey.make("SOK  Dara") == SearchKey.make("sok dara"))
    }

    @Test func khmerDropsZeroWidthAndNormalises() {
        #expect(SearchKey.make("ស្រី\u{200B}ពេជ្រ") == SearchKey.make("ស្រីពេជ្រ"))
        // COENG DA and COENG TA are drawn alike and typed interchangeably.
        #expect(SearchKey.make("ស្ដី") == SearchKey.make("ស្តី"))
        // Split vowel E + II is the composed vowel OE.
        #expect(SearchKey.make("ក\u{17C1}\u{17B8}") == SearchKey.make("ក\u{17BE}"))
        // Nikahit typed before the vowel sorts after it.
        #expect(SearchKey.make("ក\u{17C6}\u{17BB}") == SearchKey.make("ក\u{17BB}\u{17C6}"))
        // A register shifter goes before a vowel.
        #expect(SearchKey.make("ម\u{17B8}\u{17C9}") == SearchKey.make("ម\u{17C9}\u{17B8}"))
    }

    @Test func differentNamesStayDifferent() {
        #expect(SearchKey.make("សុខា") != SearchKey.make("សុភា"))
        #expect(SearchKey.make("ស្រីពេជ្រ").contains(SearchKey.make("ពេជ្រ")))
    }
}

/// Issue 13: invisible characters stay invisible, a stray COENG joins
/// nothing, and what is measured is what is drawn.
@Suite struct InvisibleCharacterTests {
    @Test func zeroWidthFormatCharactersMeasureNothing() {
        for invisible in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"] {
            #expect(DisplayWidth.of("សុខា" + invisible + "ដារ៉ា") == DisplayWidth.of("សុខាដារ៉ា"))
            #expect(DisplayWidth.of(invisible) == 0)
        }
        // A mark with no base is drawn on a dotted circle: one column.
        #expect(DisplayWidth.of("\u{17B7}") == 1)
        #expect(DisplayWidth.of("\u{17B7}ក") == 2)
    }

    @Test func fittingCountsInvisibleCharactersAsNothing() {
        let name = "ស្រី\u{200B}ពេជ្រ"
        #expect(TextFit.truncate(name, to: DisplayWidth.of(name)) == name)
    }

    @Test func aStrayCoengJoinsOnlyAKhmerConsonant() {
        #expect(Clusters.split("ក្ x").map(String.init) == ["ក្", " ", "x"])
        #expect(Clusters.split("ក្1").map(String.init) == ["ក្", "1"])
        #expect(Clusters.split("ស្ត្រី").map(String.init) == ["ស្ត្រី"])
    }
}

/// Issue 13: one key for every spelling of a name, and matches that start
/// on a cluster boundary.
@Suite struct SearchKeyV2Tests {
    func same(_ a: String, _ b: String) -> Bool { SearchKey.make(a) == SearchKey.make(b) }

    @Test func aSubscriptTypedAfterItsVowelFindsTheUsualSpelling() {
        #expect(same("ស្រី", "សី\u{17D2}រ"))
        #expect(same("ក្រោម", "កោ\u{17D2}រម"))
        #expect(SearchKey.contains(SearchKey.make("ជ្រោយស្នែង"), SearchKey.make("ជោ\u{17D2}រ")))
    }

    @Test func theTwoOrdersOfASubscriptWithROAreOne() {
        #expect(same("ចន្ទ្រា", "ចន្រ្ទា"))
        #expect(same("ស្ត្រី", "ស្រ្តី"))
    }

    @Test func separatorsBetweenKhmerWordsFoldAway() {
        #expect(same("ស្រីពេជ្រ ប្រាក់", "ស្រីពេជ្រប្រាក់"))
        #expect(same("ស្រីពេជ្រ\u{200B}ប្រាក់", "ស្រីពេជ្រប្រាក់"))
        #expect(SearchKey.make("Sok  Dara") == "sok dara")
        #expect(same("០៩៦ ១១១", "096 111"))
    }

    @Test func aMatchNeverStartsInsideASubscript() {
        #expect(!SearchKey.contains(SearchKey.make("ស្រីពេជ្រ"), SearchKey.make("រី")))
        #expect(SearchKey.contains(SearchKey.make("ស្រីពេជ្រ"), SearchKey.make("ពេជ្រ")))
        #expect(SearchKey.contains(SearchKey.make("ស៊ុន ច័ន្ទតារា"), SearchKey.make("ស")))
        // Typing stops halfway through a cluster: the name is still found.
        #expect(SearchKey.contains(SearchKey.make("ស្រីពេជ្រ"), SearchKey.make("ស្")))
    }

    @Test func foldsAsBeforeForDigitsCaseAndAccentsAndCoengDa() {
        #expect(SearchKey.make("Takéo") == "takeo")
        #expect(same("ខ្ដ", "ខ្ត"))
    }

    /// A stored name is found by every substring typed on cluster
    /// boundaries, over every gazetteer name.
    @Test func everyGazetteerNameIsFoundByItsClusterSubstrings() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Resources/gazetteer/cambodia-gazetteer.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var generator = SplitMix(seed: 2026)
        for line in text.split(separator: "\n").dropFirst() {
            let name = String(line.split(separator: "\t")[2])
            let clusters = Clusters.split(name).map(String.init)
            let start = Int(generator.next() % UInt64(clusters.count))
            let end = start + 1 + Int(generator.next() % UInt64(clusters.count - start))
            let part = clusters[start..<end].joined()
            #expect(SearchKey.contains(SearchKey.make(name), SearchKey.make(part)), "\(part) in \(name)")
        }
    }

    /// SearchKeyV2 is frozen: a migration re-folded stored keys with it.
    /// Its output over the gazetteer must never change.
    @Test func searchKeyV2IsFrozen() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Resources/gazetteer/cambodia-gazetteer.tsv")
        var hash: UInt64 = 0xcbf29ce484222325
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            for scalar in (SearchKeyV2.make(String(fields[2])) + "|" + SearchKeyV2.make(String(fields[3]))).unicodeScalars {
                hash = (hash ^ UInt64(scalar.value)) &* 0x100000001b3
            }
        }
        #expect(hash == SearchKeyV2Tests.pinned)
    }

    static let pinned: UInt64 = 10_542_085_013_097_120_512
}

/// A small seeded generator, so the generated cases are the same each run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
