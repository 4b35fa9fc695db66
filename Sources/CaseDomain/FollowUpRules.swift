import Foundation

/// How a child is doing at a visit compared with the last one.
public enum Wellbeing: String, CodeList {
    case better, same, worse
    public static let labelPrefix = "wellbeing"
}

/// What happened to a scheduled follow-up.
public enum FollowUpOutcomeKind: String, CodeList {
    case done, missed, cancelled
    public static let labelPrefix = "followup-outcome"
}

/// Where a scheduled follow-up stands today.
public enum FollowUpUrgency: Int, Comparable, Sendable {
    case overdue, dueToday, upcoming, later
    public static func < (a: FollowUpUrgency, b: FollowUpUrgency) -> Bool { a.rawValue < b.rawValue }
}

/// Follow-up scheduling (DESIGN §2): the next visit is due a number of days
/// after the last one, by risk level; overdue means due before today and not
/// done; upcoming means due within seven days.
public struct FollowUpRules: Equatable, Sendable {
    public static let upcomingWindowDays = 7
    public static let defaults: [RiskLevel: Int] = [.critical: 1, .high: 7, .medium: 14, .low: 30]

    public let intervals: [RiskLevel: Int]

    /// `overrides` come from settings; anything missing or not positive
    /// falls back to the default.
    public init(overrides: [RiskLevel: Int] = [:]) {
        var merged = Self.defaults
        for (risk, days) in overrides where days > 0 { merged[risk] = days }
        intervals = merged
    }

    public func interval(for risk: RiskLevel) -> Int { intervals[risk] ?? 30 }

    public func nextDue(after date: LocalDate, risk: RiskLevel) -> LocalDate {
        date.adding(days: interval(for: risk))
    }

    public static func urgency(due: LocalDate, today: LocalDate) -> FollowUpUrgency {
        if due < today { return .overdue }
        if due == today { return .dueToday }
        if due <= today.adding(days: upcomingWindowDays) { return .upcoming }
        return .later
    }
}

/// A visit as recorded on the follow-up form.
public struct FollowUpRecord: Equatable, Sendable {
    public var outcome: FollowUpOutcomeKind
    public var type: FollowUpType
    public var date: LocalDate
    public var notes: String
    public var wellbeing: Wellbeing?
    /// A new risk level (social workers and coordinators only).
    public var newRiskLevel: RiskLevel?
    /// Why a visit was missed or cancelled.
    public var reason: String

    public init(outcome: FollowUpOutcomeKind, type: FollowUpType, date: LocalDate, notes: String = "",
                wellbeing: Wellbeing? = nil, newRiskLevel: RiskLevel? = nil, reason: String = "") {
        self.outcome = outcome
        self.type = type
        self.date = date
        self.notes = notes
        self.wellbeing = wellbeing
        self.newRiskLevel = newRiskLevel
        self.reason = reason
    }

    /// Which fields are missing or wrong, by field name.
    public func validate(today: LocalDate) -> [String: String] {
        var issues: [String: String] = [:]
        if date > today { issues["date"] = "error.future-date" }
        switch outcome {
        case .done:
            if wellbeing == nil { issues["wellbeing"] = "error.required" }
            if notes.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { issues["notes"] = "error.required" }
        case .missed, .cancelled:
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { issues["reason"] = "error.required" }
        }
        return issues
    }
}

/// A scheduled follow-up in someone's queue.
public struct FollowUpItem: Equatable, Sendable {
    public let id: Int64
    public let caseId: Int64
    public let caseCode: String
    public let childNameKm: String
    public let childNameLatin: String
    public let villageNameKm: String
    public let villageNameLatin: String
    public let type: FollowUpType
    public let due: LocalDate
    public let riskLevel: RiskLevel?

    public init(id: Int64, caseId: Int64, caseCode: String, childNameKm: String, childNameLatin: String,
                villageNameKm: String, villageNameLatin: String, type: FollowUpType, due: LocalDate,
                riskLevel: RiskLevel?) {
        self.id = id
        self.caseId = caseId
        self.caseCode = caseCode
        self.childNameKm = childNameKm
        self.childNameLatin = childNameLatin
        self.villageNameKm = villageNameKm
        self.villageNameLatin = villageNameLatin
        self.type = type
        self.due = due
        self.riskLevel = riskLevel
    }
}

extension LocalDate {
    /// The day `days` later (or earlier, when negative).
    public func adding(days: Int) -> LocalDate {
        var c = DateComponents()
        c.year = year
        c.month = month
        c.day = day
        c.hour = 12
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: c)!.addingTimeInterval(Double(days) * 86_400)
        let d = calendar.dateComponents([.year, .month, .day], from: date)
        return LocalDate(year: d.year!, month: d.month!, day: d.day!)!
    }
}

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
