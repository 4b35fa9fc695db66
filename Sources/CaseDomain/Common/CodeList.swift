/// A fixed list of codes stored as stable strings and shown through the
/// string tables under `"<labelPrefix>.<rawValue>"`.
public protocol CodeList: CaseIterable, RawRepresentable, Hashable, Codable, Sendable where RawValue == String {
    static var labelPrefix: String { get }
}

extension CodeList {
    /// The string-table key of this code's label.
    public var labelKey: String { "\(Self.labelPrefix).\(rawValue)" }
}

/// A person's sex, as recorded on cases, members and referrals.
public enum Sex: String, CodeList {
    case female, male
    public static let labelPrefix = "sex"
    /// "F" or "M" in English (Khmer's words are short already), for
    /// table columns.
    public var shortLabelKey: String { labelKey + ".short" }
}

/// Risk to a child or household, lowest first.
public enum RiskLevel: String, CodeList, Comparable {
    case low, medium, high, critical
    public static let labelPrefix = "risk"
    public static func < (a: RiskLevel, b: RiskLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
