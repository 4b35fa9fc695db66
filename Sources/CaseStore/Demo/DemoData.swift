import CaseDomain
import Foundation
import GRDB
import KhmerText

/// Realistic sample data for `komar --demo` and `komar demo`: one account
/// per role and cases with Khmer and Latin names in real villages of the
/// provinces Komar's partners work in.
public enum DemoData {
    public static let password = "demo1234"

    /// The demo accounts; the login screen lists them.
    public static let accounts: [(username: String, displayName: String, role: Role)] = [
        ("volunteer", "ស្រីមុំ Sreymom", .volunteer),
        ("socialworker", "ចាន់ ដារ៉ា Chan Dara", .socialWorker),
        ("coordinator", "សុខ វណ្ណៈ Sok Vannak", .coordinator),
        ("admin", "Admin", .admin),
    ]

    /// Prey Veng, Svay Rieng, Koh Kong, Ratanakiri, Mondulkiri.
    static let provinces = ["14", "20", "09", "16", "11"]

    static let familyNames: [(String, String)] = [
        ("សុខ", "Sok"), ("ចាន់", "Chan"), ("ស៊ុន", "Sun"), ("គឹម", "Kim"), ("ហេង", "Heng"), ("ឈិន", "Chhin"),
        ("ពៅ", "Pov"), ("ម៉ៅ", "Mao"), ("សេង", "Seng"), ("ឡុង", "Long"), ("ទេព", "Tep"), ("កែវ", "Keo"),
        ("ស្រេង", "Sreng"), ("ប្រាក់", "Prak"), ("ឃុន", "Khun"), ("ញឹក", "Nhuek"),
    ]
    static let girlNames: [(String, String)] = [
        ("ស្រីនាង", "Sreyneang"), ("សុភា", "Sophea"), ("ចាន់ថា", "Chantha"), ("ស្រីពេជ្រ", "Sreypich"),
        ("ដាវី", "Davy"), ("រចនា", "Rachana"), ("សុខា", "Sokha"), ("ស្រីមុំ", "Sreymom"), ("ចន្ទ្រា", "Chantrea"),
        ("ស្រីល័ក្ខ", "Sreyleak"), ("បុប្ផា", "Bopha"), ("សំណាង", "Samnang"),
    ]
    static let boyNames: [(String, String)] = [
        ("វិចិត្រ", "Vichet"), ("សុផល", "Sophal"), ("ដារ៉ា", "Dara"), ("វណ្ណៈ", "Vannak"), ("បញ្ញា", "Panha"),
        ("ពិសិដ្ឋ", "Piseth"), ("រតនា", "Rattana"), ("សុវណ្ណ", "Sovann"), ("វុទ្ធី", "Vuthy"), ("ច័ន្ទតារា", "Chantara"),
        ("ម៉េងហុង", "Menghong"), ("ស្រ៊ាង", "Sreang"),
    ]
    /// What reporters said, mostly in Khmer and now and then in English,
    /// as offices write them.
    static let narratives: [String] = [
        "កុមារមិនបានទៅសាលារៀនតាំងពីខែមុន ព្រោះត្រូវជួយឪពុកម្ដាយធ្វើការនៅចម្ការ។",
        "អ្នកជិតខាងបានឃើញកុមាររងរបួសនៅដៃ និងលឺសំឡេងស្រែកនៅពេលយប់។",
        "ឪពុកម្ដាយបានចំណាកស្រុកទៅប្រទេសថៃ ហើយកុមាររស់នៅជាមួយជីដូនចាស់។",
        "គេឃើញកុមារធ្វើការនៅឡឥដ្ឋក្នុងម៉ោងរៀន។",
        "A neighbour reports the girl is being prepared for marriage to an older man.",
        "មានមនុស្សមិនស្គាល់មកសន្យាការងារនៅទីក្រុងដល់ក្មេងស្រីក្នុងភូមិ។",
        "ក្មេងប្រុសមិនបានមកផ្ទះបីយប់ហើយ គ្រួសារគិតថាគាត់បានទៅព្រំដែន។",
    ]

