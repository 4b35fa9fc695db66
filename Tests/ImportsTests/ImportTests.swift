import CaseDomain
@testable import CaseStore
import Foundation
import GRDB
import Localization
import Testing
@testable import Imports

/// Importing households and providers from spreadsheets: headings and
/// values in either language, villages by Khmer or Latin name or by code,
/// Excel's byte-order mark or none, commas or tabs; nothing saved while a
/// row is bad unless bad rows are set aside; duplicates refused.
@Suite struct ImportTests {
    struct Fixture {
        let services: KomarServices
        let importer: Importer
    }

    func fixture() throws -> Fixture {
        let services = KomarServices(database: try AppDatabase.inMemory(), hasher: PasswordHasher(rounds: 1_000),
                                     clock: Clock(now: { Date(timeIntervalSince1970: 1_795_262_400) }))
        try DemoData.fill(services, cases: 30)
        guard case .success(let coordinator) = try services.accounts.logIn(username: "coordinator",
                                                                          password: DemoData.password) else {
            throw StoreError.notFound
        }
        return Fixture(services: services, importer: Importer(services: services, session: coordinator))
    }

    func count(_ f: Fixture, _ sql: String) throws -> Int {
        try f.services.database.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    static let header = "Household,Village,Commune,Province,ID Poor,Name in Khmer,Name in Latin letters,Sex,Date of birth,Age,Relationship,In school,Migration,Country,Phone"

    @Test func villagesByKhmerOrLatinNameOrCodeWithOrWithoutABomAndTabs() throws {
        let f = try fixture()
        let khmer = """
            គ្រួសារ\tភូមិ\tឃុំ/សង្កាត់\tខេត្ត/រាជធានី\tប័ណ្ណក្រីក្រ\tឈ្មោះជាអក្សរខ្មែរ\tឈ្មោះជាអក្សរឡាតាំង\tភេទ\tថ្ងៃខែឆ្នាំកំណើត\tអាយុ\tត្រូវជា\tកំពុងរៀន\tចំណាកស្រុក\tប្រទេស\tទូរស័ព្ទ
            ក\tអំព្នាំង\tក្តឿងរាយ\tព្រៃវែង\t១\tសុខ ចាន់ធី\t\tស្រី\t\t៣៨\tមេគ្រួសារ\t\t\t\t០១២ ៣៤៥ ៦៧៨
            ក\t\t\t\t\tពៅ ស្រីនាង\t\tស្រី\t១២/០៣/២០១០\t\tកូន\tបាទ/ចាស\tចំណាកស្រុកទៅក្រៅប្រទេស\tថៃ\t

            """
        let outcome = try f.importer.households(Data(khmer.utf8), mode: .allOrNothing, source: "km.tsv")
        #expect(outcome.plan.rejected.isEmpty, "\(outcome.plan.rejected.map(\.problems))")
        #expect(outcome.saved == 1 && outcome.members == 2)
        // A woman at the head and a member abroad tick their factors, as registering by hand does.
        #expect(Set(outcome.plan.records.first?.household.vulnerabilities ?? []) == [.femaleHeaded, .memberMigrated])
        let latin = "\u{FEFF}" + Self.header + "\r\n"
            + "7,Ampeang,Kdoeang Reay,Prey Veng,2,,Chan Dara,M,,45,head,,,,\r\n"
            + "8,14040315,,,none,,Srey Pov,F,,30,Head,,,,\r\n"
        let second = try f.importer.households(Data(latin.utf8), mode: .allOrNothing, source: "latin.csv")
        #expect(second.plan.rejected.isEmpty, "\(second.plan.rejected.map(\.problems))")
        #expect(second.saved == 2)
        #expect(try count(f, "SELECT COUNT(*) FROM household WHERE village_code = '14040315'") == 3)
        #expect(try count(f, """
            SELECT COUNT(*) FROM household_member WHERE name_km = 'ពៅ ស្រីនាង' AND date_of_birth = '2010-03-12'
              AND in_school = 1 AND migration_status = 'migrated-abroad' AND migration_country = 'thailand'
            """) == 1)
        #expect(try count(f, """
            SELECT COUNT(*) FROM household JOIN household_member AS m ON m.household_id = household.id
            WHERE id_poor = 'level-1' AND m.relationship = 'head' AND m.phone = '០១២ ៣៤៥ ៦៧៨'
            """) == 1)
        // Found by search like any other household, with a first visit planned.
        let coordinator = try #require(try? f.services.accounts.logIn(username: "coordinator", password: DemoData.password))
        guard case .success(let session) = coordinator else { return }
        #expect(try f.services.households.list(session, query: "Chan Dara").count == 1)
        // The search row an import writes is the one the household would get from an edit.
        let imported = try f.services.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT household.code, household_search.text FROM household JOIN household_search
                  ON household_search.rowid = household.id WHERE head_name_latin IN ('Chan Dara', 'Srey Pov')
                """).map { ($0[0] as String, $0[1] as String) }
        }
        #expect(imported.count == 2)
        for (code, text) in imported {
            #expect(try f.services.households.list(session, query: code).count == 1, "found by its code, \(code)")
            #expect(text.contains(" | " + code.lowercased().replacingOccurrences(of: "-", with: " ") + " | "), "\(text)")
        }
        #expect(try count(f, """
            SELECT COUNT(*) FROM follow_up JOIN household ON household.id = follow_up.household_id
            WHERE household.head_name_latin IN ('Chan Dara', 'Srey Pov')
            """) == 2)
        let audit = try f.services.database.read { db in
            try String.fetchAll(db, sql: "SELECT summary FROM audit_event WHERE summary LIKE 'imported%'")
        }
        #expect(audit == ["imported 1 households with 2 members from km.tsv",
                          "imported 2 households with 2 members from latin.csv"])
    }

    /// 10,000 rows, one of them bad in the middle.
    static func bigFile(badAt bad: Int?) -> String {
        var lines = [header]
        for row in 1...10_000 {
            let household = (row + 1) / 2
            let head = row % 2 == 1
            var line = "\(household),\(head ? "14040315" : ""),,,,,\(head ? "Head \(household)" : "Child \(household)"),"
                + "\(head ? "F" : "M"),,\(head ? 40 : 10),\(head ? "head" : "child"),,,,"
            if row == bad { line = line.replacingOccurrences(of: ",M,", with: ",X,") }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func oneBadRowInTenThousandImportsNothingUnlessBadRowsAreSetAside() throws {
        let f = try fixture()
        let before = try count(f, "SELECT COUNT(*) FROM household")
        let data = Data(Self.bigFile(badAt: 5_000).utf8)
        let refused = try f.importer.households(data, mode: .allOrNothing, source: "big.csv")
        #expect(refused.saved == 0)
        #expect(try count(f, "SELECT COUNT(*) FROM household") == before)
        #expect(refused.plan.rejected.map(\.line) == [5_000, 5_001], "the whole household, by file line")
        let problems = refused.plan.rejected.flatMap(\.problems).map { $0.text(Localizer(language: .en)) }
        #expect(Set(problems) == ["Line 5,001: Sex: “X” is not one of the choices (the choices: Female, Male)",
                                  "Line 5,000: another row of this household has a problem"])
        let checked = try f.importer.households(data, mode: .check, source: "big.csv")
        #expect(checked.saved == 0 && checked.plan.records.count == 4_999)
        let skipped = try f.importer.households(data, mode: .skipBad, source: "big.csv")
        #expect(skipped.saved == 4_999 && skipped.members == 9_998)
        #expect(try count(f, "SELECT COUNT(*) FROM household") == before + 4_999)
        // The tallies count the imported households and their first visits, as a rebuild would, and
        // their triggers are back.
        try f.services.database.write { db in
            let tallies = "SELECT measure, month, province, key, sex, n FROM household_tally WHERE n != 0 UNION ALL "
                + "SELECT measure, month, province, key, sex, n FROM follow_up_tally WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6"
            let kept = try Row.fetchAll(db, sql: tallies).map(\.description)
            try KeptTallies.rebuild(db)
            #expect(kept == (try Row.fetchAll(db, sql: tallies).map(\.description)))
            #expect(try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'household_tally_%' OR name LIKE 'follow_up_tally_%')
                """) == 16)
        }
        let rejected = String(decoding: Importer.rejectedRows(skipped.plan, Localizer(language: .en)), as: UTF8.self)
        #expect(rejected.hasPrefix("\u{FEFF}" + Self.header + ",Problems\r\n"))
        #expect(rejected.contains("2500,,,,,,Child 2500,X,,10,child,,,,,\"Line 5,001: Sex: “X” is not one of the choices (the choices: Female, Male)\"\r\n"))
        // The same file again: every household is now a duplicate.
        let again = try f.importer.households(Data(Self.bigFile(badAt: nil).utf8), mode: .allOrNothing, source: "again")
        #expect(again.saved == 0)
        #expect(again.plan.rejected.count == 9_998, "all but the household skipped the first time")
        #expect(again.plan.rejected.first?.problems.first?.messageKey == "import.duplicate")
        // The rejected rows, put right, are imported as they are: their problems column is left aside.
        let mended = rejected.replacingOccurrences(of: ",X,", with: ",M,")
        let second = try f.importer.households(Data(mended.utf8), mode: .allOrNothing, source: "mended.csv")
        #expect(second.plan.fileProblems.isEmpty)
        #expect(second.saved == 1 && second.members == 2)
    }

    /// A registered household is found by either of its head's names,
    /// spelled another way or written in the other column, in the same
    /// village only; a longer name that starts with a registered one is
    /// another person.
    @Test func aHouseholdAlreadyRegisteredIsFoundByEitherNameInItsVillageOnly() throws {
        let f = try fixture()
        let first = Self.header + "\n"
            + "1,14040315,,,,សុខ ចាន់ធី,Sok Chanthy,F,,40,head,,,,\n"
            + "2,14040315,,,,កែវ សុភា,,F,,33,head,,,,\n"
            + "3,14040315,,,,,Chan Dara,M,,45,head,,,,\n"
        let saved = try f.importer.households(Data(first.utf8), mode: .allOrNothing, source: "first.csv")
        #expect(saved.saved == 3, "\(saved.plan.rejected.map(\.problems))")
        let second = Self.header + "\n"
            + "1,14040315,,,,សុខ\u{200B}ចាន់ធី,,F,,40,head,,,,\n"         // Khmer, another spacing
            + "2,14040315,,,,,SOK  chanthy,F,,40,head,,,,\n"               // Latin, another case
            + "3,14040315,,,,Chan Dara,,M,,45,head,,,,\n"                  // Latin in the Khmer column
            + "4,14040315,,,,,កែវ សុភា,F,,33,head,,,,\n"                   // Khmer in the Latin column
            + "5,14040314,,,,សុខ ចាន់ធី,Sok Chanthy,F,,40,head,,,,\n"     // another village
            + "6,14040315,,,,សុខ ចាន់ធី 2,Sok Chanthy 2,F,,20,head,,,,\n" // a longer name
        let again = try f.importer.households(Data(second.utf8), mode: .check, source: "second.csv")
        let duplicates = again.plan.rejected.filter { $0.problems.contains { $0.messageKey == "import.duplicate" } }
        #expect(duplicates.map(\.line) == [2, 3, 4, 5], "\(again.plan.rejected.map(\.problems))")
        #expect(again.plan.records.count == 2)
    }

    @Test func everyRowIsCheckedAndSaidWhereItIsWrong() throws {
        let f = try fixture()
        let text = Self.header + "\n"
            + "1,Nowhere Village,,,,,A Head,F,,40,head,,,,\n"            // no such village
            + "2,Prey Sva,,,,,B Head,F,,40,head,,,,\n"                   // two villages of that name
            + "3,14040315,,,9,,C Head,F,31/02/2010,,head,maybe,,,12\n"   // ID Poor 9, no such day, not yes/no, short phone
            + "4,14040315,,,,,D Head,F,,40,child,,,,\n"                  // no head
            + "5,14040315,,,,,E Head,F,,40,head,,,,\n"
            + "5,14040315,,,,,E Head,F,,40,head,,,,\n"                   // two heads
            + "6,14040315,,,,,F Head,F,,40,head,,migrated-abroad,,\n"    // abroad without a country
            + "7,14040315,,,,,F Head,F,,41,head,,,,\n"                   // the same head and village as line 7
        let plan = try f.importer.checkHouseholds(Data(text.utf8))
        let t = Localizer(language: .en)
        let said = plan.rejected.flatMap(\.problems).map { $0.text(t) }
        for expected in [
            "Line 2: Village: no village is named “Nowhere Village”",
            "Line 3: Village: 3 villages are named “Prey Sva”; add the commune or district",
            "Line 4: ID Poor: “9” is not one of the choices (the choices: Not ID Poor, ID Poor level 1, ID Poor level 2)",
            "Line 4: Date of birth: “31/02/2010” is a day the calendar does not have (check the day and the month)",
            "Line 4: In school: “maybe” is neither yes nor no",
            "Line 4: Phone:",
            "Line 5: Relationship: household “4” has no row whose relationship is head",
            "Line 6: Relationship: household “5” has more than one head",
            "Line 8: Country:",
            "Line 9: Name in Latin letters: the same head and village as line 8",
        ] {
            #expect(said.contains { $0.hasPrefix(expected) }, "\(expected) in \(said)")
        }
        #expect(plan.records.isEmpty)
        let khmer = plan.rejected.first?.problems.first?.text(Localizer(language: .km))
        #expect(khmer == "ជួរទី ២៖ ភូមិ៖ គ្មានភូមិណាឈ្មោះ “Nowhere Village” ទេ (ក្នុងឃុំ ឬស្រុកដែលបានសរសេរ បើមាន)។ សូមសរសេរឈ្មោះដូចក្នុងបញ្ជីឈ្មោះភូមិ ឬលេខកូដ ៨ ខ្ទង់")
    }

    /// Walk-through: every imported household's first visit sat in the
    /// coordinator's own queue, so no social worker saw the new households.
    /// Its rows' Social worker column, or `--worker`, says whose it is.
    @Test func aHouseholdsFirstVisitGoesToTheWorkerItsRowsOrTheCommandName() throws {
        let f = try fixture()
        let text = Self.header + ",Social worker\n"
            + "1,14040315,,,,,Sok Chanthy,F,,38,head,,,,,socialworker\n"
            + "1,14040315,,,,,Sok Dara,M,,12,son,,,,,\n"                    // words a spreadsheet uses
            + "1,14040315,,,,,Sok Pheap,M,,40,ប្ដី,,,,,\n"
            + "2,14040315,,,,,Chan Dara,M,,45,head,,,,,\n"
            + "3,14040315,,,,,Pov Srey,F,,30,head,,,,,volunteer\n"         // a volunteer is given no visits
            + "4,14040315,,,,,Keo Bopha,F,,33,head,,,,,socialworker\n"
            + "4,14040315,,,,,Keo Nary,F,,9,child,,,,,coordinator\n"        // two workers for one household
        let plan = try f.importer.checkHouseholds(Data(text.utf8), worker: "coordinator")
        let t = Localizer(language: .en)
        let said = plan.rejected.flatMap(\.problems).map { $0.text(t) }
        #expect(said.contains { $0.hasPrefix("Line 6: Social worker: no active social worker or coordinator is named “volunteer”") },
                "\(said)")
        #expect(said.contains { $0.hasPrefix("Line 8: Social worker: the household's first row names another worker") },
                "\(said)")
        #expect(plan.records.count == 2)
        let outcome = try f.importer.save(plan, mode: .skipBad, source: "workers.csv")
        #expect(outcome.saved == 2)
        func visitsBy(_ head: String) throws -> String? {
            try f.services.database.read { db in
                try String.fetchOne(db, sql: """
                    SELECT u.username FROM follow_up AS v JOIN household AS h ON h.id = v.household_id
                    JOIN user AS u ON u.id = v.created_by WHERE h.head_name_latin = ?
                    """, arguments: [head])
            }
        }
        #expect(try visitsBy("Sok Chanthy") == "socialworker")
        #expect(try count(f, "SELECT COUNT(*) FROM household_member WHERE name_latin = 'Sok Dara' AND relationship = 'child'") == 1)
        #expect(try count(f, "SELECT COUNT(*) FROM household_member WHERE name_latin = 'Sok Pheap' AND relationship = 'spouse'") == 1)
        #expect(try visitsBy("Chan Dara") == "coordinator", "--worker for rows that name none")
        #expect(throws: Importer.UnknownWorker(name: "nobody", several: false)) {
            try f.importer.checkHouseholds(Data(text.utf8), worker: "nobody")
        }
        let logged = try f.services.database.read { db in
            try String.fetchOne(db, sql: "SELECT summary FROM audit_event WHERE entity = 'household' ORDER BY id DESC LIMIT 1")
        }
        #expect(logged?.hasSuffix("from workers.csv; first visits for coordinator 1, socialworker 1") == true, "\(logged ?? "")")
    }

    /// Walk-through: ព្រៃយ៉ាង for ព្រៃយាង was refused with no hint. A name one
    /// or two letters from one place's (inside the commune or district
    /// given) is suggested, in the script it was written in; a name like
    /// none, or like several, is not.
    @Test func aMisspelledVillageIsGivenTheNameItIsMostLike() throws {
        let f = try fixture()
        let text = Self.header + "\n"
            + "1,ក្ដឿងរ៉ាយ,,,,,A Head,F,,40,head,,,,\n"               // Kdoeang Reay, misspelt in Khmer
            + "2,Kdoeang Reaiy,,Prey Veng,,,B Head,F,,40,head,,,,\n"  // and in Latin letters, within a province
            + "3,Nowhere Village,,,,,C Head,F,,40,head,,,,\n"
        let plan = try f.importer.checkHouseholds(Data(text.utf8))
        let said = plan.rejected.flatMap(\.problems).map { $0.text(Localizer(language: .en)) }
        #expect(said.contains { $0.hasPrefix("Line 2: Village: no village is named “ក្ដឿងរ៉ាយ”: did you mean “ក្ដឿងរាយ”?") },
                "\(said)")
        #expect(said.contains { $0.hasPrefix("Line 3: Village: no village is named “Kdoeang Reaiy”: did you mean “Kdoeang Reay”?") },
                "\(said)")
        #expect(said.contains { $0.hasPrefix("Line 4: Village: no village is named “Nowhere Village” (in the commune") },
                "\(said)")
        #expect(PlaceFinder.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars), limit: 5) == 3)
        #expect(PlaceFinder.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars), limit: 1) == 2)
    }

    /// Walk-through: 31/02/2012 was said to be "not a date (write
    /// day/month/year…)" although it was written day/month/year.
    @Test func aDayTheCalendarLacksIsToldFromTextThatIsNoDate() {
        #expect(ValueReader.dateProblem("31/02/2012") == "import.impossible-date")
        #expect(ValueReader.dateProblem("៣១/០២/២០១២") == "import.impossible-date")
        #expect(ValueReader.dateProblem("last year") == "import.not-a-date")
        #expect(ValueReader.dateProblem("12/2012") == "import.not-a-date")
    }

    @Test func eachProblemIsSaidOnceUnderTheCellThatWasFilledIn() throws {
        let f = try fixture()
        let text = Self.header + "\n"
            + "1,14040315,,,5,,A Head,X,12/03/2030,,head,,,,\n"
        let plan = try f.importer.checkHouseholds(Data(text.utf8))
        let said = plan.rejected.flatMap(\.problems).map { $0.text(Localizer(language: .en)) }
        #expect(said.filter { $0.contains("Sex:") } == ["Line 2: Sex: “X” is not one of the choices (the choices: Female, Male)"])
        #expect(said.contains { $0.hasPrefix("Line 2: Date of birth:") })
        #expect(!said.contains { $0.contains("Age:") }, "\(said)")
        let khmer = plan.rejected.flatMap(\.problems).map { $0.text(Localizer(language: .km)) }
        #expect(khmer.contains { $0.contains("“5”") }, "a value is quoted as typed: \(khmer)")
    }

    @Test func missingOrUnknownColumnsRefuseTheWholeFile() throws {
        let f = try fixture()
        let plan = try f.importer.checkHouseholds(Data("Household,Village,Colour\n1,14040315,red\n".utf8))
        let said = plan.fileProblems.map { $0.text(Localizer(language: .en)) }
        #expect(said.contains("Line 1: the column “Colour” is not one Komar knows; the template lists them"))
        #expect(said.contains("Line 1: Sex: this column is missing"))
        #expect(plan.records.isEmpty)
        #expect(throws: ImportTable.Failure.notUTF8) { try f.importer.checkHouseholds(Data([0xFF, 0xFE, 0x41, 0x00])) }
        #expect(throws: ImportTable.Failure.empty) { try f.importer.checkHouseholds(Data("\u{FEFF}\n".utf8)) }
    }

    @Test func templatesImportCleanlyInBothLanguages() throws {
        for language in Language.allCases {
            let f = try fixture()
            let t = Localizer(language: language)
            let households = try f.importer.households(Data(ImportKind.households.template(t).utf8), mode: .allOrNothing,
                                                       source: "template")
            #expect(households.plan.isClean, "\(language): \(households.plan.rejected.flatMap(\.problems).map { $0.text(t) })")
            #expect(households.saved == 1 && households.members == 2)
            let providers = try f.importer.providers(Data(ImportKind.providers.template(t).utf8), mode: .allOrNothing,
                                                     source: "template")
            #expect(providers.plan.isClean, "\(language): \(providers.plan.rejected.flatMap(\.problems).map { $0.text(t) })")
            #expect(providers.saved == 1)
            let again = try f.importer.checkProviders(Data(ImportKind.providers.template(t).utf8))
            #expect(again.rejected.first?.problems.first?.messageKey == "import.duplicate-provider")
        }
    }

    @Test func onlyCoordinatorsImport() throws {
        let f = try fixture()
        guard case .success(let worker) = try f.services.accounts.logIn(username: "socialworker",
                                                                       password: DemoData.password) else { return }
        let importer = Importer(services: f.services, session: worker)
        #expect(throws: PermissionDenied(role: .socialWorker, action: .importData)) {
            try importer.checkHouseholds(Data(Self.header.utf8))
        }
    }
}
