import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The household file: the assessment, members, linked cases, referrals
/// and follow-ups on one scrolling page. F4 adds a member, a member's
/// number (1–9) changes them, F5 refers a member to a provider, F7 records
/// the scheduled visit, F8 edits the household.
@MainActor
final class HouseholdViewScreen: Screen {
    let titleKey = "household.title"
    var bindings: [KeyBinding] {
        var list: [KeyBinding] = []
        if canEdit {
            list.append(KeyBinding(.function(4), label: "key.add-member", help: "help.add-member"))
            list.append(KeyBinding(.char("1"), label: "key.member-number", help: "help.edit-member", inBar: false))
        }
        if canRefer { list.append(KeyBinding(.function(5), label: "key.refer", help: "help.refer-member")) }
        if canEdit && scheduled != nil {
            list.append(KeyBinding(.function(7), label: "key.record-visit", help: "help.record-household-visit"))
        }
        if canEdit { list.append(KeyBinding(.function(8), label: "key.edit", help: "help.edit-household")) }
        return list + [CommonBindings.scroll, CommonBindings.back]
    }
    private let householdId: Int64
    private var detail: HouseholdDetail?
    private var places: [Place] = []
    private let view = TextView()
    private let canEdit: Bool
    private let canRefer: Bool

    init(app: App, householdId: Int64) {
        self.householdId = householdId
        canEdit = app.session?.may(.createIntake) ?? false
        canRefer = app.session?.may(.manageReferrals) ?? false
        reload(app)
    }

    private var scheduled: HouseholdFollowUp? { detail?.followUps.last { $0.status == .scheduled } }

    func reload(_ app: App) {
        guard let session = app.session else { return }
        do {
            let detail = try app.services.households.detail(session, id: householdId)
            self.detail = detail
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
        } catch { app.report(error) }
    }

    func didReturn(app: App) { reload(app) }

    func handle(_ key: Key, app: App) -> Bool {
        guard let detail else { return view.handle(key) }
        switch key {
        case .function(4) where canEdit:
            app.push(MemberFormScreen(app: app, householdId: householdId))
        case .char(let c) where canEdit && ("1"..."9").contains(Character(c)):
            guard let n = Int(String(c)), n <= detail.members.count else { return false }
            app.push(MemberFormScreen(app: app, householdId: householdId, memberId: detail.members[n - 1].id))
        case .function(5) where canRefer:
            app.push(ReferralFormScreen(app: app, people: detail.members.map { member in
                ReferralFormScreen.Person(subject: .member(memberId: member.id), name: member.displayName,
                                          detail: app.localizer(member.relationship.labelKey) + ", "
                                              + app.localizer("case.age-years", app.localizer.number(member.age)))
            }))
        case .function(7) where canEdit && scheduled != nil:
            let s = detail.summary
            app.push(RecordVisitScreen(app: app, item: FollowUpItem(
                id: scheduled!.id, caseId: 0, caseCode: s.code, childNameKm: s.headNameKm, childNameLatin: s.headNameLatin,
                villageNameKm: s.villageNameKm, villageNameLatin: s.villageNameLatin, type: scheduled!.type,
                due: scheduled!.due, riskLevel: s.riskLevel)))
        case .function(8) where canEdit:
            app.push(HouseholdFormScreen(app: app, householdId: householdId) { [unowned self, unowned app] in
                self.reload(app)
            })
        default:
            return view.handle(key)
        }
        return true
    }

    private func row(_ app: App, _ labelKey: String, _ value: String) -> StyledLine {
        StyledLine(TextFit.pad(app.localizer(labelKey), to: 22) + value)
    }

