import KhmerText
import CaseDomain
import CaseStore
import Terminal

/// One case, read-only: the child, place, concerns, reporter and what
/// happened. Labels follow the current language (F6).
@MainActor
final class CaseViewScreen: Screen {
    let titleKey = "case.title"
    var bindings: [KeyBinding] {
        var list = [CommonBindings.scroll, CommonBindings.back]
        if !actions.isEmpty { list.insert(KeyBinding(.function(4), label: "key.actions", help: "help.actions"), at: 0) }
        if canRefer { list.insert(KeyBinding(.function(8), label: "key.refer", help: "help.refer-child"), at: 1) }
        if let detail, let role = session?.user.role, CaseStatusRules.mayEdit(role: role, status: detail.summary.status) {
            list.insert(KeyBinding(.function(7), label: "key.edit", help: "help.edit-case"), at: 0)
        }
        if detail?.household != nil {
            list.insert(KeyBinding(.function(5), label: "key.household", help: "help.open-household"), at: 0)
        }
        return list
    }
    private let caseId: Int64
    private var detail: CaseDetail?
    private var events: [CaseEvent] = []
    private var places: [Place] = []
    private var actions: [CaseAction] = []
    private var nextFollowUp: LocalDate?
    private var referrals: [ReferralSummary] = []
    private let view = TextView()
    private let canRefer: Bool
    private let session: Session?

    init(app: App, caseId: Int64) {
        self.caseId = caseId
        session = app.session
        canRefer = app.session?.may(.manageReferrals) ?? false
        reload(app)
    }

    /// Reads the case again (after a status change).
    func reload(_ app: App) {
        guard let session = app.session else { return }
        do {
            let detail = try app.services.cases.caseDetail(session, id: caseId)
            self.detail = detail
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
            events = try app.services.cases.timeline(session, caseId: caseId)
            actions = CaseStatusRules.actions(for: detail.summary.status, role: session.user.role)
            nextFollowUp = try app.services.followUps.nextDue(caseId: caseId)
            referrals = try app.services.referrals.forCase(session, caseId: caseId)
        } catch {
            app.report(error)
        }
    }

