import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// F4 on a referral: the statuses it may move to, and what each needs — a
/// reason for declined, dropped out and cancelled, an outcome for
/// completed, consent before sending a draft made without it. Sending to a
/// provider whose next intake is full asks first.
@MainActor
final class ReferralMoveScreen: DraftableScreen {
    let titleKey = "move.title"
    private let session: Session
    private let detail: ReferralDetail
    private var expectedVersion: Int
    private let to = ChoiceField(filterable: false)
    private let date = DateField()
    private let consent = ChoiceField(filterable: false)
    private let reason = ChoiceField()
    private let otherReason = TextField(maxLength: 300)
    private let outcome = ChoiceField(filterable: false)
    private let note = TextArea(rows: 3, maxLength: 2_000)
    let form: Form
    private var baseline: FormSnapshot = [:]

    var draftKey: DraftKey { DraftKey("referral-move", record: String(detail.summary.id)) }
    func draftTitle(_ t: Localizer, app: App) -> String { t("draft.title-referral-move", detail.summary.code) }

    init(app: App, session: Session, detail: ReferralDetail) {
        self.session = session
        self.detail = detail
        expectedVersion = detail.version
        form = Form(fields: [
            FormField(id: "to", label: "move.to", widget: to, required: true),
            FormField(id: "date", label: "move.date", widget: date, required: true),
            FormField(id: "consent", label: "referral.consent", widget: consent, required: true),
            FormField(id: "reason", label: "move.reason", widget: reason, required: true),
            FormField(id: "otherReason", label: "move.other-reason", widget: otherReason, required: true),
            FormField(id: "outcome", label: "referral.outcome", widget: outcome, required: true),
            FormField(id: "note", label: "move.note", widget: note),
        ])
        let moves = ReferralRules.moves(from: detail.summary.status)
        to.setOptions(app.options(ReferralStatus.self).filter { option in moves.contains { $0.rawValue == option.id } })
        to.select(moves.first?.rawValue)
        date.text = FormInput.text(app.services.clock.today, app)
        consent.setOptions(app.yesNoOptions)
        outcome.setOptions(app.options(ReferralOutcome.self))
        reason.setOptions(app.options(ReferralExitReason.self))
        to.onSelect = { [unowned self] _ in self.showFields() }
        reason.onSelect = { [unowned self] _ in self.showFields() }
        showFields()
        baseline = form.snapshot()
    }

    private var target: ReferralStatus? { to.selectedId.flatMap(ReferralStatus.init(rawValue:)) }

    private func showFields() {
        let target = self.target
        form.field("consent")?.isHidden = !(target == .sent && !detail.consentRecorded)
        let ends = [.declined, .droppedOut, .cancelled].contains(target)
        form.field("reason")?.isHidden = !ends
        form.field("otherReason")?.isHidden = !ends || reason.selectedId != ReferralExitReason.other.rawValue
        form.field("outcome")?.isHidden = target != .completed
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        guard let target else { return }
        form.clearMessages()
        guard let happened = FormInput.requiredDate(date, id: "date", in: form, app: app) else { return }
        if form.field("otherReason")?.isHidden == false, otherReason.text.trimmingSpaces().isEmpty {
            FormInput.show(["otherReason": "error.required"], in: form, app: app)
            return
        }
        var move = ReferralMove(to: target, expectedVersion: expectedVersion, reason: storedReason,
                                outcome: target == .completed ? outcome.selectedId.flatMap(ReferralOutcome.init(rawValue:)) : nil,
                                note: note.text, recordConsent: FormInput.yesNo(consent) == true)
        move.effectiveOn = happened
        let issues = ReferralRules.validate(move, from: detail.summary.status, consentRecorded: detail.consentRecorded,
                                            today: app.services.clock.today,
                                            previousMove: detail.history.last?.effectiveOn)
        guard issues.isEmpty else {
            FormInput.show(Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }), in: form, app: app)
            return
        }
        if target == .sent, let seats = try? app.services.providers.seats(session, providerId: detail.providerId),
           case .full(let total, let taken) = seats {
            app.confirm({ t in t("referral.confirm-full", t.number(taken), t.number(total)) + " " + t("referral.send-anyway") }) {
                [unowned self, unowned app] in self.apply(app, move)
            }
            return
        }
        apply(app, move)
    }

    /// The list's code, or the words of an other reason; nothing when the
    /// move needs no reason.
    private var storedReason: String {
        guard form.field("reason")?.isHidden == false, let code = reason.selectedId else { return "" }
        return code == ReferralExitReason.other.rawValue ? otherReason.text.trimmingSpaces() : code
    }

    private func apply(_ app: App, _ move: ReferralMove) {
        do {
            try app.services.referrals.move(session, referralId: detail.summary.id, move, draft: app.draftRef(self))
            app.draftSaved(self)
            app.pop()
            app.show(style: .heading) { [detail] t in t("move.done", detail.summary.code, t(move.to.labelKey)) }
        } catch StoreError.changedElsewhere {
            do {
                let now = try app.services.referrals.detail(session, id: detail.summary.id)
                expectedVersion = now.version
                app.showError { t in t("error.referral-changed", t(now.summary.status.labelKey)) }
            } catch { app.report(error) }
        } catch {
            FormInput.showFailure(error, in: form, app: app)
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
