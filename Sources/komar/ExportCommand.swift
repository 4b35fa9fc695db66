import ArgumentParser
import CaseDomain
import CaseStore
import Foundation
import Localization

/// `komar export referrals`: the coordinator's referral list, filtered as in
/// the TUI, to a CSV file that Excel and LibreOffice open with Khmer intact.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export data as CSV (UTF-8 with a byte-order mark).", subcommands: [Referrals.self])

    struct Referrals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export referrals; the coordinator's password is read from stdin.",
            discussion: "Example: komar export referrals --db komar.sqlite --out nov.csv --user vannak --from 01/11/2026 --to 30/11/2026")

        @Option(name: .long, help: "Path of the database.") var db: String
        @Option(name: .long, help: "CSV file to write.") var out: String
        @Option(name: .long, help: "A coordinator's username.") var user: String
        @Option(name: .long, help: "Headings and labels in km or en.") var language: String = "en"
        @Option(name: .long, help: "Only this status (draft, sent, accepted, enrolled, completed, declined, dropped-out, cancelled).")
        var status: String?
        @Option(name: .long, help: "Only this service (e.g. sewing, motorbike-repair, safe-migration).") var service: String?
        @Option(name: .long, help: "Only this provider (its number in the directory).") var provider: Int64?
        @Option(name: .long, help: "Only this province, district or commune (gazetteer code).") var place: String?
        @Option(name: .long, help: "Only female or male.") var sex: String?
        @Option(name: .long, help: "Only this age group: 0-14, 15-17, 18-24 or 25+.") var ageGroup: String?
        @Option(name: .long, help: "Only routine or urgent.") var priority: String?
        @Option(name: .long, help: "Referred on or after this day (day/month/year).") var from: String?
        @Option(name: .long, help: "Referred on or before this day (day/month/year).") var to: String?

        func validate() throws {
            guard Language(rawValue: language) != nil else { throw ValidationError("--language must be km or en") }
            _ = try filter()
        }

        private func code<C: CodeList>(_ value: String?, _ type: C.Type, _ option: String) throws -> C? {
            guard let value else { return nil }
            guard let code = C(rawValue: value) else {
                throw ValidationError("--\(option) must be one of: " + C.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return code
        }

        private func date(_ value: String?, _ option: String) throws -> LocalDate? {
            guard let value else { return nil }
            guard case .success(let date) = LocalDate.parse(userInput: value) else {
                throw ValidationError("--\(option) must be a date as day/month/year, for example 01/11/2026")
            }
            return date
        }

        func filter() throws -> ReferralFilter {
            if let place, !(place.count == 2 || place.count == 4 || place.count == 6) || !place.allSatisfy(\.isNumber) {
                throw ValidationError("--place must be a 2-, 4- or 6-digit gazetteer code")
            }
            return ReferralFilter(
                status: try code(status, ReferralStatus.self, "status"), providerId: provider,
                service: try code(service, ServiceType.self, "service"), placeCode: place,
                sex: try code(sex, Sex.self, "sex"), ageGroup: try code(ageGroup, AgeGroup.self, "age-group"),
                priority: try code(priority, ReferralPriority.self, "priority"), from: try date(from, "from"),
                to: try date(to, "to"))
        }

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try openExisting(db)
                let password = try readPassword(prompt: "Password for \(user): ")
                let session: Session
                switch try services.accounts.logIn(username: user, password: password) {
                case .success(let s): session = s
                case .invalidCredentials: throw Failure("wrong username or password")
                case .locked(let until): throw Failure("the account is locked until \(until)")
                }
                defer { try? services.accounts.logOut(session) }
                guard session.may(.exportData) else {
                    throw Failure("only coordinators may export referrals (\(user) is \(session.user.role.rawValue))")
                }
                let localizer = Localizer(language: Language(rawValue: language)!)
                let interactive = isatty(2) != 0
                do {
                    let written = try services.referrals.export(
                        session, filter: try filter(), to: URL(fileURLWithPath: out),
                        khmerPlaceNames: localizer.language == .km, label: { localizer($0) },
                        progress: { done, total in
                            if interactive { FileHandle.standardError.write(Data("\r\(done) / \(total)".utf8)) }
                        })
                    if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                    print("Wrote \(written) referrals to \(out)")
                } catch let failed as ExportFailed {
                    throw Failure("cannot write \(failed.path): \(failed.detail)")
                }
            }
        }
    }
}
