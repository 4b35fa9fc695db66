import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The columns of every case table (list, search) and how a case fills
/// them, so all of them look alike.
@MainActor
enum CaseRows {
    /// Who the child is and where: the columns every case table starts with.
    static let identity = [
        TableColumn("cases.code", width: 12),
        TableColumn("cases.name-km", width: 12, flexible: true),
        TableColumn("cases.name-latin", width: 12, flexible: true),
        TableColumn("cases.sex", width: 4),
        TableColumn("cases.age", width: 3, alignment: .right),
        TableColumn("cases.village", width: 8, flexible: true),
    ]

    /// A case list's columns: who, where, the status and when reported.
    static let columns = identity + [TableColumn("cases.status", width: 8), TableColumn("cases.reported", width: 10)]

    /// A list of cases in these columns.
    static func list(app: App, searchable: Bool) -> RecordList<CaseSummary> {
        RecordList(app: app, columns: columns, searchable: searchable, cells: { [unowned app] in cells($0, app) })
    }

    /// Enter on a list of cases opens the case's file.
    static func open(_ list: RecordList<CaseSummary>, app: App, session: Session) -> KeyBinding {
        list.openBinding { [unowned app] row in app.push(CaseViewScreen(app: app, session: session, caseId: row.id)) }
    }

    static func cells(_ c: CaseSummary, _ app: App) -> [String] {
        let t = app.localizer
        let age = t.digitsForDisplay("\(c.ageYears)") + (c.ageIsEstimated ? "~" : "")
        let village = t.language == .km ? c.villageNameKm : c.villageNameLatin
        return [c.code, c.childNameKm, c.childNameLatin, t(c.sex.labelKey), age, village, t(c.status.labelKey),
                app.dateText(c.reportedDate)]
    }
}
