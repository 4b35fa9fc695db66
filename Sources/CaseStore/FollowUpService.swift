import CaseDomain
import Foundation
import GRDB

/// Follow-ups: the queue of visits due, recording a visit (which schedules
/// the next one by risk level), and marking one missed or cancelled. An
/// open case always has exactly one scheduled follow-up.
public struct FollowUpService: Sendable {
    let database: AppDatabase
    let clock: Clock

    public init(database: AppDatabase, clock: Clock = .system) {
        self.database = database
        self.clock = clock
    }

    /// The scheduling rules, with intervals from settings
    /// (`followup_days_<risk>`) where set.
    public func rules() throws -> FollowUpRules {
        try database.read { db in try Self.rules(db) }
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
        try db.execute(sql: """
            INSERT INTO follow_up (case_id, type, due_date, status, created_at, updated_at, created_by, version)
            VALUES (?, ?, ?, 'scheduled', ?, ?, ?, 1)
            """, arguments: [caseId, type.rawValue, due.iso, now, now, by])
        return due
    }

    /// Cancels what is scheduled for a case (it was closed).
    static func cancelScheduled(_ db: Database, caseId: Int64, now: Date) throws {
        try db.execute(sql: """
            UPDATE follow_up SET status = 'cancelled', reason = 'case closed', updated_at = ?, version = version + 1
            WHERE case_id = ? AND status = 'scheduled'
            """, arguments: [now, caseId])
    }

    /// Which cases' follow-ups are this user's: volunteers the cases they
    /// registered or were asked to visit, social workers the cases assigned
    /// to them, coordinators all.
    private func queueScope(_ session: Session) throws -> (sql: String, arguments: StatementArguments) {
        try session.require(.recordFollowUp)
        switch session.user.role {
        case .coordinator: return ("1", [])
        case .socialWorker: return ("child_case.assigned_to = ?", [session.user.id])
        default:
            return ("(child_case.created_by = ? OR child_case.id IN (SELECT case_id FROM case_visitor WHERE user_id = ?))",
                    [session.user.id, session.user.id])
        }
    }

