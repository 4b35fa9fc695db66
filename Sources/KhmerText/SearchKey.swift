/// Canonical search keys: two spellings a person would call "the same
/// name" give the same key. Stored text keeps what the user typed; only
/// keys are folded. Every search in Komar (cases, households, list boxes,
/// pickers, duplicate checks) folds with this one function.
///
/// It is the newest versioned folding (`SearchKeyV2`). A change to the
/// folding is a new version with a migration that re-folds the stored keys
/// with it; a shipped version is never edited.
public enum SearchKey {
    public static let version = 2

    public static func make(_ text: String) -> String { SearchKeyV2.make(text) }

    /// Whether a folded key holds another, compared code point by code
    /// point (as SQLite does): Swift's `String.contains` compares whole
    /// Characters, and would not find ស in the key of ស៊ុន.
    public static func contains(_ key: String, _ part: String) -> Bool {
        let h = Array(key.unicodeScalars), n = Array(part.unicodeScalars)
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        return (0...(h.count - n.count)).contains { start in
            n.indices.allSatisfy { h[start + $0] == n[$0] }
        }
    }
}
