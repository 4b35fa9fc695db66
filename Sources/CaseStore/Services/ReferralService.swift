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
    let store: StoreContext

    /// Who is referred and where they live, copied onto the referral.
    struct Person {
        var caseId: Int64?
        var memberId: Int64?
        var householdId: Int64?
        var nameKm: String
        var nameLatin: String
        var sex: Sex
        var age: Int
        var villageCode: String
        var label: String
    }

    func person(_ db: Database, _ subject: ReferralSubject, today: LocalDate) throws -> Person {
        switch subject {
        case .child(let caseId):
            guard let record = try CaseRecord.fetchOne(db, key: caseId) else { throw StoreError.notFound }
            let summary = record.summary(today: today)
            return Person(caseId: caseId, memberId: nil, householdId: record.householdId, nameKm: record.childNameKm,
                          nameLatin: record.childNameLatin, sex: summary.sex, age: summary.ageYears,
                          villageCode: record.villageCode, label: record.code)
        case .member(let memberId):
            guard let member = try MemberRecord.fetchOne(db, key: memberId),
                  let household = try HouseholdRecord.fetchOne(db, key: member.householdId) else {
                throw StoreError.notFound
            }
            return Person(caseId: nil, memberId: memberId, householdId: member.householdId, nameKm: member.nameKm,
                          nameLatin: member.nameLatin, sex: member.sex, age: member.age(today: today),
                          villageCode: household.villageCode, label: household.code)
        }
    }

    /// The village of the person to refer, to match providers' areas.
    public func villageCode(_ session: Session, of subject: ReferralSubject) throws -> String {
        try session.require(.manageReferrals)
        return try store.read { db in try person(db, subject, today: store.today).villageCode }
    }

    /// Makes a referral: a draft, or sent at once when `input.send` (which
    /// needs consent). The provider must offer the service; whether it
    /// works in the person's area and has seats is the caller's warning.
    @discardableResult
    public func create(_ session: Session, _ input: ReferralInput,
                draft: DraftRef? = nil) throws -> ReferralSummary {
        try session.require(.manageReferrals)
        let issues = ReferralInputRules.validate(input)
        guard issues.isEmpty, let service = input.service, let providerId = input.providerId else {
            throw ReferralRejected(issues: issues)
        }
        let now = store.now
        let today = store.today
        let id: Int64 = try store.write(clearing: draft, for: session) { db in
            let person = try person(db, input.subject, today: today)
            if let caseId = person.caseId, let status = try String.fetchOne(
                db, sql: "SELECT status FROM child_case WHERE id = ?", arguments: [caseId]).flatMap(CaseStatus.init),
               !CaseStatusRules.mayRefer(status: status) {
                throw ReferralRejected(issues: [.person: "error.refer-open-case"])
            }
            guard let provider = try ProviderRecord.fetchOne(db, key: providerId), provider.isActive else {
                throw ReferralRejected(issues: [.provider: "error.provider-inactive"])
            }
            guard provider.services.codes.contains(service) else {
                throw ReferralRejected(issues: [.provider: "error.provider-service"])
            }
            let office = try OfficeIdentity.codeForNewRecords(db)
            let prefix = ReferralCode.prefix(year: today.year, office: office)
            let number = (try Int.fetchOne(db, sql: """
                SELECT MAX(CAST(substr(code, ?) AS INTEGER)) FROM referral WHERE code LIKE ?
                """, arguments: [prefix.count + 1, prefix + "%"]) ?? 0) + 1
            let status: ReferralStatus = input.send ? .sent : .draft
            var referral = ReferralRecord(
                id: nil, code: ReferralCode.make(year: today.year, number: number, office: office), caseId: person.caseId,
                memberId: person.memberId, householdId: person.householdId, providerId: providerId, service: service,
                reason: input.reason.trimmingSpaces(), priority: input.priority, consentRecorded: input.consentRecorded,
                status: status, statusChangedAt: now, exitReason: nil, outcome: nil, outcomeNotes: "",
                personNameKm: person.nameKm, personNameLatin: person.nameLatin, sex: person.sex, age: person.age,
                villageCode: person.villageCode, communeCode: String(person.villageCode.prefix(6)),
                districtCode: String(person.villageCode.prefix(4)), referredOn: today.iso, finished: false,
                createdAt: now, updatedAt: now, createdBy: session.user.id, version: 1)
            try referral.insert(db)
            let id = referral.id!
            try Self.addTransition(db, id, from: nil, to: .draft, at: now, on: today, by: session.user.id, note: "")
            if input.send {
                try Self.addTransition(db, id, from: .draft, to: .sent, at: now, on: today, by: session.user.id, note: "")
            }
            if let caseId = person.caseId {
                try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .referral, statusTo: nil,
                                   reason: status.rawValue, note: referral.code + " · " + service.rawValue)
            }
            try store.audit(db, session, .create, entity: "referral", id: id, summary: "\(referral.code) for \(person.label)")
            return id
        }
        return try store.read { db in try Self.detail(db, id: id).summary }
    }

    /// Moves a referral to another status. Impossible moves are refused
    /// with `ReferralMoveRejected`; a referral changed by someone else
    /// since `move.expectedVersion` with `StoreError.changedElsewhere`.
    public func move(_ session: Session, referralId: Int64, _ move: ReferralMove,
                draft: DraftRef? = nil) throws {
        try session.require(.manageReferrals)
        let now = store.now
        let today = store.today
        try store.write(clearing: draft, for: session) { db in
            guard var referral = try ReferralRecord.fetchOne(db, key: referralId) else { throw StoreError.notFound }
            guard referral.version == move.expectedVersion else { throw StoreError.changedElsewhere }
            let from = referral.status
            let previous = try String.fetchOne(db, sql: """
                SELECT MAX(COALESCE(effective_on, substr(at, 1, 10))) FROM referral_transition WHERE referral_id = ?
                """, arguments: [referralId]).flatMap(LocalDate.init(iso:))
            let issues = ReferralRules.validate(move, from: from, consentRecorded: referral.consentRecorded,
                                                today: today, previousMove: previous)
            guard issues.isEmpty else { throw ReferralMoveRejected(issues: issues) }
            let reason = move.reason.trimmingSpaces()
            referral.status = move.to
            // Waiting counts from the day the move happened: a move dated
            // last Tuesday has waited since Tuesday.
            let daysBack = max(0, move.effectiveOn.map { $0.days(until: today) } ?? 0)
            referral.statusChangedAt = now.addingTimeInterval(-Double(daysBack) * 86_400)
            referral.updatedAt = now
            referral.version += 1
            referral.finished = ReferralRules.isFinal(move.to)
            if from == .draft && move.to == .sent {
                // Nobody is referred by a draft: a referral counts from the
                // day it is sent, with the person's age on that day.
                let sentOn = move.effectiveOn ?? today
                referral.referredOn = sentOn.iso
                let subject: ReferralSubject? = referral.caseId.map { .child(caseId: $0) }
                    ?? referral.memberId.map { .member(memberId: $0) }
                if let subject { referral.age = try person(db, subject, today: sentOn).age }
            }
            referral.consentRecorded = referral.consentRecorded || move.recordConsent
            if !reason.isEmpty { referral.exitReason = reason }
            if let outcome = move.outcome { referral.outcome = outcome }
            if move.to == .completed { referral.outcomeNotes = move.note.trimmingSpaces() }
            try referral.update(db)
            var note = move.note.trimmingSpaces()
            if !reason.isEmpty { note = note.isEmpty ? reason : reason + " — " + note }
            if let outcome = move.outcome { note = "[\(outcome.rawValue)] " + note }
            try Self.addTransition(db, referralId, from: from, to: move.to, at: now, on: move.effectiveOn ?? today,
                                   by: session.user.id, note: note)
            if let caseId = referral.caseId {
                try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .referral, statusTo: nil,
                                   reason: move.to.rawValue, note: referral.code)
            }
            // A move dated before the day it was recorded says so in the log.
            let backdated = move.effectiveOn.flatMap { $0 < today ? " (happened \($0.iso))" : nil } ?? ""
            try store.audit(db, session, .statusChange, entity: "referral", id: referralId,
                            summary: "\(referral.code) \(from.rawValue) → \(move.to.rawValue)" + backdated)
        }
    }

    /// One referral, as its screen shows it; the read is audited.
    public func detail(_ session: Session, id: Int64) throws -> ReferralDetail {
        try session.require(.manageReferrals)
        return try store.write { db in
            let detail = try Self.detail(db, id: id)
            try store.audit(db, session, .view, entity: "referral", id: id, summary: detail.summary.code)
            return detail
        }
    }

    static func detail(_ db: Database, id: Int64) throws -> ReferralDetail {
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
        let history = try Row.decodeAll(db, sql: """
            SELECT referral_transition.*, user.display_name AS by_name FROM referral_transition
            LEFT JOIN user ON user.id = referral_transition.by_user
            WHERE referral_id = ? ORDER BY referral_transition.id
            """, arguments: [id]) { r in
            let at: Date = r["at"]
            return ReferralTransition(
                from: (r["from_status"] as String?).flatMap(ReferralStatus.init(rawValue:)),
                to: ReferralStatus(rawValue: r["to_status"]) ?? .draft, at: at,
                effectiveOn: (r["effective_on"] as String?).flatMap(LocalDate.init(iso:)) ?? LocalDate.today(now: at),
                byName: r["by_name"] ?? "", note: r["note"], byUserId: r["by_user"])
        }
        return ReferralDetail(
            summary: Self.summary(row: row), caseId: row["case_id"], caseCode: row["case_code"],
            householdId: row["household_id"], householdCode: row["household_code"], providerId: row["provider_id"],
            reason: row["reason"], consentRecorded: row["consent_recorded"], exitReason: row["exit_reason"],
            outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
            outcomeNotes: row["outcome_notes"], version: row["version"], createdByName: row["creator"] ?? "",
            history: history)
    }

    /// Referrals of one case, newest first.
    public func forCase(_ session: Session, caseId: Int64) throws -> [ReferralSummary] {
        try session.require(.manageReferrals)
        return try store.read { db in
            try Row.decodeAll(db, sql: Self.summarySelect + " WHERE referral.case_id = ? ORDER BY referral.id DESC",
                             arguments: [caseId], Self.summary(row:))
        }
    }

    /// One page of referrals matching `filter`, oldest last move first,
    /// after `cursor` (keyset paging).
    public func list(_ session: Session, filter: ReferralFilter = ReferralFilter(), after cursor: ReferralCursor? = nil,
                     limit: Int = 50) throws -> [ReferralSummary] {
        try session.require(.manageReferrals)
        let narrowing = ReferralQuery(filter: filter).listWhere
        return try store.read { db in
            var sql = Self.summarySelect + " WHERE \(narrowing.sql)"
            var args = narrowing.arguments
            if let cursor {
                sql += " AND " + Self.after
                args += Self.arguments(after: cursor)
            }
            sql += " ORDER BY " + Self.order + " LIMIT ?"
            args += [limit]
            return try Row.decodeAll(db, sql: sql, arguments: args, Self.summary(row:))
        }
    }

    /// How many referrals match `filter` in each status (the filter's own
    /// status is ignored, so the counts show where the others are). One
    /// index range per status; without a filter, the kept totals.
    public func countsByStatus(_ session: Session, filter: ReferralFilter = ReferralFilter()) throws -> [ReferralStatus: Int] {
        try session.require(.manageReferrals)
        return try store.read { db in
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
                              on date: LocalDate, by: Int64?, note: String) throws {
        var transition = ReferralTransitionRecord(id: nil, referralId: id, fromStatus: from, toStatus: to, at: at,
                                                  byUser: by, note: note, effectiveOn: date.iso)
        try transition.insert(db)
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
