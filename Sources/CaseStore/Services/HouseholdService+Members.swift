import CaseDomain
import Foundation
import GRDB
import KhmerText

/// A household's members: adding one, and changing one (a youth now
/// migrated abroad, back in school, a corrected name or age). The head is
/// the first member; their name is the household's too.
extension HouseholdService {
    /// Adds a member to a household.
    @discardableResult
    public func addMember(_ session: Session, householdId: Int64, _ input: MemberInput,
                draft: DraftRef? = nil) throws -> HouseholdMember {
        let (sex, birth) = try checked(session, input)
        let today = store.today
        let now = store.now
        return try store.write(clearing: draft, for: session) { db in
            var household = try Self.household(db, id: householdId, session)
            var member = MemberRecord(
                id: nil, householdId: householdId, nameKm: "", nameLatin: "", sex: sex, dateOfBirth: nil,
                estimatedAge: nil, ageAsOf: today.iso, relationship: input.relationship, inSchool: nil, occupation: "",
                migrationStatus: .none, migrationCountry: nil, phone: "", searchKey: "", createdAt: now, updatedAt: now,
                createdBy: session.user.id, version: 1)
            Self.apply(input, birth: birth, today: today, to: &member)
            try member.insert(db)
            let levelBefore = household.riskLevel
            Self.setFactors(HouseholdRules.factors(household.vulnerabilities.codes, members: [member.migrationStatus],
                                                   exactly: false), of: &household)
            try touch(db, &household)
            try Self.bringVisitForward(db, householdId: householdId, from: levelBefore, to: household.riskLevel,
                                       today: today, now: now)
            try store.audit(db, session, .create, entity: "household-member", id: member.id,
                            summary: "household \(householdId)")
            return member.member(today: today)
        }
    }

    /// The age of the household's head today, for the member form's check
    /// of a relationship against the ages; nil without a head or an age.
    public func headAge(_ session: Session, householdId: Int64) throws -> Int? {
        let today = store.today
        return try store.read { db in
            _ = try Self.household(db, id: householdId, session)
            return try Self.head(db, householdId: householdId)?.input(today: today).birth?.age(on: today)
        }
    }

    /// The household's head member (the first, should there be two).
    static func head(_ db: Database, householdId: Int64) throws -> MemberRecord? {
        try MemberRecord.fetchOne(db, sql: """
            SELECT * FROM household_member WHERE household_id = ? AND relationship = 'head' ORDER BY id LIMIT 1
            """, arguments: [householdId])
    }

    /// A member as the edit form starts from it (an estimated age brought
    /// up to today), with its version.
    public func member(_ session: Session, id: Int64) throws -> (input: MemberInput, version: Int) {
        let today = store.today
        return try store.read { db in
            let member = try Self.member(db, id: id, session)
            return (member.input(today: today), member.version)
        }
    }

