import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For head office's admins: every office, the last file applied from it,
/// and days since; an office late with its files, or whose audit log was
/// found rewritten, is named in red above the list. Enter lists the
/// office's conflicts, F4 every office's.
@MainActor
final class OfficesScreen: ListScreen {
    let titleKey = "offices.title"
    private let session: Session
    let list: RecordList<OfficeStatus>
    private var offices: [OfficeStatus] = []

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("offices.code", width: 6), TableColumn("offices.name", width: 12, flexible: true),
            TableColumn("offices.file", width: 6, alignment: .right), TableColumn("offices.imported", width: 14),
            TableColumn("offices.days", width: 5, alignment: .right), TableColumn("offices.conflicts", width: 10, alignment: .right),
        ], searchable: false, cells: { [unowned app] office in
            let t = app.localizer
            let days = office.daysSinceImport(now: app.services.clock.now())
            return [office.code, office.name, t.number(office.lastSequence),
                    office.lastImportAt.map(app.shortDateTimeText) ?? t("offices.never"),
                    days.map { t.number($0) } ?? "—", t.number(office.openConflicts)]
        })
        list.load { [unowned self, unowned app] _, last, _ in
            guard last == nil else { return [] }
            self.offices = try app.services.offices.offices(session)
            return self.offices
        }
    }

    func bindings(app: App) -> [KeyBinding] {
        [list.openBinding(label: "key.office-conflicts", help: "help.office-conflicts", inBar: true) { [unowned self, unowned app] office in
            app.push(ConflictsScreen(app: app, session: self.session, office: office.code))
         }.enabled(!offices.isEmpty),
         KeyBinding(.function(4), label: "key.all-conflicts", help: "help.all-conflicts") { [unowned self, unowned app] in
            app.push(ConflictsScreen(app: app, session: self.session, office: nil))
         },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let now = app.services.clock.now()
        var warnings: [String] = []
        for office in offices {
            if !office.auditAlert.isEmpty { warnings.append(t("offices.audit-alert", office.code, office.auditAlert)) }
            if office.isLate(now: now) {
                warnings.append(t("offices.late", office.code, t.number(office.daysSinceImport(now: now) ?? 0)))
            }
        }
        var row = area.row
        for warning in warnings.prefix(4) {
            for line in wrapWords(warning, width: area.width - 2).prefix(2) {
                canvas.put(line, row: row, col: 1, style: .error)
                row += 1
            }
        }
        let conflicts = offices.reduce(0) { $0 + $1.openConflicts }
        list.render(into: &canvas, area: Rect(row: row, col: area.col, width: area.width, height: area.bottom - row),
                    app: app, heading: (t.count("offices.count", offices.count) + "; " + t.count("conflicts.count", conflicts), .muted),
                    empty: t("offices.empty"))
    }
}
