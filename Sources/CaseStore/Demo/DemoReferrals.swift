import CaseDomain
import Foundation
import GRDB
import KhmerText

/// Demo households, providers and referrals: at-risk families with members
/// (some planning to migrate), the kinds of partners in DESIGN §1, and
/// referrals in every status with their history. Written with prepared
/// statements so 50,000 households and 100,000 referrals take seconds.
enum DemoReferrals {
    static let providers: [(km: String, latin: String, kind: ProviderKind, services: [ServiceType], areas: String,
                            seats: Int?)] = [
        ("មជ្ឈមណ្ឌលបណ្ដុះបណ្ដាលវិជ្ជាជីវៈព្រៃវែង", "Prey Veng Vocational Training Centre", .government,
         [.sewing, .motorbikeRepair, .hospitalityCooking], "14", 30),
        ("សិប្បកម្មកាត់ដេរ ស្រីពៅ", "Srey Pov Sewing Workshop", .private, [.sewing], "1404,1405", 8),
        ("ហាងកាត់សក់ និងសម្អាង ចន្ទ្រា", "Chantrea Beauty Salon", .private, [.hairdressingBeauty], "14,20", 6),
        ("សាលាបដិសណ្ឋារកិច្ចស្វាយរៀង", "Svay Rieng Hospitality School", .trainingCentre, [.hospitalityCooking], "20", 25),
        ("ជាងជួសជុលម៉ូតូ សុខា", "Sokha Motorbike Repair", .private, [.motorbikeRepair], "20,14", 5),
        ("អង្គការចំណាកស្រុកសុវត្ថិភាព", "Safe Migration Cambodia", .ngo, [.safeMigration, .legalAid], "", nil),
        ("ក្រុមសន្សំប្រាក់សហគមន៍", "Community Savings Groups", .ngo, [.savingsGroup, .riceBank, .cowBank, .chickenBank],
         "14,20,09", nil),
        ("មូលនិធិអាជីវកម្មខ្នាតតូច", "Small Business Fund", .ngo, [.businessGrant], "14,20,09,16,11", 40),
        ("មន្ទីរសង្គមកិច្ចខេត្តព្រៃវែង", "Prey Veng DoSVY", .government, [.dosvy, .shelter], "14", nil),
        ("មន្ទីរសង្គមកិច្ចខេត្តស្វាយរៀង", "Svay Rieng DoSVY", .government, [.dosvy, .shelter], "20", nil),
        ("ជំនួយផ្លូវច្បាប់កម្ពុជា", "Legal Aid Cambodia", .ngo, [.legalAid], "", nil),
        ("មណ្ឌលសុខភាពកញ្ជ្រៀច", "Kanhchriech Health Centre", .government, [.health], "1404", nil),
        ("សេវាផ្លូវចិត្តសង្គម TPO", "TPO Psychosocial Support", .ngo, [.psychosocial], "", nil),
        ("មជ្ឈមណ្ឌលបណ្ដុះបណ្ដាលកោះកុង", "Koh Kong Skills Centre", .trainingCentre,
         [.sewing, .hospitalityCooking, .hairdressingBeauty], "09", 20),
        ("កម្មវិធីអប់រំជនជាតិដើមភាគតិច", "Indigenous Education Programme", .ngo, [.education], "16,11", nil),
        ("ស្នងការដ្ឋាននគរបាលខេត្តព្រៃវែង", "Prey Veng Provincial Police", .government, [.police], "14", nil),
    ]
    static let occupations = ["កសិករ", "កម្មករសំណង់", "កសិករ", "លក់ដូរ", "កម្មកររោងចក្រ", "អ្នកនេសាទ", "សិស្ស", ""]
    /// Why a person was referred: mostly in Khmer, one in English.
    static let reasons = [
        "ចង់ទៅធ្វើការនៅប្រទេសថៃ តាមមេខ្យល់ក្នុងភូមិ។",
        "គ្រោងទៅម៉ាឡេស៊ីជាមួយមេខ្យល់ ព្រោះគ្រួសារជំពាក់បំណុល។",
        "បោះបង់ការសិក្សា ហើយគ្មានការងារធ្វើ។",
        "Wants a skill to earn at home instead of migrating.",
        "គ្រួសារជំពាក់បំណុលមីក្រូហិរញ្ញវត្ថុ។",
    ]

