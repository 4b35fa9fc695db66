import CaseDomain
import Foundation
import GRDB
import KhmerText
import Synchronization

/// A household read from an import file: the household, its head (first
/// member) and the other members, checked already by the importer.
public struct NewHousehold: Sendable {
    public var household: HouseholdInput
    public var head: MemberInput
    public var members: [MemberInput]
    /// The worker whose queue the household's first visit goes to; nil:
    /// the importer's. A household's visits are whoever scheduled them
    /// (households have no assigned worker), and recording one schedules
    /// the next in the same worker's name.
    public var worker: Int64?

    public init(household: HouseholdInput, head: MemberInput, members: [MemberInput], worker: Int64? = nil) {
        self.household = household
        self.head = head
        self.members = members
        self.worker = worker
    }
}

extension HouseholdService {
    /// Which of `heads` (head's Khmer name, Latin name and village) match a
    /// household already registered: same folded name (either script) in
    /// the same village. Returns the index of each match and the code of
    /// the household it matches.
    public func existingHouseholds(_ session: Session, heads: [(km: String, latin: String, village: String)]) throws
        -> [Int: String] {
        try session.require(.importData)
        return try store.read { db in try Self.sameHeads(db, heads).compactMapValues(\.first) }
    }

    /// The codes of registered households whose head has the name of this
    /// one's head (folded, either script) in the same village: registering
    /// it by hand, the form asks before it saves a second one. Anyone who
    /// may register households, whether or not they may open those.
    public func sameHead(_ session: Session, _ input: HouseholdInput) throws -> [String] {
        try session.require(.createIntake)
        guard let village = input.villageCode else { return [] }
        return try store.read { db in
            try Self.sameHeads(db, [(input.headNameKm, input.headNameLatin, village)])[0] ?? []
        }
    }

