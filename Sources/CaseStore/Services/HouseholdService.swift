import CaseDomain
import Foundation
import GRDB
import KhmerText

/// A position in the household register for keyset paging.
public struct HouseholdCursor: Equatable, Sendable {
    public let lastId: Int64
    public init(lastId: Int64) { self.lastId = lastId }
}

/// At-risk households: registration with the head as first member, the
/// risk score, the household file, and the register with search (members
/// are in `HouseholdService+Members.swift`). Volunteers see the households
/// they registered; social workers and coordinators all of them.
public struct HouseholdService: Sendable {
    let store: StoreContext

    /// Registers a household with its head as the first member and
    /// schedules its first follow-up by risk level.
    @discardableResult
    public func register(_ session: Session, _ input: HouseholdInput,
                draft: DraftRef? = nil) throws -> HouseholdSummary {
        try session.require(.createIntake)
        let input = HouseholdRules.addingHeadFactors(input)
        if input.riskOverride != nil && input.riskOverride != input.proposedRisk { try session.require(.assessRisk) }
        var issues = HouseholdRules.validate(input, isNew: true)
        if input.headAge == nil { issues[.headAge] = issues[.headAge] ?? "error.required" }
        guard issues.isEmpty, let village = input.villageCode, let sex = input.headSex, let age = input.headAge else {
            throw HouseholdRejected(issues: issues)
        }
        let now = store.now
        let today = store.today
        let id: Int64 = try store.write(clearing: draft, for: session) { db in
            try Self.requireVillage(db, village)
            var household = HouseholdRecord(
                id: nil, code: "HH-new", headNameKm: "", headNameLatin: "", searchKey: "", villageCode: village,
                addressDetail: "", phone: "", idPoor: .none, vulnerabilities: CodeSet([]), riskScore: 0, riskLevel: nil,
                riskOverride: nil, riskOverrideReason: nil, status: .active, createdAt: now, updatedAt: now,
                createdBy: session.user.id, version: 1)
            Self.apply(input, to: &household)
            try household.insert(db)
            let id = household.id!
            household.code = HouseholdCode.make(number: Int(OfficeKeys.local(id)), office: try OfficeIdentity.codeForNewRecords(db))
            try household.update(db, columns: ["code"])
            var head = MemberRecord(
                id: nil, householdId: id, nameKm: household.headNameKm, nameLatin: household.headNameLatin, sex: sex,
                dateOfBirth: nil, estimatedAge: age, ageAsOf: today.iso, relationship: .head, inSchool: nil,
                occupation: "", migrationStatus: .none, migrationCountry: nil, phone: household.phone,
                searchKey: household.searchKey, createdAt: now, updatedAt: now, createdBy: session.user.id, version: 1)
            try head.insert(db)
            try HouseholdSearchIndex.reindex(db, householdId: id)
            let due = try FollowUpService.rules(db).nextDue(after: today, risk: input.riskLevel)
            var visit = FollowUpEntry.scheduled(householdId: id, type: .homeVisit, due: due, by: session.user.id, now: now)
            try visit.insert(db)
            try store.audit(db, session, .create, entity: "household", id: id, summary: household.code)
            return id
        }
        return try summary(session, id: id)
    }

    /// The form's fields on a household row, with its risk and search key.
    static func apply(_ input: HouseholdInput, to household: inout HouseholdRecord,
                      key: (String) -> String = SearchKey.make) {
        household.headNameKm = input.headNameKm.trimmingSpaces().canonicallyComposed
        household.headNameLatin = input.headNameLatin.trimmingSpaces()
        household.villageCode = input.villageCode ?? household.villageCode
        household.addressDetail = input.addressDetail.trimmingSpaces()
        household.phone = input.phone.trimmingSpaces()
        household.idPoor = input.idPoor
        household.vulnerabilities = CodeSet(input.vulnerabilities)
        household.riskScore = input.score
        household.riskLevel = input.riskLevel
        let override = input.riskOverride == input.proposedRisk ? nil : input.riskOverride
        household.riskOverride = override
        household.riskOverrideReason = override.map { _ in input.riskOverrideReason.trimmingSpaces() }
        household.status = input.status
        household.searchKey = key(household.headNameKm) + " " + key(household.headNameLatin)
    }

