import CaseDomain
import GRDB

/// Office settings refused by `OfficeSettingsRules`, per field.
public struct OfficeSettingsRejected: Error, Equatable, Sendable {
    public let issues: [OfficeSettingsField: String]
}

/// The settings an admin changes after setup (organisation name, default
/// language, follow-up intervals), read by everyone and written only with
/// the manage-settings permission, each change audited with its old and
/// new value.
public struct SettingsService: Sendable {
    let store: StoreContext

    /// The current settings; intervals not set are the defaults.
    public func office() throws -> OfficeSettings {
        try store.read { db in
            let rules = try FollowUpService.rules(db)
            return OfficeSettings(
                organisation: try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'organisation'") ?? "",
                languageCode: try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'language'") ?? "km",
                followUpDays: rules.intervals)
        }
    }

    /// Stores `settings`. Follow-ups already scheduled keep their dates;
    /// the new intervals apply from the next visit recorded.
    public func save(_ session: Session, _ settings: OfficeSettings) throws {
        try session.require(.manageSettings)
        let issues = OfficeSettingsRules.validate(settings)
        guard issues.isEmpty else { throw OfficeSettingsRejected(issues: issues) }
        let before = try office()
        var changes: [(key: String, old: String, new: String)] = []
        let organisation = settings.organisation.trimmingCharacters(in: .whitespaces)
        if organisation != before.organisation { changes.append(("organisation", before.organisation, organisation)) }
        if settings.languageCode != before.languageCode {
            changes.append(("language", before.languageCode, settings.languageCode))
        }
        for risk in RiskLevel.allCases {
            let old = before.followUpDays[risk] ?? 0, new = settings.followUpDays[risk] ?? 0
            if old != new { changes.append(("followup_days_\(risk.rawValue)", String(old), String(new))) }
        }
        guard !changes.isEmpty else { return }
        try store.write { db in
            for change in changes {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                               arguments: [change.key, change.new])
            }
            try store.audit(db, session, .update, entity: "setting", id: nil, summary: changes.map { "\($0.key): \($0.old) → \($0.new)" }.joined(separator: "; "))
        }
    }
}
