import Foundation

/// What an admin may change after setup: the organisation's name, the
/// language new users start in, and the follow-up interval of each risk
/// level (DESIGN §2: critical 1 day, high 7, medium 14, low 30 unless the
/// office decides otherwise).
public struct OfficeSettings: Equatable, Sendable {
    public var organisation: String
    public var languageCode: String
    public var followUpDays: [RiskLevel: Int]

    public init(organisation: String, languageCode: String, followUpDays: [RiskLevel: Int] = FollowUpRules.defaults) {
        self.organisation = organisation
        self.languageCode = languageCode
        self.followUpDays = followUpDays
    }
}

/// The settings a field can be wrong in.
public enum OfficeSettingsField: Hashable, Sendable {
    case organisation
    case followUpDays(RiskLevel)
}

/// Checks office settings before they are stored.
public enum OfficeSettingsRules {
    /// The longest interval between visits: a year.
    public static let maximumDays = 365

    /// Messages (string-table keys) per field; empty when the settings
    /// may be saved.
    public static func validate(_ settings: OfficeSettings) -> [OfficeSettingsField: String] {
        var issues: [OfficeSettingsField: String] = [:]
        if settings.organisation.trimmingCharacters(in: .whitespaces).isEmpty { issues[.organisation] = "error.required" }
        for risk in RiskLevel.allCases {
            guard let days = settings.followUpDays[risk] else {
                issues[.followUpDays(risk)] = "error.required"
                continue
            }
            if !(1...maximumDays).contains(days) { issues[.followUpDays(risk)] = "error.days-range" }
        }
        // A riskier case is never visited less often than a safer one.
        let ordered = RiskLevel.allCases.reversed().compactMap { risk in
            settings.followUpDays[risk].flatMap { (1...maximumDays).contains($0) ? (risk, $0) : nil }
        }
        for (riskier, safer) in zip(ordered, ordered.dropFirst()) where riskier.1 > safer.1 {
            issues[.followUpDays(riskier.0)] = issues[.followUpDays(riskier.0)] ?? "error.days-order"
        }
        return issues
    }
}
