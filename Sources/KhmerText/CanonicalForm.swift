import Foundation

/// Unicode's composed canonical form (NFC), in which names are stored,
/// without Foundation's normaliser for the text that is already in it:
/// ASCII and Khmer. Khmer has no decompositions, and only one of its marks
/// (COENG) has a combining class beside U+17DD, so text of ASCII, Khmer
/// without U+17DD and the zero-width joiners is the same in every
/// canonical form. Normalising it anyway cost an import of 50,000 names
/// a fifth of its time.
public enum CanonicalForm {
    /// Whether no canonical normalisation changes or moves `scalar`.
    public static func isUnchanged(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 || ((0x1780...0x17FF).contains(scalar.value) && scalar.value != 0x17DD)
            || (0x200B...0x200D).contains(scalar.value)
    }

    /// Whether `text` is in every canonical form as it is.
    public static func isUnchanged(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(isUnchanged) }
}

extension String {
    /// The text in composed canonical form (NFC).
    public var canonicallyComposed: String {
        CanonicalForm.isUnchanged(self) ? self : precomposedStringWithCanonicalMapping
    }
}
