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
        case .ageBands: "age_bands"
        default: "followup_days_" + (key.risk ?? .low).rawValue
        }
    }

    /// The current settings; those never set are the defaults.
    public func office() throws -> OfficeSettings {
        try store.read { db in try Self.office(db) }
    }

    /// The settings with their version, for a form that saves them back.
    public func versioned() throws -> (settings: OfficeSettings, version: Int) {
        try store.read { db in (try Self.office(db), try Self.version(db)) }
    }

    static func version(_ db: Database) throws -> Int {
        try AccountService.setting(db, "version").flatMap { Int($0) } ?? 1
    }

    static func office(_ db: Database) throws -> OfficeSettings {
        var settings = OfficeSettings(organisation: "", languageCode: "km")
        for key in OfficeSettings.Key.allCases {
            if let value = try AccountService.setting(db, column(key)) { settings.set(key, value) }
        }
        // Komar never saves these out of range, so such a value was written with a sqlite3 shell: an idle lock
        // of months or no lock-out after failed logins. The defaults hold instead.
        if !OfficeSettingsRules.idleLockRange.contains(settings.idleLockMinutes) {
            settings.idleLockMinutes = OfficeSettings.defaultIdleLockMinutes
        }
        if !OfficeSettingsRules.lockoutRange.contains(settings.lockoutMinutes) {
            settings.lockoutMinutes = OfficeSettings.defaultLockoutMinutes
        }
        return settings
    }

    /// Stores `settings`. Follow-ups already scheduled keep their dates;
    /// the new intervals apply from the next visit recorded.
    /// With `expectedVersion`, a save made since then by someone else
    /// refuses this one (`StoreError.changedElsewhere`).
    public func save(_ session: Session, _ settings: OfficeSettings, expectedVersion: Int? = nil,
                     draft: DraftRef? = nil) throws {
        try session.require(.manageSettings)
        var settings = settings
        settings.organisation = settings.organisation.trimmingCharacters(in: .whitespaces)
        let issues = OfficeSettingsRules.validate(settings)
        guard issues.isEmpty else { throw OfficeSettingsRejected(issues: issues) }
        try store.write(clearing: draft, for: session) { db in
            let version = try Self.version(db)
            if let expectedVersion, expectedVersion != version { throw StoreError.changedElsewhere }
            let before = try Self.office(db)
            let changed = OfficeSettings.Key.allCases.filter { before.value($0) != settings.value($0) }
            guard !changed.isEmpty else { return }
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('version', ?)",
                           arguments: [String(version + 1)])
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