    private func lines(_ app: App, _ d: HouseholdDetail) -> [StyledLine] {
        let t = app.localizer
        let s = d.summary
        var risk = t(s.riskLevel.labelKey) + " (" + t("household.score-only", t.number(d.riskScore)) + ")"
        if let reason = d.riskOverrideReason, !reason.isEmpty {
            risk += " · " + t("household.proposed", t(d.proposedRisk.labelKey)) + " · " + reason
        }
        var out = [
            StyledLine(s.code + "  ·  " + t(s.status.labelKey), style: .heading),
            StyledLine(""),
            row(app, "field.head-name-km", s.headNameKm.isEmpty ? "—" : s.headNameKm),
            row(app, "field.head-name-latin", s.headNameLatin.isEmpty ? "—" : s.headNameLatin),
            row(app, "case.place", places.map(app.placeName).joined(separator: " › ")),
        ]
        if !d.addressDetail.isEmpty { out.append(row(app, "field.address", d.addressDetail)) }
        if !d.phone.isEmpty { out.append(row(app, "field.phone", t.digitsForDisplay(d.phone))) }
        out += [
            row(app, "field.id-poor", t(s.idPoor.labelKey)),
            row(app, "field.vulnerabilities", d.vulnerabilities.isEmpty ? "—"
                : d.vulnerabilities.map { t($0.labelKey) }.joined(separator: ", ")),
            row(app, "case.risk", risk),
            row(app, "case.registered-by", d.createdByName),
            StyledLine(""),
            StyledLine(t("household.members", t.number(d.members.count))
                       + (canEdit && !d.members.isEmpty ? " · " + t("household.members-edit-hint") : ""), style: .heading),
        ]
        for (i, m) in d.members.enumerated() {
            var text = t.number(i + 1) + ". " + m.displayName + " · " + t(m.sex.labelKey) + " · "
                + t("case.age-years", t.number(m.age)) + (m.ageIsEstimated ? "~" : "") + " · " + t(m.relationship.labelKey)
            if let school = m.inSchool { text += " · " + t(school ? "member.in-school" : "member.not-in-school") }
            if !m.occupation.isEmpty { text += " · " + m.occupation }
            if m.migration != .none {
                text += " · " + t(m.migration.labelKey) + (m.migrationCountry.map { " (\($0))" } ?? "")
            }
            out.append(StyledLine(text, style: m.migration == .planning ? .warning : .plain))
        }
        if !d.cases.isEmpty {
            out += [StyledLine(""), StyledLine(t("household.cases"), style: .heading)]
            out += d.cases.map { c in
                StyledLine(c.code + " · " + [c.childNameKm, c.childNameLatin].filter { !$0.isEmpty }.joined(separator: " / ")
                           + " · " + t(c.status.labelKey))
            }
        }
        out += [StyledLine(""), StyledLine(t("household.referrals"), style: .heading)]
        if d.referrals.isEmpty { out.append(StyledLine(t("household.no-referrals"), style: .muted)) }
        out += d.referrals.map { r in
            StyledLine(r.code + " · " + ([r.personNameKm, r.personNameLatin].first { !$0.isEmpty } ?? "") + " · "
                       + t(r.service.labelKey) + " · " + (t.language == .km && !r.providerName.isEmpty ? r.providerName
                                                           : r.providerNameLatin) + " · " + t(r.status.labelKey))
        }
        out += [StyledLine(""), StyledLine(t("household.followups"), style: .heading)]
        for f in d.followUps {
            var text = app.dateText(f.doneDate ?? f.due) + " · " + t(f.type.labelKey) + " · " + t(f.status.labelKey)
            if let wellbeing = f.wellbeing { text += " · " + t(wellbeing.labelKey) }
            if !f.notes.isEmpty { text += " — " + f.notes }
            let overdue = f.status == .scheduled && f.due < app.services.clock.today
            out.append(StyledLine(text + (overdue ? " ⚠ " + t("followups.overdue") : ""),
                                  style: overdue ? .warning : .plain))
        }
        return out
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        guard let detail else {
            canvas.put(app.localizer("household.unavailable"), row: area.row + 1, col: 2, style: .error)
            return
        }
        view.lines = lines(app, detail)
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}
