import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `komar audit seal|verify`: the audit log's seal, to copy somewhere
/// outside the file, and a check of the whole chain against it.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log's seal, and checking the log (admin).",
        subcommands: [Seal.self, Verify.self])

    static let refusal = "only admins may read the audit log"

    struct Seal: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the seal: the number of events and the start of the latest hash. Keep copies of it.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.readAudit, refusal: AuditCommand.refusal) { services, session in
                print(try services.audit.seal(session).description)
            }
        }
    }

    struct Verify: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every event's hash; exit 1 and name the first bad one if an event was changed, removed or reordered.",
            discussion: """
                It also checks the log against the seal in every backup manifest in backups/ beside the database,
                and against each --seal given (a seal printed earlier, by 'komar audit seal', the audit screen or a
                report's footer): that catches events removed from the end and a chain computed again.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Option(name: .long, parsing: .singleValue, help: "A seal taken earlier (COUNT:HEX); may be given more than once.",
                transform: { text in
                    guard let seal = AuditSeal(text) else {
                        throw ValidationError("--seal must look like 1234:0123456789ab (count, colon, 12 hex digits)")
                    }
                    return seal
                })
        var seal: [AuditSeal] = []

        func run() throws {
            try reportingFailures {
                try requireUTF8Locale()
                let services = try database.openExisting()
                var intact = true
                try actingUser.run(services, toDo: .readAudit, refusal: AuditCommand.refusal) { session in
                    let backups = services.backups.entries
                    let result = try services.audit.verify(session, against: seal, backups: backups)
                    if let since = result.triggersMissingSince {
                        print("warning: the audit log's protecting triggers were found removed and put back on "
                            + since.formatted(.iso8601) + "; events before then may have been changed")
                    }
                    if let row = result.firstBrokenRow {
                        print("broken: event \(row) was changed, removed or inserted out of order")
                        intact = false
                    }
                    for unmatched in result.unmatchedSeals {
                        print("broken: the log no longer matches seal \(unmatched): events were removed or the chain was computed again")
                        intact = false
                    }
                    for account in result.accountsChangedOutside {
                        print("broken: account \(account.username) was changed outside Komar (\(Self.describe(account.kind))); "
                            + "it cannot log in until an admin resets its password (or disables it)")
                        intact = false
                    }
                    if !result.replacedByRestore.isEmpty {
                        print("note: \(result.replacedByRestore.count) backup seal(s) "
                            + "(\(result.replacedByRestore.map(\.description).joined(separator: ", "))) are of the history "
                            + "a restore replaced; its before-restore copy in backups/ keeps that history")
                    }
                    if intact {
                        let matched = seal.count + backups.compactMap(\.seal).count - result.replacedByRestore.count
                        let checked = matched == 0 ? "" : " and matches \(matched) seal(s)"
                        print("intact: every event's hash holds\(checked); seal now \(try services.audit.seal(session))")
                    }
                }
                if !intact { throw ExitCode.failure }
            }
        }

        static func describe(_ kind: AccountChangedOutside.Kind) -> String {
            switch kind {
            case .role(let recorded): return "role: the log recorded \(recorded.rawValue)"
            case .enabled: return "enabled or disabled"
            case .passwordOrName: return "its password or username"
            case .unrecorded: return "the log never recorded it: added outside Komar"
            }
        }
    }
}
