import ArgumentParser
import CaseStore

/// `komar demo`: sample data and one demo account per role, only in a new
/// file or one `komar demo` made (the database remembers it is a demo, and
/// every title bar says DEMO); never in an office's own database.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a new database with sample data and one demo account per role (password \(DemoData.password)).")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "How many sample cases to add.") var cases: Int = 60

    func validate() throws {
        guard database.db != nil else { throw ValidationError("name the database to fill with --db") }
        guard cases >= 0 else { throw ValidationError("--cases must be 0 or more") }
    }

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            let services = KomarServices(database: try database.open())
            try DemoData.fill(services, cases: cases)
            print("Added \(cases) demo cases, \(max(1, cases / 2)) households and \(cases) referrals to \(database.path). "
                + "Demo accounts (password \(DemoData.password)): " + DemoData.accounts.map(\.username).joined(separator: ", "))
        }
    }
}