    /// For each head that matches, its index and the codes of the
    /// households it matches.
    private static func sameHeads(_ db: Database, _ heads: [(km: String, latin: String, village: String)]) throws
        -> [Int: [String]] {
        let folded = heads.map { (km: SearchKey.make($0.km), latin: SearchKey.make($0.latin), village: $0.village) }
        // Only the villages imported into: one office's file touches few of the register's.
        var registered: [String: [(km: String, latin: String, code: String)]] = [:]
        let villages = Array(Set(folded.map(\.village)))
        for start in stride(from: 0, to: villages.count, by: 500) {
            let chunk = Array(villages[start..<min(start + 500, villages.count)])
            let rows = try Row.fetchCursor(db, sql: """
                SELECT code, head_name_km, head_name_latin, village_code, search_key FROM household
                WHERE village_code IN (\(chunk.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(chunk))
            while let row = try rows.next() {
                // By position: a column looked up by name is compared case-insensitively on every row.
                let keys = NameKeys.split(stored: row[4], latinName: row[2])
                    ?? (SearchKey.make(row[1] as String), SearchKey.make(row[2] as String))
                registered[row[3] as String, default: []].append((keys.km, keys.latin, row[0]))
            }
        }
        // Keys are composed (NFC) already, so comparing their bytes is comparing them.
        func same(_ a: String, _ b: String) -> Bool { !a.isEmpty && a.utf8.elementsEqual(b.utf8) }
        var found: [Int: [String]] = [:]
        for (i, head) in folded.enumerated() {
            let matches = (registered[head.village] ?? []).filter { household in
                same(head.km, household.km) || same(head.km, household.latin)
                    || same(head.latin, household.km) || same(head.latin, household.latin)
            }
            if !matches.isEmpty { found[i] = matches.map(\.code).sorted() }
        }
        return found
    }

    /// Registers every household of an import in one transaction, with one
    /// audit event naming the file: all of them or, on any failure, none.
    /// Each gets its first visit by risk level, as one registered by hand.
    /// The rows are made ready on both cores first; the transaction then
    /// only inserts them, through prepared statements bound directly
    /// (`BulkInsert`), with ids and codes known before the insert. Coordinators only. `progress` is told
    /// (done, total) as it goes.
    @discardableResult
    public func importHouseholds(_ session: Session, _ households: [NewHousehold], source: String,
                                 progress: (Int, Int) -> Void = { _, _ in }) throws -> (households: Int, members: Int) {
        try session.require(.importData)
        let today = store.today
        // The same moment on every row, turned into text once.
        let now = store.now
        let stamp = now.databaseValue
        let by = session.user.id
        let villages = Set(households.compactMap(\.household.villageCode))
        let (rules, villageKeys) = try store.read { db in
            (try FollowUpService.rules(db),
             try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT code, search_key FROM place WHERE level = 'village'")
                .compactMap { row -> (String, String)? in villages.contains(row[0]) ? (row[0], row[1]) : nil }))
        }
        let ready = try Self.prepare(households, today: today, rules: rules, villageKeys: villageKeys)
        let total = households.count
        return try store.writeWithJournalsInMemory { db in
            // A larger cache keeps most pages the import changes (about 20 MB for 10,000 households) from being
            // written out to the log before the commit; 64 MB was no faster than 16 MB and held 12 MB more.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // Should putting it back fail, the connection keeps the larger cache: more memory, nothing wrong.
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            for village in villages { try Self.requireVillage(db, village) }
            // Only an active social worker or coordinator may be given visits (as a case is assigned).
            var workers: [Int64: (name: String, households: Int)] = [:]
            for worker in Set(households.compactMap(\.worker)) {
                guard let name = try String.fetchOne(db, sql: """
                    SELECT username FROM user WHERE id = ? AND is_active AND role IN ('social-worker', 'coordinator')
                    """, arguments: [worker]) else { throw StoreError.notFound }
                workers[worker] = (name, 0)
            }
            for household in households { if let worker = household.worker { workers[worker]?.households += 1 } }
            let visitsFor = workers.values.sorted { $0.name < $1.name }.map { "\($0.name) \($0.households)" }
            // AUTOINCREMENT gives the next id after both the highest id and the highest ever used.
            let firstId = try Int64.fetchOne(db, sql: """
                SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'household'), 0),
                           COALESCE((SELECT MAX(id) FROM household), 0)) + 1
                """) ?? 1
            let office = try OfficeIdentity.codeForNewRecords(db)
            let insertHousehold = try BulkInsert(db, sql: """
                INSERT INTO household (id, code, head_name_km, head_name_latin, village_code, address_detail, phone, id_poor,
                  vulnerabilities, risk_score, risk_level, risk_override, risk_override_reason, status, search_key,
                  created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'active', ?, ?, ?, ?, 1)
                """)
            let insertMember = try BulkInsert(db, sql: """
                INSERT INTO household_member (household_id, name_km, name_latin, sex, date_of_birth, estimated_age,
                  age_as_of, relationship, in_school, occupation, migration_status, migration_country, phone, search_key,
                  created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """)
            let scheduleVisit = try BulkInsert(db, sql: """
                INSERT INTO follow_up (household_id, type, due_date, status, created_at, updated_at, created_by, version)
                VALUES (?, 'home-visit', ?, 'scheduled', ?, ?, ?, 1)
                """)
            let stamps: [DatabaseValue] = [stamp, stamp, by.databaseValue]
            return try KeptTallies.addingHouseholds(db) {
                // FTS5 writes out its pending terms before every later statement of a
                // transaction that has written to it: a search row per household among
                // the other inserts took most of the import. The search rows go in last,
                // in one statement.
                var searchTexts: [String] = []
                searchTexts.reserveCapacity(total)
                var members = 0
                for (number, household) in ready.enumerated() {
                    let id = firstId + Int64(number)
                    let code = HouseholdCode.make(number: Int(OfficeKeys.local(id)), office: office)
                    try insertHousehold.run([id.databaseValue, code.databaseValue], household.row, stamps)
                    for member in household.members {
                        try insertMember.run([id.databaseValue], member, stamps)
                    }
                    members += household.members.count
                    searchTexts.append(HouseholdSearchIndex.text(household.search, code: code))
                    try scheduleVisit.run([id.databaseValue, household.due.databaseValue],
                                          household.worker.map { [stamp, stamp, $0.databaseValue] } ?? stamps)
                    if number % 500 == 499 { progress(number + 1, total) }
                }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO household_search (rowid, text) SELECT ? + key, value FROM json_each(?)
                    """, arguments: [firstId, String(decoding: try JSONEncoder().encode(searchTexts), as: UTF8.self)])
                progress(total, total)
                try store.audit(db, session, .create, entity: "household",
                                summary: "imported \(total) households with \(members) members from \(source)"
                                    + (visitsFor.isEmpty ? "" : "; first visits for " + visitsFor.joined(separator: ", ")))
                return ((total, members), total == 0 ? nil : firstId...(firstId + Int64(total) - 1))
            }
        }
    }

    /// A household's rows, ready to insert but for its id and code (and
    /// the stamps every row shares).
    struct PreparedHousehold: Sendable {
        var row: [DatabaseValue]
        var members: [[DatabaseValue]]
        var search: (beforeCode: [String], afterCode: [String])
        var due: String
        var worker: Int64?
    }

    /// Every household's rows made ready, half on each core: names put in
    /// canonical form and folded, ages worked out, search texts made.
    static func prepare(_ households: [NewHousehold], today: LocalDate, rules: FollowUpRules,
                        villageKeys: [String: String]) throws -> [PreparedHousehold] {
        let halves = households.count < 64 ? [households[...]]
            : [households[..<(households.count / 2)], households[(households.count / 2)...]]
        let prepared = Mutex<[Result<[PreparedHousehold], any Error>]>(Array(repeating: .success([]), count: halves.count))
        DispatchQueue.concurrentPerform(iterations: halves.count) { half in
            let result = Result { try halves[half].map { try prepare($0, today: today, rules: rules, villageKeys: villageKeys) } }
            prepared.withLock { $0[half] = result }
        }
        return try prepared.withLock { $0 }.flatMap { try $0.get() }
    }

    private static func prepare(_ new: NewHousehold, today: LocalDate, rules: FollowUpRules,
                                villageKeys: [String: String]) throws -> PreparedHousehold {
        guard let village = new.household.villageCode, new.head.sex != nil, new.head.birth != nil else {
            throw HouseholdRejected(issues: [.village: "error.village-required"])
        }
        var household = HouseholdRecord(
            id: nil, code: "", headNameKm: "", headNameLatin: "", searchKey: "", villageCode: village,
            addressDetail: "", phone: "", idPoor: .none, vulnerabilities: CodeSet([]), riskScore: 0,
            riskLevel: nil, riskOverride: nil, riskOverrideReason: nil, status: .active, createdAt: .distantPast,
            updatedAt: .distantPast, createdBy: nil, version: 1)
        apply(new.household, to: &household)
        let row: [DatabaseValue] = [
            household.headNameKm.databaseValue, household.headNameLatin.databaseValue, village.databaseValue,
            household.addressDetail.databaseValue, household.phone.databaseValue, household.idPoor.rawValue.databaseValue,
            household.vulnerabilities.databaseValue, household.riskScore.databaseValue,
            household.riskLevel?.rawValue.databaseValue ?? .null, household.searchKey.databaseValue,
        ]
        var head = new.head
        head.relationship = .head
        var members: [[DatabaseValue]] = []
        var nameKeys = [household.searchKey]
        var phones = [household.phone]
        for input in [head] + new.members {
            guard let sex = input.sex, let birth = input.birth else { continue }
            var member = MemberRecord(
                id: nil, householdId: 0, nameKm: "", nameLatin: "", sex: sex, dateOfBirth: nil,
                estimatedAge: nil, ageAsOf: today.iso, relationship: input.relationship, inSchool: nil,
                occupation: "", migrationStatus: .none, migrationCountry: nil, phone: "", searchKey: "",
                createdAt: .distantPast, updatedAt: .distantPast, createdBy: nil, version: 1)
            apply(input, birth: birth, today: today, to: &member)
            let values: [(any DatabaseValueConvertible)?] = [
                member.nameKm, member.nameLatin, member.sex.rawValue, member.dateOfBirth, member.estimatedAge,
                member.ageAsOf, member.relationship.rawValue, member.inSchool, member.occupation,
                member.migrationStatus.rawValue, member.migrationCountry, member.phone, member.searchKey,
            ]
            members.append(values.map { $0?.databaseValue ?? .null })
            nameKeys.append(member.searchKey)
            phones.append(member.phone)
        }
        return PreparedHousehold(
            row: row, members: members,
            search: HouseholdSearchIndex.parts(nameKeys: nameKeys, villageKey: villageKeys[village] ?? "", phones: phones),
            due: rules.nextDue(after: today, risk: new.household.riskLevel).iso, worker: new.worker)
    }
}

