import CaseDomain
@testable import CaseStore
import Foundation
import Localization
import Synchronization
import Terminal
import Testing
@testable import KomarApp

let fixedNow = Date(timeIntervalSince1970: 1_795_262_400)  // 21 Nov 2026, noon UTC
/// A password the policy accepts.
let testPassword = "mekong-river-9"

/// A database file in a folder of its own (backups go beside it), for
/// tests that need a real file: backups, restores, a second connection.
struct TemporaryDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("komar.sqlite").path }

    init(_ purpose: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-\(purpose)-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// A clock that stands still until a test moves it (the idle lock, the
/// lock-out, the password asked again).
final class ManualClock: Sendable {
    private let current = Mutex(fixedNow)
    var now: Date { current.withLock { $0 } }
    func advance(minutes: Double) { current.withLock { $0 += minutes * 60 } }
    var clock: Clock { Clock(now: { [self] in now }) }
}

/// An app on the in-memory terminal with a fixed clock and a cheap KDF;
/// tests type keys and read the screen as a user would.
@MainActor
final class Harness {
    let backend: MemoryBackend
    let services: KomarServices
    let app: App
    let time: ManualClock

    /// `file`: a database file instead of memory (for a second connection
    /// that holds the lock, say).
    init(size: Size = Size(width: 80, height: 24), setUp: Bool = true, language: Language = .km,
         demoAccounts: [DemoAccount] = [], file: String? = nil) throws {
        backend = MemoryBackend(size: size)
        time = ManualClock()
        services = KomarServices(database: try file.map { try AppDatabase.open(path: $0) } ?? AppDatabase.inMemory(),
                                 hasher: PasswordHasher(rounds: 1_000), clock: time.clock)
        if setUp {
            try services.accounts.setUp(SetupInput(
                organisation: "Test NGO", provinceCode: "14", districtCode: "1404", adminUsername: "admin",
                adminDisplayName: "Admin", adminPassword: testPassword, languageCode: language.rawValue))
            for (name, display, role) in [("sreymom", "ស្រីមុំ", Role.volunteer), ("pov", "ពៅ", .volunteer),
                                          ("dara", "ចាន់ ដារ៉ា", .socialWorker)] {
                try services.accounts.addUser(by: Self.admin, username: name, displayName: display, role: role,
                                              password: testPassword, languageCode: language.rawValue)
            }
        }
        app = App(backend: backend, services: services, language: language, demoAccounts: demoAccounts)
        app.start()
    }

    /// Another terminal on the same database while this one runs (one
    /// account in two terminals).
    init(alongside other: Harness) {
        backend = MemoryBackend(size: other.backend.size)
        services = other.services
        time = other.time
        app = App(backend: backend, services: services, language: other.app.currentLanguage)
        app.start()
    }

    /// A second app on the same database: what the next start sees after
    /// the first one crashed or was killed. What it had typed more than a
    /// moment before is written (as its draft writer would have), and its
    /// terminal is gone.
    init(restartOf other: Harness) {
        other.app.drafts.flush()
        other.app.drafts.end()
        backend = MemoryBackend(size: other.backend.size)
        services = other.services
        time = other.time
        app = App(backend: backend, services: services, language: other.app.currentLanguage)
        app.start()
    }

    var screen: String { backend.screenText }

    /// Each key as a user makes it: what it reads in the background (a
    /// list's count) is there before the screen is looked at.
    func press(_ keys: Key...) {
        app.process(keys)
        app.settleBackgroundReads()
    }

    func type(_ text: String) {
        app.process(Key.typing(text))
        app.settleBackgroundReads()
    }

    /// Logs in through the login screen, as a person would.
    func logIn(_ username: String, _ password: String = testPassword) {
        type(username)
        press(.tab)
        type(password)
        press(.enter)
    }

    /// Sample records (as `komar demo` makes them) by the harness's own
    /// users: sreymom registers, dara works the cases, vannak (if added)
    /// coordinates.
    func fillDemoRecords(cases: Int) throws {
        func id(_ name: String) throws -> Int64? {
            try services.database.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = ?", arguments: [name])
            }
        }
        try DemoData.fillRecords(services, cases: cases, volunteer: id("sreymom"), worker: id("dara"),
                                 coordinator: id("vannak"))
    }

    /// Chooses the home menu's item that says `label`, by its number.
    func select(_ label: String) {
        // A menu line is its number, then its label.
        guard let line = screen.split(separator: "\n").first(where: {
            $0.contains(label) && ($0.trimmingCharacters(in: .whitespaces).first?.isNumber ?? false)
        }),
              let digit = line.trimmingCharacters(in: .whitespaces).unicodeScalars.first else {
            Issue.record("no menu item \(label)")
            return
        }
        press(.char(digit))
    }

    /// Logs out from the home screen's menu.
    func logOut() {
        #expect(app.topScreenTitleKey == "home.title")
        select(app.currentLanguage == .km ? "ចាកចេញពីគណនី" : "Log out")
    }

    /// Fills the intake form: Khmer name, Latin name, female, an estimated
    /// age, a village in Kanhchriech (Prey Veng), two concerns, a narrative
    /// and a reporter.
    func fillIntake(nameKm: String = "ស្រីពេជ្រ ប្រាក់", nameLatin: String = "Sreypich Prak", age: String = "១២",
                    riskAssessed: Bool = true) {
        type(nameKm)
        press(.tab)
        type(nameLatin)
        press(.tab, .enter, .enter, .tab, .tab)     // sex: first option (female)
        type(age)
        press(.tab, .tab, .tab)                      // province and district come from the office settings
        type("kanh")
        press(.enter, .tab, .enter, .enter, .tab, .tab) // commune Kanhchriech, its first village; no household
        press(.enter, .char(" "), .down, .down, .down, .down, .char(" "), .enter, .tab)
        type("កុមារីត្រូវបានគេសន្យាការងារនៅប្រទេសថៃ។")
        press(.tab, .enter, .enter)                  // reporter: CPC member
        if riskAssessed { tickNoRiskFactor() }
    }

    /// Ticks "None of these" under the intake's risk factors (an intake
    /// must say whether any applies) without moving the focus or the
    /// scroll, so tests of the fields above see the form as before;
    /// `aNewIntakeSaysWhetherAnyRiskFactorApplies` ticks it with keys.
    func tickNoRiskFactor() {
        guard let intake = app.stack.last as? IntakeScreen,
              let risks = intake.form.field("riskAnswers")?.widget as? MultiChoiceField else { return }
        risks.toggle(IntakeScreen.noRiskFactor)
        _ = app.flushDrafts()
    }

    /// A service session for one of the harness's users, for setting up
    /// data beside the screens.
    func session(_ username: String) throws -> Session {
        guard case .success(let session) = try services.accounts.logIn(username: username, password: testPassword) else {
            throw StoreError.notFound
        }
        return session
    }

    /// An open case: a girl's intake (`childIntake`) by `worker`, accepted,
    /// assigned to her at low risk. Returns the case's id.
    func openCase(by worker: Session) throws -> Int64 {
        let created = try services.cases.createIntake(worker, Self.childIntake("ស្រីពេជ្រ", "Sreypich"))
        try services.cases.apply(worker, caseId: created.id, CaseChange(
            action: .accept, expectedVersion: 1, assignTo: worker.user.id, riskLevel: .low))
        return created.id
    }

    /// A complete intake for a child in Prasrae Lech (Kanhchriech), for
    /// setting up data.
    static func childIntake(_ km: String, _ latin: String = "", sex: Sex = .female, age: Int = 12) -> IntakeInput {
        var input = IntakeInput()
        input.childNameKm = km
        input.childNameLatin = latin
        input.sex = sex
        input.birth = .estimatedAge(age)
        input.villageCode = "14040201"
        input.concerns = [.childLabour]
        input.narrative = "..."
        input.reporter = .cpcMember
        return input
    }

    /// A household in Prasrae Lech (Kanhchriech) headed by `km`/`latin`,
    /// for setting up data.
    static func householdInput(_ km: String, _ latin: String, sex: Sex, age: Int) -> HouseholdInput {
        var input = HouseholdInput()
        input.headNameKm = km
        input.headNameLatin = latin
        input.headSex = sex
        input.headAge = age
        input.villageCode = "14040201"
        return input
    }

    /// The session of the demo account of `role` (after `DemoData.fill`).
    func demoSession(_ role: Role) throws -> Session {
        guard case .success(let session) = try services.accounts.logIn(username: ScreenCatalog.username(role),
                                                                       password: DemoData.password) else {
            throw StoreError.notFound
        }
        return session
    }

    /// The admin's session without a login, for reading the audit log.
    var auditor: Session { Self.admin }

    static let admin = Session(user: UserAccount(id: 1, username: "admin", displayName: "Admin", role: .admin,
                                                 languageCode: "km", isActive: true))

    /// All cases in the database, as a social worker sees them.
    func allCases() throws -> [CaseSummary] {
        try services.cases.listCases(try session("dara"), limit: 1_000)
    }
}

extension Harness {
    /// A fresh app showing a catalogue entry's screen, as its user would
    /// reach it (after `DemoData.fill`).
    func open(_ entry: ScreenCatalog.Entry, exports: String, language: Language = .en,
              size: Size = Size(width: 80, height: 24)) throws -> App {
        let backend = MemoryBackend(size: size)
        let app = App(backend: backend, services: services, language: language)
        app.exportDirectory = exports
        if let role = entry.role {
            let session = try demoSession(role)
            app.logIn(session)
            app.push(try entry.make(app, session))
        } else {
            app.start()
            app.setRoot(try entry.make(app, nil))
        }
        app.settleBackgroundReads()
        app.render()
        return app
    }
}
