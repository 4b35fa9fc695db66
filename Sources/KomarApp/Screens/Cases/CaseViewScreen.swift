import KhmerText
import CaseDomain
import CaseStore
import Terminal

/// One case, read-only: the child, place, concerns, reporter, what
/// happened, its referrals and its history. Labels follow the current
/// language (F6).
@MainActor
final class CaseViewScreen: RecordFileScreen {
    let titleKey = "case.title"
    let unavailableKey = "case.unavailable"
    let file = DetailView(labelWidth: 24)
    private let session: Session
    private let caseId: Int64
    private var detail: CaseDetail?
    private var events: [CaseEvent] = []
    private var places: [Place] = []
    private var actions: [CaseAction] = []
    private var nextFollowUp: LocalDate?
    private var referrals: [ReferralSummary] = []

    init(app: App, session: Session, caseId: Int64) {
        self.session = session
        self.caseId = caseId
        reload(app)
    }

    /// Reads the case again (after a status change).
    func reload(_ app: App) {
        do {
            let detail = try app.services.cases.caseDetail(session, id: caseId)
            self.detail = detail
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
            events = try app.services.cases.timeline(session, caseId: caseId)
            actions = CaseStatusRules.actions(for: detail.summary.status, role: session.user.role)
            nextFollowUp = try app.services.followUps.nextDue(session, caseId: caseId)
            if session.may(.manageReferrals) { referrals = try app.services.referrals.forCase(session, caseId: caseId) }
        } catch {
            app.report(error)
        }
    }

    func didReturn(app: App) { reload(app) }

    func bindings(app: App) -> [KeyBinding] {
        let status = detail?.summary.status
        return [
            KeyBinding(.function(4), label: "key.actions", help: "help.actions") { [unowned self, unowned app] in
                guard let detail = self.detail else { return }
                app.push(CaseActionScreen(app: app, session: self.session, detail: detail) { [unowned self, unowned app] in
                    self.reload(app)
                })
            }.enabled(!actions.isEmpty),
            KeyBinding(.function(5), label: "key.household", help: "help.open-household") { [unowned self, unowned app] in
                guard let household = self.detail?.household else { return }
                app.push(HouseholdViewScreen(app: app, session: self.session, householdId: household.id))
            }.enabled(detail?.household != nil),
            KeyBinding(.function(7), label: "key.edit", help: "help.edit-case") { [unowned self, unowned app] in
                app.push(IntakeScreen(app: app, session: self.session, editing: self.caseId))
            }.enabled(status.map { CaseStatusRules.mayEdit(role: session.user.role, status: $0) } ?? false),
            KeyBinding(.function(8), label: "key.refer", help: "help.refer-child") { [unowned self, unowned app] in
                self.refer(app)
            }.enabled(session.may(.manageReferrals) && status.map(CaseStatusRules.mayRefer) == true),
            CommonBindings.scroll,
        ]
    }

    private func refer(_ app: App) {
        guard let s = detail?.summary else { return }
        app.push(ReferralFormScreen(app: app, session: session, people: [ReferralFormScreen.Person(
            subject: .child(caseId: caseId), name: s.code + " · " + app.bothNames(km: s.childNameKm, latin: s.childNameLatin),
            details: app.inEveryLanguage { t in
                t(s.sex.labelKey) + ", " + t.count("case.age-years", s.ageYears) + (s.ageIsEstimated ? "~" : "")
            })]))
    }

    func fileLines(app: App) -> [DetailLine]? {
        detail.map { lines(app, $0) }
    }

    /// Summary first (what a worker needs at a glance), then the history,
    /// then the details and what happened.
    private func lines(_ app: App, _ d: CaseDetail) -> [DetailLine] {
        summaryLines(app, d) + [DetailLine.blank] + referralLines(app) + historyLines(app) + [DetailLine.blank]
            + detailLines(app, d)
    }

    private func summaryLines(_ app: App, _ d: CaseDetail) -> [DetailLine] {
        let t = app.localizer
        let s = d.summary
        var ageText = t.count("case.age-years", s.ageYears)
        switch d.birth {
        case .dateOfBirth(let dob): ageText += " (" + t("case.born", app.longDateText(dob)) + ")"
        case .estimatedAge: ageText += " (" + t("case.estimated") + ")"
        }
        var out: [DetailLine] = [
            .heading(s.code + "  ·  " + t(s.status.labelKey)),
            DetailLine.blank,
            app.field("field.child-name-km", s.childNameKm.isEmpty ? "—" : s.childNameKm),
            app.field("field.child-name-latin", s.childNameLatin.isEmpty ? "—" : s.childNameLatin),
            app.field("field.sex", t(s.sex.labelKey)),
            app.field("case.age", ageText),
            app.field("case.place", places.map(app.placeName).joined(separator: " › ")),
            app.field("field.household", d.household.map { h in
                h.code + " · " + app.bothNames(km: h.headNameKm, latin: h.headNameLatin)
            } ?? "—"),
            app.field("case.risk", (s.riskLevel.map { t($0.labelKey) } ?? t("case.risk-not-assessed"))
                + (s.immediateDanger ? " · ⚠ " + t(RiskQuestion.immediateDanger.labelKey) : ""),
                style: s.immediateDanger ? .warning : .plain),
        ]
        if let reason = d.background.riskOverrideReason, !reason.isEmpty {
            out.append(app.field("case.override-reason", reason))
        }
        out.append(app.field("case.assigned-to", d.assignedToName.map {
            d.assigneeDisabled ? $0 + " (" + t("case.assignee-disabled") + ")" : $0
        } ?? t("case.unassigned")))
        if let reason = d.closureReason { out.append(app.field("case.closure", t(reason.labelKey))) }
        if let next = nextFollowUp {
            let overdue = next < app.services.clock.today ? " ⚠ " + t("followups.overdue") : ""
            out.append(app.field("case.next-followup", app.longDateText(next) + overdue))
        }
        return out
    }

