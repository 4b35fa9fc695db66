import Foundation
import KhmerText

/// Services partners offer and people are referred to (DESIGN §1).
public enum ServiceType: String, CodeList {
    case hairdressingBeauty = "hairdressing-beauty"
    case sewing
    case hospitalityCooking = "hospitality-cooking"
    case motorbikeRepair = "motorbike-repair"
    case savingsGroup = "savings-group"
    case riceBank = "rice-bank"
    case cowBank = "cow-bank"
    case chickenBank = "chicken-bank"
    case businessGrant = "business-grant"
    case safeMigration = "safe-migration"
    case legalAid = "legal-aid"
    case health
    case psychosocial
    case shelter
    case police
    case dosvy
    case education
    public static let labelPrefix = "service"
}

/// What kind of organisation a provider is.
public enum ProviderKind: String, CodeList {
    case ngo, government, `private`
    case trainingCentre = "training-centre"
    public static let labelPrefix = "provider-kind"
}

public enum ReferralPriority: String, CodeList {
    case routine, urgent
    public static let labelPrefix = "priority"
}

/// Why a referral ended before it was completed (declined, dropped out,
/// cancelled): chosen from a list, so the donors' report counts each reason
/// once however it would have been typed; `other` takes the words. A
/// referral stores the code, or the words of an other reason (and, from
/// before the list, whatever was typed).
public enum ReferralExitReason: String, CodeList {
    case movedAway = "moved-away"
    case migratedForWork = "migrated-for-work"
    case neededAtHome = "needed-at-home"
    case foundWork = "found-work"
    case illness
    case marriage
    case tooFar = "too-far"
    case courseNotSuitable = "course-not-suitable"
    case notInterested = "not-interested"
    // The provider's side, for a declined referral.
    case notEligible = "not-eligible"
    case noPlaces = "no-places"
    case serviceUnavailable = "service-unavailable"
    case enteredByMistake = "entered-by-mistake"
    case other
    public static let labelPrefix = "exit-reason"

    /// The reason a referral stores, said through `label` when it is one
    /// of the list's.
    public static func text(_ stored: String, label: (String) -> String) -> String {
        Self(rawValue: stored).map { label($0.labelKey) } ?? stored
    }
}

/// What a completed referral led to.
public enum ReferralOutcome: String, CodeList {
    case workingInSkill = "working-in-skill"
    case startedBusiness = "started-business"
    case stillStudying = "still-studying"
    case migratedSafely = "migrated-safely"
    case other
    case none
    public static let labelPrefix = "outcome"
}

/// Age groups used by the referral lists and donor reports.
public enum AgeGroup: String, CodeList {
    case under15 = "0-14"
    case age15to17 = "15-17"
    case age18to24 = "18-24"
    case age25plus = "25+"
    public static let labelPrefix = "age-group"

    public var range: ClosedRange<Int> {
        switch self {
        case .under15: return 0...14
        case .age15to17: return 15...17
        case .age18to24: return 18...24
        case .age25plus: return 25...150
        }
    }
}

/// A referral code such as RF-2026-0001, or RF-PV1-2026-0001 in an office
/// that joined head office as PV1.
public enum ReferralCode {
    public static func make(year: Int, number: Int, office: String? = nil) -> String {
        prefix(year: year, office: office) + String(format: "%04d", number)
    }

    /// The part before the number: "RF-2026-" or "RF-PV1-2026-".
    public static func prefix(year: Int, office: String?) -> String {
        OfficeCode.prefix("RF", office: office) + String(format: "%04d-", year)
    }
}

/// The referral status machine (DESIGN §2): draft → sent → accepted →
/// enrolled → completed, with declined, dropped out and cancelled as exits.
public enum ReferralRules {
    /// Where a referral in `status` may go next.
    public static func moves(from status: ReferralStatus) -> [ReferralStatus] {
        switch status {
        case .draft: return [.sent, .cancelled]
        case .sent: return [.accepted, .declined, .cancelled]
        case .accepted: return [.enrolled, .declined, .cancelled]
        case .enrolled: return [.completed, .droppedOut]
        case .completed, .declined, .droppedOut, .cancelled: return []
        }
    }

    public static func isFinal(_ status: ReferralStatus) -> Bool { moves(from: status).isEmpty }

    /// How long a move may be taken back: long enough to notice a status
    /// chosen by mistake, short enough that last month's report stays as
    /// it was sent.
    public static let undoDays = 7

    /// Whether `userId` may take back a move at `now`: not the referral's
    /// creation (`isCreation`), made by them (`madeBy`), recorded (`at`) in
    /// the last `undoDays` days. Nil when they may; else the string-table
    /// key of why not.
    public static func whyNotUndo(isCreation: Bool, madeBy: Int64?, at: Date, by userId: Int64, now: Date) -> String? {
        guard !isCreation else { return "error.nothing-to-undo" }
        guard madeBy == userId else { return "error.undo-not-yours" }
        guard now.timeIntervalSince(at) <= Double(undoDays) * 86_400 else { return "error.undo-too-old" }
        return nil
    }