    /// Changes a household's assessment, status or contact details. If
    /// someone else changed it since `expectedVersion`, nothing is saved.
    public func update(_ session: Session, id: Int64, _ input: HouseholdInput, expectedVersion: Int,
                draft: DraftRef? = nil) throws {
        try session.require(.createIntake)
        guard let village = input.villageCode else {
            throw HouseholdRejected(issues: HouseholdRules.validate(input, isNew: false))
        }
        let now = store.now
        try store.write(clearing: draft, for: session) { db in
            var household = try Self.household(db, id: id, session)
            guard household.version == expectedVersion else { throw StoreError.changedElsewhere }
            let levelBefore = household.riskLevel
            let input = try Self.withFactorsOfItsPeople(db, householdId: id, input, today: store.today)
            let issues = HouseholdRules.validate(input, isNew: false)
            guard issues.isEmpty else { throw HouseholdRejected(issues: issues) }
            if household.riskLevel != input.riskLevel && input.riskOverride != nil { try session.require(.assessRisk) }
            try Self.requireVillage(db, village)
            Self.apply(input, to: &household)
            household.updatedAt = now
            household.version += 1
            try household.update(db)
            // The head is also the household's first member.
            try db.execute(sql: """
                UPDATE household_member SET name_km = ?, name_latin = ?, search_key = ?, updated_at = ?,
                  version = version + 1
                WHERE household_id = ? AND relationship = 'head' AND (name_km != ? OR name_latin != ?)
                """, arguments: [household.headNameKm, household.headNameLatin, household.searchKey, now, id,
                                 household.headNameKm, household.headNameLatin])
            if input.status != .active {
                try db.execute(sql: """
                    UPDATE follow_up SET status = 'cancelled', reason = 'household ' || ?, updated_at = ?
                    WHERE household_id = ? AND status = 'scheduled'
                    """, arguments: [input.status, now, id])
            }
            try HouseholdSearchIndex.reindex(db, householdId: id)
            if input.status == .active {
                try Self.bringVisitForward(db, householdId: id, from: levelBefore, to: household.riskLevel,
                                           today: store.today, now: now)
            }
            try store.audit(db, session, .update, entity: "household", id: id,
                            summary: "risk \(input.riskLevel.rawValue), status \(input.status.rawValue)")
        }
    }

    /// A household row the session may see, or `notFound`.
    static func household(_ db: Database, id: Int64, _ session: Session) throws -> HouseholdRecord {
        let scope = try Visibility.households(session)
        guard let household = try HouseholdRecord.fetchOne(
            db, sql: "SELECT * FROM household WHERE household.id = ? AND \(scope.sql)", arguments: [id] + scope.arguments)
        else { throw StoreError.notFound }
        return household
    }

    /// One page of the register, newest first; with a query, households
    /// whose head's or a member's name, code, village or phone contains it.
    public func list(_ session: Session, query: String = "", after cursor: HouseholdCursor? = nil,
                     limit: Int = 50) throws -> [HouseholdSummary] {
        var condition = try Self.matching(session, query)
        if let cursor { condition = condition && SQLCondition("household.id < ?", [cursor.lastId]) }
        return try store.read { db in
            try Row.decodeAll(db, sql: Self.summarySelect + " WHERE \(condition.sql) ORDER BY household.id DESC LIMIT ?",
                             arguments: condition.arguments + [limit], Self.summary(row:))
        }
    }

