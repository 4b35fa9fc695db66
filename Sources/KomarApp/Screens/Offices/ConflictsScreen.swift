import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For head office's admins: the changes from offices that did not apply
/// cleanly and wait for a person, oldest first, of one office or all.
/// Enter shows both versions to decide.
@MainActor
final class ConflictsScreen: ListScreen {
    let titleKey = "conflicts.title"
    private let session: Session
    private let office: String?
    let list: RecordList<SyncConflict>
    private var count = 0

    init(app: App, session: Session, office: String?) {
        self.session = session
        self.office = office
        list = RecordList(app: app, columns: [
            TableColumn("conflicts.number", width: 5, alignment: .right), TableColumn("conflicts.office", width: 8),
            TableColumn("conflicts.record", width: 19 + app.officeCodeColumns), TableColumn("conflicts.kind", width: 16),
            TableColumn("conflicts.changed", width: 10, flexible: true),
        ], searchable: false, cells: { [unowned app] conflict in
            let t = app.localizer
            return [t.number(Int(conflict.id)), conflict.office, ConflictScreen.record(conflict, app),
                    t("conflict-kind." + conflict.kind),
                    conflict.changed.map { ConflictScreen.columnLabel($0, app) }.joined(separator: ", ")]
        })
        list.load { [unowned self, unowned app] _, last, _ in
            guard last == nil else { return [] }
            let open = try app.services.sync.conflicts(session).filter { office == nil || $0.office == office }
            self.count = open.count
            return open
        }
    }

    func bindings(app: App) -> [KeyBinding] {
        [list.openBinding(label: "key.open", help: "help.open-conflict") { [unowned self, unowned app] conflict in
            app.push(ConflictScreen(app: app, session: self.session, conflict: conflict))
         },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let heading = office.map { t.count("conflicts.count-office", count, $0) } ?? t.count("conflicts.count", count)
        list.render(into: &canvas, area: area, app: app, heading: (heading, .muted), empty: t("conflicts.empty"))
    }
}