    /// Creates the demo accounts (if missing) and `cases` sample cases,
    /// on a new database (which it sets up and marks as a demo) or on one
    /// it made before. A real office's database is refused: the demo
    /// accounts' password is printed on the demo's login screen.
    public static func fill(_ services: KomarServices, cases: Int = 60, seed: UInt64 = 2026) throws {
        try services.accounts.prepareDemo(organisation: "អង្គការកុមារ Demo NGO", provinceCode: "14")
        var ids: [Role: Int64] = [:]
        for account in accounts {
            let existing = try services.database.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = ?", arguments: [account.username])
            }
            ids[account.role] = try existing ?? services.accounts.addDemoUser(
                username: account.username, displayName: account.displayName, role: account.role, password: password).id
        }
        try fillRecords(services, cases: cases, seed: seed, volunteer: ids[.volunteer], worker: ids[.socialWorker],
                        coordinator: ids[.coordinator])
    }

    /// The sample cases, households, providers and referrals, made by the
    /// given accounts (tests use it on their own accounts).
    static func fillRecords(_ services: KomarServices, cases: Int, seed: UInt64 = 2026, volunteer: Int64?,
                            worker: Int64?, coordinator: Int64?) throws {
        try insertCases(services, count: cases, seed: seed, creators: [volunteer, worker].compactMap { $0 },
                        assignee: worker)
        try DemoReferrals.insert(services, households: max(1, cases / 2), referrals: cases, seed: seed &+ 1,
                                 worker: worker, coordinator: coordinator)
        // Every third case belongs to a registered household of its village,
        // where there is one (case files show their household), and the
        // volunteer registered every tenth household: her register shows
        // those and the households of her cases.
        try services.database.write { db in
            try db.execute(sql: """
                UPDATE child_case SET household_id = (
                  SELECT household.id FROM household WHERE household.village_code = child_case.village_code
                  ORDER BY household.id LIMIT 1)
                WHERE household_id IS NULL AND id % 3 = 0
                """)
            // Volunteers register households in their villages too.
            if let volunteer {
                try db.execute(sql: "UPDATE household SET created_by = ? WHERE id % 10 = 1", arguments: [volunteer])
            }
        }
    }

    static func insertCases(_ services: KomarServices, count: Int, seed: UInt64, creators: [Int64],
                            assignee: Int64?) throws {
        guard count > 0, !creators.isEmpty else { return }
        var random = SplitMix64(seed: seed)
        let today = services.clock.today
        let days = DemoDays(now: services.clock.now())
        try services.database.write { db in
            let villages = try Row.decodeAll(db, sql: """
                SELECT code, search_key FROM place WHERE level = 'village' AND substr(code, 1, 2) IN (\(provinces.map { "'\($0)'" }.joined(separator: ",")))
                ORDER BY code
                """) { (code: $0["code"] as String, key: $0["search_key"] as String) }
            guard !villages.isEmpty else { return }
            // Each case's code carries the year it was reported in, numbered on within that year.
            var numbers: [Int: Int] = [:]
            let office = try OfficeIdentity.codeForNewRecords(db)
            func nextNumber(_ year: Int) throws -> Int {
                let number = try numbers[year] ?? Int.fetchOne(db, sql: "SELECT MAX(code_number) FROM child_case WHERE code_year = ?",
                                                                arguments: [year]) ?? 0
                numbers[year] = number + 1
                return number + 1
            }
            try BulkLoad.withoutIndexes(db, on: ["child_case", "case_event", "follow_up"]) {
                let insertCase = try db.makeStatement(sql: """
                    INSERT INTO child_case (code, code_year, code_number, child_name_km, child_name_latin, sex, date_of_birth,
                      estimated_age, age_as_of, village_code, concerns, narrative, reported_by, reported_date, risk_level,
                      status, search_key, created_at, updated_at, created_by, version, assigned_to, closure_reason,
                      closed_date, immediate_danger, risk_answers, ethnicity, caregiver_consent, consent_date)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let indexCase = try db.makeStatement(sql: "INSERT INTO case_search (rowid, text) VALUES (?, ?)")
                let addEvent = try db.makeStatement(sql: """
                    INSERT INTO case_event (case_id, at, by_user, kind, status_to, risk_level, assigned_to, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, '')
                    """)
                let scheduleFollowUp = try db.makeStatement(sql: """
                    INSERT INTO follow_up (case_id, type, due_date, status, created_at, updated_at, created_by)
                    VALUES (?, 'home-visit', ?, 'scheduled', ?, ?, ?)
                    """)
                let recordVisit = try db.makeStatement(sql: """
                    INSERT INTO follow_up (case_id, type, due_date, status, done_date, done_by, outcome, wellbeing,
                      reason, created_at, updated_at, created_by, version)
                    VALUES (?, 'home-visit', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2)
                    """)
                var keys = SearchKeyCache()
                for i in 0..<count {
                    let female = random.next() % 2 == 0
                    let family = familyNames[Int(random.next() % UInt64(familyNames.count))]
                    let givenList = female ? girlNames : boyNames
                    let given = givenList[Int(random.next() % UInt64(givenList.count))]
                    let age = Int(random.next() % 17) + 1
                    let useDOB = random.next() % 3 != 0
                    let daysAgo = Int(random.next() % 360)
                    let reported = days.date(daysAgo: daysAgo)
                    let dob = LocalDate(year: reported.year - age, month: Int(random.next() % 12) + 1,
                                        day: Int(random.next() % 28) + 1)
                    let concernCount = Int(random.next() % 2) + 1
                    var concerns: [Concern] = []
                    for _ in 0..<concernCount {
                        let c = Concern.allCases[Int(random.next() % UInt64(Concern.allCases.count - 1))]
                        if !concerns.contains(c) { concerns.append(c) }
                    }
                    let nameKm = family.0 + " " + given.0
                    let nameLatin = family.1 + " " + given.1
                    let status: CaseStatus = daysAgo < 20 ? .new : (daysAgo % 5 == 0 ? .closed : .open)
                    // New intakes carry the level their risk questions proposed;
                    // one in fifteen says the child is in immediate danger.
                    let immediateDanger = status == .new && i % 15 == 0
                    let risk = immediateDanger ? RiskLevel.critical : RiskLevel.allCases[i % RiskLevel.allCases.count]
                    let number = try nextNumber(reported.year)
                    let code = CaseCode.make(year: reported.year, number: number, office: office)
                    let village = villages[Int(random.next() % UInt64(villages.count))]
                    let nameKey = keys.key(nameKm) + " " + keys.key(nameLatin)
                    let creator = creators[i % creators.count]
                    let reviewed = status != .new
                    try insertCase.execute(arguments: [
                        code, reported.year, number, nameKm, nameLatin, female ? Sex.female.rawValue : Sex.male.rawValue,
                        useDOB ? dob?.iso : nil, useDOB ? nil : age, reported.iso, village.code,
                        concerns.map(\.rawValue).joined(separator: ","),
                        narratives[Int(random.next() % UInt64(narratives.count))],
                        Reporter.allCases[Int(random.next() % UInt64(Reporter.allCases.count))].rawValue, reported.iso,
                        risk.rawValue, status.rawValue, nameKey, days.value(daysAgo: daysAgo), days.value(daysAgo: 0),
                        creator, reviewed ? assignee : nil, status == .closed ? "goals-met" : nil,
                        status == .closed ? days.date(daysAgo: daysAgo / 2).iso : nil, immediateDanger,
                        immediateDanger ? RiskQuestion.immediateDanger.rawValue : "",
                        // Most children are Khmer; one in four is from a minority the partners serve.
                        i % 4 == 0 ? Ethnicity.allCases[(i / 4) % Ethnicity.allCases.count].rawValue
                            : (i % 4 == 1 ? Ethnicity.khmer.rawValue : nil),
                        // A caregiver's consent is mostly recorded; one case in 25 lacks it, one in 40 was refused.
                        i % 25 == 3 ? nil : i % 40 != 7, i % 25 == 3 ? nil : reported.iso,
                    ])
                    let id = db.lastInsertedRowID
                    try indexCase.execute(arguments: [id, CaseSearchIndex.text(code: code, nameKey: nameKey,
                                                                               villageKey: village.key)])
                    try addEvent.execute(arguments: [id, days.value(daysAgo: daysAgo), creator,
                                                     CaseEventKind.intake.rawValue, CaseStatus.new.rawValue, nil, nil])
                    guard reviewed else { continue }
                    try addEvent.execute(arguments: [id, days.value(daysAgo: daysAgo - 1), assignee,
                                                     CaseEventKind.accepted.rawValue, CaseStatus.open.rawValue,
                                                     risk.rawValue, assignee])
                    // Earlier visits: most made (some late), one in seven missed.
                    if daysAgo > 40 {
                        let due = days.date(daysAgo: daysAgo - 14)
                        let missed = i % 7 == 0
                        let late = i % 5 == 0 ? 6 : 0
                        try recordVisit.execute(arguments: [
                            id, due.iso, missed ? "missed" : "done", missed ? nil : due.adding(days: late).iso, assignee,
                            missed ? "" : "ជួបកុមារ និងអ្នកថែទាំនៅផ្ទះ។", missed ? nil : Wellbeing.allCases[i % Wellbeing.allCases.count].rawValue,
                            missed ? "គ្រួសារមិននៅផ្ទះ" : nil, days.value(daysAgo: daysAgo - 1),
                            days.value(daysAgo: daysAgo - 14 - late), assignee,
                        ])
                    }
                    if status == .closed {
                        try addEvent.execute(arguments: [id, days.value(daysAgo: daysAgo / 2), assignee,
                                                         CaseEventKind.closed.rawValue, CaseStatus.closed.rawValue, nil, nil])
                    }
                    if status == .open {
                        // Due dates spread from three weeks ago to a month ahead: some overdue, some due soon.
                        let due = today.adding(days: Int(random.next() % 52) - 21)
                        try scheduleFollowUp.execute(arguments: [id, due.iso, days.value(daysAgo: 0),
                                                                 days.value(daysAgo: 0), assignee])
                    }
                }
            }
            try AuditLog.append(db, at: days.now, userId: nil, username: "command-line", action: .demoData,
                                summary: "\(count) demo cases")
        }
    }
}

/// Demo dates are whole days before now. Their database values and
/// calendar dates are computed once: formatting a `Date` costs more than
/// inserting the row that holds it.
struct DemoDays {
    let now: Date
    private let values: [DatabaseValue]
    private let dates: [LocalDate]

    init(now: Date, count: Int = 400) {
        self.now = now
        let moments = (0..<count).map { now.addingTimeInterval(-Double($0) * 86_400) }
        values = moments.map(\.databaseValue)
        dates = moments.map { LocalDate.today(now: $0) }
    }

    func value(daysAgo: Int) -> DatabaseValue { values[max(0, daysAgo)] }
    func date(daysAgo: Int) -> LocalDate { dates[max(0, daysAgo)] }
}

/// Search keys of the few demo names, folded once each.
struct SearchKeyCache {
    private var keys: [String: String] = [:]
    mutating func key(_ text: String) -> String {
        if let key = keys[text] { return key }
        let key = SearchKey.make(text)
        keys[text] = key
        return key
    }
}

/// Bulk inserts without the tables' secondary indexes or the tally
/// triggers: indexes are dropped first and built once at the end from
/// their own stored definitions, which is several times faster than
/// updating each index per row, and the tallies are worked out once.
enum BulkLoad {
    static func withoutIndexes(_ db: Database, on tables: [String], _ body: () throws -> Void) throws {
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(tables.map { _ in "?" }.joined(separator: ",")))
            """, arguments: StatementArguments(tables))
        try KeptTallies.suspended(db) {
            for index in indexes { try db.execute(sql: "DROP INDEX \((index["name"] as String).quotedDatabaseIdentifier)") }
            try body()
            for index in indexes { try db.execute(sql: index["sql"]) }
        }
    }
}

/// A small seeded generator so demo data is the same on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
