import CaseDomain
import CaseStore
import Foundation
import Terminal

/// After login: the forms the user left unsaved in a terminal that was
/// closed, killed or lost its power, newest first, with their age. Enter
/// opens one with what was typed; Delete discards one (asking first); F10
/// leaves them for later.
@MainActor
final class UnsavedFormsScreen: ListScreen {
    let titleKey = "unsaved.title"
    private let session: Session
    private var drafts: [Draft]
    let list: RecordList<Draft>

    init(app: App, session: Session, drafts: [Draft]) {
        self.session = session
        self.drafts = drafts
        list = RecordList(app: app, columns: [
            TableColumn("unsaved.form", width: 30, flexible: true), TableColumn("unsaved.age", width: 22),
        ], searchable: false, cells: { [unowned app] draft in
            [app.title(of: draft),
             UnsavedFormsScreen.age(draft.updatedAt, app)]
        })
        list.load { [unowned self] _, last, _ in last == nil ? self.drafts : [] }
    }

    /// "just now", "10 minutes ago", "3 hours ago", or the date.
    static func age(_ date: Date, _ app: App) -> String {
        let t = app.localizer
        let minutes = max(0, Int(app.services.clock.now().timeIntervalSince(date) / 60))
        if minutes == 0 { return t("unsaved.just-now") }
        if minutes < 60 { return t.count("unsaved.minutes-ago", minutes) }
        if minutes < 24 * 60 { return t.count("unsaved.hours-ago", minutes / 60) }
        return app.dateTimeText(date)
    }

    func bindings(app: App) -> [KeyBinding] {
        [list.openBinding(label: "key.restore-draft", help: "help.restore-draft", inBar: true) { [unowned self, unowned app] draft in
            self.open(draft, app)
         },
         KeyBinding(.delete, label: "key.discard", help: "help.discard-draft") { [unowned self, unowned app] in
            guard let draft = self.list.selected else { return }
            app.confirm({ [unowned app] t in t("unsaved.confirm-discard", app.title(of: draft)) }) { [unowned self, unowned app] in
                do {
                    try app.services.drafts.discard(self.session, draft)
                    self.forget(draft, app)
                    let title = app.title(of: draft)
                    app.show { t in t("unsaved.discarded", title) }
                } catch { app.report(error) }
            }
         }.enabled(!drafts.isEmpty),
         CommonBindings.scroll]
    }

    private func open(_ draft: Draft, _ app: App) {
        do {
            guard let screen = try DraftForms.open(draft, app: app, session: session) else {
                app.showError { t in t("unsaved.cannot-open") }
                return
            }
            drafts.removeAll { $0 == draft }
            if drafts.isEmpty {
                app.replaceTop(with: screen)
            } else {
                list.reload(keepingSelection: true)
                app.push(screen)
            }
        } catch {
            app.report(error)
        }
    }

    /// Back from a form opened here: it may have been saved, discarded or
    /// kept for later, so the list is read again.
    func didReturn(app: App) {
        do {
            drafts = try app.services.drafts.unsaved(session, terminal: app.drafts.terminal)
            list.reload(keepingSelection: true)
        } catch { app.report(error) }
    }

    private func forget(_ draft: Draft, _ app: App) {
        drafts.removeAll { $0 == draft }
        list.reload(keepingSelection: true)
        if drafts.isEmpty { app.pop() }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        list.render(into: &canvas, area: area, app: app, heading: (t.count("unsaved.heading", drafts.count), .warning),
                    empty: "")
    }
}