    /// How many households the user may see.
    public func count(_ session: Session) throws -> Int {
        let scope = try Visibility.households(session)
        return try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household WHERE \(scope.sql)", arguments: scope.arguments) ?? 0
        }
    }

    /// How many households the user may see match `query` (as `list`
    /// finds them), counted up to `cap`.
    public func count(_ session: Session, matching query: String, cap: Int = 1_000) throws -> ListCount {
        let condition = try Self.matching(session, query)
        let found = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM household WHERE \(condition.sql) LIMIT ?)",
                             arguments: condition.arguments + [cap + 1]) ?? 0
        }
        return ListCount(capped: found, cap: cap)
    }

    /// The households the session may see whose head's or a member's
    /// name, code, village or phone contains `query` (all, when empty).
    private static func matching(_ session: Session, _ query: String) throws -> SQLCondition {
        let condition = try Visibility.households(session)
        return matching(query).map { condition && $0 } ?? condition
    }

    /// How `query` narrows households by the head's or a member's name,
    /// code, village or phone; nil when it does not.
    static func matching(_ query: String) -> SQLCondition? {
        let search = TextSearch(query, index: "household_search")
        if let match = search.indexMatch(table: "household", foldedColumn: "search_key") { return match }
        if let name = search.contains(table: "household", column: "search_key"),
           let code = search.like(table: "household", column: "code") {
            return name || code
        }
        return nil
    }

    public func summary(_ session: Session, id: Int64) throws -> HouseholdSummary {
        let scope = try Visibility.households(session)
        return try store.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.summarySelect + " WHERE household.id = ? AND \(scope.sql)",
                                             arguments: [id] + scope.arguments) else { throw StoreError.notFound }
            return Self.summary(row: row)
        }
    }

    /// The household file: members, linked cases, referrals and follow-ups.
    /// The read is audited.
    public func detail(_ session: Session, id: Int64) throws -> HouseholdDetail {
        let today = store.today
        return try store.write { db in
            let household: HouseholdRecord
            do { household = try Self.household(db, id: id, session) } catch StoreError.notFound {
                if try HouseholdRecord.exists(db, key: id) {
                    throw PermissionDenied(role: session.user.role, action: .viewAllCases)
                }
                throw StoreError.notFound
            }
            let summary = try Self.summary(row: Row.fetchOne(db, sql: Self.summarySelect + " WHERE household.id = ?",
                                                                 arguments: [id])!)
            let members = try MemberRecord.fetchAll(db, sql: "SELECT * FROM household_member WHERE household_id = ? ORDER BY id",
                                                    arguments: [id]).map { $0.member(today: today) }
            // Only the cases the user may see, and referrals only for those
            // who work with them: a volunteer sees their own cases here.
            let visible = try Visibility.cases(session)
            let cases = try Row.decodeAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM child_case JOIN place ON place.code = child_case.village_code
                WHERE child_case.household_id = ? AND \(visible.sql) ORDER BY child_case.id DESC LIMIT 50
                """, arguments: [id] + visible.arguments) { row in try CaseService.summary(row, today: today) }
            let referrals = !session.may(.manageReferrals) ? [] : try Row.decodeAll(db, sql: ReferralService.summarySelect
                + " WHERE referral.household_id = ? ORDER BY referral.id DESC LIMIT 50", arguments: [id],
                ReferralService.summary(row:))
            let entries = try FollowUpEntry.fetchAll(db, sql: """
                SELECT * FROM follow_up WHERE household_id = ? ORDER BY due_date DESC, id DESC LIMIT 50
                """, arguments: [id])
            // Walk-through: the visits said what and when, never who.
            var workers: [Int64: String] = [:]
            for worker in Set(entries.compactMap(\.workerId)) {
                workers[worker] = try String.fetchOne(db, sql: "SELECT display_name FROM user WHERE id = ?",
                                                      arguments: [worker])
            }
            let followUps = entries.map { $0.householdFollowUp(workerName: $0.workerId.flatMap { workers[$0] }) }
            let creator = try String.fetchOne(db, sql: "SELECT display_name FROM user WHERE id = ?",
                                              arguments: [household.createdBy])
            try store.audit(db, session, .view, entity: "household", id: id, summary: household.code)
            return HouseholdDetail(
                summary: summary, addressDetail: household.addressDetail, phone: household.phone,
                vulnerabilities: household.vulnerabilities.ordered, riskScore: household.riskScore,
                proposedRisk: HouseholdRisk.level(score: household.riskScore),
                riskOverrideReason: household.riskOverrideReason, createdByName: creator ?? "",
                version: household.version, members: members, cases: cases, referrals: referrals, followUps: followUps)
        }
    }

    /// The form's values of a registered household, for editing, with its
    /// head's sex (from the head member) and the factors it makes true.
    public func input(_ session: Session, id: Int64) throws -> (input: HouseholdInput, version: Int) {
        try store.read { db in
            let household = try Self.household(db, id: id, session)
            return (try Self.withFactorsOfItsPeople(db, householdId: id, household.input, today: store.today),
                    household.version)
        }
    }

    /// The factors the household's members make true (someone planning to
    /// migrate, someone gone), which an edit cannot take away.
    public func memberFactors(_ session: Session, id: Int64) throws -> Set<Vulnerability> {
        try store.read { db in
            _ = try Self.household(db, id: id, session)
            return HouseholdRules.factors([], members: try Self.memberMigration(db, householdId: id), exactly: false)
        }
    }

    static func memberMigration(_ db: Database, householdId: Int64) throws -> [MigrationStatus] {
        try String.fetchAll(db, sql: "SELECT migration_status FROM household_member WHERE household_id = ?",
                            arguments: [householdId]).compactMap(MigrationStatus.init(rawValue:))
    }

    /// `input` with its head's sex from the head member, and the
    /// factors the head and the members make true: female- and
    /// elderly-headed both ways (walk-through: the edit form, which has no
    /// sex field, said to correct the head's sex), the members' migration
    /// added.
    static func withFactorsOfItsPeople(_ db: Database, householdId: Int64, _ input: HouseholdInput,
                                       today: LocalDate) throws -> HouseholdInput {
        var input = input
        if let head = try Self.head(db, householdId: householdId) {
            input.headSex = head.sex
            input.vulnerabilities = HouseholdRules.factors(input.vulnerabilities, headSex: head.sex)
            // The age decides the factor only: an edit is never refused for a head's age it does not show
            // (a child at the head of a household is under the adult ages registering asks for).
            if let age = head.input(today: today).birth?.age(on: today) {
                input.vulnerabilities = HouseholdRules.factors(input.vulnerabilities, headAge: age)
            }
        }
        input.vulnerabilities = HouseholdRules.factors(input.vulnerabilities,
                                                       members: try memberMigration(db, householdId: householdId),
                                                       exactly: false)
        return input
    }

    static func requireVillage(_ db: Database, _ code: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM place WHERE code = ? AND level = 'village'",
                               arguments: [code]) != nil else {
            throw HouseholdRejected(issues: [HouseholdField.village.rawValue: "error.village-required"])
        }
    }

    static let summarySelect = """
        SELECT household.id, household.code, household.head_name_km, household.head_name_latin, household.village_code,
          household.id_poor, household.risk_level, household.status, place.name_km AS village_km,
          place.name_latin AS village_latin,
          (SELECT COUNT(*) FROM household_member WHERE household_member.household_id = household.id) AS member_count
        FROM household JOIN place ON place.code = household.village_code
        """

    static func summary(row: Row) -> HouseholdSummary {
        HouseholdSummary(
            id: row["id"], code: row["code"], headNameKm: row["head_name_km"], headNameLatin: row["head_name_latin"],
            villageCode: row["village_code"], villageNameKm: row["village_km"], villageNameLatin: row["village_latin"],
            idPoor: row["id_poor"], riskLevel: row["risk_level"] ?? .low, status: row["status"],
            memberCount: row["member_count"])
    }
}

extension HouseholdRejected {
    /// Issues named by household form field.
    init(issues: [HouseholdField: String]) {
        self.init(issues: Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }))
    }

    /// Issues named by member form field.
    init(issues: [MemberField: String]) {
        self.init(issues: Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }))
    }
}
