import Foundation

/// What an admin may change after setup: the organisation's name, the
/// language new users start in, the follow-up interval of each risk level
/// (DESIGN §2: critical 1 day, high 7, medium 14, low 30 unless the office
/// decides otherwise), how long an idle screen stays open, and how long
/// five failed logins lock an account.
public struct OfficeSettings: Equatable, Sendable {
    public var organisation: String
    public var languageCode: String
    public var followUpDays: [RiskLevel: Int]
    public var idleLockMinutes: Int
    public var lockoutMinutes: Int
    /// The age bands reports count in (issue 14: the office chooses).
    public var ageBands: AgeBandPreset

    public static let defaultIdleLockMinutes = 5
    public static let defaultLockoutMinutes = 15

    public init(organisation: String, languageCode: String, followUpDays: [RiskLevel: Int] = FollowUpRules.defaults,
                idleLockMinutes: Int = defaultIdleLockMinutes, lockoutMinutes: Int = defaultLockoutMinutes,
                ageBands: AgeBandPreset = .childProtection) {
        self.organisation = organisation
        self.languageCode = languageCode
        self.followUpDays = followUpDays
        self.idleLockMinutes = idleLockMinutes
        self.lockoutMinutes = lockoutMinutes
        self.ageBands = ageBands
    }

    /// Each setting by the name `komar settings` and the log use.
    public enum Key: String, CaseIterable, Sendable {
        case organisation, language
        case idleLockMinutes = "idle-lock-minutes"
        case lockoutMinutes = "lockout-minutes"
        case followUpDaysCritical = "followup-days-critical"
        case followUpDaysHigh = "followup-days-high"
        case followUpDaysMedium = "followup-days-medium"
        case followUpDaysLow = "followup-days-low"
        case ageBands = "age-bands"

        /// The risk level of a follow-up interval.
        public var risk: RiskLevel? {
            switch self {
            case .followUpDaysCritical: .critical
            case .followUpDaysHigh: .high
            case .followUpDaysMedium: .medium
            case .followUpDaysLow: .low
            default: nil
            }
        }

        /// The field its validation message goes under.
        public var field: OfficeSettingsField {
            switch self {
            case .organisation: .organisation
            case .language: .language
            case .idleLockMinutes: .idleLockMinutes
            case .lockoutMinutes: .lockoutMinutes
            case .ageBands: .ageBands
            default: .followUpDays(risk ?? .low)
            }
        }
    }

    /// A setting as text.
    public func value(_ key: Key) -> String {
        switch key {
        case .organisation: organisation
        case .language: languageCode
        case .idleLockMinutes: String(idleLockMinutes)
        case .lockoutMinutes: String(lockoutMinutes)
        case .ageBands: ageBands.rawValue
        default: followUpDays[key.risk ?? .low].map(String.init) ?? ""
        }
    }

    /// Sets a setting from text; false when a number was expected and the
    /// text is not one (the rules check ranges).
    @discardableResult
    public mutating func set(_ key: Key, _ text: String) -> Bool {
        let number = Int(text.trimmingCharacters(in: .whitespaces))
        switch key {
        case .organisation: organisation = text
        case .language: languageCode = text
        case .idleLockMinutes:
            guard let number else { return false }
            idleLockMinutes = number
        case .lockoutMinutes:
            guard let number else { return false }
            lockoutMinutes = number
        case .ageBands:
            guard let preset = AgeBandPreset(rawValue: text.trimmingCharacters(in: .whitespaces)) else { return false }
            ageBands = preset
        default:
            guard let number, let risk = key.risk else { return false }
            followUpDays[risk] = number
        }
        return true
    }
}

/// The settings a field can be wrong in.
public enum OfficeSettingsField: Hashable, Sendable {
    case organisation
    case language
    case followUpDays(RiskLevel)
    case idleLockMinutes
    case lockoutMinutes
    case ageBands
}

/// Checks office settings before they are stored.
public enum OfficeSettingsRules {
    /// The longest interval between visits: a year.
    public static let maximumDays = 365
    public static let idleLockRange = 1...60
    public static let lockoutRange = 1...1_440

    /// Messages (string-table keys) per field; empty when the settings
    /// may be saved.
    public static func validate(_ settings: OfficeSettings) -> [OfficeSettingsField: String] {
        var issues: [OfficeSettingsField: String] = [:]
        if settings.organisation.trimmingCharacters(in: .whitespaces).isEmpty {
            issues[.organisation] = "error.required"
        } else if TextRules.hasControlCharacters(settings.organisation) {
            issues[.organisation] = "error.control-characters"
        }
        if !["km", "en"].contains(settings.languageCode) { issues[.language] = "error.required" }
        if !idleLockRange.contains(settings.idleLockMinutes) { issues[.idleLockMinutes] = "error.idle-lock-range" }
        if !lockoutRange.contains(settings.lockoutMinutes) { issues[.lockoutMinutes] = "error.lockout-range" }
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
