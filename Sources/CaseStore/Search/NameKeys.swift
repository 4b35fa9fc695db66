import KhmerText

/// The search key stored for a person, a household's head or a place: the
/// Khmer name's key, a space, then the Latin name's key.
public enum NameKeys {
    /// The two keys of a stored key, given the Latin name it was made
    /// from: folding Latin text is cheap and folding Khmer is not, so an
    /// import that compares thousands of registered names reads the Khmer
    /// key out of the stored one. Nil when the stored key was not made
    /// from this Latin name (changed by hand), and the name must be folded.
    public static func split(stored: String, latinName: String) -> (km: String, latin: String)? {
        let latin = SearchKey.make(latinName)
        let bytes = Array(stored.utf8)
        let suffix = Array((" " + latin).utf8)
        guard bytes.count >= suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        return (String(decoding: bytes.dropLast(suffix.count), as: UTF8.self), latin)
    }
}
