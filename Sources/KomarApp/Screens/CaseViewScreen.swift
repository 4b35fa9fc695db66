import KhmerText
import CaseDomain
import CaseStore
import Terminal

/// One case, read-only: the child, place, concerns, reporter and what
/// happened. Labels follow the current language (F6).
@MainActor
final class CaseViewScreen: Screen {
    let titleKey = "case.title"
    var bindings: [KeyBinding] { [CommonBindings.scroll, CommonBindings.back] }
    private var detail: CaseDetail?
    private var places: [Place] = []
    private let view = TextView()

    init(app: App, caseId: Int64) {
        guard let session = app.session else { return }
        do {
            let detail = try app.services.cases.caseDetail(session, id: caseId)
            self.detail = detail
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
        } catch {
            app.report(error)
        }
    }

    func handle(_ key: Key, app: App) -> Bool { view.handle(key) }

    private func lines(_ app: App, _ d: CaseDetail) -> [StyledLine] {
        let t = app.localizer
        let s = d.summary
        func row(_ labelKey: String, _ value: String) -> StyledLine {
            StyledLine(TextFit.pad(t(labelKey), to: 24) + value)
        }
        var ageText = t("case.age-years", t.number(s.ageYears))
        switch d.birth {
        case .dateOfBirth(let dob): ageText += " (" + t("case.born", app.longDateText(dob)) + ")"
        case .estimatedAge: ageText += " (" + t("case.estimated") + ")"
        }
        var out = [
            StyledLine(s.code + "  ·  " + t(s.status.labelKey), style: .heading),
            StyledLine(""),
            row("field.child-name-km", s.childNameKm.isEmpty ? "—" : s.childNameKm),
            row("field.child-name-latin", s.childNameLatin.isEmpty ? "—" : s.childNameLatin),
            row("field.sex", t(s.sex.labelKey)),
            row("case.age", ageText),
            row("case.place", places.map(app.placeName).joined(separator: " › ")),
            row("field.concerns", d.concerns.map { t($0.labelKey) }.joined(separator: ", ")),
            row("field.reporter", t(d.reporter.labelKey) + " · " + app.longDateText(s.reportedDate)),
            row("case.registered-by", d.createdByName),
            row("case.risk", s.riskLevel.map { t($0.labelKey) } ?? t("case.risk-not-assessed")),
            StyledLine(""),
            StyledLine(t("field.narrative"), style: .heading),
        ]
        out += d.narrative.split(separator: "\n", omittingEmptySubsequences: false).map { StyledLine(String($0)) }
        return out
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        guard let detail else {
            canvas.put(app.localizer("case.unavailable"), row: area.row + 1, col: 2, style: .error)
            return
        }
        view.lines = lines(app, detail)
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}
