import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Localization

/// `komar export referrals`: the coordinator's referral list, filtered as in
/// the TUI, to a CSV file that Excel and LibreOffice open with Khmer intact.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export registers as CSV (UTF-8 with a byte-order mark) or XLSX.",
        subcommands: [Referrals.self, Cases.self, Households.self, FollowUps.self, Providers.self])

    struct Referrals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export referrals; the coordinator's password is read from stdin.",
            discussion: "Example: komar export referrals --db komar.sqlite --out nov.csv --user vannak --from 01/11/2026 --to 30/11/2026")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Option(name: .long, help: "CSV file to write.") var out: String
        @Option(name: .long, help: "Headings and labels in km or en.", transform: Parse.language("language"))
        var language: Language = .en
        @Option(name: .long, help: "Only this status (\(Parse.codes(ReferralStatus.self))).",
                transform: Parse.code("status"))
        var status: ReferralStatus?
        @Option(name: .long, help: "Only this service (e.g. sewing, motorbike-repair, safe-migration).",
                transform: Parse.code("service"))
        var service: ServiceType?
        @Option(name: .long, help: "Only this provider (its number in the directory).") var provider: Int64?
        @Option(name: .long, help: "Only this province, district or commune (gazetteer code).") var place: String?
        @Option(name: .long, help: "Only female or male.", transform: Parse.code("sex")) var sex: Sex?
        @Option(name: .long, help: "Only this age group: \(Parse.codes(AgeGroup.self)).", transform: Parse.code("age-group"))
        var ageGroup: AgeGroup?
        @Option(name: .long, help: "Only routine or urgent.", transform: Parse.code("priority"))
        var priority: ReferralPriority?
        @Option(name: .long, help: "Referred on or after this day (day/month/year).", transform: Parse.date("from"))
        var from: LocalDate?
        @Option(name: .long, help: "Referred on or before this day (day/month/year).", transform: Parse.date("to"))
        var to: LocalDate?
        @Option(name: .long, help: ArgumentHelp("At head office: only this office's referrals.", valueName: "CODE"))
        var office: String?

        func validate() throws {
            if let place, !(place.count == 2 || place.count == 4 || place.count == 6) || !place.allSatisfy(\.isNumber) {
                throw ValidationError("--place must be a 2-, 4- or 6-digit gazetteer code")
            }
            if URL(fileURLWithPath: out).pathExtension.lowercased() == "xlsx" {
                throw ValidationError("referrals are exported as CSV: name the file .csv (Excel opens it with Khmer intact)")
            }
        }

        var filter: ReferralFilter {
            ReferralFilter(status: status, providerId: provider, service: service, placeCode: place, sex: sex,
                           ageGroup: ageGroup, priority: priority, from: from, to: to)
        }

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try database.openExisting()
                let session = try actingUser.logIn(services, toDo: .exportData,
                                                  refusal: "only coordinators may export referrals")
                defer { try? services.accounts.logOut(session) }
                let localizer = Localizer(language: language)
                var filter = filter
                if let office { filter.office = try OfficeOption.number(of: office, services, session) }
                let interactive = isatty(2) != 0
                do {
                    let written = try services.referrals.export(
                        session, filter: filter, to: URL(fileURLWithPath: out),
                        khmerPlaceNames: localizer.language == .km, label: { localizer($0) },
                        progress: { done, total in
                            if interactive { FileHandle.standardError.write(Data("\r\(done) / \(total)".utf8)) }
                        })
                    if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                    print("Wrote \(counted(written, "referral")) to \(out)")
                } catch let failed as ExportFailed {
                    throw Failure("cannot write \(failed.path): \(failed.detail)")
                }
            }
        }
    }
}