    /// The case's referrals and where each stands (empty when there are none
    /// or the user may not see referrals).
    private func referralLines(_ app: App) -> [DetailLine] {
        guard !referrals.isEmpty else { return [] }
        let t = app.localizer
        return [.heading(t("household.referrals"))] + referrals.map { r in
            DetailLine.item(r.code + " · " + t(r.service.labelKey) + " · "
                            + app.name(km: r.providerName, latin: r.providerNameLatin) + " · " + t(r.status.labelKey))
        } + [DetailLine.blank]
    }

    private func historyLines(_ app: App) -> [DetailLine] {
        let t = app.localizer
        var out: [DetailLine] = [.heading(t("case.history"))]
        // Who had the case before each handover: the one it was last accepted by or given to.
        var assignee: String?
        for e in events {
            var text = app.dateTimeText(e.at) + " · " + e.byName + " · " + t(e.kind.labelKey)
            if let risk = e.riskLevel {
                // "Critical → Medium" when the level chosen was not the one proposed.
                let proposed = e.reason.flatMap { reason in
                    reason.hasPrefix(CaseEvents.proposedRiskPrefix)
                        ? RiskLevel(rawValue: String(reason.dropFirst(CaseEvents.proposedRiskPrefix.count))) : nil
                }
                text += " · " + t.labelled(t("case.risk"), (proposed.map { t($0.labelKey) + " → " } ?? "") + t(risk.labelKey))
            }
            if let who = e.assignedToName {
                let handedOver = e.kind == .reassigned ? assignee.map { t("case.handed-over-from", who, $0) } : nil
                text += " · " + t.labelled(t("case.assigned-to"), handedOver ?? who)
                assignee = who
            }
            if e.kind == .referral {
                let parts = e.note.components(separatedBy: " · ")
                text += " · " + parts[0]
                if parts.count == 2, let service = ServiceType(rawValue: parts[1]) { text += " · " + t(service.labelKey) }
                if let status = e.reason.flatMap(ReferralStatus.init(rawValue:)) { text += " → " + t(status.labelKey) }
                out.append(.item(text))
                continue
            }
            if e.kind == .followUp, let reason = e.reason {
                let parts = reason.split(separator: ":", maxSplits: 1).map(String.init)
                text += " · " + (FollowUpOutcomeKind(rawValue: parts[0]).map { t($0.labelKey) } ?? parts[0])
                if parts.count == 2, let type = FollowUpType(rawValue: parts[1]) { text += " · " + t(type.labelKey) }
            } else if let reason = e.reason, !reason.hasPrefix(CaseEvents.proposedRiskPrefix) {
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
            out.append(.item(text))
        }
        return out
    }

    private func detailLines(_ app: App, _ d: CaseDetail) -> [DetailLine] {
        let t = app.localizer
        let b = d.background
        func answer(_ value: Bool?) -> String { t(YesNoUnknown(value).labelKey) }
        var out: [DetailLine] = [
            .heading(t("case.details")),
            app.field("field.concerns", d.concerns.map { t($0.labelKey) }.joined(separator: ", ")),
        ]
        if !b.riskAnswers.isEmpty {
            out.append(app.field("field.risk-answers", b.riskAnswers.map { t($0.labelKey) }.joined(separator: ", ")))
        }
        out += [
            app.field("field.reporter", t(d.reporter.labelKey) + " · " + app.longDateText(d.summary.reportedDate)),
            app.field("case.registered-by", d.createdByName),
            app.field("field.ethnicity", b.ethnicity.map { t($0.labelKey) } ?? t("answer.unknown")),
            app.field("field.disability", answer(b.disability)),
            app.field("field.in-school", answer(b.inSchool)),
        ]
        // Who recorded consent, and when, is said only when consent was
        // asked: the intake fills them in, and "Not known · Sreymom · 7 Dec"
        // read as if consent had been taken that day (walk-through).
        if b.caregiverConsent == nil && b.childAssent == nil {
            out.append(app.field("case.consent", t("case.consent-not-asked")))
        } else {
            var consent = t.labelled(t("field.caregiver-consent"), answer(b.caregiverConsent)) + " · "
                + t.labelled(t("field.child-assent"), answer(b.childAssent))
            if let by = b.consentBy { consent += " · " + by }
            if let date = b.consentDate { consent += " · " + app.longDateText(date) }
            out.append(app.field("case.consent", consent))
        }
        out += [DetailLine.blank, .heading(t("field.narrative"))]
        out += d.narrative.split(separator: "\n", omittingEmptySubsequences: false).map { DetailLine.text(String($0)) }
        return out
    }
}
