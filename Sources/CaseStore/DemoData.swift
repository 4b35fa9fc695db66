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
    static let narratives: [String] = [
        "កុមារមិនបានទៅសាលារៀនតាំងពីខែមុន ព្រោះត្រូវជួយឪពុកម្ដាយធ្វើការនៅចម្ការ។",
        "អ្នកជិតខាងបានឃើញកុមាររងរបួសនៅដៃ និងលឺសំឡេងស្រែកនៅពេលយប់។",
        "ឪពុកម្ដាយបានចំណាកស្រុកទៅប្រទេសថៃ ហើយកុមាររស់នៅជាមួយជីដូនចាស់។",
        "The child was seen working at a brick kiln during school hours.",
        "A neighbour reports the girl is being prepared for marriage to an older man.",
        "មានមនុស្សមិនស្គាល់មកសន្យាការងារនៅទីក្រុងដល់ក្មេងស្រីក្នុងភូមិ។",
        "The boy has not been home for three nights; the family thinks he went to the border.",
    ]

    /// Creates the demo accounts (if missing) and `cases` sample cases.
    /// Fills an empty database completely, setup included.
    public static func fill(_ services: KomarServices, cases: Int = 60, seed: UInt64 = 2026) throws {
        if try !services.accounts.isSetUp() {
            try services.accounts.setUp(SetupInput(
                organisation: "អង្គការកុមារ Demo NGO", provinceCode: "14", districtCode: nil,
                adminUsername: "admin", adminDisplayName: "Admin", adminPassword: password, languageCode: "km"))
        }
        var ids: [Role: Int64] = [:]
        for account in accounts {
            let existing = try services.database.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = ?", arguments: [account.username])
            }
            if let existing {
                ids[account.role] = existing
            } else {
                ids[account.role] = try services.accounts.addUser(
                    by: nil, username: account.username, displayName: account.displayName, role: account.role,
                    password: password).id
            }
        }
        try insertCases(services, count: cases, seed: seed,
                        creators: [ids[.volunteer], ids[.socialWorker]].compactMap { $0 }, assignee: ids[.socialWorker])
        try DemoReferrals.insert(services, households: max(1, cases / 2), referrals: cases, seed: seed &+ 1,
                                 worker: ids[.socialWorker], coordinator: ids[.coordinator])
    }

    static func insertCases(_ services: KomarServices, count: Int, seed: UInt64, creators: [Int64],
                            assignee: Int64?) throws {
        guard count > 0, !creators.isEmpty else { return }
        var random = SplitMix64(seed: seed)
        let clock = services.clock
        let today = clock.today
        try services.database.write { db in
            let villages = try String.fetchAll(db, sql: """
                SELECT code FROM place WHERE level = 'village' AND substr(code, 1, 2) IN (\(provinces.map { "'\($0)'" }.joined(separator: ",")))
                ORDER BY code
                """)
            guard !villages.isEmpty else { return }
            var number = (try Int.fetchOne(db, sql: "SELECT MAX(code_number) FROM child_case WHERE code_year = ?",
                                           arguments: [today.year]) ?? 0)
            let now = clock.now()
            for i in 0..<count {
                number += 1
                let female = random.next() % 2 == 0
                let family = familyNames[Int(random.next() % UInt64(familyNames.count))]
                let givenList = female ? girlNames : boyNames
                let given = givenList[Int(random.next() % UInt64(givenList.count))]
                let age = Int(random.next() % 17) + 1
                let useDOB = random.next() % 3 != 0
                let daysAgo = Int(random.next() % 360)
                let reported = LocalDate.today(now: now.addingTimeInterval(-Double(daysAgo) * 86_400))
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
                var record = CaseRecord(
                    id: nil, code: CaseCode.make(year: today.year, number: number), codeYear: today.year,
                    codeNumber: number, childNameKm: nameKm, childNameLatin: nameLatin,
                    sex: female ? Sex.female.rawValue : Sex.male.rawValue,
                    dateOfBirth: useDOB ? dob?.iso : nil, estimatedAge: useDOB ? nil : age, ageAsOf: reported.iso,
                    villageCode: villages[Int(random.next() % UInt64(villages.count))],
                    concerns: concerns.map(\.rawValue).joined(separator: ","),
                    narrative: narratives[Int(random.next() % UInt64(narratives.count))],
                    reportedBy: Reporter.allCases[Int(random.next() % UInt64(Reporter.allCases.count))].rawValue,
                    reportedDate: reported.iso,
                    riskLevel: status == .new ? nil : RiskLevel.allCases[i % RiskLevel.allCases.count].rawValue,
                    status: status.rawValue, searchKey: SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin),
                    createdAt: now.addingTimeInterval(-Double(daysAgo) * 86_400), updatedAt: now,
                    createdBy: creators[i % creators.count], version: 1)
                try record.insert(db)
                try CaseSearchIndex.index(db, record)
                try CaseEvents.add(db, caseId: record.id!, at: record.createdAt, by: record.createdBy, kind: .intake,
                                   statusTo: .new)
                guard status != .new else { continue }
                try db.execute(sql: "UPDATE child_case SET assigned_to = ? WHERE id = ?", arguments: [assignee, record.id])
                try CaseEvents.add(db, caseId: record.id!, at: record.createdAt.addingTimeInterval(86_400), by: assignee,
                                   kind: .accepted, statusTo: .open, riskLevel: RiskLevel(rawValue: record.riskLevel!),
                                   assignedTo: assignee)
                if status == .open {
                    // Due dates spread from three weeks ago to a month ahead: some overdue, some due soon.
                    let due = today.adding(days: Int(random.next() % 52) - 21)
                    try db.execute(sql: """
                        INSERT INTO follow_up (case_id, type, due_date, status, created_at, updated_at, created_by)
                        VALUES (?, 'home-visit', ?, 'scheduled', ?, ?, ?)
                        """, arguments: [record.id, due.iso, now, now, assignee])
                } else {
                    try db.execute(sql: "UPDATE child_case SET closure_reason = 'goals-met', closed_date = ? WHERE id = ?",
                                   arguments: [today.iso, record.id])
                }
            }
            try AuditLog.append(db, at: now, userId: nil, username: "command-line", action: .demoData,
                                summary: "\(count) demo cases")
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