    /// Saves changes to a member. If someone else changed them since
    /// `expectedVersion`, nothing is saved.
    public func updateMember(_ session: Session, id: Int64, _ input: MemberInput, expectedVersion: Int,
                draft: DraftRef? = nil) throws {
        let (_, birth) = try checked(session, input)
        let today = store.today
        let now = store.now
        try store.write(clearing: draft, for: session) { db in
            var member = try Self.member(db, id: id, session)
            guard member.version == expectedVersion else { throw StoreError.changedElsewhere }
            var household = try Self.household(db, id: member.householdId, session)
            let before = member.input(today: today)
            let isHead = member.relationship == .head
            let levelBefore = household.riskLevel
            var edited = input
            if isHead { edited.relationship = .head }
            // An unchanged age keeps the date it was estimated on.
            Self.apply(edited, birth: birth == before.birth ? nil : birth, today: today, to: &member)
            member.updatedAt = now
            member.version += 1
            try member.update(db)
            if isHead {
                household.headNameKm = member.nameKm
                household.headNameLatin = member.nameLatin
                household.searchKey = member.searchKey
                // Female-headed follows the head's sex, and the score with it (walk-through: a head corrected
                // to a woman left the household unticked at score 0, while the report counted it).
                var factors = HouseholdRules.factors(household.vulnerabilities.codes, headSex: member.sex)
                if let age = member.input(today: today).birth?.age(on: today) {
                    factors = HouseholdRules.factors(factors, headAge: age)
                }
                Self.setFactors(factors, of: &household)
            }
            if member.migrationStatus != before.migration {
                let statuses = try Self.memberMigration(db, householdId: member.householdId)
                Self.setFactors(HouseholdRules.factors(household.vulnerabilities.codes, members: statuses, exactly: true),
                                of: &household)
            }
            try touch(db, &household)
            try Self.bringVisitForward(db, householdId: member.householdId, from: levelBefore, to: household.riskLevel,
                                       today: today, now: now)
            var changes: [String] = []
            if input.migration != before.migration {
                changes.append("migration \(before.migration.rawValue) → \(input.migration.rawValue)")
            }
            if input.inSchool != before.inSchool { changes.append("in school") }
            if member.nameKm != before.nameKm || member.nameLatin != before.nameLatin { changes.append("name") }
            if birth != before.birth { changes.append("age") }
            try store.audit(db, session, .update, entity: "household-member", id: id,
                            summary: "household \(member.householdId)"
                                + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")))
        }
    }

    /// The form's fields on a member row; `birth` nil keeps the stored one.
    static func apply(_ input: MemberInput, birth: BirthInfo?, today: LocalDate, to member: inout MemberRecord,
                      key: (String) -> String = SearchKey.make) {
        member.nameKm = input.nameKm.trimmingSpaces().canonicallyComposed
        member.nameLatin = input.nameLatin.trimmingSpaces()
        if let sex = input.sex { member.sex = sex }
        if let birth { member.setBirth(birth, today: today) }
        member.relationship = input.relationship
        member.inSchool = input.inSchool
        member.occupation = input.occupation.trimmingSpaces()
        member.migrationStatus = input.migration
        member.migrationCountry = input.migration == .migratedAbroad ? input.migrationCountry.trimmingSpaces() : nil
        member.phone = input.phone.trimmingSpaces()
        member.searchKey = key(member.nameKm) + " " + key(member.nameLatin)
    }

    /// A household whose level rose (`from` → `to`) has its next visit
    /// brought forward to the new level's interval from today
    /// (walk-through: risen to High, a household kept the 30 days of Low).
    /// A level that fell, or stayed, keeps the date the visit has.
    static func bringVisitForward(_ db: Database, householdId: Int64, from old: RiskLevel?, to new: RiskLevel?,
                                  today: LocalDate, now: Date) throws {
        guard let new else { return }
        let rules = try FollowUpService.rules(db)
        if let old, rules.interval(for: new) >= rules.interval(for: old) { return }
        let due = rules.nextDue(after: today, risk: new).iso
        try db.execute(sql: """
            UPDATE follow_up SET due_date = ?, updated_at = ?, version = version + 1
            WHERE household_id = ? AND status = 'scheduled' AND due_date > ?
            """, arguments: [due, now, householdId, due])
    }

    /// New factors for a household, and the score and proposed level they
    /// make (a level set by a social worker stays).
    static func setFactors(_ factors: Set<Vulnerability>, of household: inout HouseholdRecord) {
        guard factors != household.vulnerabilities.codes else { return }
        household.vulnerabilities = CodeSet(factors)
        household.riskScore = HouseholdRisk.score(idPoor: household.idPoor, factors: factors)
        household.riskLevel = household.riskOverride ?? HouseholdRisk.level(score: household.riskScore)
    }

    /// A household changed through its members: a new version, and its
    /// search text read again.
    private func touch(_ db: Database, _ household: inout HouseholdRecord) throws {
        household.updatedAt = store.now
        household.version += 1
        try household.update(db)
        try HouseholdSearchIndex.reindex(db, householdId: household.id!)
    }

    /// The permission to change members, and what the member rules require.
    private func checked(_ session: Session, _ input: MemberInput) throws -> (sex: Sex, birth: BirthInfo) {
        try session.require(.createIntake)
        let issues = MemberRules.validate(input, today: store.today)
        guard issues.isEmpty, let sex = input.sex, let birth = input.birth else { throw HouseholdRejected(issues: issues) }
        return (sex, birth)
    }

    /// A member row, if the session may see its household.
    private static func member(_ db: Database, id: Int64, _ session: Session) throws -> MemberRecord {
        let scope = try Visibility.households(session)
        guard let member = try MemberRecord.fetchOne(db, sql: """
            SELECT household_member.* FROM household_member JOIN household ON household.id = household_member.household_id
            WHERE household_member.id = ? AND \(scope.sql)
            """, arguments: [id] + scope.arguments) else { throw StoreError.notFound }
        return member
    }
}
