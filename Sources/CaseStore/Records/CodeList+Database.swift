import CaseDomain
import GRDB

// Code lists are stored as their stable raw strings, so records and query
// arguments can hold the enums themselves.
extension Sex: DatabaseValueConvertible {}
extension RiskLevel: DatabaseValueConvertible {}
extension Role: DatabaseValueConvertible {}
extension CaseStatus: DatabaseValueConvertible {}
extension IDPoorStatus: DatabaseValueConvertible {}
extension HouseholdStatus: DatabaseValueConvertible {}
extension Relationship: DatabaseValueConvertible {}
extension MigrationStatus: DatabaseValueConvertible {}
extension FollowUpType: DatabaseValueConvertible {}
extension FollowUpStatus: DatabaseValueConvertible {}
extension Wellbeing: DatabaseValueConvertible {}
extension ProviderKind: DatabaseValueConvertible {}
extension ServiceType: DatabaseValueConvertible {}
extension ReferralStatus: DatabaseValueConvertible {}
extension ReferralPriority: DatabaseValueConvertible {}
extension ReferralOutcome: DatabaseValueConvertible {}

/// A set of codes stored as one comma-separated column, in the code
/// list's own order ("debt,landless").
struct CodeSet<Code: CodeList>: Equatable, Sendable, Codable, DatabaseValueConvertible {
    var codes: Set<Code>

    init(_ codes: some Sequence<Code>) { self.codes = Set(codes) }

    /// The codes in the list's order.
    var ordered: [Code] { Code.allCases.filter(codes.contains) }

    var databaseValue: DatabaseValue { ordered.map(\.rawValue).joined(separator: ",").databaseValue }

    /// Unknown codes (from a newer Komar) are skipped, not fatal.
    static func fromDatabaseValue(_ value: DatabaseValue) -> CodeSet? {
        guard let text = String.fromDatabaseValue(value) else { return nil }
        return CodeSet(text.split(separator: ",").compactMap { Code(rawValue: String($0)) })
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self.init(text.split(separator: ",").compactMap { Code(rawValue: String($0)) })
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ordered.map(\.rawValue).joined(separator: ","))
    }
}
