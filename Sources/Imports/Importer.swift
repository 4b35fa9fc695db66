import CaseDomain
import CaseStore
import Foundation
import Localization
import Synchronization

/// Imports households (with their members) and providers from a
/// spreadsheet saved as CSV or TSV: every row is checked first, and
/// nothing is saved unless every row passes, or the caller chooses to
/// save the good ones and set the rejected ones aside (`--skip-bad`).
/// Coordinators only; one audit event per import.
public struct Importer: Sendable {
    let services: KomarServices
    let session: Session

    public init(services: KomarServices, session: Session) {
        self.services = services
        self.session = session
    }

    /// No active social worker or coordinator has this username or name
    /// (`worker` of `checkHouseholds`), or several have this name.
    public struct UnknownWorker: Error, Equatable {
        public let name: String
        public let several: Bool
    }

    /// Checks `data` as households. `worker` (a username or name) gets the
    /// first visits of the households whose rows name no worker.
    public func checkHouseholds(_ data: Data, worker: String? = nil) throws -> ImportPlan<NewHousehold> {
        try session.require(.importData)
        var workers = WorkerFinder(try services.cases.assignees(session))
        if let worker {
            switch workers.find(worker) {
            case .one(let id): workers.fallback = id
            case .none: throw UnknownWorker(name: worker, several: false)
            case .several: throw UnknownWorker(name: worker, several: true)
            }
        }
        let (table, places) = try readWhileFindingPlaces(data)
        let importer = HouseholdImporter(table: table, places: places, strings: .shipped, today: services.clock.today,
                                         workers: workers)
        return try importer.plan { heads in try services.households.existingHouseholds(session, heads: heads) }
    }

    public func checkProviders(_ data: Data) throws -> ImportPlan<ProviderInput> {
        try session.require(.importData)
        let (table, places) = try readWhileFindingPlaces(data)
        let importer = ProviderImporter(table: table, places: places, values: ValueReader(table: .shipped))
        return importer.plan(existing: try services.providers.existingNames(session))
    }

    /// The file's rows, read on one core while the gazetteer's places are
    /// indexed on the other.
    private func readWhileFindingPlaces(_ data: Data) throws -> (ImportTable, PlaceFinder) {
        let table = Mutex<Result<ImportTable, any Error>?>(nil)
        let places = Mutex<Result<PlaceFinder, any Error>?>(nil)
        let gazetteer = services.gazetteer
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                let read = Result { try ImportTable.read(data) }
                table.withLock { $0 = read }
            } else {
                let found = Result { try PlaceFinder(gazetteer) }
                places.withLock { $0 = found }
            }
        }
        // concurrentPerform returns once both have run, so both results are there.
        guard let read = table.withLock({ $0 }), let found = places.withLock({ $0 }) else {
            throw ImportTable.Failure.unreadable("the import stopped before the file was read")
        }
        return (try read.get(), try found.get())
    }

    /// What an import may do with a file that has bad rows.
    public enum Mode: Sendable {
        /// Check every row; save nothing.
        case check
        /// Save everything only if every row passes.
        case allOrNothing
        /// Save the good households; the caller writes the rejected rows.
        case skipBad
    }

    /// What became of an import: what checking found, and how many
    /// records (and members) were saved; none unless the mode allowed it.
    public struct Outcome<R: Sendable>: Sendable {
        public let plan: ImportPlan<R>
        public let saved: Int
        public let members: Int
    }

    /// Checks `data` as households and saves them as `mode` allows, in one
    /// transaction.
    public func households(_ data: Data, mode: Mode, source: String, worker: String? = nil,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Outcome<NewHousehold> {
        try save(try checkHouseholds(data, worker: worker), mode: mode, source: source, progress: progress)
    }

    /// Saves the checked households as `mode` allows.
    public func save(_ plan: ImportPlan<NewHousehold>, mode: Mode, source: String,
                     progress: (Int, Int) -> Void = { _, _ in }) throws -> Outcome<NewHousehold> {
        guard Self.maySave(plan, mode) else { return Outcome(plan: plan, saved: 0, members: 0) }
        let saved = try services.households.importHouseholds(session, plan.records, source: source, progress: progress)
        return Outcome(plan: plan, saved: saved.households, members: saved.members)
    }

    /// Checks `data` as providers and saves them as `mode` allows.
    public func providers(_ data: Data, mode: Mode, source: String) throws -> Outcome<ProviderInput> {
        try save(try checkProviders(data), mode: mode, source: source)
    }

    /// Saves the checked providers as `mode` allows.
    public func save(_ plan: ImportPlan<ProviderInput>, mode: Mode, source: String) throws -> Outcome<ProviderInput> {
        guard Self.maySave(plan, mode) else { return Outcome(plan: plan, saved: 0, members: 0) }
        return Outcome(plan: plan, saved: try services.providers.importProviders(session, plan.records, source: source),
                       members: 0)
    }

    static func maySave<R>(_ plan: ImportPlan<R>, _ mode: Mode) -> Bool {
        guard plan.fileProblems.isEmpty, !plan.records.isEmpty else { return false }
        switch mode {
        case .check: return false
        case .allOrNothing: return plan.rejected.isEmpty
        case .skipBad: return true
        }
    }

    /// The rejected rows as CSV (with a byte-order mark): the file's own
    /// headings and cells, and a last column saying what is wrong.
    public static func rejectedRows<R>(_ plan: ImportPlan<R>, _ t: Localizer) -> Data {
        var text = CSV.byteOrderMark + CSV.line(plan.header + [t("import.problems")])
        for row in plan.rejected {
            text += CSV.line(row.cells + [row.problems.map { $0.text(t) }.joined(separator: "; ")])
        }
        return Data(text.utf8)
    }
}
