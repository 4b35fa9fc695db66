/// The two languages Komar speaks. Khmer is first: it is the default and
/// every label is written for Khmer readers first.
public enum Language: String, CaseIterable, Sendable {
    case km, en

    /// The other language (F6).
    public var toggled: Language { self == .km ? .en : .km }

    /// Index into two-label options (Khmer first, then English).
    public var labelIndex: Int { self == .km ? 0 : 1 }

    /// The language's name in itself, for the F6 label.
    public var nativeName: String { self == .km ? "ខ្មែរ" : "English" }

    /// From a stored or typed code; anything unknown is Khmer.
    public init(code: String) {
        self = Language(rawValue: code.lowercased()) ?? .km
    }
}
