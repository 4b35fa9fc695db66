import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The household file: the assessment, members, linked cases, referrals
/// and follow-ups on one scrolling page. F4 adds a member, a member's
/// number (1–9) changes them, F5 records the scheduled visit, F7 edits the
/// household and F8 refers a member to a provider (F7 and F8 as on the
/// case file).
@MainActor
final class HouseholdViewScreen: RecordFileScreen {
    let titleKey = "household.title"
    let unavailableKey = "household.unavailable"
    let file = DetailView(labelWidth: 22)
    private let session: Session
    private let householdId: Int64
    private var detail: HouseholdDetail?
    private var places: [Place] = []
    private var canEdit: Bool { session.may(.createIntake) }

    init(app: App, session: Session, householdId: Int64) {
        self.session = session
        self.householdId = householdId
        reload(app)
    }

    private var scheduled: HouseholdFollowUp? { detail?.followUps.last { $0.status == .scheduled } }

    func reload(_ app: App) {
        do {
            let detail = try app.services.households.detail(session, id: householdId)
            self.detail = detail
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
        } catch { app.report(error) }
    }

    func didReturn(app: App) { reload(app) }

    func fileLines(app: App) -> [DetailLine]? { detail.map { lines(app, $0) } }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(4), label: "key.add-member", help: "help.add-member") { [unowned self, unowned app] in
            app.push(MemberFormScreen(app: app, session: self.session, householdId: self.householdId))
         }.enabled(canEdit && detail != nil),
         KeyBinding(.char("1"), label: "key.member-number", help: "help.edit-member", inBar: false)
            .enabled(canEdit && detail != nil),
         // F7 edits and F8 refers, as on the case file.
         KeyBinding(.function(5), label: "key.record-visit", help: "help.record-household-visit") {
            [unowned self, unowned app] in self.recordVisit(app)
         }.enabled(canEdit && scheduled != nil),
         KeyBinding(.function(7), label: "key.edit", help: "help.edit-household") { [unowned self, unowned app] in
            app.push(HouseholdFormScreen(app: app, session: self.session, householdId: self.householdId) {
                [unowned self, unowned app] in self.reload(app)
            })
         }.enabled(canEdit && detail != nil),
         KeyBinding(.function(8), label: "key.refer", help: "help.refer-member") { [unowned self, unowned app] in
            self.refer(app)
         }.enabled(session.may(.manageReferrals) && detail != nil),
         CommonBindings.scroll]
    }

    /// A member's number (1–9) opens their form; the rest scrolls.
    func handleInput(_ key: Key, app: App) -> Bool {
        // The numbers are drawn in Khmer digits in Khmer: ៣ chooses as 3 does.
        if case .char(let c) = key, canEdit, let detail, let n = Int(Digits.toWestern(String(c))), (1...9).contains(n) {
            guard n <= detail.members.count else { return false }
            app.push(MemberFormScreen(app: app, session: session, householdId: householdId,
                                      memberId: detail.members[n - 1].id))
            return true
        }
        return file.handle(key)
    }

    private func refer(_ app: App) {
        guard let detail else { return }
        let head = app.bothNames(km: detail.summary.headNameKm, latin: detail.summary.headNameLatin)
        app.push(ReferralFormScreen(app: app, session: session, people: detail.members.map { member in
            ReferralFormScreen.Person(subject: .member(memberId: member.id), name: member.displayName,
                                      details: app.inEveryLanguage { t in
                t(member.sex.labelKey) + ", " + t.count("case.age-years", member.age) + (member.ageIsEstimated ? "~" : "")
                    + ", " + t(member.relationship.labelKey)
            })
        }, for: app.inEveryLanguage { t in t("referral.for-household", detail.summary.code, head) }))
    }

    private func recordVisit(_ app: App) {
        guard let detail, let scheduled else { return }
        let s = detail.summary
        app.push(RecordVisitScreen(app: app, session: session, item: FollowUpItem(
            id: scheduled.id, caseId: 0, caseCode: s.code, childNameKm: s.headNameKm, childNameLatin: s.headNameLatin,
            villageNameKm: s.villageNameKm, villageNameLatin: s.villageNameLatin, type: scheduled.type,
            due: scheduled.due, riskLevel: s.riskLevel)))
    }

    private func lines(_ app: App, _ d: HouseholdDetail) -> [DetailLine] {
        let t = app.localizer
        let s = d.summary
        var risk = t(s.riskLevel.labelKey) + " (" + t("household.score-only", t.number(d.riskScore)) + ")"
        if let reason = d.riskOverrideReason, !reason.isEmpty {
            risk += " · " + t("household.proposed", t(d.proposedRisk.labelKey)) + " · " + reason
        }
        var out: [DetailLine] = [
            .heading(s.code + "  ·  " + t(s.status.labelKey)),
            DetailLine.blank,
            app.field("field.head-name-km", s.headNameKm.isEmpty ? "—" : s.headNameKm),
            app.field("field.head-name-latin", s.headNameLatin.isEmpty ? "—" : s.headNameLatin),
            app.field("case.place", places.map(app.placeName).joined(separator: " › ")),
        ]
        if !d.addressDetail.isEmpty { out.append(app.field("field.address", d.addressDetail)) }
        if !d.phone.isEmpty { out.append(app.field("field.phone", t.digitsForDisplay(d.phone))) }
        out += [
            app.field("field.id-poor", t(s.idPoor.labelKey)),
            app.field("field.vulnerabilities", d.vulnerabilities.isEmpty ? "—"
                : d.vulnerabilities.map { t($0.labelKey) }.joined(separator: ", ")),
            app.field("case.risk", risk),
            app.field("case.registered-by", d.createdByName),
            DetailLine.blank,
            .heading(t("household.members", t.number(d.members.count))
                     + (canEdit && !d.members.isEmpty ? " · " + t("household.members-edit-hint") : "")),
        ]
        for (i, m) in d.members.enumerated() {
            var text = t.number(i + 1) + ". " + m.displayName + " · " + t(m.sex.labelKey) + " · "
                + t.count("case.age-years", m.age) + (m.ageIsEstimated ? "~" : "") + " · " + t(m.relationship.labelKey)
            if let school = m.inSchool { text += " · " + t(school ? "member.in-school" : "member.not-in-school") }
            if !m.occupation.isEmpty { text += " · " + m.occupation }
            if m.migration != .none {
                text += " · " + t(m.migration.labelKey) + (m.migrationCountry.map { " (" + (Destination.labelKey(of: $0).map { t($0) } ?? $0) + ")" } ?? "")
            }
            out.append(.item(text, style: m.migration == .planning ? .warning : .plain))
        }
        if !d.cases.isEmpty {
            out += [DetailLine.blank, DetailLine.heading(t("household.cases"))]
            out += d.cases.map { c in
                .item(c.code + " · " + app.bothNames(km: c.childNameKm, latin: c.childNameLatin) + " · "
                      + t(c.status.labelKey))
            }
        }
        out += [DetailLine.blank, DetailLine.heading(t("household.referrals"))]
        if d.referrals.isEmpty { out.append(.text(t("household.no-referrals"), style: .muted)) }
        out += d.referrals.map { r in
            .item(r.code + " · " + ([r.personNameKm, r.personNameLatin].first { !$0.isEmpty } ?? "") + " · "
                  + t(r.service.labelKey) + " · " + app.name(km: r.providerName, latin: r.providerNameLatin) + " · "
                  + t(r.status.labelKey))
        }
        out += [DetailLine.blank, DetailLine.heading(t("household.followups"))]
        for f in d.followUps {
            var text = app.dateText(f.doneDate ?? f.due) + " · " + t(f.type.labelKey) + " · " + t(f.status.labelKey)
            if let worker = f.workerName { text += " · " + worker }
            if let wellbeing = f.wellbeing { text += " · " + t(wellbeing.labelKey) }
            if !f.notes.isEmpty { text += " — " + f.notes }
            let overdue = f.status == .scheduled && f.due < app.services.clock.today
            out.append(.item(text + (overdue ? " ⚠ " + t("followups.overdue") : ""), style: overdue ? .warning : .plain))
        }
        return out
    }
}
