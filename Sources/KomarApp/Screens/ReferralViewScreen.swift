import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// One referral: who, to whom, why, where it stands, and its history of
/// moves with dates, who made them and notes. F4 moves it on.
@MainActor
final class ReferralViewScreen: Screen {
    let titleKey = "referral.title"
    var bindings: [KeyBinding] {
        var list = [CommonBindings.scroll, CommonBindings.back]
        if let detail, !ReferralRules.isFinal(detail.summary.status) {
            list.insert(KeyBinding(.function(4), label: "key.move", help: "help.move-referral"), at: 0)
        }
        return list
    }
    private let referralId: Int64
    private var detail: ReferralDetail?
    private var provider: Provider?
    private var places: [Place] = []
    private let view = TextView()

    init(app: App, referralId: Int64) {
        self.referralId = referralId
        reload(app)
    }

    func reload(_ app: App) {
        guard let session = app.session else { return }
        do {
            let detail = try app.services.referrals.detail(session, id: referralId)
            self.detail = detail
            provider = try app.services.providers.provider(session, id: detail.providerId)
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
        } catch { app.report(error) }
    }

    func didReturn(app: App) { reload(app) }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(4), let detail, !ReferralRules.isFinal(detail.summary.status) {
            app.push(ReferralMoveScreen(app: app, detail: detail))
            return true
        }
        return view.handle(key)
    }

    private func row(_ app: App, _ labelKey: String, _ value: String) -> StyledLine {
        StyledLine(TextFit.pad(app.localizer(labelKey), to: 22) + value)
    }

    private func lines(_ app: App, _ d: ReferralDetail) -> [StyledLine] {
        let t = app.localizer
        let s = d.summary
        var out = [
            StyledLine(s.code + "  ·  " + t(s.status.labelKey) + (s.priority == .urgent ? "  ·  " + t(s.priority.labelKey) : ""),
                       style: .heading),
            StyledLine(""),
            row(app, "referral.person", [s.personNameKm, s.personNameLatin].filter { !$0.isEmpty }.joined(separator: " / ")
                + " · " + t(s.sex.labelKey) + " · " + t("case.age-years", t.number(s.age))),
            row(app, "case.place", places.map(app.placeName).joined(separator: " › ")),
        ]
        if let code = d.caseCode { out.append(row(app, "referral.case", code)) }
        if let code = d.householdCode { out.append(row(app, "referral.household", code)) }
        out += [
            row(app, "referral.service", t(s.service.labelKey)),
            row(app, "referral.provider", provider?.displayName ?? s.providerNameLatin),
        ]
        if let p = provider {
            var contact = [p.contactPerson, t.digitsForDisplay(p.phone)].filter { !$0.isEmpty }.joined(separator: " · ")
            if let next = p.nextIntake { contact += (contact.isEmpty ? "" : " · ") + t("referral.next-intake", app.dateText(next)) }
            if !contact.isEmpty { out.append(row(app, "referral.contact", contact)) }
        }
        out += [
            row(app, "referral.reason", d.reason),
            row(app, "referral.consent", t(d.consentRecorded ? "answer.yes" : "answer.no")),
            row(app, "referral.referred-on", app.longDateText(s.referredOn) + " · " + d.createdByName),
        ]
        if !ReferralRules.isFinal(s.status) {
            out.append(row(app, "referrals.waiting",
                           t("referrals.days", t.number(s.daysSinceLastMove(now: app.services.clock.now())))))
        }
        if let reason = d.exitReason, !reason.isEmpty { out.append(row(app, "referral.exit-reason", reason)) }
        if let outcome = d.outcome {
            out.append(row(app, "referral.outcome", t(outcome.labelKey) + (d.outcomeNotes.isEmpty ? "" : " — " + d.outcomeNotes)))
        }
        out += [StyledLine(""), StyledLine(t("referral.history"), style: .heading)]
        for h in d.history {
            var text = app.dateTimeText(h.at) + " · " + h.byName + " · "
                + (h.from.map { t($0.labelKey) + " → " } ?? "") + t(h.to.labelKey)
            var note = h.note
            if note.hasPrefix("["), let close = note.firstIndex(of: "]"),
               let outcome = ReferralOutcome(rawValue: String(note[note.index(after: note.startIndex)..<close])) {
                text += " · " + t(outcome.labelKey)
                note = String(note[note.index(after: close)...]).trimmingSpaces()
            }
            if !note.isEmpty { text += " — " + note }
            out.append(StyledLine(text))
        }
        return out
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        guard let detail else {
            canvas.put(app.localizer("referral.unavailable"), row: area.row + 1, col: 2, style: .error)
            return
        }
        view.lines = lines(app, detail)
        view.render(into: &canvas, at: Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1),
                    focused: true, env: app.widgetEnvironment)
    }
}

