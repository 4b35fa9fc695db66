import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import ReportWriters

/// `komar report NAME`: a donor or government report for a period and an
/// area, printed as text or written as CSV, XLSX or Markdown.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Make a report (cases, follow-ups, households, referrals, data-quality); the password is read from stdin.",
        discussion: """
            Examples:
              komar report --list
              komar report cases --db komar.sqlite --user vannak --period 2026-10
              komar report referrals --db komar.sqlite --user vannak --period 2026-Q3 --province 14 --format xlsx --out q3.xlsx
              komar report cases --db head-office.sqlite --user vannak --period 2026 --office PV1
            Social workers may read reports (text on the screen); coordinators may also write them to files.
            """)


    @Flag(name: .long, help: "List the reports and stop.") var list = false
    @Argument(help: "The report: \(Parse.codes(ReportKind.self)).", transform: Parse.code("report"))
    var name: ReportKind?
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Your username; your password is the first line of standard input.") var user: String?
    @Option(name: .long, help: "2026-10 (a month), 2026-Q3, 2026, or 2026-01-01..2026-06-30.") var period: String?
    @Option(name: .long, help: "Only this province (2-digit gazetteer code).") var province: String?
    @Option(name: .long, help: "Only this district (4-digit gazetteer code).") var district: String?
    @Option(name: .long, help: "Only this commune (6-digit gazetteer code).") var commune: String?
    @Option(name: .long, help: ArgumentHelp("At head office: only this office's records.", valueName: "CODE"))
    var office: String?
    @Option(name: .long, help: "Age bands: \(Parse.codes(AgeBandPreset.self)) (default: the office's setting).",
            transform: Parse.code("age-bands"))
    var ageBands: AgeBandPreset?
    @Option(name: .long, help: "Words in km or en.", transform: Parse.language("language")) var language: Language = .en
    @Option(name: .long, help: "text, csv, xlsx or md (default: by the --out file's ending; text on the screen).",
            transform: { value in
                guard let format = ReportFormat(rawValue: value) else { throw ValidationError("--format must be text, csv, xlsx or md") }
                return format
            })
    var format: ReportFormat?
    @Option(name: .long, help: "File to write: its ending (.xlsx, .csv, .md, .txt) gives the format.") var out: String?

    /// The format asked for, or the one the file's ending gives.
    var chosenFormat: ReportFormat { format ?? out.flatMap { ReportFormat(path: $0) } ?? .text }

    var area: ReportArea? {
        let codes = [(province, 2), (district, 4), (commune, 6)].compactMap { code, length in code.map { ($0, length) } }
        guard let (code, _) = codes.first else { return .office }
        return ReportArea(code: code)
    }

    func validate() throws {
        if list { return }
        guard name != nil else { throw ValidationError("name a report (\(Parse.codes(ReportKind.self))), or give --list") }
        guard user != nil else { throw ValidationError("--user is required") }
        guard let period else { throw ValidationError("--period is required") }
        if case .failure(let error) = ReportPeriod.read(Digits.toWestern(period), today: LocalDate.today()) {
            throw ValidationError("--period: " + Localizer(language: language)(error.messageKey))
        }
        let given = [(province, 2, "province"), (district, 4, "district"), (commune, 6, "commune")].filter { $0.0 != nil }
        if given.count > 1 { throw ValidationError("give only one of --province, --district and --commune") }
        if let (code, length, option) = given.first, code?.count != length || ReportArea(code: code ?? "") == nil {
            throw ValidationError("--\(option) must be a \(length)-digit gazetteer code")
        }
        if let format, format != .text, out == nil { throw ValidationError("--format \(format.rawValue) needs --out FILE") }
        if let out {
            switch (format, ReportFormat(path: out)) {
            case (nil, nil):
                throw ValidationError("--out must end in .xlsx, .csv, .md or .txt (or give --format)")
            case (let asked?, let ending?) where asked != ending:
                throw ValidationError("--format \(asked.rawValue) does not match the file's ending (\(out))")
            default: break
            }
        }
    }

    func run() throws {
        if list {
            let words = Localizer(language: language)
            for kind in ReportKind.allCases { print(kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + words(kind.labelKey)) }
            return
        }
        // validate() has refused anything these cannot be made from.
        guard let name, let user, let period = period.flatMap({ ReportPeriod.parse(Digits.toWestern($0)) }), let area
        else { throw ValidationError("give a report's name, --user and --period") }
        try reportingFailures {
            try requireUTF8Locale()
            let services = try database.openExisting()
            let writing = out != nil
            try ActingUser.parse(["--user", user]).run(
                services, toDo: writing ? .exportData : .readReports,
                refusal: writing ? "only coordinators may write reports to files" : "only social workers and coordinators may read reports"
            ) { session in
                guard try services.reports.areaExists(area) else {
                    throw Failure("there is no province, district or commune with the code \(area.code) in the gazetteer")
                }
                let bands = try ageBands ?? services.settings.office().ageBands
                let report = try services.reports.make(session, ReportRequest(
                    kind: name, period: period, area: area, ageBands: bands,
                    office: try office.map { try OfficeOption.number(of: $0, services, session) }))
                let words = ReportWords(Localizer(language: language))
                guard let out else {
                    print(TextReport(words: words, blocks: true).lines(report).joined(separator: "\n"))
                    return
                }
                let data = try chosenFormat.data(report, words)
                do {
                    try services.reports.export(session, report, data: data, format: chosenFormat.rawValue,
                                                to: URL(fileURLWithPath: out))
                } catch let failed as ExportFailed {
                    throw Failure("cannot write \(failed.path): \(failed.detail)")
                }
                let t = Localizer(language: language)
                print(t("report.written", t(name.labelKey), t.digitsForDisplay("\(period)"), out))
            }
        }
    }
}