extension ProviderService {
    /// Adds every provider of an import in one transaction with one audit
    /// event naming the file. Coordinators only.
    @discardableResult
    public func importProviders(_ session: Session, _ providers: [ProviderInput], source: String) throws -> Int {
        try session.require(.importData)
        try session.require(.editProviders)
        let now = store.now
        return try store.write { db in
            for input in providers {
                let issues = ProviderRules.validate(input)
                guard issues.isEmpty, let kind = input.kind else { throw ProviderRejected(issues: issues) }
                var record = ProviderRecord(
                    id: nil, nameKm: input.nameKm.trimmingSpaces().canonicallyComposed,
                    nameLatin: input.nameLatin.trimmingSpaces(), kind: kind, services: CodeSet(input.services),
                    areas: input.areas.joined(separator: ","), contactPerson: input.contactPerson.trimmingSpaces(),
                    phone: input.phone.trimmingSpaces(), address: input.address.trimmingSpaces(),
                    seatsPerIntake: input.seatsPerIntake, nextIntakeDate: input.nextIntake?.iso, isActive: input.isActive,
                    createdAt: now, updatedAt: now, createdBy: session.user.id, version: 1)
                try record.insert(db)
            }
            try store.audit(db, session, .create, entity: "provider",
                            summary: "imported \(providers.count) providers from \(source)")
            return providers.count
        }
    }

    /// The providers already in the directory, by folded name (either
    /// script), for spotting a provider imported twice.
    public func existingNames(_ session: Session) throws -> Set<String> {
        try session.require(.importData)
        return try store.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT name_km, name_latin FROM provider").flatMap { row in
                [SearchKey.make(row["name_km"] as String), SearchKey.make(row["name_latin"] as String)]
            }.filter { !$0.isEmpty })
        }
    }
}

extension GazetteerService {
    /// Every place of a level (some 14,000 villages), to find places by
    /// name in an import.
    public func all(_ level: Place.Level) throws -> [Place] {
        try store.read { db in
            try Row.decodeAll(db, sql: "SELECT * FROM place WHERE level = ? ORDER BY code",
                              arguments: [level.rawValue]) { row in
                    Place(code: row["code"], level: level, nameKm: row["name_km"], nameLatin: row["name_latin"],
                          searchKey: row["search_key"])
                }
        }
    }
}
