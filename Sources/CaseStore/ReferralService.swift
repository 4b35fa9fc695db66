import CaseDomain
import Foundation
import GRDB
import KhmerText

/// A position in a referral list: the last row shown (lists show referrals
/// still moving before finished ones, each oldest last move first, so stuck
/// referrals surface).
public struct ReferralCursor: Equatable, Sendable {
    public let finished: Bool
    public let statusChangedAt: Date
    public let id: Int64
    public init(after row: ReferralSummary) {
        finished = ReferralRules.isFinal(row.status)
        statusChangedAt = row.statusChangedAt
        id = row.id
    }
}

/// Referrals of children and household members to providers: making one,
/// moving it through the status machine with a dated history, and the
/// coordinator's filtered lists. Social workers and coordinators only.
public struct ReferralService: Sendable {
    let database: AppDatabase
    let clock: Clock

    public init(database: AppDatabase, clock: Clock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Who is referred and where they live, copied onto the referral.
    struct Person {
        var caseId: Int64?
        var memberId: Int64?
        var householdId: Int64?
        var nameKm: String
        var nameLatin: String
        var sex: String
        var age: Int
        var villageCode: String
        var label: String
    }

    func person(_ db: Database, _ subject: ReferralSubject, today: LocalDate) throws -> Person {
        switch subject {
        case .child(let caseId):
            guard let record = try CaseRecord.fetchOne(db, key: caseId) else { throw StoreError.notFound }
            let summary = record.summary(today: today)
            return Person(caseId: caseId, memberId: nil, householdId: try Int64.fetchOne(
                db, sql: "SELECT household_id FROM child_case WHERE id = ?", arguments: [caseId]),
                nameKm: record.childNameKm, nameLatin: record.childNameLatin, sex: record.sex, age: summary.ageYears,
                villageCode: record.villageCode, label: record.code)
        case .member(let memberId):
            guard let row = try Row.fetchOne(db, sql: """
                SELECT household.village_code, household.code FROM household_member
                JOIN household ON household.id = household_member.household_id WHERE household_member.id = ?
                """, arguments: [memberId]),
                  let member = try HouseholdService.members(db, sql: "household_member.id = ?", arguments: [memberId],
                                                            today: today).first else { throw StoreError.notFound }
            return Person(caseId: nil, memberId: memberId, householdId: member.householdId, nameKm: member.nameKm,
                          nameLatin: member.nameLatin, sex: member.sex.rawValue, age: member.age,
                          villageCode: row["village_code"], label: row["code"])
        }
    }

    /// The village of the person to refer, to match providers' areas.
    public func villageCode(_ session: Session, of subject: ReferralSubject) throws -> String {
        try session.require(.manageReferrals)
        return try database.read { db in try person(db, subject, today: clock.today).villageCode }
    }

    /// Makes a referral: a draft, or sent at once when `input.send` (which
    /// needs consent). The provider must offer the service; whether it
    /// works in the person's area and has seats is the caller's warning.
    @discardableResult
    public func create(_ session: Session, _ input: ReferralInput) throws -> ReferralSummary {
        try session.require(.manageReferrals)
        let issues = ReferralInputRules.validate(input)
        guard issues.isEmpty, let service = input.service, let providerId = input.providerId else {
            throw ReferralRejected(issues: issues)
        }
        let now = clock.now()
        let today = clock.today
        let id: Int64 = try database.write { db in
            let person = try person(db, input.subject, today: today)
            guard let services = try String.fetchOne(db, sql: "SELECT services FROM provider WHERE id = ? AND is_active",
                                                      arguments: [providerId]) else {
                throw ReferralRejected(issues: [.provider: "error.provider-inactive"])
            }
            guard services.split(separator: ",").contains(Substring(service.rawValue)) else {
                throw ReferralRejected(issues: [.provider: "error.provider-service"])
            }
            let number = (try Int.fetchOne(db, sql: """
                SELECT MAX(CAST(substr(code, 9) AS INTEGER)) FROM referral WHERE code LIKE ?
                """, arguments: ["RF-\(today.year)-%"]) ?? 0) + 1
            let code = ReferralCode.make(year: today.year, number: number)
            let status: ReferralStatus = input.send ? .sent : .draft
            try db.execute(sql: """
                INSERT INTO referral (code, case_id, member_id, household_id, provider_id, service, reason, priority,
                  consent_recorded, status, status_changed_at, person_name_km, person_name_latin, sex, age, village_code,
                  commune_code, district_code, referred_on, created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, arguments: [code, person.caseId, person.memberId, person.householdId, providerId, service.rawValue,
                                 input.reason.trimmingSpaces(), input.priority.rawValue, input.consentRecorded,
                                 status.rawValue, now, person.nameKm, person.nameLatin, person.sex, person.age,
                                 person.villageCode, String(person.villageCode.prefix(6)),
                                 String(person.villageCode.prefix(4)), today.iso, now, now, session.user.id])
            let id = db.lastInsertedRowID
            try Self.addTransition(db, id, from: nil, to: .draft, at: now, by: session.user.id, note: "")
            if input.send { try Self.addTransition(db, id, from: .draft, to: .sent, at: now, by: session.user.id, note: "") }
            if let caseId = person.caseId {
                try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .referral, statusTo: nil,
                                   reason: status.rawValue, note: code + " · " + service.rawValue)
            }
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .create, entity: "referral", entityId: id, summary: "\(code) for \(person.label)")
            return id
        }
        return try detail(session, id: id).summary
    }

    /// Moves a referral to another status. Impossible moves are refused
    /// with `ReferralMoveRejected`; a referral changed by someone else
    /// since `move.expectedVersion` with `StoreError.changedElsewhere`.
    public func move(_ session: Session, referralId: Int64, _ move: ReferralMove) throws {
        try session.require(.manageReferrals)
        let now = clock.now()
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT status, version, consent_recorded, code, case_id FROM referral WHERE id = ?
                """, arguments: [referralId]) else { throw StoreError.notFound }
            guard (row["version"] as Int) == move.expectedVersion else { throw StoreError.changedElsewhere }
            let from = ReferralStatus(rawValue: row["status"]) ?? .draft
            let issues = ReferralRules.validate(move, from: from, consentRecorded: row["consent_recorded"])
            guard issues.isEmpty else { throw ReferralMoveRejected(issues: issues) }
            let reason = move.reason.trimmingSpaces()
            try db.execute(sql: """
                UPDATE referral SET status = ?, status_changed_at = ?, updated_at = ?, version = version + 1, finished = ?,
                  consent_recorded = consent_recorded OR ?,
                  exit_reason = CASE WHEN ? THEN ? ELSE exit_reason END,
                  outcome = COALESCE(?, outcome),
                  outcome_notes = CASE WHEN ? THEN ? ELSE outcome_notes END
                WHERE id = ?
                """, arguments: [move.to.rawValue, now, now, ReferralRules.isFinal(move.to), move.recordConsent,
                                 !reason.isEmpty, reason, move.outcome?.rawValue,
                                 move.to == .completed, move.note.trimmingSpaces(), referralId])
            var note = move.note.trimmingSpaces()
            if !reason.isEmpty { note = note.isEmpty ? reason : reason + " — " + note }
            if let outcome = move.outcome { note = "[\(outcome.rawValue)] " + note }
            try Self.addTransition(db, referralId, from: from, to: move.to, at: now, by: session.user.id, note: note)
            let code: String = row["code"]
            if let caseId = row["case_id"] as Int64? {
                try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .referral, statusTo: nil,
                                   reason: move.to.rawValue, note: code)
            }
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .statusChange, entity: "referral", entityId: referralId,
                                summary: "\(code) \(from.rawValue) → \(move.to.rawValue)")
        }
    }

    public func detail(_ session: Session, id: Int64) throws -> ReferralDetail {
        try session.require(.manageReferrals)
        return try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.summaryColumns), referral.case_id, referral.household_id, referral.provider_id,
                  referral.reason, referral.consent_recorded, referral.exit_reason, referral.outcome,
                  referral.outcome_notes, referral.version, child_case.code AS case_code, household.code AS household_code,
                  user.display_name AS creator
                FROM referral JOIN provider ON provider.id = referral.provider_id
                LEFT JOIN child_case ON child_case.id = referral.case_id
                LEFT JOIN household ON household.id = referral.household_id
                LEFT JOIN user ON user.id = referral.created_by
                WHERE referral.id = ?
                """, arguments: [id]) else { throw StoreError.notFound }
            let history = try Row.fetchAll(db, sql: """
                SELECT referral_transition.*, user.display_name AS by_name FROM referral_transition
                LEFT JOIN user ON user.id = referral_transition.by_user
                WHERE referral_id = ? ORDER BY referral_transition.id
                """, arguments: [id]).map { r in
                ReferralTransition(from: (r["from_status"] as String?).flatMap(ReferralStatus.init(rawValue:)),
                                   to: ReferralStatus(rawValue: r["to_status"]) ?? .draft, at: r["at"],
                                   byName: r["by_name"] ?? "", note: r["note"])
            }
            return ReferralDetail(
                summary: Self.summary(row: row), caseId: row["case_id"], caseCode: row["case_code"],
                householdId: row["household_id"], householdCode: row["household_code"], providerId: row["provider_id"],
                reason: row["reason"], consentRecorded: row["consent_recorded"], exitReason: row["exit_reason"],
                outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
                outcomeNotes: row["outcome_notes"], version: row["version"], createdByName: row["creator"] ?? "",
                history: history)
        }
    }

    /// Referrals of one case, newest first.
    public func forCase(_ session: Session, caseId: Int64) throws -> [ReferralSummary] {
        guard session.may(.manageReferrals) else { return [] }
        return try database.read { db in
            try Row.fetchAll(db, sql: Self.summarySelect + " WHERE referral.case_id = ? ORDER BY referral.id DESC",
                             arguments: [caseId]).map(Self.summary(row:))
        }
    }

    /// One page of referrals matching `filter`, oldest last move first,
    /// after `cursor` (keyset paging).
    public func list(_ session: Session, filter: ReferralFilter = ReferralFilter(), after cursor: ReferralCursor? = nil,
                     limit: Int = 50) throws -> [ReferralSummary] {
        try session.require(.manageReferrals)
        let narrowing = ReferralQuery(filter: filter).listWhere
        return try database.read { db in
            var sql = Self.summarySelect + " WHERE \(narrowing.sql)"
            var args = narrowing.arguments
            if let cursor {
                sql += " AND " + Self.after
                args += Self.arguments(after: cursor)
            }
            sql += " ORDER BY " + Self.order + " LIMIT ?"
            args += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.summary(row:))
        }
    }

    /// How many referrals match `filter` in each status (the filter's own
    /// status is ignored, so the counts show where the others are). One
    /// index range per status; without a filter, the kept totals.
    public func countsByStatus(_ session: Session, filter: ReferralFilter = ReferralFilter()) throws -> [ReferralStatus: Int] {
        try session.require(.manageReferrals)
        return try database.read { db in
            var counts: [ReferralStatus: Int] = [:]
            guard let narrowing = ReferralQuery(filter: filter).countWhere else {
                for row in try Row.fetchAll(db, sql: "SELECT status, n FROM referral_status_count WHERE n > 0") {
                    if let status = ReferralStatus(rawValue: row["status"]) { counts[status] = row["n"] }
                }
                return counts
            }
            let statement = try db.cachedStatement(sql: "SELECT COUNT(*) FROM referral WHERE " + narrowing.sql)
            for status in ReferralStatus.allCases {
                var arguments: StatementArguments = [status.rawValue]
                arguments += narrowing.arguments
                let n = try Int.fetchOne(statement, arguments: arguments) ?? 0
                if n > 0 { counts[status] = n }
            }
            return counts
        }
    }

    /// The list order: still moving first, then oldest last move.
    static let order = "referral.finished, referral.status_changed_at, referral.id"
    static let after = """
        (referral.finished > ? OR (referral.finished = ? AND (referral.status_changed_at > ?
          OR (referral.status_changed_at = ? AND referral.id > ?))))
        """
    static func arguments(after c: ReferralCursor) -> StatementArguments {
        [c.finished, c.finished, c.statusChangedAt, c.statusChangedAt, c.id]
    }

    static func addTransition(_ db: Database, _ id: Int64, from: ReferralStatus?, to: ReferralStatus, at: Date,
                              by: Int64?, note: String) throws {
        try db.execute(sql: """
            INSERT INTO referral_transition (referral_id, from_status, to_status, at, by_user, note)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [id, from?.rawValue, to.rawValue, at, by, note])
    }

    static let summaryColumns = """
        referral.id, referral.code, referral.person_name_km, referral.person_name_latin, referral.sex, referral.age,
        referral.service, provider.name_km AS provider_km, provider.name_latin AS provider_latin, referral.priority,
        referral.status, referral.status_changed_at, referral.referred_on, referral.village_code
        """
    static let summarySelect = "SELECT \(summaryColumns) FROM referral JOIN provider ON provider.id = referral.provider_id"

    static func summary(row: Row) -> ReferralSummary {
        ReferralSummary(
            id: row["id"], code: row["code"], personNameKm: row["person_name_km"],
            personNameLatin: row["person_name_latin"], sex: Sex(rawValue: row["sex"]) ?? .female, age: row["age"],
            service: ServiceType(rawValue: row["service"]) ?? .education, providerName: row["provider_km"],
            providerNameLatin: row["provider_latin"], priority: ReferralPriority(rawValue: row["priority"]) ?? .routine,
            status: ReferralStatus(rawValue: row["status"]) ?? .draft, statusChangedAt: row["status_changed_at"],
            referredOn: LocalDate(iso: row["referred_on"]) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            villageCode: row["village_code"])
    }
}
