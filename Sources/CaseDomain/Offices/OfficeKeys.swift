/// Which office made a record, read from its key. Every office owns one
/// range of 2^40 keys (office 1 the keys from 2^40, office 2 from 2^41 …),
/// so no two offices ever make the same key, and head office tells whose
/// a row is without another column. Head office's own rows sit in the
/// highest range, above every office's, so SQLite's "highest key plus
/// one" always stays inside it. A database that never joined an office
/// is office 0: its keys are the small numbers it always had.
public enum OfficeKeys {
    public static let bits: Int64 = 40
    public static let rangeSize: Int64 = 1 << bits
    /// Office numbers an office may get: head office takes the last.
    public static let officeNumbers: ClosedRange<Int64> = 1...4_194_302
    public static let headOffice: Int64 = 4_194_303

    /// The first key of `office`'s range.
    public static func base(_ office: Int64) -> Int64 { office << bits }

    /// The office that owns `key`.
    public static func office(of key: Int64) -> Int64 { key >> bits }

    /// `key` within its office's range: the number every office counts
    /// from 1, as it did before it joined.
    public static func local(_ key: Int64) -> Int64 { key & (rangeSize - 1) }

    public static func range(_ office: Int64) -> Range<Int64> { base(office)..<(base(office) + rangeSize) }
}

/// An office's short code, carried in its records' codes (KC-PV1-2026-0001):
/// 2 to 6 capital Latin letters or digits, starting with a letter.
public enum OfficeCode {
    public static func isValid(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        guard (2...6).contains(scalars.count), let first = scalars.first, ("A"..."Z").contains(first) else { return false }
        return scalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// "KC-2026-0001" for "KC", no office and 2026; "KC-PV1-2026-" with an office.
    public static func prefix(_ kind: String, office: String?) -> String {
        office.map { "\(kind)-\($0)-" } ?? "\(kind)-"
    }
}
