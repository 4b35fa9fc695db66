import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `komar settings get|set`: the office settings an admin changes in the
/// TUI, from the command line.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Read or change the office settings (admin).",
        discussion: "Settings: " + OfficeSettings.Key.allCases.map(\.rawValue).joined(separator: ", "),
        subcommands: [Get.self, Set.self])

    static let refusal = "only admins may read or change settings"

    struct Get: AuthenticatedCommand {
        static let configuration = CommandConfiguration(abstract: "Print one setting, or all as 'name<TAB>value'.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Argument(help: "A setting's name (all when left out).", transform: Parse.setting)
        var name: OfficeSettings.Key?

        func run() throws {
            try authenticated(.manageSettings, refusal: SettingsCommand.refusal) { services, _ in
                let settings = try services.settings.office()
                if let name {
                    print(settings.value(name))
                } else {
                    for key in OfficeSettings.Key.allCases { print("\(key.rawValue)\t\(settings.value(key))") }
                }
            }
        }
    }

    struct Set: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one setting (audited).", discussion: "Example: komar settings set idle-lock-minutes 10 --user admin")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Argument(help: "The setting's name.", transform: Parse.setting) var name: OfficeSettings.Key
        @Argument(help: "Its new value.") var value: String

        func run() throws {
            try authenticated(.manageSettings, refusal: SettingsCommand.refusal) { services, session in
                var settings = try services.settings.office()
                guard settings.set(name, value) else { throw Failure("\(name.rawValue) must be a whole number") }
                try services.settings.save(session, settings)
                print("\(name.rawValue) = \(settings.value(name))")
            }
        }
    }
}
