/// What a person typed into a search box or a picker's filter, folded once
/// with `SearchKey`, and the forms a store needs to look it up: a quoted
/// FTS5 phrase for the trigram index (three code points or more) or a
/// LIKE pattern with its wildcards escaped. Every search in Komar starts
/// here, so cases, households and pickers match text the same way.
public struct SearchQuery: Equatable, Sendable {
    /// The folded text.
    public let key: String
    /// The folded words typed (split at spaces and zero-width spaces): each
    /// must be found, in any order, so "ស្រី ពៅ" finds ពៅ ស្រី.
    public let words: [String]

    public init(_ text: String) {
        key = SearchKey.make(text)
        var words: [String] = []
        for word in text.split(whereSeparator: { $0.isWhitespace || $0 == "\u{200B}" }) {
            let folded = SearchKey.make(String(word))
            if !folded.isEmpty && !words.contains(folded) { words.append(folded) }
        }
        self.words = words
    }

    public var isEmpty: Bool { key.isEmpty }

    /// The trigram tokenizer needs three code points (not Swift Characters:
    /// សុខា is two Characters and four code points).
    static func isIndexed(_ word: String) -> Bool { word.unicodeScalars.count >= 3 }

    /// Whether the index can narrow the search: one word at least is long
    /// enough for it.
    public var usesTrigramIndex: Bool { words.contains(where: Self.isIndexed) }

    /// Words too short for the index, looked up by substring instead.
    public var shortWords: [String] { words.filter { !Self.isIndexed($0) } }

    /// The key as one FTS5 phrase, double quotes doubled.
    public var ftsPhrase: String { Self.phrase(key) }

    /// Every indexed word as an FTS5 phrase, all required: the full-text
    /// query of a search.
    public var ftsQuery: String { words.filter(Self.isIndexed).map(Self.phrase).joined(separator: " AND ") }

    static func phrase(_ word: String) -> String { "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The escape character of `likePattern` (write `ESCAPE '\'` after it).
    public static let likeEscape: Character = "\\"

    /// `%key%`, with `%`, `_` and the escape character escaped, so they
    /// match themselves.
    public var likePattern: String { Self.likePattern(key) }

    /// `%text%` for any text (a word as typed), escaped the same way.
    public static func likePattern(_ text: String) -> String {
        var escaped = ""
        for c in text {
            if c == "%" || c == "_" || c == likeEscape { escaped.append(likeEscape) }
            escaped.append(c)
        }
        return "%" + escaped + "%"
    }

    /// Whether text already folded with `SearchKey` contains every word of
    /// the query. An empty query matches everything.
    public func matches(folded text: String) -> Bool { words.allSatisfy { SearchKey.contains(text, $0) } }
}
