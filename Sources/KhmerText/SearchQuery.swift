/// What a person typed into a search box or a picker's filter, folded once
/// with `SearchKey`, and the forms a store needs to look it up: a quoted
/// FTS5 phrase for the trigram index (three code points or more) or a
/// LIKE pattern with its wildcards escaped. Every search in Komar starts
/// here, so cases, households and pickers match text the same way.
public struct SearchQuery: Equatable, Sendable {
    /// The folded text.
    public let key: String

    public init(_ text: String) { key = SearchKey.make(text) }

    public var isEmpty: Bool { key.isEmpty }

    /// The trigram tokenizer needs three code points (not Swift Characters:
    /// សុខា is two Characters and four code points).
    public var usesTrigramIndex: Bool { key.unicodeScalars.count >= 3 }

    /// The key as one FTS5 phrase, double quotes doubled.
    public var ftsPhrase: String { "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The escape character of `likePattern` (write `ESCAPE '\'` after it).
    public static let likeEscape: Character = "\\"

    /// `%key%`, with `%`, `_` and the escape character escaped, so they
    /// match themselves.
    public var likePattern: String {
        var escaped = ""
        for c in key {
            if c == "%" || c == "_" || c == Self.likeEscape { escaped.append(Self.likeEscape) }
            escaped.append(c)
        }
        return "%" + escaped + "%"
    }

    /// Whether text already folded with `SearchKey` contains the query.
    /// An empty query matches everything.
    public func matches(folded text: String) -> Bool { SearchKey.contains(text, key) }
}
