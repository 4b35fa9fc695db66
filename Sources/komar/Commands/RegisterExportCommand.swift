import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Localization
import ReportWriters

/// What every register export takes: the file, its format and language,
/// and the filters of the register's list.
struct RegisterExportOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, xlsx }

    @Option(name: .long, help: "File to write: its ending (.csv, .xlsx) gives the format.") var out: String
    @Option(name: .long, help: "csv (UTF-8 with a byte-order mark) or xlsx; by default, the one --out ends in, else csv.")
    var format: Format?
    @Option(name: .long, help: "Headings and labels in km or en.", transform: Parse.language("language"))
    var language: Language = .en
    @Option(name: .long, help: "Only this status (as on the register's list).") var status: String?
    @Option(name: .long, help: "Only this risk level: \(Parse.codes(RiskLevel.self)).", transform: Parse.code("risk"))
    var risk: RiskLevel?
    @Option(name: .long, help: "Only this province, district, commune or village (gazetteer code).") var place: String?
    @Option(name: .long, help: "On or after this day (day/month/year): reported (cases) or due (follow-ups).",
            transform: Parse.date("from"))
    var from: LocalDate?
    @Option(name: .long, help: "On or before this day (day/month/year).", transform: Parse.date("to")) var to: LocalDate?
    @Option(name: .long, help: "Only providers of this service.", transform: Parse.code("service")) var service: ServiceType?
    @Option(name: .long, help: ArgumentHelp("At head office: only this office's records.", valueName: "CODE"))
    var office: String?
    @Flag(name: .long, help: "Also export narrative text (a case's story, a visit's notes); the audit log records it.")
    var includeNarrative = false

    var filter: RegisterFilter {
        RegisterFilter(status: status, riskLevel: risk, placeCode: place, from: from, to: to, service: service)
    }

    /// The format asked for, or the one the file's ending gives (a CSV
    /// written to a .xlsx name is a file Excel refuses: walk-through).
    var chosenFormat: Format { format ?? endingFormat ?? .csv }

    private var endingFormat: Format? {
        Format(rawValue: URL(fileURLWithPath: out).pathExtension.lowercased())
    }

    func validate() throws {
        if let place, ![2, 4, 6, 8].contains(place.count) || !place.allSatisfy(\.isNumber) {
            throw ValidationError("--place must be a 2-, 4-, 6- or 8-digit gazetteer code")
        }
        if let format, let endingFormat, format != endingFormat {
            throw ValidationError("--format \(format.rawValue) does not match the file's ending (\(out))")
        }
    }

    /// The filters a register has; one it does not have is refused, not
    /// ignored (households --from exported the whole register: walk-through).
    enum Filter: String, CaseIterable { case status, risk, place, from, to, service }

    func check(filtersOf register: Register, _ applicable: Set<Filter>) throws {
        let given: [(Filter, Bool)] = [(.status, status != nil), (.risk, risk != nil), (.place, place != nil),
                                       (.from, from != nil), (.to, to != nil), (.service, service != nil)]
        if let (filter, _) = given.first(where: { $0.1 && !applicable.contains($0.0) }) {
            let offered = Filter.allCases.filter(applicable.contains).map { "--" + $0.rawValue }.joined(separator: ", ")
            throw ValidationError("--\(filter.rawValue) does not filter \(register.rawValue); it takes \(offered)")
        }
    }

    /// Checks that `status` is one of `codes` for this register.
    func check<C: CodeList>(status type: C.Type) throws {
        if let status, C(rawValue: status) == nil {
            throw ValidationError("--status must be one of: \(Parse.codes(C.self))")
        }
    }
}

/// `komar export cases|households|follow-ups|providers`: one register as a
/// spreadsheet, for coordinators; audited with its row count and filter.
protocol RegisterExportCommand: AuthenticatedCommand {
    static var register: Register { get }
    var options: RegisterExportOptions { get }
}

extension RegisterExportCommand {
    func export() throws {
        try authenticated(.exportData, refusal: "only coordinators may export registers") { services, session in
            let o = options
            if let place = o.place, try services.gazetteer.place(code: place) == nil {
                throw Failure("there is no province, district, commune or village with the code \(place) in the gazetteer")
            }
            var filter = o.filter
            if let code = o.office { filter.office = try OfficeOption.number(of: code, services, session) }
            let table = try services.registers.table(session, Self.register, filter: filter,
                                                     includeNarrative: o.includeNarrative)
            let words = ReportWords(Localizer(language: o.language))
            let format = o.chosenFormat
            let data = format == .csv ? RegisterWriter.csv(table, words) : try RegisterWriter.xlsx(table, words)
            do {
                try services.registers.write(session, Self.register, data: data, rows: table.rows.count, filter: filter,
                                             includeNarrative: o.includeNarrative, format: format.rawValue,
                                             to: URL(fileURLWithPath: o.out))
            } catch let failed as ExportFailed {
                throw Failure("cannot write \(failed.path): \(failed.detail)")
            }
            print("Wrote \(counted(table.rows.count, "row")) of \(Self.register.rawValue) to \(o.out)")
        }
    }
}

extension Export {
    struct Cases: RegisterExportCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export cases (no narrative unless --include-narrative); the coordinator's password is read from stdin.")
        static let register = Register.cases
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var options: RegisterExportOptions
        func validate() throws {
            try options.check(status: CaseStatus.self)
            try options.check(filtersOf: Self.register, [.status, .risk, .place, .from, .to])
        }
        func run() throws { try export() }
    }

    struct Households: RegisterExportCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export households, one row per member; the coordinator's password is read from stdin.")
        static let register = Register.households
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var options: RegisterExportOptions
        func validate() throws {
            try options.check(status: HouseholdStatus.self)
            try options.check(filtersOf: Self.register, [.status, .risk, .place])
        }
        func run() throws { try export() }
    }

    struct FollowUps: RegisterExportCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-ups",
            abstract: "Export follow-up visits (no visit notes unless --include-narrative).")
        static let register = Register.followUps
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var options: RegisterExportOptions
        func validate() throws {
            try options.check(status: FollowUpStatus.self)
            try options.check(filtersOf: Self.register, [.status, .risk, .place, .from, .to])
        }
        func run() throws { try export() }
    }

    struct Providers: RegisterExportCommand {
        static let configuration = CommandConfiguration(abstract: "Export the provider directory.")
        static let register = Register.providers
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @OptionGroup var options: RegisterExportOptions
        func validate() throws { try options.check(filtersOf: Self.register, [.place, .service]) }
        func run() throws { try export() }
    }
}