    /// Scheduled follow-ups due up to seven days from today: overdue first,
    /// then due today, then upcoming (the order of the due date); with
    /// `text`, those of cases whose name, code or village contains it.
    public func queue(_ session: Session, matching text: String = "", limit: Int = 200) throws -> [FollowUpItem] {
        var scope = try queueScope(session)
        if let search = CaseService.matching(text) {
            scope.sql += " AND " + search.sql
            scope.arguments += search.arguments
        }
        let horizon = clock.today.adding(days: FollowUpRules.upcomingWindowDays)
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT follow_up.id, follow_up.case_id, follow_up.type, follow_up.due_date, child_case.code,
                       child_case.child_name_km, child_case.child_name_latin, child_case.risk_level,
                       place.name_km AS village_km, place.name_latin AS village_latin
                FROM follow_up
                JOIN child_case ON child_case.id = follow_up.case_id
                JOIN place ON place.code = child_case.village_code
                WHERE follow_up.status = 'scheduled' AND follow_up.due_date <= ? AND \(scope.sql)
                ORDER BY follow_up.due_date, follow_up.id LIMIT ?
                """, arguments: [horizon.iso] + scope.arguments + [limit]).map { row in
                FollowUpItem(
                    id: row["id"], caseId: row["case_id"], caseCode: row["code"], childNameKm: row["child_name_km"],
                    childNameLatin: row["child_name_latin"], villageNameKm: row["village_km"],
                    villageNameLatin: row["village_latin"],
                    type: FollowUpType(rawValue: row["type"]) ?? .homeVisit,
                    due: LocalDate(iso: row["due_date"]) ?? clock.today,
                    riskLevel: (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)))
            }
        }
    }

    /// How many of the user's follow-ups are overdue or due today.
    public func countDue(_ session: Session) throws -> Int {
        let scope = try queueScope(session)
        return try database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM follow_up JOIN child_case ON child_case.id = follow_up.case_id
                WHERE follow_up.status = 'scheduled' AND follow_up.due_date <= ? AND \(scope.sql)
                """, arguments: [clock.today.iso] + scope.arguments) ?? 0
        }
    }

    /// The next scheduled follow-up of a case.
    public func nextDue(caseId: Int64) throws -> LocalDate? {
        try database.read { db in
            try String.fetchOne(db, sql: """
                SELECT due_date FROM follow_up WHERE case_id = ? AND status = 'scheduled' ORDER BY due_date LIMIT 1
                """, arguments: [caseId]).flatMap(LocalDate.init(iso:))
        }
    }

    /// Records what happened to a scheduled follow-up and returns the due
    /// date of the next one (nil when the case is not open).
    @discardableResult
    public func record(_ session: Session, followUpId: Int64, _ visit: FollowUpRecord) throws -> LocalDate? {
        try session.require(.recordFollowUp)
        if visit.newRiskLevel != nil { try session.require(.assessRisk) }
        let issues = visit.validate(today: clock.today)
        guard issues.isEmpty else { throw FollowUpRejected(issues: issues) }
        let scope = try queueScopeForRecording(session)
        let now = clock.now()
        let today = clock.today
        return try database.write { db in
            if let householdId = try Int64.fetchOne(db, sql: """
                SELECT household_id FROM follow_up WHERE id = ? AND case_id IS NULL
                """, arguments: [followUpId]) {
                return try recordHouseholdVisit(db, session, followUpId: followUpId, householdId: householdId, visit)
            }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT follow_up.case_id, follow_up.status, child_case.code, child_case.status AS case_status,
                       child_case.risk_level
                FROM follow_up JOIN child_case ON child_case.id = follow_up.case_id
                WHERE follow_up.id = ?
                """, arguments: [followUpId]) else { throw StoreError.notFound }
            let caseId: Int64 = row["case_id"]
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM child_case WHERE child_case.id = ? AND \(scope.sql)",
                                   arguments: [caseId] + scope.arguments) != nil else {
                throw PermissionDenied(role: session.user.role, action: .recordFollowUp)
            }
            guard (row["status"] as String) == FollowUpStatus.scheduled.rawValue else { throw StoreError.changedElsewhere }
            let status: FollowUpStatus = visit.outcome == .done ? .done : visit.outcome == .missed ? .missed : .cancelled
            try db.execute(sql: """
                UPDATE follow_up SET status = ?, type = ?, done_date = ?, done_by = ?, outcome = ?, wellbeing = ?,
                new_risk_level = ?, reason = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, arguments: [status.rawValue, visit.type.rawValue, visit.outcome == .done ? visit.date.iso : nil,
                                 session.user.id, visit.notes, visit.wellbeing?.rawValue, visit.newRiskLevel?.rawValue,
                                 visit.reason.isEmpty ? nil : visit.reason, now, followUpId])
            var risk = (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)) ?? .medium
            if let newRisk = visit.newRiskLevel {
                risk = newRisk
                try db.execute(sql: """
                    UPDATE child_case SET risk_level = ?, updated_at = ?, version = version + 1 WHERE id = ?
                    """, arguments: [newRisk.rawValue, now, caseId])
            }
            var note = visit.outcome == .done ? visit.notes : visit.reason
            if let wellbeing = visit.wellbeing, visit.outcome == .done { note = "[\(wellbeing.rawValue)] " + note }
            try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .followUp, statusTo: nil,
                               riskLevel: visit.newRiskLevel, reason: visit.outcome.rawValue + ":" + visit.type.rawValue,
                               note: note.trimmingCharacters(in: .whitespacesAndNewlines))
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .update, entity: "follow-up", entityId: followUpId,
                                summary: "\(row["code"] as String) \(visit.outcome.rawValue)")
            guard (row["case_status"] as String) == CaseStatus.open.rawValue else { return nil }
            switch visit.outcome {
            case .done:
                return try Self.scheduleNext(db, caseId: caseId, after: visit.date, risk: risk, type: .homeVisit,
                                             by: session.user.id, now: now)
            case .missed:
                // Try again tomorrow: a missed visit is still owed.
                let due = today.adding(days: 1)
                try db.execute(sql: """
                    INSERT INTO follow_up (case_id, type, due_date, status, created_at, updated_at, created_by, version)
                    VALUES (?, ?, ?, 'scheduled', ?, ?, ?, 1)
                    """, arguments: [caseId, visit.type.rawValue, due.iso, now, now, session.user.id])
                return due
            case .cancelled:
                return try Self.scheduleNext(db, caseId: caseId, after: today, risk: risk, type: .homeVisit,
                                             by: session.user.id, now: now)
            }
        }
    }

    /// A visit to a household: like a case's, the next one is scheduled by
    /// the household's risk level while it is active.
    private func recordHouseholdVisit(_ db: Database, _ session: Session, followUpId: Int64, householdId: Int64,
                                      _ visit: FollowUpRecord) throws -> LocalDate? {
        let now = clock.now()
        let today = clock.today
        let scope = try HouseholdService(database: database, clock: clock).scope(session)
        guard let household = try Row.fetchOne(db, sql: """
            SELECT household.code, household.status, household.risk_level FROM household WHERE id = ? AND \(scope.sql)
            """, arguments: [householdId] + scope.arguments) else {
            throw PermissionDenied(role: session.user.role, action: .recordFollowUp)
        }
        guard try String.fetchOne(db, sql: "SELECT status FROM follow_up WHERE id = ?", arguments: [followUpId])
            == FollowUpStatus.scheduled.rawValue else { throw StoreError.changedElsewhere }
        let status: FollowUpStatus = visit.outcome == .done ? .done : visit.outcome == .missed ? .missed : .cancelled
        try db.execute(sql: """
            UPDATE follow_up SET status = ?, type = ?, done_date = ?, done_by = ?, outcome = ?, wellbeing = ?,
            new_risk_level = ?, reason = ?, updated_at = ?, version = version + 1 WHERE id = ?
            """, arguments: [status.rawValue, visit.type.rawValue, visit.outcome == .done ? visit.date.iso : nil,
                             session.user.id, visit.notes, visit.wellbeing?.rawValue, visit.newRiskLevel?.rawValue,
                             visit.reason.isEmpty ? nil : visit.reason, now, followUpId])
        var risk = (household["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)) ?? .medium
        if let newRisk = visit.newRiskLevel, newRisk != risk {
            risk = newRisk
            try db.execute(sql: """
                UPDATE household SET risk_level = ?, risk_override = ?, risk_override_reason = ?, updated_at = ?,
                  version = version + 1 WHERE id = ?
                """, arguments: [newRisk.rawValue, newRisk.rawValue, visit.notes, now, householdId])
        }
        try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                            action: .update, entity: "follow-up", entityId: followUpId,
                            summary: "\(household["code"] as String) \(visit.outcome.rawValue)")
        guard (household["status"] as String) == HouseholdStatus.active.rawValue else { return nil }
        let due = visit.outcome == .missed ? today.adding(days: 1)
            : try Self.rules(db).nextDue(after: visit.outcome == .done ? visit.date : today, risk: risk)
        try db.execute(sql: """
            INSERT INTO follow_up (household_id, type, due_date, status, created_at, updated_at, created_by, version)
            VALUES (?, ?, ?, 'scheduled', ?, ?, ?, 1)
            """, arguments: [householdId, visit.type.rawValue, due.iso, now, now, session.user.id])
        return due
    }

    /// Anyone who may see the case may record a visit on it; volunteers
    /// only on the cases they may see.
    private func queueScopeForRecording(_ session: Session) throws -> (sql: String, arguments: StatementArguments) {
        if session.may(.viewAllCases) { return ("1", []) }
        return try queueScope(session)
    }
}

/// A follow-up record refused, with a message key per field.
public struct FollowUpRejected: Error, Equatable, Sendable {
    public let issues: [String: String]
}
