import CaseDomain
import Foundation
import GRDB

/// A position in the follow-up queue for keyset paging: the last row shown.
public struct FollowUpCursor: Equatable, Sendable {
    let due: LocalDate
    let id: Int64
    public init(after item: FollowUpItem) {
        due = item.due
        id = item.id
    }
}

/// How many of a user's follow-ups are overdue, due today and due in the
/// next seven days.
public struct FollowUpCounts: Equatable, Sendable {
    public let overdue: Int
    public let today: Int
    public let upcoming: Int
    public var total: Int { overdue + today + upcoming }

    public init(overdue: Int, today: Int, upcoming: Int) {
        self.overdue = overdue
        self.today = today
        self.upcoming = upcoming
    }
}

/// Follow-ups: the queue of visits due, recording a visit (which schedules
/// the next one by risk level), and marking one missed or cancelled. An
/// open case always has exactly one scheduled follow-up.
public struct FollowUpService: Sendable {
    let store: StoreContext

    /// The scheduling rules, with intervals from settings
    /// (`followup_days_<risk>`) where set.
    public func rules() throws -> FollowUpRules {
        try store.read { db in try Self.rules(db) }
    }

    static func rules(_ db: Database) throws -> FollowUpRules {
        var overrides: [RiskLevel: Int] = [:]
        for risk in RiskLevel.allCases {
            if let value = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?",
                                               arguments: ["followup_days_\(risk.rawValue)"]), let days = Int(value) {
                overrides[risk] = days
            }
        }
        return FollowUpRules(overrides: overrides)
    }

    /// Schedules the next home visit of a case, `interval(risk)` days after
    /// `after`, unless one is already scheduled.
    static func scheduleNext(_ db: Database, caseId: Int64, after: LocalDate, risk: RiskLevel, type: FollowUpType,
                             by: Int64?, now: Date) throws -> LocalDate {
        if let existing = try String.fetchOne(db, sql: """
            SELECT due_date FROM follow_up WHERE case_id = ? AND status = 'scheduled' ORDER BY due_date LIMIT 1
            """, arguments: [caseId]), let due = LocalDate(iso: existing) {
            return due
        }
        let due = try rules(db).nextDue(after: after, risk: risk)
        var next = FollowUpEntry.scheduled(caseId: caseId, type: type, due: due, by: by, now: now)
        try next.insert(db)
        return due
    }

    /// Cancels what is scheduled for a case (it was closed).
    static func cancelScheduled(_ db: Database, caseId: Int64, now: Date) throws {
        try db.execute(sql: """
            UPDATE follow_up SET status = 'cancelled', reason = 'case closed', updated_at = ?, version = version + 1
            WHERE case_id = ? AND status = 'scheduled'
            """, arguments: [now, caseId])
    }

    /// Scheduled follow-ups due up to seven days from today, a page after
    /// `cursor`: overdue first, then due today, then upcoming (the order of
    /// the due date); with `text`, those whose child's or household's name,
    /// code or village contains it. A household's visit has case id 0 and
    /// the head's name.
    public func queue(_ session: Session, matching text: String = "", after cursor: FollowUpCursor? = nil,
                      limit: Int = 200) throws -> [FollowUpItem] {
        let query = try FollowUpQueueQuery(session, matching: text)
        let today = store.today
        return try store.read { db in try query.page(db, today: today, after: cursor, limit: limit) }
    }

    /// The queue's counts, from the database: overdue, due today and due
    /// in the next seven days.
    public func queueCounts(_ session: Session, matching text: String = "") throws -> FollowUpCounts {
        let query = try FollowUpQueueQuery(session, matching: text)
        let today = store.today
        return try store.read { db in
            try query.count(db, today: today, upTo: today.adding(days: FollowUpRules.upcomingWindowDays))
        }
    }

    /// How many of the user's follow-ups are overdue or due today.
    public func countDue(_ session: Session) throws -> Int {
        let query = try FollowUpQueueQuery(session)
        let today = store.today
        return try store.read { db in
            let counts = try query.count(db, today: today, upTo: today)
            return counts.overdue + counts.today
        }
    }

    /// The next scheduled follow-up of a case the session may see.
    public func nextDue(_ session: Session, caseId: Int64) throws -> LocalDate? {
        try store.read { db in
            _ = try CaseService.visibleCase(db, session, id: caseId)
            return try String.fetchOne(db, sql: """
                SELECT due_date FROM follow_up WHERE case_id = ? AND status = 'scheduled' ORDER BY due_date LIMIT 1
                """, arguments: [caseId]).flatMap(LocalDate.init(iso:))
        }
    }

    /// Records what happened to a scheduled follow-up and returns the due
    /// date of the next one (nil when the case or household is not open).
    @discardableResult
    public func record(_ session: Session, followUpId: Int64, _ visit: VisitReport,
                draft: DraftRef? = nil) throws -> LocalDate? {
        try session.require(.recordFollowUp)
        if visit.newRiskLevel != nil { try session.require(.assessRisk) }
        let issues = visit.validate(today: store.today)
        guard issues.isEmpty else { throw FollowUpRejected(issues: issues) }
        return try store.write(clearing: draft, for: session) { db in
            guard var entry = try FollowUpEntry.fetchOne(db, key: followUpId) else { throw StoreError.notFound }
            guard entry.status == .scheduled else { throw StoreError.changedElsewhere }
            if let caseId = entry.caseId {
                return try recordCaseVisit(db, session, &entry, caseId: caseId, visit)
            }
            guard let householdId = entry.householdId else { throw StoreError.notFound }
            return try recordHouseholdVisit(db, session, &entry, householdId: householdId, visit)
        }
    }

    /// When the next visit after `visit` is due: the day chosen for a
    /// missed one (it is still owed; tomorrow if none was chosen), else by
    /// risk from the visit's day (done) or today (cancelled).
    private func nextDue(_ db: Database, after visit: VisitReport, risk: RiskLevel) throws -> LocalDate {
        if visit.outcome == .missed { return visit.nextVisitOn ?? store.today.adding(days: 1) }
        return try Self.rules(db).nextDue(after: visit.outcome == .done ? visit.date : store.today, risk: risk)
    }

    private func recordCaseVisit(_ db: Database, _ session: Session, _ entry: inout FollowUpEntry, caseId: Int64,
                                 _ visit: VisitReport) throws -> LocalDate? {
        let now = store.now
        // Anyone who may see the case may record a visit on it.
        let scope = try session.may(.viewAllCases) ? .always : FollowUpQueueQuery(session).cases
        guard let row = try Row.fetchOne(db, sql: """
            SELECT code, status, risk_level FROM child_case WHERE child_case.id = ? AND \(scope.sql)
            """, arguments: [caseId] + scope.arguments) else {
            throw PermissionDenied(role: session.user.role, action: .recordFollowUp)
        }
        entry.record(visit, by: session.user.id, now: now)
        try entry.update(db)
        var risk: RiskLevel = row["risk_level"] ?? .medium
        let riskChange = visit.newRiskLevel.flatMap { $0 == risk ? nil : ", risk \(risk.rawValue) → \($0.rawValue)" } ?? ""
        if let newRisk = visit.newRiskLevel {
            risk = newRisk
            try db.execute(sql: """
                UPDATE child_case SET risk_level = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, arguments: [newRisk, now, caseId])
        }
        var note = visit.outcome == .done ? visit.notes : visit.reason
        if let wellbeing = visit.wellbeing, visit.outcome == .done { note = "[\(wellbeing.rawValue)] " + note }
        try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .followUp, statusTo: nil,
                           riskLevel: visit.newRiskLevel, reason: visit.outcome.rawValue + ":" + visit.type.rawValue,
                           note: note.trimmingCharacters(in: .whitespacesAndNewlines))
        // A new risk level is said in the audit log; its reason, the visit's
        // notes, is on the case's timeline.
        try store.audit(db, session, .update, entity: "follow-up", id: entry.id,
                        summary: "\(row["code"] as String) \(visit.outcome.rawValue)" + riskChange)
        guard (row["status"] as CaseStatus?) == .open else { return nil }
        if visit.outcome == .missed {
            let due = try nextDue(db, after: visit, risk: risk)
            var next = FollowUpEntry.scheduled(caseId: caseId, type: visit.type, due: due, by: session.user.id, now: now)
            try next.insert(db)
            return due
        }
        return try Self.scheduleNext(db, caseId: caseId, after: visit.outcome == .done ? visit.date : store.today,
                                     risk: risk, type: .homeVisit, by: session.user.id, now: now)
    }

    /// A visit to a household: like a case's, the next one is scheduled by
    /// the household's risk level while it is active.
    private func recordHouseholdVisit(_ db: Database, _ session: Session, _ entry: inout FollowUpEntry,
                                      householdId: Int64, _ visit: VisitReport) throws -> LocalDate? {
        let now = store.now
        let scope = try Visibility.households(session)
        guard var household = try HouseholdRecord.fetchOne(db, sql: "SELECT * FROM household WHERE id = ? AND \(scope.sql)",
                                                           arguments: [householdId] + scope.arguments) else {
            throw PermissionDenied(role: session.user.role, action: .recordFollowUp)
        }
        entry.record(visit, by: session.user.id, now: now)
        try entry.update(db)
        var risk = household.riskLevel ?? .medium
        if let newRisk = visit.newRiskLevel, newRisk != risk {
            risk = newRisk
            household.riskLevel = newRisk
            household.riskOverride = newRisk
            household.riskOverrideReason = visit.notes
            household.updatedAt = now
            household.version += 1
            try household.update(db)
        }
        try store.audit(db, session, .update, entity: "follow-up", id: entry.id,
                        summary: "\(household.code) \(visit.outcome.rawValue)")
        guard household.status == .active else { return nil }
        let due = try nextDue(db, after: visit, risk: risk)
        var next = FollowUpEntry.scheduled(householdId: householdId, type: visit.type, due: due, by: session.user.id,
                                           now: now)
        try next.insert(db)
        return due
    }
}

/// A follow-up record refused, with a message key per field.
public struct FollowUpRejected: Error, Equatable, Sendable {
    public let issues: [String: String]
}