    func didReturn(app: App) { reload(app) }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(4), let detail, !actions.isEmpty {
            app.push(CaseActionScreen(app: app, detail: detail) { [unowned self, unowned app] in
                self.reload(app)
            })
            return true
        }
        if key == .function(7), let detail, let role = session?.user.role,
           CaseStatusRules.mayEdit(role: role, status: detail.summary.status) {
            app.push(IntakeScreen(app: app, editing: caseId))
            return true
        }
        if key == .function(5), let household = detail?.household {
            app.push(HouseholdViewScreen(app: app, householdId: household.id))
            return true
        }
        if key == .function(8), canRefer, let detail {
            let s = detail.summary
            let t = app.localizer
            app.push(ReferralFormScreen(app: app, people: [ReferralFormScreen.Person(
                subject: .child(caseId: caseId),
                name: s.code + " · " + [s.childNameKm, s.childNameLatin].filter { !$0.isEmpty }.joined(separator: " / "),
                detail: t(s.sex.labelKey) + ", " + t("case.age-years", t.number(s.ageYears)))]))
            return true
        }
        return view.handle(key)
    }

    /// Summary first (what a worker needs at a glance), then the history,
    /// then the details and what happened.
    private func lines(_ app: App, _ d: CaseDetail) -> [StyledLine] {
        summaryLines(app, d) + [StyledLine("")] + referralLines(app) + historyLines(app) + [StyledLine("")]
            + detailLines(app, d)
    }

    private func row(_ app: App, _ labelKey: String, _ value: String) -> StyledLine {
        StyledLine(TextFit.pad(app.localizer(labelKey), to: 24) + value)
    }

    private func summaryLines(_ app: App, _ d: CaseDetail) -> [StyledLine] {
        let t = app.localizer
        let s = d.summary
        var ageText = t("case.age-years", t.number(s.ageYears))
        switch d.birth {
        case .dateOfBirth(let dob): ageText += " (" + t("case.born", app.longDateText(dob)) + ")"
        case .estimatedAge: ageText += " (" + t("case.estimated") + ")"
        }
        var out = [
            StyledLine(s.code + "  ·  " + t(s.status.labelKey), style: .heading),
            StyledLine(""),
            row(app, "field.child-name-km", s.childNameKm.isEmpty ? "—" : s.childNameKm),
            row(app, "field.child-name-latin", s.childNameLatin.isEmpty ? "—" : s.childNameLatin),
            row(app, "field.sex", t(s.sex.labelKey)),
            row(app, "case.age", ageText),
            row(app, "case.place", places.map(app.placeName).joined(separator: " › ")),
            row(app, "field.household", d.household.map { h in
                h.code + " · " + [h.headNameKm, h.headNameLatin].filter { !$0.isEmpty }.joined(separator: " / ")
            } ?? "—"),
            row(app, "case.risk", s.riskLevel.map { t($0.labelKey) } ?? t("case.risk-not-assessed")),
        ]
        if let reason = d.background.riskOverrideReason, !reason.isEmpty {
            out.append(row(app, "case.override-reason", reason))
        }
        out.append(row(app, "case.assigned-to", d.assignedToName ?? t("case.unassigned")))
        if let reason = d.closureReason { out.append(row(app, "case.closure", t(reason.labelKey))) }
        if let next = nextFollowUp {
            let overdue = next < app.services.clock.today ? " ⚠ " + t("followups.overdue") : ""
            out.append(row(app, "case.next-followup", app.longDateText(next) + overdue))
        }
        return out
    }

    /// The case's referrals and where each stands (empty when there are none
    /// or the user may not see referrals).
    private func referralLines(_ app: App) -> [StyledLine] {
        guard !referrals.isEmpty else { return [] }
        let t = app.localizer
        return [StyledLine(t("household.referrals"), style: .heading)] + referrals.map { r in
            StyledLine(r.code + " · " + t(r.service.labelKey) + " · "
                       + (t.language == .km && !r.providerName.isEmpty ? r.providerName : r.providerNameLatin) + " · "
                       + t(r.status.labelKey))
        } + [StyledLine("")]
    }

    private func historyLines(_ app: App) -> [StyledLine] {
        let t = app.localizer
        var out = [StyledLine(t("case.history"), style: .heading)]
        for e in events {
            var text = app.dateTimeText(e.at) + " · " + e.byName + " · " + t(e.kind.labelKey)
            if let risk = e.riskLevel { text += " · " + t("case.risk") + ": " + t(risk.labelKey) }
            if let who = e.assignedToName { text += " · " + t("case.assigned-to") + ": " + who }
            if e.kind == .referral {
                let parts = e.note.components(separatedBy: " · ")
                text += " · " + parts[0]
                if parts.count == 2, let service = ServiceType(rawValue: parts[1]) { text += " · " + t(service.labelKey) }
                if let status = e.reason.flatMap(ReferralStatus.init(rawValue:)) { text += " → " + t(status.labelKey) }
                out.append(StyledLine(text))
                continue
            }
            if e.kind == .followUp, let reason = e.reason {
                let parts = reason.split(separator: ":", maxSplits: 1).map(String.init)
                text += " · " + (FollowUpOutcomeKind(rawValue: parts[0]).map { t($0.labelKey) } ?? parts[0])
                if parts.count == 2, let type = FollowUpType(rawValue: parts[1]) { text += " · " + t(type.labelKey) }
            } else if let reason = e.reason {
                let parts = reason.split(separator: ":", maxSplits: 1).map(String.init)
                text += " · " + (ClosureReason(rawValue: parts[0]).map { t($0.labelKey) } ?? parts[0])
                if parts.count == 2 { text += " " + parts[1] }
            }
            var note = e.note
            if note.hasPrefix("["), let close = note.firstIndex(of: "]"),
               let wellbeing = Wellbeing(rawValue: String(note[note.index(after: note.startIndex)..<close])) {
                text += " · " + t(wellbeing.labelKey)
                note = String(note[note.index(after: close)...]).trimmingCharacters(in: .whitespaces)
            }
            if !note.isEmpty { text += " — " + note }
            out.append(StyledLine(text))
        }
        return out
    }

    private func detailLines(_ app: App, _ d: CaseDetail) -> [StyledLine] {
        let t = app.localizer
        let b = d.background
        func answer(_ value: Bool?) -> String { t(YesNoUnknown(value).labelKey) }
        var out = [
            StyledLine(t("case.details"), style: .heading),
            row(app, "field.concerns", d.concerns.map { t($0.labelKey) }.joined(separator: ", ")),
        ]
        if !b.riskAnswers.isEmpty {
            out.append(row(app, "field.risk-answers", b.riskAnswers.map { t($0.labelKey) }.joined(separator: ", ")))
        }
        out += [
            row(app, "field.reporter", t(d.reporter.labelKey) + " · " + app.longDateText(d.summary.reportedDate)),
            row(app, "case.registered-by", d.createdByName),
            row(app, "field.ethnicity", b.ethnicity.map { t($0.labelKey) } ?? t("answer.unknown")),
            row(app, "field.disability", answer(b.disability)),
            row(app, "field.in-school", answer(b.inSchool)),
        ]
        var consent = t("field.caregiver-consent") + ": " + answer(b.caregiverConsent) + " · "
            + t("field.child-assent") + ": " + answer(b.childAssent)
        if let by = b.consentBy { consent += " · " + by }
        if let date = b.consentDate { consent += " · " + app.longDateText(date) }
        out.append(row(app, "case.consent", consent))
        out += [StyledLine(""), StyledLine(t("field.narrative"), style: .heading)]
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