    /// The same for a move of a referral's history.
    public static func whyNotUndo(_ move: ReferralTransition, by userId: Int64, now: Date) -> String? {
        whyNotUndo(isCreation: move.from == nil, madeBy: move.byUserId, at: move.at, by: userId, now: now)
    }

    /// Whether the referral waits on someone (to send it, or for the
    /// provider to accept or enrol): only then does its waiting time show.
    public static func isWaiting(_ status: ReferralStatus) -> Bool { [.draft, .sent, .accepted].contains(status) }

    /// Statuses in which a referral holds one of the provider's seats for
    /// its next intake.
    public static let holdsSeat: [ReferralStatus] = [.sent, .accepted]

    /// Checks one move; each issue names its field and a message key. A
    /// move's date is never after `today` nor before `previousMove` (the
    /// date of the move before it).
    public static func validate(_ move: ReferralMove, from status: ReferralStatus, consentRecorded: Bool,
                                today: LocalDate? = nil, previousMove: LocalDate? = nil) -> [ReferralMoveField: String] {
        var issues: [ReferralMoveField: String] = [:]
        guard moves(from: status).contains(move.to) else {
            issues[.to] = isFinal(status) ? "error.referral-final" : "error.referral-move"
            return issues
        }
        if let date = move.effectiveOn {
            if let today, date > today { issues[.date] = "error.future-date" }
            if let previousMove, date < previousMove { issues[.date] = "error.before-previous-move" }
        }
        if move.to == .sent && !consentRecorded && !move.recordConsent { issues[.consent] = "error.consent-before-sending" }
        if move.to == .declined || move.to == .droppedOut || move.to == .cancelled,
           move.reason.trimmingSpaces().isEmpty {
            issues[.reason] = "error.reason-required"
        }
        if move.to == .completed && move.outcome == nil { issues[.outcome] = "error.required" }
        return issues
    }
}

/// The fields of a referral move a message can point at.
public enum ReferralMoveField: String, CaseIterable, Sendable {
    case to, date, reason, outcome, consent, note
}

/// One status move of a referral, as asked for by a user.
public struct ReferralMove: Equatable, Sendable {
    public var to: ReferralStatus
    public var expectedVersion: Int
    public var reason = ""
    public var outcome: ReferralOutcome?
    public var note = ""
    /// Consent was obtained now (a draft made without it can then be sent).
    public var recordConsent = false
    /// When it happened, if not today: a coordinator records on Friday
    /// that the enrolment was on Tuesday.
    public var effectiveOn: LocalDate?

    public init(to: ReferralStatus, expectedVersion: Int, reason: String = "", outcome: ReferralOutcome? = nil,
                note: String = "", recordConsent: Bool = false) {
        self.to = to
        self.recordConsent = recordConsent
        self.expectedVersion = expectedVersion
        self.reason = reason
        self.outcome = outcome
        self.note = note
    }
}

/// A move refused: which fields and why.
public struct ReferralMoveRejected: Error, Equatable, Sendable {
    public let issues: [ReferralMoveField: String]
    public init(issues: [ReferralMoveField: String]) { self.issues = issues }
}

/// Who is referred: the child of a case, or a household member.
public enum ReferralSubject: Equatable, Sendable, Codable {
    case child(caseId: Int64)
    case member(memberId: Int64)
}

/// What a person filled in to make a referral.
public struct ReferralInput: Equatable, Sendable {
    public var subject: ReferralSubject
    public var service: ServiceType?
    public var providerId: Int64?
    public var reason = ""
    public var priority: ReferralPriority = .routine
    public var consentRecorded = false
    /// Send at once instead of saving a draft.
    public var send = false

    public init(subject: ReferralSubject) { self.subject = subject }
}

/// The referral fields a validation message can point at.
public enum ReferralField: String, CaseIterable, Sendable {
    case person, service, provider, reason, consent
}

/// A referral refused, with a message key per field.
public struct ReferralRejected: Error, Equatable, Sendable {
    public let issues: [ReferralField: String]
    public init(issues: [ReferralField: String]) { self.issues = issues }
}

public enum ReferralInputRules {
    public static func validate(_ input: ReferralInput) -> [ReferralField: String] {
        var issues: [ReferralField: String] = [:]
        if input.service == nil { issues[.service] = "error.required" }
        if input.providerId == nil { issues[.provider] = "error.required" }
        if input.reason.trimmingSpaces().isEmpty { issues[.reason] = "error.required" }
        if input.send && !input.consentRecorded { issues[.consent] = "error.consent-before-sending" }
        return issues
    }
}

/// Whether a provider's next intake still has room.
public enum SeatAvailability: Equatable, Sendable {
    /// The provider does not limit seats.
    case unlimited
    case available(Int)
    case full(seats: Int, taken: Int)

    public init(seats: Int?, taken: Int) {
        guard let seats, seats > 0 else { self = .unlimited; return }
        self = taken >= seats ? .full(seats: seats, taken: taken) : .available(seats - taken)
    }

