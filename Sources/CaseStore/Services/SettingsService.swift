import CaseDomain
import GRDB

/// Office settings refused by `OfficeSettingsRules`, per field.
public struct OfficeSettingsRejected: Error, Equatable, Sendable {
    public let issues: [OfficeSettingsField: String]
}

/// The settings an admin changes after setup, read by everyone and written
/// only with the manage-settings permission, each change audited with its
/// old and new value.
public struct SettingsService: Sendable {
    let store: StoreContext

    /// Where each setting is stored in the `setting` table.
    static func column(_ key: OfficeSettings.Key) -> String {
        switch key {
        case .organisation: "organisation"
        case .language: "language"
        case .idleLockMinutes: "idle_lock_minutes"
        case .lockoutMinutes: "lockout_minutes"
        default: "followup_days_" + (key.risk ?? .low).rawValue
        }
    }

    /// The current settings; those never set are the defaults.
    public func office() throws -> OfficeSettings {
        try store.read { db in try Self.office(db) }
    }

    static func office(_ db: Database) throws -> OfficeSettings {
        var settings = OfficeSettings(organisation: "", languageCode: "km")
        for key in OfficeSettings.Key.allCases {
            if let value = try AccountService.setting(db, column(key)) { settings.set(key, value) }
        }
        return settings
    }

    /// Stores `settings`. Follow-ups already scheduled keep their dates;
    /// the new intervals apply from the next visit recorded.
    public func save(_ session: Session, _ settings: OfficeSettings) throws {
        try session.require(.manageSettings)
        var settings = settings
        settings.organisation = settings.organisation.trimmingCharacters(in: .whitespaces)
        let issues = OfficeSettingsRules.validate(settings)
        guard issues.isEmpty else { throw OfficeSettingsRejected(issues: issues) }
        try store.write { db in
            let before = try Self.office(db)
            let changed = OfficeSettings.Key.allCases.filter { before.value($0) != settings.value($0) }
            guard !changed.isEmpty else { return }
            for key in changed {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                               arguments: [Self.column(key), settings.value(key)])
            }
            try store.audit(db, session, .settingChanged, entity: "setting", summary: changed.map {
                "\(Self.column($0)): \(before.value($0)) → \(settings.value($0))"
            }.joined(separator: "; "))
        }
    }
}
