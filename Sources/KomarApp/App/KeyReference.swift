import CaseDomain
import CaseStore
import Localization
import Terminal

/// Every screen's keys, read from the screens' own bindings (the same ones
/// that draw the bar and F1 help), for `komar keys` and the README's key
/// table. The screens are made on an in-memory demo database.
@MainActor
public enum KeyReference {
    /// One screen's keys: its title and, per key, what it does.
    public struct Section: Equatable, Sendable {
        public let title: String
        public let keys: [Line]
    }

    public struct Line: Equatable, Sendable {
        public let key: String
        public let help: String
    }

    /// The keys every screen shares, then each screen's own.
    public static func sections(language: Language = .en) throws -> [Section] {
        let services = KomarServices(database: try AppDatabase.inMemory(), hasher: PasswordHasher(rounds: 1_000))
        try DemoData.fill(services, cases: 40)
        let app = App(backend: MemoryBackend(), services: services, language: language)
        let t = app.localizer
        var sessions: [Role: Session] = [:]
        for role in Role.allCases {
            guard case .success(let session) = try services.accounts.logIn(
                username: ScreenCatalog.username(role), password: DemoData.password) else { throw StoreError.notFound }
            sessions[role] = session
        }
        func lines(_ bindings: [KeyBinding]) -> [Line] {
            var seen: [Key] = []
            return bindings.compactMap { binding in
                guard !seen.contains(binding.key) else { return nil }
                seen.append(binding.key)
                let key = if case .char = binding.key { t(binding.labelKey) } else { binding.key.displayName }
                return Line(key: key, help: t(binding.helpKey))
            }
        }
        app.session = sessions[.coordinator]
        let home = HomeScreen(app: app, session: sessions[.coordinator]!)
        app.stack = [home, home]
        var sections = [Section(title: t("keys.everywhere"), keys: lines(app.globalBindings))]
        for entry in ScreenCatalog.entries {
            let session = entry.role.flatMap { sessions[$0] }
            app.session = session
            let screen = try entry.make(app, session)
            sections.append(Section(title: t(screen.titleKey), keys: lines(screen.bindings(app: app))))
        }
        return sections
    }

    /// The sections as Markdown tables (the README's key table).
    public static func markdown(_ sections: [Section]) -> String {
        sections.map { section in
            "#### \(section.title)\n\n| key | what it does |\n|---|---|\n"
                + section.keys.map { "| \($0.key) | \($0.help.replacingOccurrences(of: "|", with: "\\|")) |\n" }.joined()
        }.joined(separator: "\n")
    }

    /// The sections as plain text, for a terminal.
    public static func text(_ sections: [Section]) -> String {
        sections.map { section in
            section.title + "\n" + section.keys.map { "  " + $0.key.padding(toLength: 8, withPad: " ", startingAt: 0)
                + $0.help + "\n" }.joined()
        }.joined(separator: "\n")
    }
}