    public var isFull: Bool { if case .full = self { return true } else { return false } }
}

/// One row of a referral list.
public struct ReferralSummary: Equatable, Sendable {
    public let id: Int64
    public let code: String
    public let personNameKm: String
    public let personNameLatin: String
    public let sex: Sex
    public let age: Int
    public let service: ServiceType
    public let providerName: String
    public let providerNameLatin: String
    public let priority: ReferralPriority
    public let status: ReferralStatus
    public let statusChangedAt: Date
    public let referredOn: LocalDate
    public let villageCode: String

    public init(id: Int64, code: String, personNameKm: String, personNameLatin: String, sex: Sex, age: Int,
                service: ServiceType, providerName: String, providerNameLatin: String, priority: ReferralPriority,
                status: ReferralStatus, statusChangedAt: Date, referredOn: LocalDate, villageCode: String) {
        self.id = id
        self.code = code
        self.personNameKm = personNameKm
        self.personNameLatin = personNameLatin
        self.sex = sex
        self.age = age
        self.service = service
        self.providerName = providerName
        self.providerNameLatin = providerNameLatin
        self.priority = priority
        self.status = status
        self.statusChangedAt = statusChangedAt
        self.referredOn = referredOn
        self.villageCode = villageCode
    }

    /// Whole days since the last move, as of `now`.
    public func daysSinceLastMove(now: Date) -> Int { max(0, Int(now.timeIntervalSince(statusChangedAt) / 86_400)) }
}

/// One entry of a referral's history.
public struct ReferralTransition: Equatable, Sendable {
    public let from: ReferralStatus?
    public let to: ReferralStatus
    /// When it was recorded.
    public let at: Date
    /// When it happened (the date the user gave; the day it was recorded
    /// otherwise).
    public let effectiveOn: LocalDate
    public let byName: String
    public let note: String
    /// Who recorded it: only they may undo it (`ReferralRules.whyNotUndo`).
    public let byUserId: Int64?

    public init(from: ReferralStatus?, to: ReferralStatus, at: Date, effectiveOn: LocalDate, byName: String,
                note: String, byUserId: Int64? = nil) {
        self.from = from
        self.to = to
        self.at = at
        self.effectiveOn = effectiveOn
        self.byName = byName
        self.note = note
        self.byUserId = byUserId
    }
}

/// Everything the referral screen shows.
public struct ReferralDetail: Equatable, Sendable {
    public let summary: ReferralSummary
    public let caseId: Int64?
    public let caseCode: String?
    public let householdId: Int64?
    public let householdCode: String?
    public let providerId: Int64
    public let reason: String
    public let consentRecorded: Bool
    public let exitReason: String?
    public let outcome: ReferralOutcome?
    public let outcomeNotes: String
    public let version: Int
    public let createdByName: String
    public let history: [ReferralTransition]

    public init(summary: ReferralSummary, caseId: Int64?, caseCode: String?, householdId: Int64?,
                householdCode: String?, providerId: Int64, reason: String, consentRecorded: Bool,
                exitReason: String?, outcome: ReferralOutcome?, outcomeNotes: String, version: Int,
                createdByName: String, history: [ReferralTransition]) {
        self.summary = summary
        self.caseId = caseId
        self.caseCode = caseCode
        self.householdId = householdId
        self.householdCode = householdCode
        self.providerId = providerId
        self.reason = reason
        self.consentRecorded = consentRecorded
        self.exitReason = exitReason
        self.outcome = outcome
        self.outcomeNotes = outcomeNotes
        self.version = version
        self.createdByName = createdByName
        self.history = history
    }
}

/// What a referral list is narrowed to. Empty means all referrals.
public struct ReferralFilter: Equatable, Sendable {
    public var status: ReferralStatus?
    public var providerId: Int64?
    public var service: ServiceType?
    /// A district (4 digits) or commune (6 digits) gazetteer code.
    public var placeCode: String?
    public var sex: Sex?
    public var ageGroup: AgeGroup?
    public var priority: ReferralPriority?
    /// Referred on or after this date.
    public var from: LocalDate?
    /// Referred on or before this date.
    public var to: LocalDate?
    /// At head office: only referrals of this office (by its number; its
    /// key range).
    public var office: Int64?
    /// Typed in the list's search box: every word in the code or the
    /// person's name.
    public var text = ""

    public init(status: ReferralStatus? = nil, providerId: Int64? = nil, service: ServiceType? = nil,
                placeCode: String? = nil, sex: Sex? = nil, ageGroup: AgeGroup? = nil,
                priority: ReferralPriority? = nil, from: LocalDate? = nil, to: LocalDate? = nil, office: Int64? = nil) {
        self.status = status
        self.providerId = providerId
        self.service = service
        self.placeCode = placeCode
        self.sex = sex
        self.ageGroup = ageGroup
        self.priority = priority
        self.from = from
        self.to = to
        self.office = office
    }

    public var isEmpty: Bool { self == ReferralFilter() }
}
