import ArgumentParser

@main
struct Komar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "komar",
        abstract: "Komar (កុមារ): a terminal case manager for child protection work.",
        discussion: """
            With no command, opens the terminal UI:
              komar                 on the default database ($KOMAR_DB or ~/.local/share/komar/komar.sqlite)
              komar --db PATH       on another database (first run opens setup)
              komar --demo          on a demo database with sample data and demo accounts
            """,
        version: "0.1.0",
        subcommands: [Open.self, Init.self, UserCommand.self, SettingsCommand.self, AuditCommand.self, BackupCommand.self,
                      RestoreCommand.self, Demo.self, Export.self, ReportCommand.self, ImportCommand.self,
                      RepairCommand.self, OfficeCommand.self, SyncCommand.self, Bench.self, Keys.self],
        defaultSubcommand: Open.self)
}
