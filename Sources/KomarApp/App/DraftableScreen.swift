import CaseStore
import Foundation
import Localization
import Terminal

/// A form whose typing is kept as a draft: per user, form, record and
/// terminal session. The app notes its state after every key and writes
/// it a few times a second (`DraftKeeper`); opening the form again brings
/// the draft back; saving deletes it in the same transaction.
@MainActor
protocol DraftableScreen: FormScreen {
    /// Which form, and which record it edits.
    var draftKey: DraftKey { get }
    /// What the list of unsaved forms calls it ("Visit KC-2026-0042"), in
    /// `t`'s language: it is kept in every language (`DraftTitle`).
    func draftTitle(_ t: Localizer, app: App) -> String
    /// What reopening the form needs besides its fields (who is referred).
    var draftContext: [String: String] { get }
    /// The form as a draft.
    var draftPayload: String { get }
    /// Puts a draft back; false when it cannot be read.
    func restoreDraft(_ payload: String, app: App) -> Bool
}

/// A draft's content: every field's value, what reopening needs, and the
/// field the user was in (the form reopens there).
struct DraftPayload: Codable, Equatable {
    var fields: FormSnapshot
    var context: [String: String] = [:]
    var focus: String?

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode(_ text: String) -> DraftPayload? {
        try? JSONDecoder().decode(DraftPayload.self, from: Data(text.utf8))
    }
}

extension DraftableScreen {
    var keepsDraft: Bool { true }
    var draftContext: [String: String] { [:] }
    var draftPayload: String {
        DraftPayload(fields: form.snapshot(), context: draftContext, focus: form.focused?.id).encoded()
    }

    func restoreDraft(_ payload: String, app: App) -> Bool {
        guard let draft = DraftPayload.decode(payload) else { return false }
        form.restore(draft.fields) { app.localizer.digitsForDisplay($0) }
        if let focus = draft.focus { form.focus(focus) }
        return true
    }

    /// The user chose to leave without saving: the draft goes too.
    func discardChanges(app: App) { app.discardDraft(of: self) }
}

/// Values a draft's context carries as JSON text.
enum DraftContext {
    static func encode<T: Encodable>(_ value: T) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        text.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}

/// A draft's title in every language, kept as one text: the list of
/// unsaved forms shows it in the language of the moment, not in the one
/// the form was typed in. A title kept before is shown as it was.
enum DraftTitle {
    static let separator = "\u{1F}"

    static func joined(_ titles: [String]) -> String { titles.joined(separator: separator) }

    /// The title in the language with this label index.
    static func shown(_ title: String, labelIndex: Int) -> String {
        let titles = title.components(separatedBy: separator)
        return titles.indices.contains(labelIndex) ? titles[labelIndex] : titles[0]
    }
}