    static func insert(_ services: KomarServices, households: Int, referrals: Int, seed: UInt64, worker: Int64?,
                       coordinator: Int64?) throws {
        guard households > 0 else { return }
        var random = SplitMix64(seed: seed)
        let days = DemoDays(now: services.clock.now())
        let now = days.now
        let today = services.clock.today
        try services.database.write { db in
            let office = try OfficeIdentity.codeForNewRecords(db)
            let villages = try Row.decodeAll(db, sql: """
                SELECT code, search_key FROM place WHERE level = 'village' AND substr(code, 1, 2) IN (\(DemoData.provinces.map { "'\($0)'" }.joined(separator: ",")))
                ORDER BY code
                """) { (code: $0["code"] as String, key: $0["search_key"] as String) }
            guard !villages.isEmpty else { return }
            var providerIds: [(id: Int64, services: [ServiceType])] = []
            for p in providers {
                try db.execute(sql: """
                    INSERT INTO provider (name_km, name_latin, kind, services, areas, seats_per_intake, next_intake_date,
                      contact_person, phone, is_active, created_at, updated_at, created_by, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 1)
                    """, arguments: [p.km, p.latin, p.kind.rawValue, p.services.map(\.rawValue).joined(separator: ","),
                                     p.areas, p.seats, p.seats == nil ? nil : today.adding(days: 30).iso,
                                     "លោក សុខ វិបុល", "012 345 678", now, now, coordinator])
                providerIds.append((db.lastInsertedRowID, p.services))
            }
            let firstHousehold = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM household") ?? 0) + 1
            try BulkLoad.withoutIndexes(db, on: ["household", "household_member", "follow_up", "referral",
                                                 "referral_transition"]) {
                let insertHousehold = try db.makeStatement(sql: """
                    INSERT INTO household (id, code, head_name_km, head_name_latin, village_code, phone, id_poor, vulnerabilities,
                      risk_score, risk_level, status, search_key, created_at, updated_at, created_by, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, 1)
                    """)
                let insertMember = try db.makeStatement(sql: """
                    INSERT INTO household_member (household_id, name_km, name_latin, sex, estimated_age, age_as_of,
                      relationship, in_school, occupation, migration_status, migration_country, search_key, created_at,
                      updated_at, created_by, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """)
                let indexHousehold = try db.makeStatement(sql: "INSERT INTO household_search (rowid, text) VALUES (?, ?)")
                let insertFollowUp = try db.makeStatement(sql: """
                    INSERT INTO follow_up (household_id, type, due_date, status, created_at, updated_at, created_by, version)
                    VALUES (?, 'home-visit', ?, 'scheduled', ?, ?, ?, 1)
                    """)
                var keys = SearchKeyCache()
                // Members that can be referred: (id, household, name km, name latin, sex, age, village).
                var youths: [(Int64, Int64, String, String, String, Int, String)] = []
                youths.reserveCapacity(households)
                for i in 0..<households {
                    let id = firstHousehold + Int64(i)
                    let family = DemoData.familyNames[Int(random.next() % UInt64(DemoData.familyNames.count))]
                    let headFemale = random.next() % 3 == 0
                    let headGiven = (headFemale ? DemoData.girlNames : DemoData.boyNames)[Int(random.next() % 12)]
                    let village = villages[Int(random.next() % UInt64(villages.count))]
                    let idPoor = IDPoorStatus.allCases[Int(random.next() % 3)]
                    var factors = Set<Vulnerability>()
                    for factor in Vulnerability.allCases where random.next() % 4 == 0 && factor != .femaleHeaded {
                        factors.insert(factor)
                    }
                    // The two factors that describe the head agree with the head.
                    if headFemale { factors.insert(.femaleHeaded) }
                    let score = HouseholdRisk.score(idPoor: idPoor, factors: factors)
                    let headKm = family.0 + " " + headGiven.0
                    let headLatin = family.1 + " " + headGiven.1
                    let headKey = keys.key(headKm) + " " + keys.key(headLatin)
                    let created = days.value(daysAgo: Int(random.next() % 360))
                    // Drawn where the head's age always was, so that the demo's other draws stay as they were.
                    let headAge = (factors.contains(.elderlyHeaded) ? 60 : 30) + Int(random.next() % 30)
                    try insertHousehold.execute(arguments: [
                        id, HouseholdCode.make(number: Int(OfficeKeys.local(id)), office: office), headKm, headLatin, village.code, "", idPoor.rawValue,
                        Vulnerability.allCases.filter(factors.contains).map(\.rawValue).joined(separator: ","), score,
                        HouseholdRisk.level(score: score).rawValue, headKey, created, created, worker,
                    ])
                    try insertMember.execute(arguments: [id, headKm, headLatin, headFemale ? "female" : "male",
                                                         headAge, today.iso, "head", nil, "កសិករ",
                                                         "none", nil, headKey, created, created, worker])
                    var memberKeys = [headKey]
                    for _ in 0..<(1 + Int(random.next() % 3)) {
                        let female = random.next() % 2 == 0
                        let given = (female ? DemoData.girlNames : DemoData.boyNames)[Int(random.next() % 12)]
                        let km = family.0 + " " + given.0
                        let latin = family.1 + " " + given.1
                        let age = 12 + Int(random.next() % 14)
                        let drawn = [MigrationStatus.none, .none, .planning, .migratedAbroad][Int(random.next() % 4)]
                        // Children under 15 do not go abroad for work; those who went are not at school here.
                        let migration = drawn == .migratedAbroad && age < 15 ? .planning : drawn
                        // Drawn in the order they always were, whatever is kept of them.
                        let schooling: Bool? = age < 18 ? random.next() % 2 == 0 : nil
                        let occupation = occupations[Int(random.next() % UInt64(occupations.count))]
                        let country = drawn == .migratedAbroad ? (random.next() % 2 == 0 ? Destination.thailand : .malaysia) : nil
                        let inSchool = migration == .migratedAbroad ? schooling.map { _ in false } : schooling
                        let key = keys.key(km) + " " + keys.key(latin)
                        try insertMember.execute(arguments: [
                            id, km, latin, female ? "female" : "male", age, today.iso, "child", inSchool,
                            occupation, migration.rawValue, migration == .migratedAbroad ? country?.rawValue : nil, key, created,
                            created, worker,
                        ])
                        memberKeys.append(key)
                        youths.append((db.lastInsertedRowID, id, km, latin, female ? "female" : "male", age, village.code))
                    }
                    try indexHousehold.execute(arguments: [id, HouseholdSearchIndex.text(
                        nameKeys: memberKeys, code: HouseholdCode.make(number: Int(OfficeKeys.local(id)), office: office), villageKey: village.key,
                        phones: [])])
                    try insertFollowUp.execute(arguments: [id, today.adding(days: Int(random.next() % 52) - 21).iso, now, now,
                                                           worker])
                }
                let year = today.year
                let prefix = ReferralCode.prefix(year: year, office: office)
                var number = (try Int.fetchOne(db, sql: """
                    SELECT MAX(CAST(substr(code, ?) AS INTEGER)) FROM referral WHERE code LIKE ?
                    """, arguments: [prefix.count + 1, prefix + "%"]) ?? 0)
                let insertReferral = try db.makeStatement(sql: """
                    INSERT INTO referral (code, member_id, household_id, provider_id, service, reason, priority, consent_recorded,
                      status, status_changed_at, exit_reason, outcome, person_name_km, person_name_latin, sex, age, village_code,
                      commune_code, district_code, referred_on, created_at, updated_at, created_by, finished, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """)
                let insertTransition = try db.makeStatement(sql: """
                    INSERT INTO referral_transition (referral_id, from_status, to_status, at, by_user, note) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                let paths: [[ReferralStatus]] = [
                    [.draft], [.draft, .sent], [.draft, .sent], [.draft, .sent, .accepted], [.draft, .sent, .accepted, .enrolled],
                    [.draft, .sent, .accepted, .enrolled], [.draft, .sent, .accepted, .enrolled, .completed],
                    [.draft, .sent, .accepted, .enrolled, .completed], [.draft, .sent, .declined],
                    [.draft, .sent, .accepted, .enrolled, .droppedOut], [.draft, .cancelled],
                ]
                for _ in 0..<referrals where !youths.isEmpty {
                    let y = youths[Int(random.next() % UInt64(youths.count))]
                    let provider = providerIds[Int(random.next() % UInt64(providerIds.count))]
                    let service = provider.services[Int(random.next() % UInt64(provider.services.count))]
                    let path = paths[Int(random.next() % UInt64(paths.count))]
                    let daysAgo = Int(random.next() % 360)
                    var at = daysAgo
                    var times: [DatabaseValue] = []
                    for _ in path {
                        times.append(days.value(daysAgo: at))
                        at = max(0, at - Int(1 + random.next() % 30))
                    }
                    let status = path.last!
                    number += 1
                    let exit: String? = [.declined, .droppedOut, .cancelled].contains(status) ? ReferralExitReason.movedAway.rawValue : nil
                    let outcome: String? = status == .completed
                        ? [ReferralOutcome.workingInSkill, .startedBusiness, .stillStudying, .migratedSafely][Int(random.next() % 4)].rawValue
                        : nil
                    try insertReferral.execute(arguments: [
                        ReferralCode.make(year: year, number: number, office: office), y.0, y.1, provider.id, service.rawValue,
                        reasons[Int(random.next() % UInt64(reasons.count))], random.next() % 5 == 0 ? "urgent" : "routine",
                        status.rawValue, times.last!, exit, outcome, y.2, y.3, y.4, y.5, y.6, String(y.6.prefix(6)),
                        String(y.6.prefix(4)), days.date(daysAgo: daysAgo).iso, times[0], times.last!, worker,
                        ReferralRules.isFinal(status),
                    ])
                    let id = db.lastInsertedRowID
                    var from: ReferralStatus?
                    for (step, time) in zip(path, times) {
                        try insertTransition.execute(arguments: [id, from?.rawValue, step.rawValue, time,
                                                                 step == .draft ? worker : coordinator, ""])
                        from = step
                    }
                }
                try db.execute(sql: """
                    UPDATE referral_transition SET effective_on = substr(at, 1, 10) WHERE effective_on IS NULL
                    """)
            }
            try AuditLog.append(db, at: now, userId: nil, username: "command-line", action: .demoData,
                                summary: "\(households) demo households, \(referrals) referrals")
        }
    }
}
