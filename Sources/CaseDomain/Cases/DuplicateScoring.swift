import KhmerText

/// What the duplicate check knows about an existing case.
public struct DuplicateCandidate: Equatable, Sendable {
    public let summary: CaseSummary
    public let score: Int
    /// False when the user may not open this case (a volunteer's match on
    /// someone else's case): only its code is shown.
    public let visible: Bool

    public init(summary: CaseSummary, score: Int, visible: Bool) {
        self.summary = summary
        self.score = score
        self.visible = visible
    }
}

/// Scores how likely an existing case is the same child as a new intake
/// (0–100): name similarity in Khmer and Latin through the canonical search
/// keys (up to 60), same sex (10), age within two years (15), same village
/// (15) or commune (10). A different sex rules a match out.
public enum DuplicateScoring {
    public static let threshold = 60

    public static func score(_ input: IntakeInput, today: LocalDate, against c: CaseSummary) -> Int {
        if let sex = input.sex, sex != c.sex { return 0 }
        let km = similarity(input.childNameKm, c.childNameKm)
        let latin = similarity(input.childNameLatin, c.childNameLatin)
        var score = Int((max(km, latin) * 60).rounded())
        if input.sex == c.sex { score += 10 }
        if let birth = input.birth, abs(birth.age(on: today) - c.ageYears) <= 2 { score += 15 }
        if let village = input.villageCode {
            if village == c.villageCode {
                score += 15
            } else if village.prefix(6) == c.villageCode.prefix(6) {
                score += 10
            }
        }
        return min(score, 100)
    }

    /// Trigram (Jaccard) similarity of two names' search keys, 0…1, over
    /// code points; word order does not matter much ("Sok Dara" ~ "Dara Sok").
    public static func similarity(_ a: String, _ b: String) -> Double {
        let x = trigrams(SearchKey.make(a)), y = trigrams(SearchKey.make(b))
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        return Double(x.intersection(y).count) / Double(x.union(y).count)
    }

    static func trigrams(_ key: String) -> Set<String> {
        var grams = Set<String>()
        for word in key.split(separator: " ") {
            let scalars = Array(("  " + word + " ").unicodeScalars)
            guard scalars.count >= 3 else { continue }
            for i in 0...(scalars.count - 3) {
                var gram = String.UnicodeScalarView()
                gram.append(contentsOf: scalars[i..<(i + 3)])
                grams.insert(String(gram))
            }
        }
        return grams
    }

    /// Name words long enough to look up in the trigram index.
    public static func searchWords(_ input: IntakeInput) -> [String] {
        // Split as typed (the key folds the space between Khmer words
        // away), so a name given in the other order is still a candidate.
        let words = (input.childNameKm + " " + input.childNameLatin)
            .split(whereSeparator: { $0.isWhitespace || $0 == "\u{200B}" }).map { SearchKey.make(String($0)) }
        return Array(Set(words.filter { $0.unicodeScalars.count >= 3 })).sorted()
    }
}
