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
public struct VisitReport: Equatable, Sendable {
    public var outcome: FollowUpOutcomeKind
    public var type: FollowUpType
    public var date: LocalDate
    public var notes: String
    public var wellbeing: Wellbeing?
    /// A new risk level (social workers and coordinators only).
    public var newRiskLevel: RiskLevel?
    /// Why a visit was missed or cancelled.
    public var reason: String
    /// When a missed visit will be made instead (tomorrow if not given).
    public var nextVisitOn: LocalDate?

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
        if outcome == .missed, let next = nextVisitOn {
            if next < today { issues["nextVisit"] = "error.next-visit-past" }
            if next > today.adding(days: 365) { issues["nextVisit"] = "error.next-visit-far" }
        }
        return issues
    }
}

/// A scheduled follow-up in someone's queue.
public struct FollowUpItem: Equatable, Sendable, Codable {
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

    /// A household's visit has no case (`caseId` 0); its code and names are
    /// the household's and its head's.
    public var isHouseholdVisit: Bool { caseId == 0 }

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
