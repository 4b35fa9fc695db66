import CaseDomain
import CaseStore
import Foundation
import Localization
import Terminal

/// One conflict: what kind, and for each column the office changed, the
/// office's value beside head office's. F2 keeps the office's version,
/// F4 head office's, F5 chooses column by column; each is audited, and
/// the list is shown again.
@MainActor
final class ConflictScreen: RecordFileScreen {
    let titleKey = "conflict.title"
    let file = DetailView(labelWidth: 22)
    private let session: Session
    private let conflict: SyncConflict

    init(app: App, session: Session, conflict: SyncConflict) {
        self.session = session
        self.conflict = conflict
    }

    /// The record a conflict is about: its kind and its code, or its number within the office.
    static func record(_ conflict: SyncConflict, _ app: App) -> String {
        let kind = app.localizer("conflict-table." + conflict.table)
        if let code = conflict.ours?["code"] ?? conflict.theirs?["code"], !code.isEmpty { return kind + " " + code }
        guard let key = Int64(conflict.rowKey) else { return kind + " " + conflict.rowKey }
        return kind + " " + app.localizer.number(Int(OfficeKeys.local(key)))
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(2), label: "key.keep-theirs", help: "help.keep-theirs") { [unowned self, unowned app] in
            self.settle(.theirs, app)
         }.enabled(conflict.table != "audit_event", otherwise: "error.audit-events-stay"),
         KeyBinding(.function(4), label: "key.keep-ours", help: "help.keep-ours") { [unowned self, unowned app] in
            self.settle(.ours, app)
         },
         KeyBinding(.function(5), label: "key.choose-columns", help: "help.choose-columns") { [unowned self, unowned app] in
            app.push(ConflictColumnsScreen(app: app, session: self.session, conflict: self.conflict))
         }.enabled(conflict.table != "audit_event" && conflict.theirs != nil && conflict.ours != nil,
                   otherwise: conflict.table == "audit_event" ? "error.audit-events-stay" : "error.whole-rows-only"),
         CommonBindings.scroll]
    }

    private func settle(_ choice: ConflictChoice, _ app: App) {
        do {
            try app.services.sync.resolve(session, conflict: conflict.id, keep: choice)
            app.pop()
            app.show(style: .heading) { [conflict] t in
                t(choice == .theirs ? "conflict.kept-theirs" : "conflict.kept-ours", t.number(Int(conflict.id)))
            }
        } catch {
            app.report(error)
        }
    }

    func fileLines(app: App) -> [DetailLine]? {
        let t = app.localizer
        let c = conflict
        var lines: [DetailLine] = [
            .heading(t("conflict.heading", t.number(Int(c.id)), c.office, t.number(c.sequence))),
            .blank,
            app.field("conflict.record", Self.record(c, app)),
            app.field("conflict.kind", t("conflict-kind." + c.kind)),
            .blank,
            .heading(t("conflict.changed-section")),
        ]
        let columns = c.changed.isEmpty ? Array(Set((c.theirs ?? [:]).keys).union((c.ours ?? [:]).keys)).sorted() : c.changed
        for column in columns {
            let theirs = c.theirs.map { $0[column].map(Self.shown) ?? "—" } ?? t("conflict.removed")
            let ours = c.ours.map { $0[column].map(Self.shown) ?? "—" } ?? t("conflict.absent")
            let label = Self.columnLabel(column, app)
            lines.append(.item(label == column ? column : "\(label) (\(column))"))
            lines.append(.field(label: "  " + t("conflict.theirs"), value: theirs, style: theirs == ours ? .plain : .heading))
            lines.append(.field(label: "  " + t("conflict.ours"), value: ours))
        }
        return lines
    }

    private static func shown(_ value: String) -> String { value.isEmpty ? "—" : value }

    /// A column's label as the forms show it (`village_code` is the
    /// Village field), or its name where no form shows it.
    static func columnLabel(_ column: String, _ app: App, in language: Language? = nil) -> String {
        let field = column.replacingOccurrences(of: "_", with: "-")
        for suffix in ["", "-code", "-id"] where suffix.isEmpty || field.hasSuffix(suffix) {
            let key = "field." + String(field.dropLast(suffix.count))
            if let label = app.localizer.table.text(key, language ?? app.currentLanguage) { return label }
        }
        return column
    }
}
