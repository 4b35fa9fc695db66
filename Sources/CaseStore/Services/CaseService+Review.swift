import CaseDomain
import Foundation
import GRDB

/// Writes and reads the `case_event` timeline.
public enum CaseEvents {
    /// An accept event's reason when the level chosen is not the proposed
    /// one: this prefix, then the proposed level.
    public static let proposedRiskPrefix = "proposed-risk:"

    static func add(_ db: Database, caseId: Int64, at: Date, by: Int64?, kind: CaseEventKind, statusTo: CaseStatus?,
                    riskLevel: RiskLevel? = nil, assignedTo: Int64? = nil, reason: String? = nil, note: String = "")
        throws {
        try db.execute(sql: """
            INSERT INTO case_event (case_id, at, by_user, kind, status_to, risk_level, assigned_to, reason, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [caseId, at, by, kind.rawValue, statusTo?.rawValue, riskLevel?.rawValue, assignedTo,
                             reason, note])
    }
}

/// A user a case can be assigned to.
public struct Assignee: Equatable, Sendable {
    public let id: Int64
    public let username: String
    public let displayName: String
    public let role: Role
}

/// Review and status changes: the social worker's queue of new intakes,
/// accepting (assign, confirm the risk level), closing with a reason and
/// reopening. Every change checks the policy and the record's version, and
/// lands in the case's timeline and the audit log.
extension CaseService {
    /// New intakes waiting for review, most urgent first (immediate
    /// danger, then by risk level), then the longest waiting (reported
    /// date), a page after `cursor`; with `text`, those whose name, code or
    /// village contains it. New intakes are few, so sorting them needs no
    /// index of its own.
    public func reviewQueue(_ session: Session, matching text: String = "", after cursor: CaseListCursor? = nil,
                            limit: Int = 500) throws -> [CaseSummary] {
        try session.require(.assignCase)
        let today = store.today
        var condition = SQLCondition("child_case.status = 'new'")
        if let search = Self.matching(text) { condition = condition && search }
        let rank = Self.reviewRankSQL
        if let cursor {
            condition = condition && SQLCondition(
                "(\(rank) > ? OR (\(rank) = ? AND (child_case.reported_date > ?"
                    + " OR (child_case.reported_date = ? AND child_case.id > ?))))",
                [cursor.reviewRank, cursor.reviewRank, cursor.reportedDate, cursor.reportedDate, cursor.lastId])
        }
        return try store.read { db in
            try Row.decodeAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM child_case JOIN place ON place.code = child_case.village_code
                WHERE \(condition.sql) ORDER BY \(rank), child_case.reported_date, child_case.id LIMIT ?
                """, arguments: condition.arguments + [limit]) { row in try Self.summary(row, today: today) }
        }
    }

    /// How many new intakes wait for review (with `text`, how many of
    /// them match it).
    public func countReviewQueue(_ session: Session, matching text: String = "") throws -> Int {
        try session.require(.assignCase)
        var condition = SQLCondition("child_case.status = 'new'")
        if let search = Self.matching(text) { condition = condition && search }
        return try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case WHERE \(condition.sql)",
                             arguments: condition.arguments) ?? 0
        }
    }

    /// Active social workers and coordinators, who can hold cases.
    public func assignees(_ session: Session) throws -> [Assignee] {
        try session.require(.assignCase)
        return try store.read { db in
            try Row.decodeAll(db, sql: """
                SELECT id, username, display_name, role FROM user
                WHERE is_active AND role IN ('social-worker', 'coordinator') ORDER BY display_name
                """) { row in
                    Assignee(id: row["id"], username: row["username"], displayName: row["display_name"],
                             role: Role(rawValue: row["role"]) ?? .socialWorker)
                }
        }
    }

    /// Applies a status change; refused changes say which field is wrong,
    /// and a case changed by someone else since it was opened gives
    /// `StoreError.changedElsewhere` (the caller keeps the user's input).
    public func apply(_ session: Session, caseId: Int64, _ change: CaseChange,
                draft: DraftRef? = nil) throws {
        try session.require(CaseStatusRules.permission(for: change.action))
        if change.action == .accept { try session.require(.assessRisk) }
        let now = store.now
        let today = store.today
        try store.write(clearing: draft, for: session) { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT code, status, version, risk_level, assigned_to FROM child_case WHERE id = ?
                """, arguments: [caseId]) else { throw StoreError.notFound }
            guard (row["version"] as Int) == change.expectedVersion else { throw StoreError.changedElsewhere }
            let current = CaseStatus(rawValue: row["status"]) ?? .new
            let proposedRisk = (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:))
            var issues = change.validate(currentStatus: current, currentRisk: proposedRisk)
            if let assignee = change.assignTo, change.action == .accept || change.action == .reassign {
                let ok = try Int.fetchOne(db, sql: """
                    SELECT 1 FROM user WHERE id = ? AND is_active AND role IN ('social-worker', 'coordinator')
                    """, arguments: [assignee]) != nil
                if !ok { issues[.assignTo] = "error.assignee" }
                if change.action == .reassign, assignee == row["assigned_to"] { issues[.assignTo] = "error.same-worker" }
            }
            var duplicateId: Int64?
            if change.action == .close, change.closureReason == .duplicate, let code = change.duplicateOf,
               !code.trimmingCharacters(in: .whitespaces).isEmpty {
                duplicateId = try Int64.fetchOne(db, sql: "SELECT id FROM child_case WHERE code = ? COLLATE NOCASE",
                                                 arguments: [code.trimmingCharacters(in: .whitespaces)])
                if duplicateId == nil || duplicateId == caseId { issues[.duplicateOf] = "error.duplicate-code" }
            }
            guard issues.isEmpty else { throw CaseChangeRejected(issues) }

            let target = CaseStatusRules.target(of: change.action)
            let code: String = row["code"]
            var reasonText: String?
            switch change.action {
            case .accept:
                try db.execute(sql: """
                    UPDATE child_case SET status = 'open', assigned_to = ?, risk_level = ?, updated_at = ?,
                    version = version + 1 WHERE id = ? AND version = ?
                    """, arguments: [change.assignTo, change.riskLevel?.rawValue, now, caseId, change.expectedVersion])
            case .close:
                reasonText = change.closureReason?.rawValue
                if let duplicateId, let dupCode = try String.fetchOne(
                    db, sql: "SELECT code FROM child_case WHERE id = ?", arguments: [duplicateId]) {
                    reasonText = "duplicate:" + dupCode
                }
                try db.execute(sql: """
                    UPDATE child_case SET status = 'closed', closure_reason = ?, closed_date = ?, updated_at = ?,
                    version = version + 1 WHERE id = ? AND version = ?
                    """, arguments: [change.closureReason?.rawValue, today.iso, now, caseId, change.expectedVersion])
            case .reopen:
                try db.execute(sql: """
                    UPDATE child_case SET status = 'open', closure_reason = NULL, closed_date = NULL, updated_at = ?,
                    version = version + 1 WHERE id = ? AND version = ?
                    """, arguments: [now, caseId, change.expectedVersion])
            case .reassign:
                try db.execute(sql: """
                    UPDATE child_case SET assigned_to = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?
                    """, arguments: [change.assignTo, now, caseId, change.expectedVersion])
            }
            guard db.changesCount == 1 else { throw StoreError.changedElsewhere }
            switch change.action {
            case .accept:
                _ = try FollowUpService.scheduleNext(db, caseId: caseId, after: today, risk: change.riskLevel ?? .medium,
                                                     type: .homeVisit, by: session.user.id, now: now)
            case .reopen:
                let risk = try String.fetchOne(db, sql: "SELECT risk_level FROM child_case WHERE id = ?",
                                               arguments: [caseId]).flatMap(RiskLevel.init(rawValue:)) ?? .medium
                _ = try FollowUpService.scheduleNext(db, caseId: caseId, after: today, risk: risk, type: .homeVisit,
                                                     by: session.user.id, now: now)
            case .close:
                try FollowUpService.cancelScheduled(db, caseId: caseId, now: now)
            case .reassign:
                break
            }
            let kind: CaseEventKind = switch change.action {
            case .accept: .accepted
            case .close: .closed
            case .reopen: .reopened
            case .reassign: .reassigned
            }
            let accepting = change.action == .accept
            let assigning = accepting || change.action == .reassign
            // A risk level other than the proposed one: the timeline keeps
            // the proposed one beside it (with the reason), and the audit
            // log says so too.
            var riskText = ""
            var eventReason = reasonText
            if accepting, let chosen = change.riskLevel, let proposedRisk, chosen != proposedRisk {
                riskText = ", risk \(proposedRisk.rawValue) → \(chosen.rawValue)"
                eventReason = CaseEvents.proposedRiskPrefix + proposedRisk.rawValue
            }
            try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: kind, statusTo: target,
                               riskLevel: accepting ? change.riskLevel : nil,
                               assignedTo: assigning ? change.assignTo : nil, reason: eventReason,
                               note: change.note.trimmingCharacters(in: .whitespacesAndNewlines))
            // Who the case went to is part of accepting it (walk-through: the
            // log said the case was opened, not to whom).
            func username(_ id: Int64?) throws -> String? {
                try id.flatMap { try String.fetchOne(db, sql: "SELECT username FROM user WHERE id = ?", arguments: [$0]) }
            }
            let assignee = try assigning ? username(change.assignTo) : nil
            // A handover names whom the case came from too.
            let previous = try change.action == .reassign ? username(row["assigned_to"]) : nil
            try store.audit(db, session, .statusChange, entity: "case", id: caseId,
                            summary: "\(code) \(current.rawValue) → \(target.rawValue)"
                                + (reasonText.map { " (\($0))" } ?? "") + riskText
                                + (assignee.map { ", assigned to \($0)" } ?? "") + (previous.map { " (was \($0))" } ?? ""))
        }
    }

    /// The case's timeline, oldest first.
    public func timeline(_ session: Session, caseId: Int64) throws -> [CaseEvent] {
        let scope = try Visibility.cases(session)
        return try store.read { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM child_case WHERE child_case.id = ? AND \(scope.sql)",
                                   arguments: [caseId] + scope.arguments) != nil else {
                throw PermissionDenied(role: session.user.role, action: .viewAllCases)
            }
            return try Row.decodeAll(db, sql: """
                SELECT case_event.*, by_user.display_name AS by_name, assignee.display_name AS assignee_name
                FROM case_event
                LEFT JOIN user AS by_user ON by_user.id = case_event.by_user
                LEFT JOIN user AS assignee ON assignee.id = case_event.assigned_to
                WHERE case_event.case_id = ? ORDER BY case_event.at, case_event.id
                """, arguments: [caseId]) { row in
                CaseEvent(at: row["at"], byName: row["by_name"] ?? "", kind: CaseEventKind(rawValue: row["kind"]) ?? .intake,
                          riskLevel: (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)),
                          assignedToName: row["assignee_name"], reason: row["reason"], note: row["note"])
            }
        }
    }
}
