import ArgumentParser
import CaseDomain
import CaseStore

/// `komar repair tallies`: puts the reports' kept counts right after
/// someone changed them, or the triggers that keep them, by hand.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair", abstract: "Put derived data right from the records (admin).",
        subcommands: [Tallies.self])

    struct Tallies: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put back the report tallies' triggers and count every tally again from the cases, visits, households and referrals.",
            discussion: """
                Reports count from tallies that the database keeps as records change. If a report disagrees with
                the registers (someone edited the tallies or dropped their triggers with a sqlite3 shell), this
                makes any missing or changed trigger again and works every tally out from the records. Audited.
                The admin's password is the first line of standard input.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.manageSettings, refusal: "only admins may repair the database") { services, session in
                let repair = try services.reports.repairTallies(session)
                if !repair.triggersRestored.isEmpty {
                    print("Put back \(repair.triggersRestored.count) trigger\(repair.triggersRestored.count == 1 ? "" : "s"): "
                        + repair.triggersRestored.joined(separator: ", "))
                }
                print(repair.rowsCorrected == 0
                      ? "The tallies matched the records; counted again, nothing changed."
                      : "Counted the tallies again from the records: \(repair.rowsCorrected == 1 ? "1 row was" : "\(repair.rowsCorrected) rows were") wrong and \(repair.rowsCorrected == 1 ? "is" : "are") now right.")
            }
        }
    }
}
