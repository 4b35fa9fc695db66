import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The columns of every case table (list, search) and how a case fills
/// them, so all of them look alike.
@MainActor
enum CaseRows {
    /// Who the child is and where: the columns every case table starts with.
    static func identity(_ app: App) -> [TableColumn] { [
        codeColumn(app),
        TableColumn("cases.name-km", width: 12, flexible: true),
        TableColumn("cases.name-latin", width: 12, flexible: true),
        TableColumn("cases.sex", width: 4),
        TableColumn("cases.age", width: 3, alignment: .right),
        TableColumn("cases.village", width: 6, flexible: true),
    ] }

    /// A case code is what people write down and read out, so its column
    /// holds a five-digit number whole, and the office's code in the codes
    /// of an office's records; other columns give way first.
    static func codeColumn(_ app: App) -> TableColumn { TableColumn("cases.code", width: 13 + app.officeCodeColumns) }

    /// A case list's columns: who, where, the status and when reported;
    /// the risk level too where the terminal is wide enough.
    static func columns(_ app: App) -> [TableColumn] {
        identity(app) + [TableColumn("cases.status", width: 8), TableColumn("cases.reported", width: 10), riskColumn.whenRoom]
    }

    /// The review queue's columns: who, where, how urgent and when reported
    /// (every row there is new, so the status column gives way to risk).
    static func reviewColumns(_ app: App) -> [TableColumn] { identity(app) + [riskColumn, TableColumn("cases.reported", width: 10)] }

    static let riskColumn = TableColumn("cases.risk", width: 10)

    /// A risk level as a list shows it: "⚠" before it when the intake said
    /// the child is in immediate danger; "–" when not assessed.
    static func riskCell(_ level: RiskLevel?, immediateDanger: Bool = false, _ app: App) -> String {
        let label = level.map { app.localizer($0.labelKey) } ?? "–"
        return immediateDanger ? "⚠ " + label : label
    }

    /// A list of cases in these columns.
    static func list(app: App, searchable: Bool) -> RecordList<CaseSummary> {
        RecordList(app: app, columns: columns(app), searchable: searchable, cells: { [unowned app] in cells($0, app) })
    }

    /// The review queue's list: the risk column instead of the status.
    static func reviewList(app: App) -> RecordList<CaseSummary> {
        RecordList(app: app, columns: reviewColumns(app), searchable: true, cells: { [unowned app] c in
            var row = cells(c, app)
            row[6] = riskCell(c.riskLevel, immediateDanger: c.immediateDanger, app)
            return row
        })
    }

    /// Enter on a list of cases opens the case's file.
    static func open(_ list: RecordList<CaseSummary>, app: App, session: Session) -> KeyBinding {
        list.openBinding { [unowned app] row in app.push(CaseViewScreen(app: app, session: session, caseId: row.id)) }
    }

    static func cells(_ c: CaseSummary, _ app: App) -> [String] {
        let t = app.localizer
        let age = t.digitsForDisplay("\(c.ageYears)") + (c.ageIsEstimated ? "~" : "")
        let village = t.language == .km ? c.villageNameKm : c.villageNameLatin
        return [c.code, c.childNameKm, c.childNameLatin, t(c.sex.shortLabelKey), age, village, t(c.status.labelKey),
                app.dateText(c.reportedDate), riskCell(c.riskLevel, immediateDanger: c.immediateDanger, app)]
    }
}