/// F4 on a referral: the statuses it may move to, and what each needs — a
/// reason for declined, dropped out and cancelled, an outcome for
/// completed, consent before sending a draft made without it. Sending to a
/// provider whose next intake is full asks first.
@MainActor
final class ReferralMoveScreen: Screen {
    let titleKey = "move.title"
    var bindings: [KeyBinding] { CommonBindings.form }
    private let detail: ReferralDetail
    private var expectedVersion: Int
    private let to = ChoiceField(filterable: false)
    private let consent = ChoiceField(filterable: false)
    private let reason = TextField(maxLength: 300)
    private let outcome = ChoiceField(filterable: false)
    private let note = TextArea(rows: 3, maxLength: 2_000)
    private let form: Form

    init(app: App, detail: ReferralDetail) {
        self.detail = detail
        expectedVersion = detail.version
        form = Form(fields: [
            FormField(id: "to", label: "move.to", widget: to, required: true),
            FormField(id: "consent", label: "referral.consent", widget: consent, required: true),
            FormField(id: "reason", label: "move.reason", widget: reason, required: true),
            FormField(id: "outcome", label: "referral.outcome", widget: outcome, required: true),
            FormField(id: "note", label: "move.note", widget: note),
        ])
        let moves = ReferralRules.moves(from: detail.summary.status)
        to.setOptions(app.options(ReferralStatus.self).filter { option in moves.contains { $0.rawValue == option.id } })
        to.select(moves.first?.rawValue)
        consent.setOptions(app.options(YesNoUnknown.self).filter { $0.id != YesNoUnknown.unknown.rawValue })
        outcome.setOptions(app.options(ReferralOutcome.self))
        to.onSelect = { [unowned self] _ in self.showFields() }
        form.onSave = { [unowned self, unowned app] in self.save(app) }
        showFields()
    }

    private var target: ReferralStatus? { to.selectedId.flatMap(ReferralStatus.init(rawValue:)) }

    private func showFields() {
        let target = self.target
        form.field("consent")?.isHidden = !(target == .sent && !detail.consentRecorded)
        form.field("reason")?.isHidden = ![.declined, .droppedOut, .cancelled].contains(target)
        form.field("outcome")?.isHidden = target != .completed
    }

    var hasUnsavedChanges: Bool { !note.text.isEmpty || !reason.text.isEmpty }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    private func save(_ app: App) {
        guard let session = app.session, let target else { return }
        let t = app.localizer
        form.clearMessages()
        let move = ReferralMove(to: target, expectedVersion: expectedVersion,
                                reason: form.field("reason")?.isHidden == false ? reason.text : "",
                                outcome: target == .completed ? outcome.selectedId.flatMap(ReferralOutcome.init(rawValue:)) : nil,
                                note: note.text, recordConsent: FormInput.yesNo(consent) == true)
        let issues = ReferralRules.validate(move, from: detail.summary.status, consentRecorded: detail.consentRecorded)
        guard issues.isEmpty else {
            FormInput.show(Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }), in: form, app: app)
            return
        }
        if target == .sent, let seats = try? app.services.providers.seats(session, providerId: detail.providerId),
           case .full(let total, let taken) = seats {
            app.confirm(t("referral.confirm-full", t.number(taken), t.number(total)) + " " + t("referral.send-anyway")) {
                [unowned self, unowned app] in self.apply(app, session, move)
            }
            return
        }
        apply(app, session, move)
    }

    private func apply(_ app: App, _ session: Session, _ move: ReferralMove) {
        let t = app.localizer
        do {
            try app.services.referrals.move(session, referralId: detail.summary.id, move)
            app.pop()
            app.show(t("move.done", detail.summary.code, t(move.to.labelKey)), style: .heading)
        } catch let rejected as ReferralMoveRejected {
            FormInput.show(Dictionary(uniqueKeysWithValues: rejected.issues.map { ($0.key.rawValue, $0.value) }),
                           in: form, app: app)
        } catch StoreError.changedElsewhere {
            do {
                let now = try app.services.referrals.detail(session, id: detail.summary.id)
                expectedVersion = now.version
                app.showError(t("error.referral-changed", t(now.summary.status.labelKey)))
            } catch { app.report(error) }
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let s = detail.summary
        canvas.put(s.code + " · " + (s.personNameKm.isEmpty ? s.personNameLatin : s.personNameKm) + " · "
                   + t(s.service.labelKey), row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        canvas.put(t("move.now", t(s.status.labelKey)), row: area.row + 2, col: 2, style: .muted, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 4, col: 2, width: area.width - 4, height: area.height - 4),
                    env: app.widgetEnvironment)
    }
}
