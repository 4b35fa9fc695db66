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
/// risk score, members, the household file, and the register with search.
/// Volunteers see the households they registered; social workers and
/// coordinators all of them.
public struct HouseholdService: Sendable {
    let database: AppDatabase
    let clock: Clock

    public init(database: AppDatabase, clock: Clock = .system) {
        self.database = database
        self.clock = clock
    }

    func scope(_ session: Session) throws -> (sql: String, arguments: StatementArguments) {
        if session.may(.viewAllCases) { return ("1", []) }
        try session.require(.viewOwnCases)
        return ("household.created_by = ?", [session.user.id])
    }

    /// Registers a household with its head as the first member and
    /// schedules its first follow-up by risk level.
    @discardableResult
    public func register(_ session: Session, _ input: HouseholdInput) throws -> HouseholdSummary {
        try session.require(.createIntake)
        if input.riskOverride != nil && input.riskOverride != input.proposedRisk { try session.require(.assessRisk) }
        var issues = HouseholdRules.validate(input, isNew: true)
        if input.headAge == nil { issues[.headAge] = issues[.headAge] ?? "error.required" }
        guard issues.isEmpty, let village = input.villageCode, let sex = input.headSex, let age = input.headAge else {
            throw HouseholdRejected(issues: Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }))
        }
        let now = clock.now()
        let today = clock.today
        let id: Int64 = try database.write { db in
            try Self.requireVillage(db, village)
            let nameKm = input.headNameKm.trimmingSpaces().precomposedStringWithCanonicalMapping
            let nameLatin = input.headNameLatin.trimmingSpaces()
            let key = SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin)
            try db.execute(sql: """
                INSERT INTO household (code, head_name_km, head_name_latin, village_code, address_detail, phone, id_poor,
                  vulnerabilities, risk_score, risk_level, risk_override, risk_override_reason, status, search_key,
                  created_at, updated_at, created_by, version)
                VALUES ('HH-new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, arguments: [nameKm, nameLatin, village, input.addressDetail.trimmingSpaces(),
                                 input.phone.trimmingSpaces(), input.idPoor.rawValue,
                                 Self.factorList(input.vulnerabilities), input.score, input.riskLevel.rawValue,
                                 Self.override(input)?.rawValue, Self.override(input).map { _ in input.riskOverrideReason.trimmingSpaces() },
                                 input.status.rawValue, key, now, now, session.user.id])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE household SET code = ? WHERE id = ?", arguments: [HouseholdCode.make(number: Int(id)), id])
            try db.execute(sql: """
                INSERT INTO household_member (household_id, name_km, name_latin, sex, estimated_age, age_as_of,
                  relationship, phone, search_key, created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, 'head', ?, ?, ?, ?, ?, 1)
                """, arguments: [id, nameKm, nameLatin, sex.rawValue, age, today.iso, input.phone.trimmingSpaces(), key,
                                 now, now, session.user.id])
            try HouseholdSearchIndex.reindex(db, householdId: id)
            let due = try FollowUpService.rules(db).nextDue(after: today, risk: input.riskLevel)
            try db.execute(sql: """
                INSERT INTO follow_up (household_id, type, due_date, status, created_at, updated_at, created_by, version)
                VALUES (?, 'home-visit', ?, 'scheduled', ?, ?, ?, 1)
                """, arguments: [id, due.iso, now, now, session.user.id])
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .create, entity: "household", entityId: id, summary: HouseholdCode.make(number: Int(id)))
            return id
        }
        return try summary(session, id: id)
    }

    /// Changes a household's assessment, status or contact details. If
    /// someone else changed it since `expectedVersion`, nothing is saved.
    public func update(_ session: Session, id: Int64, _ input: HouseholdInput, expectedVersion: Int) throws {
        try session.require(.createIntake)
        let issues = HouseholdRules.validate(input, isNew: false)
        guard issues.isEmpty, let village = input.villageCode else {
            throw HouseholdRejected(issues: Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }))
        }
        let scope = try scope(session)
        let now = clock.now()
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT version, risk_level FROM household WHERE id = ? AND \(scope.sql)
                """, arguments: [id] + scope.arguments) else { throw StoreError.notFound }
            guard (row["version"] as Int) == expectedVersion else { throw StoreError.changedElsewhere }
            let oldRisk: String? = row["risk_level"]
            if oldRisk != input.riskLevel.rawValue && input.riskOverride != nil { try session.require(.assessRisk) }
            try Self.requireVillage(db, village)
            let nameKm = input.headNameKm.trimmingSpaces().precomposedStringWithCanonicalMapping
            let nameLatin = input.headNameLatin.trimmingSpaces()
            try db.execute(sql: """
                UPDATE household SET head_name_km = ?, head_name_latin = ?, village_code = ?, address_detail = ?,
                  phone = ?, id_poor = ?, vulnerabilities = ?, risk_score = ?, risk_level = ?, risk_override = ?,
                  risk_override_reason = ?, status = ?, search_key = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, arguments: [nameKm, nameLatin, village, input.addressDetail.trimmingSpaces(),
                                 input.phone.trimmingSpaces(), input.idPoor.rawValue,
                                 Self.factorList(input.vulnerabilities), input.score, input.riskLevel.rawValue,
                                 Self.override(input)?.rawValue,
                                 Self.override(input).map { _ in input.riskOverrideReason.trimmingSpaces() },
                                 input.status.rawValue, SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin), now, id])
            // The head is also the household's first member.
            try db.execute(sql: """
                UPDATE household_member SET name_km = ?, name_latin = ?, search_key = ?, updated_at = ?,
                  version = version + 1
                WHERE household_id = ? AND relationship = 'head' AND (name_km != ? OR name_latin != ?)
                """, arguments: [nameKm, nameLatin, SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin), now, id,
                                 nameKm, nameLatin])
            if input.status != .active {
                try db.execute(sql: """
                    UPDATE follow_up SET status = 'cancelled', reason = 'household ' || ?, updated_at = ?
                    WHERE household_id = ? AND status = 'scheduled'
                    """, arguments: [input.status.rawValue, now, id])
            }
            try HouseholdSearchIndex.reindex(db, householdId: id)
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .update, entity: "household", entityId: id,
                                summary: "risk \(input.riskLevel.rawValue), status \(input.status.rawValue)")
        }
    }

    /// Adds a member to a household.
    @discardableResult
    public func addMember(_ session: Session, householdId: Int64, _ input: MemberInput) throws -> HouseholdMember {
        let (sex, birth) = try checked(session, input)
        let today = clock.today
        let scope = try scope(session)
        let now = clock.now()
        let memberId: Int64 = try database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM household WHERE id = ? AND \(scope.sql)",
                                   arguments: [householdId] + scope.arguments) != nil else { throw StoreError.notFound }
            let nameKm = input.nameKm.trimmingSpaces().precomposedStringWithCanonicalMapping
            let nameLatin = input.nameLatin.trimmingSpaces()
            var dob: String?
            var estimated: Int?
            switch birth {
            case .dateOfBirth(let d): dob = d.iso
            case .estimatedAge(let years): estimated = years
            }
            try db.execute(sql: """
                INSERT INTO household_member (household_id, name_km, name_latin, sex, date_of_birth, estimated_age,
                  age_as_of, relationship, in_school, occupation, migration_status, migration_country, phone,
                  search_key, created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, arguments: [householdId, nameKm, nameLatin, sex.rawValue, dob, estimated, today.iso,
                                 input.relationship.rawValue, input.inSchool, input.occupation.trimmingSpaces(),
                                 input.migration.rawValue,
                                 input.migration == .migratedAbroad ? input.migrationCountry.trimmingSpaces() : nil,
                                 input.phone.trimmingSpaces(), SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin),
                                 now, now, session.user.id])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE household SET updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [now, householdId])
            try HouseholdSearchIndex.reindex(db, householdId: householdId)
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .create, entity: "household-member", entityId: id, summary: "household \(householdId)")
            return id
        }
        return try database.read { db in
            try Self.members(db, sql: "household_member.id = ?", arguments: [memberId], today: today).first!
        }
    }

    /// A member as the edit form starts from it (an estimated age brought
    /// up to today), with its version.
    public func member(_ session: Session, id: Int64) throws -> (input: MemberInput, version: Int) {
        let scope = try scope(session)
        let today = clock.today
        return try database.read { db in
            let row = try Self.memberRow(db, id: id, scope: scope)
            return (Self.memberInput(row, today: today), row["version"])
        }
    }

    /// Saves changes to a member: a youth now migrated abroad, back in
    /// school, a corrected name or age. The head's name is the household's
    /// too, so both change. If someone else changed the member since
    /// `expectedVersion`, nothing is saved.
    public func updateMember(_ session: Session, id: Int64, _ input: MemberInput, expectedVersion: Int) throws {
        let (sex, birth) = try checked(session, input)
        let today = clock.today
        let scope = try scope(session)
        let now = clock.now()
        try database.write { db in
            let row = try Self.memberRow(db, id: id, scope: scope)
            guard (row["version"] as Int) == expectedVersion else { throw StoreError.changedElsewhere }
            let householdId: Int64 = row["household_id"]
            let before = Self.memberInput(row, today: today)
            let isHead = before.relationship == .head
            let nameKm = input.nameKm.trimmingSpaces().precomposedStringWithCanonicalMapping
            let nameLatin = input.nameLatin.trimmingSpaces()
            var dob: String? = row["date_of_birth"]
            var estimated: Int? = row["estimated_age"]
            var asOf: String? = row["age_as_of"]
            if birth != before.birth {
                switch birth {
                case .dateOfBirth(let d): (dob, estimated) = (d.iso, nil)
                case .estimatedAge(let years): (dob, estimated, asOf) = (nil, years, today.iso)
                }
            }
            let key = SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin)
            try db.execute(sql: """
                UPDATE household_member SET name_km = ?, name_latin = ?, sex = ?, date_of_birth = ?, estimated_age = ?,
                  age_as_of = ?, relationship = ?, in_school = ?, occupation = ?, migration_status = ?,
                  migration_country = ?, phone = ?, search_key = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, arguments: [nameKm, nameLatin, sex.rawValue, dob, estimated, asOf,
                                 (isHead ? .head : input.relationship).rawValue, input.inSchool,
                                 input.occupation.trimmingSpaces(), input.migration.rawValue,
                                 input.migration == .migratedAbroad ? input.migrationCountry.trimmingSpaces() : nil,
                                 input.phone.trimmingSpaces(), key, now, id])
            if isHead {
                try db.execute(sql: """
                    UPDATE household SET head_name_km = ?, head_name_latin = ?, search_key = ? WHERE id = ?
                    """, arguments: [nameKm, nameLatin, key, householdId])
            }
            try db.execute(sql: "UPDATE household SET updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [now, householdId])
            try HouseholdSearchIndex.reindex(db, householdId: householdId)
            var changes: [String] = []
            if input.migration != before.migration { changes.append("migration \(before.migration.rawValue) → \(input.migration.rawValue)") }
            if input.inSchool != before.inSchool { changes.append("in school") }
            if nameKm != before.nameKm || nameLatin != before.nameLatin { changes.append("name") }
            if birth != before.birth { changes.append("age") }
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .update, entity: "household-member", entityId: id,
                                summary: "household \(householdId)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")))
        }
    }

    /// The permission to change members, and what the member rules require.
    private func checked(_ session: Session, _ input: MemberInput) throws -> (sex: Sex, birth: BirthInfo) {
        try session.require(.createIntake)
        let issues = MemberRules.validate(input, today: clock.today)
        guard issues.isEmpty, let sex = input.sex, let birth = input.birth else {
            throw HouseholdRejected(issues: Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }))
        }
        return (sex, birth)
    }

    /// A member's row, if the session may see its household.
    private static func memberRow(_ db: Database, id: Int64, scope: (sql: String, arguments: StatementArguments))
        throws -> Row {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT household_member.* FROM household_member JOIN household ON household.id = household_member.household_id
            WHERE household_member.id = ? AND \(scope.sql)
            """, arguments: [id] + scope.arguments) else { throw StoreError.notFound }
        return row
    }

    static func memberInput(_ row: Row, today: LocalDate) -> MemberInput {
        var input = MemberInput()
        input.nameKm = row["name_km"]
        input.nameLatin = row["name_latin"]
        input.sex = Sex(rawValue: row["sex"])
        if let dob = (row["date_of_birth"] as String?).flatMap(LocalDate.init(iso:)) {
            input.birth = .dateOfBirth(dob)
        } else {
            input.birth = .estimatedAge(BirthInfo.age(dateOfBirth: nil, estimatedAge: row["estimated_age"],
                                                      asOf: (row["age_as_of"] as String?).flatMap(LocalDate.init(iso:)),
                                                      today: today))
        }
        input.relationship = Relationship(rawValue: row["relationship"]) ?? .other
        input.inSchool = row["in_school"]
        input.occupation = row["occupation"] ?? ""
        input.migration = MigrationStatus(rawValue: row["migration_status"]) ?? .none
        input.migrationCountry = row["migration_country"] ?? ""
        input.phone = row["phone"] ?? ""
        return input
    }

    /// One page of the register, newest first; with a query, households
    /// whose head's or a member's name, code or village contains it.
    public func list(_ session: Session, query: String = "", after cursor: HouseholdCursor? = nil,
                     limit: Int = 50) throws -> [HouseholdSummary] {
        let scope = try scope(session)
        let key = SearchKey.make(query)
        return try database.read { db in
            var sql = Self.summarySelect + " WHERE \(scope.sql)"
            var args = scope.arguments
            if key.unicodeScalars.count >= 3 {
                sql += " AND household.id IN (SELECT rowid FROM household_search WHERE household_search MATCH ?)"
                args += ["\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""]
            } else if !key.isEmpty {
                sql += " AND (household.search_key LIKE ? OR household.code LIKE ?)"
                args += ["%\(key)%", "%\(query.trimmingSpaces())%"]
            }
            if let cursor {
                sql += " AND household.id < ?"
                args += [cursor.lastId]
            }
            sql += " ORDER BY household.id DESC LIMIT ?"
            args += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.summary(row:))
        }
    }

    /// How many households the user may see.
    public func count(_ session: Session) throws -> Int {
        let scope = try scope(session)
        return try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household WHERE \(scope.sql)", arguments: scope.arguments) ?? 0
        }
    }

    public func summary(_ session: Session, id: Int64) throws -> HouseholdSummary {
        let scope = try scope(session)
        return try database.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.summarySelect + " WHERE household.id = ? AND \(scope.sql)",
                                             arguments: [id] + scope.arguments) else { throw StoreError.notFound }
            return Self.summary(row: row)
        }
    }

    /// The household file: members, linked cases, referrals and follow-ups.
    public func detail(_ session: Session, id: Int64) throws -> HouseholdDetail {
        let scope = try scope(session)
        let today = clock.today
        let now = clock.now()
        return try database.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.summaryColumns), household.address_detail, household.phone, household.vulnerabilities,
                  household.risk_score, household.risk_override_reason, household.version, user.display_name AS creator
                FROM household JOIN place ON place.code = household.village_code
                LEFT JOIN user ON user.id = household.created_by
                WHERE household.id = ? AND \(scope.sql)
                """, arguments: [id] + scope.arguments) else {
                if try Int.fetchOne(db, sql: "SELECT 1 FROM household WHERE id = ?", arguments: [id]) != nil {
                    throw PermissionDenied(role: session.user.role, action: .viewAllCases)
                }
                throw StoreError.notFound
            }
            let summary = Self.summary(row: row)
            let factors = (row["vulnerabilities"] as String).split(separator: ",").compactMap { Vulnerability(rawValue: String($0)) }
            let score: Int = row["risk_score"]
            let members = try Self.members(db, sql: "household_member.household_id = ?", arguments: [id], today: today)
            let cases = try Row.fetchAll(db, sql: """
                SELECT child_case.*, place.name_km AS village_name_km, place.name_latin AS village_name_latin
                FROM child_case JOIN place ON place.code = child_case.village_code
                WHERE child_case.household_id = ? ORDER BY child_case.id DESC LIMIT 50
                """, arguments: [id]).map { row in
                try CaseRecord(row: row).summary(today: today, villageNameKm: row["village_name_km"],
                                                 villageNameLatin: row["village_name_latin"])
            }
            let referrals = try Row.fetchAll(db, sql: ReferralService.summarySelect + """
                 WHERE referral.household_id = ? ORDER BY referral.id DESC LIMIT 50
                """, arguments: [id]).map(ReferralService.summary(row:))
            let followUps = try Row.fetchAll(db, sql: """
                SELECT id, type, due_date, status, done_date, wellbeing, outcome, reason FROM follow_up
                WHERE household_id = ? ORDER BY due_date DESC, id DESC LIMIT 50
                """, arguments: [id]).map { r in
                HouseholdFollowUp(id: r["id"], type: FollowUpType(rawValue: r["type"]) ?? .homeVisit,
                                  due: LocalDate(iso: r["due_date"]) ?? today,
                                  status: FollowUpStatus(rawValue: r["status"]) ?? .scheduled,
                                  doneDate: (r["done_date"] as String?).flatMap(LocalDate.init(iso:)),
                                  wellbeing: (r["wellbeing"] as String?).flatMap(Wellbeing.init(rawValue:)),
                                  notes: (r["outcome"] as String).isEmpty ? (r["reason"] as String? ?? "") : r["outcome"])
            }
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .view, entity: "household", entityId: id, summary: summary.code)
            return HouseholdDetail(
                summary: summary, addressDetail: row["address_detail"], phone: row["phone"], vulnerabilities: factors,
                riskScore: score, proposedRisk: HouseholdRisk.level(score: score),
                riskOverrideReason: row["risk_override_reason"], createdByName: row["creator"] ?? "",
                version: row["version"], members: members, cases: cases, referrals: referrals, followUps: followUps)
        }
    }

    /// The form's values of a registered household, for editing.
    public func input(_ session: Session, id: Int64) throws -> (input: HouseholdInput, version: Int) {
        let scope = try scope(session)
        return try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM household WHERE id = ? AND \(scope.sql)",
                                             arguments: [id] + scope.arguments) else { throw StoreError.notFound }
            var input = HouseholdInput()
            input.headNameKm = row["head_name_km"]
            input.headNameLatin = row["head_name_latin"]
            input.villageCode = row["village_code"]
            input.addressDetail = row["address_detail"]
            input.phone = row["phone"]
            input.idPoor = IDPoorStatus(rawValue: row["id_poor"]) ?? .none
            input.vulnerabilities = Set((row["vulnerabilities"] as String).split(separator: ",")
                .compactMap { Vulnerability(rawValue: String($0)) })
            input.riskOverride = (row["risk_override"] as String?).flatMap(RiskLevel.init(rawValue:))
            input.riskOverrideReason = row["risk_override_reason"] ?? ""
            input.status = HouseholdStatus(rawValue: row["status"]) ?? .active
            return (input, row["version"])
        }
    }

    static func requireVillage(_ db: Database, _ code: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM place WHERE code = ? AND level = 'village'",
                               arguments: [code]) != nil else {
            throw HouseholdRejected(issues: [HouseholdField.village.rawValue: "error.village-required"])
        }
    }

    static func factorList(_ factors: Set<Vulnerability>) -> String {
        Vulnerability.allCases.filter(factors.contains).map(\.rawValue).joined(separator: ",")
    }

    static func override(_ input: HouseholdInput) -> RiskLevel? {
        input.riskOverride == input.proposedRisk ? nil : input.riskOverride
    }

    static let summaryColumns = """
        household.id, household.code, household.head_name_km, household.head_name_latin, household.village_code,
          household.id_poor, household.risk_level, household.status, place.name_km AS village_km,
          place.name_latin AS village_latin,
          (SELECT COUNT(*) FROM household_member WHERE household_member.household_id = household.id) AS member_count
        """
    static let summarySelect = "SELECT \(summaryColumns) FROM household JOIN place ON place.code = household.village_code"

    static func summary(row: Row) -> HouseholdSummary {
        HouseholdSummary(
            id: row["id"], code: row["code"], headNameKm: row["head_name_km"], headNameLatin: row["head_name_latin"],
            villageCode: row["village_code"], villageNameKm: row["village_km"], villageNameLatin: row["village_latin"],
            idPoor: IDPoorStatus(rawValue: row["id_poor"]) ?? .none,
            riskLevel: (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)) ?? .low,
            status: HouseholdStatus(rawValue: row["status"]) ?? .active, memberCount: row["member_count"])
    }

    static func members(_ db: Database, sql condition: String, arguments: StatementArguments,
                        today: LocalDate) throws -> [HouseholdMember] {
        try Row.fetchAll(db, sql: "SELECT * FROM household_member WHERE \(condition) ORDER BY id",
                         arguments: arguments).map { r in
            let dob = (r["date_of_birth"] as String?).flatMap(LocalDate.init(iso:))
            return HouseholdMember(
                id: r["id"], householdId: r["household_id"], nameKm: r["name_km"], nameLatin: r["name_latin"],
                sex: Sex(rawValue: r["sex"]) ?? .female,
                age: BirthInfo.age(dateOfBirth: dob, estimatedAge: r["estimated_age"],
                                   asOf: (r["age_as_of"] as String?).flatMap(LocalDate.init(iso:)), today: today),
                ageIsEstimated: dob == nil, relationship: Relationship(rawValue: r["relationship"]) ?? .other,
                inSchool: r["in_school"], occupation: r["occupation"],
                migration: MigrationStatus(rawValue: r["migration_status"]) ?? .none,
                migrationCountry: r["migration_country"], phone: r["phone"])
        }
    }
}
