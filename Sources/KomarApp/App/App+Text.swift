import CaseDomain
import CaseStore
import Foundation
import Localization
import Terminal

/// Words, numbers, dates and choices in the user's language.
extension App {
    /// What went wrong, in the user's language (or `words`' own).
    func message(for error: any Error, in words: Localizer? = nil) -> String {
        let localizer = words ?? self.localizer
        switch error {
        case let e as StoreError: return localizer(e.messageKey)
        case AccountError.weakPassword(let problem):
            return localizer(problem.messageKey, localizer.number(PasswordRules.minimumLength))
        case let e as AccountError: return localizer(e.messageKey)
        case is PermissionDenied: return localizer("error.permission")
        case let e as BackupError:
            let (key, detail) = BackupText.key(e)
            return localizer(key, detail)
        case SyncError.conflictResolved, SyncError.noSuchConflict: return localizer("error.conflict-settled")
        case SyncError.auditEventsStay: return localizer("error.audit-events-stay")
        case SyncError.wholeRowsOnly: return localizer("error.whole-rows-only")
        case SyncError.conflictsWaiting(let code, let count):
            return localizer("error.conflicts-waiting", localizer.number(count), code)
        case SyncError.sharedFolderMissing(let path): return localizer("error.shared-folder-missing", path)
        case is SyncError: return localizer("error.sync", "\(error)")
        default: return localizer("error.unexpected", "\(error)")
        }
    }

    var widgetEnvironment: WidgetEnvironment {
        let localizer = self.localizer
        return WidgetEnvironment(labelIndex: localizer.language.labelIndex, localize: { localizer($0) },
                                 digits: { localizer.digitsForDisplay($0) })
    }

    /// Both labels of a code, Khmer first, for choice widgets.
    func options<C: CodeList>(_ type: C.Type) -> [ChoiceOption] {
        C.allCases.map { code in option(code.rawValue, labelKey: code.labelKey) }
    }

    /// A field's message, written by `text` in every language so that F6
    /// says it again in the new one.
    func fieldMessage(isWarning: Bool = false, _ text: (Localizer) -> String) -> FieldMessage {
        FieldMessage(text(localizer), isWarning: isWarning, translations: inEveryLanguage(text))
    }

    /// `text` written in every language, by label index, for what a screen
    /// must say again in the other language after F6.
    func inEveryLanguage(_ text: (Localizer) -> String) -> [String] {
        Language.allCases.sorted { $0.labelIndex < $1.labelIndex }
            .map { text(Localizer(language: $0, table: localizer.table)) }
    }

    /// A field's message from the string table, in every language.
    func fieldMessage(_ key: String) -> FieldMessage { fieldMessage { $0(key) } }

    /// What went wrong, as a field's message in every language.
    func fieldMessage(for error: any Error) -> FieldMessage { fieldMessage { self.message(for: error, in: $0) } }

    /// A choice labelled in both languages, so typing either finds it.
    func option(_ id: String, labelKey: String) -> ChoiceOption {
        ChoiceOption(id: id, labels: Language.allCases.map { localizer.table.text(labelKey, $0) ?? id })
    }

    /// The warning when the newest verified backup is too old, or when there
    /// is none at all (then "more than 7 days old" would not be true).
    func staleBackupWarning(_ status: BackupStatus) -> String {
        status.newestVerified == nil ? localizer("backups.none-verified")
            : localizer("backups.stale", localizer.number(BackupStatus.maximumAgeDays))
    }

    /// No copy on another disk for too long, or never (a new database
    /// has had no 30 days to miss); `onBackups`: said on the Backups
    /// screen, where F8 is at hand, not "Backups, F8".
    func externalCopyWarning(_ status: BackupStatus, onBackups: Bool = false) -> String {
        let key = status.lastExternalCopy == nil ? "backups.never-external" : "backups.no-external"
        return localizer(onBackups ? key + "-here" : key, localizer.number(BackupStatus.externalCopyDays))
    }

    /// Yes and no, for choices that have no "not known".
    var yesNoOptions: [ChoiceOption] { options(YesNoUnknown.self).filter { $0.id != YesNoUnknown.unknown.rawValue } }

    /// At head office, one choice per office ("PV1 · Pursat office", its
    /// number as the id) for those who see every case; elsewhere none, and
    /// the field that offers them is hidden.
    func officeOptions(_ session: Session) -> [ChoiceOption] {
        guard session.may(.viewAllCases) else { return [] }
        do {
            return try services.offices.officeNames(session).map { office in
                let label = office.code + " · " + office.name
                return ChoiceOption(id: String(office.number), labels: [label, label])
            }
        } catch {
            report(error)
            return []
        }
    }

    func placeOptions(_ places: [Place]) -> [ChoiceOption] {
        places.map { ChoiceOption(id: $0.code, labels: [$0.nameKm, $0.nameLatin]) }
    }

    func placeName(_ place: Place) -> String {
        localizer.language == .km ? place.nameKm : place.nameLatin
    }

    /// A name given in Khmer and Latin letters, in the user's language
    /// first (the other when that one is empty).
    func name(km: String, latin: String) -> String {
        localizer.language == .km ? (km.isEmpty ? latin : km) : (latin.isEmpty ? km : latin)
    }

    /// Both spellings of a name, "Khmer / Latin", leaving out an empty one.
    func bothNames(km: String, latin: String) -> String {
        [km, latin].filter { !$0.isEmpty }.joined(separator: " / ")
    }

    /// A labelled row of a record's file, the label from the string table.
    func field(_ labelKey: String, _ value: String, style: TextStyle = .plain) -> DetailLine {
        .field(label: localizer(labelKey), value: value, style: style)
    }

    func dateText(_ date: LocalDate) -> String {
        localizer.shortDate(year: date.year, month: date.month, day: date.day)
    }

    /// "21 វិច្ឆិកា 2026 14:05" in local time.
    func dateTimeText(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return localizer.longDate(year: c.year!, month: c.month!, day: c.day!) + " "
            + localizer.digitsForDisplay(String(format: "%02d:%02d", c.hour!, c.minute!))
    }

    /// "22/11/26 03:32", in Khmer digits in Khmer: for table columns.
    func shortDateTimeText(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return localizer.digitsForDisplay(String(format: "%02d/%02d/%02d %02d:%02d", c.day!, c.month!, c.year! % 100,
                                                 c.hour!, c.minute!))
    }

    /// "1 Nov 2026–30 Nov 2026", "…–30 Nov 2026"; nil when both are open.
    func dateRangeText(_ from: LocalDate?, _ to: LocalDate?) -> String? {
        guard from != nil || to != nil else { return nil }
        return (from.map(dateText) ?? "…") + "–" + (to.map(dateText) ?? "…")
    }

    func longDateText(_ date: LocalDate) -> String {
        localizer.longDate(year: date.year, month: date.month, day: date.day)
    }
}
