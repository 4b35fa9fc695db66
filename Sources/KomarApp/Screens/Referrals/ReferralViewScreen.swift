import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// One referral: who, to whom, why, where it stands, and its history of
/// moves with dates, who made them and notes. F4 moves it on.
@MainActor
final class ReferralViewScreen: RecordFileScreen {
    let titleKey = "referral.title"
    let unavailableKey = "referral.unavailable"
    let file = DetailView(labelWidth: 22)
    private let session: Session
    private let referralId: Int64
    private var detail: ReferralDetail?
    private var provider: Provider?
    private var places: [Place] = []

    init(app: App, session: Session, referralId: Int64) {
        self.session = session
        self.referralId = referralId
        reload(app)
    }

    func reload(_ app: App) {
        do {
            let detail = try app.services.referrals.detail(session, id: referralId)
            self.detail = detail
            provider = try app.services.providers.provider(session, id: detail.providerId)
            places = try app.services.gazetteer.path(of: detail.summary.villageCode)
        } catch { app.report(error) }
    }

    func didReturn(app: App) { reload(app) }

    func bindings(app: App) -> [KeyBinding] {
        let whyNotUndo = lastMove.flatMap { ReferralRules.whyNotUndo($0, by: session.user.id, now: app.services.clock.now()) }
        return [
            KeyBinding(.function(4), label: "key.move", help: "help.move-referral") { [unowned self, unowned app] in
                guard let detail = self.detail else { return }
                app.push(ReferralMoveScreen(app: app, session: self.session, detail: detail))
            }.enabled(detail.map { !ReferralRules.isFinal($0.summary.status) } ?? false),
            KeyBinding(.function(5), label: "key.undo-move", help: "help.undo-move") { [unowned self, unowned app] in
                self.undoLastMove(app)
            }.enabled(lastMove != nil && whyNotUndo == nil, otherwise: whyNotUndo),
            CommonBindings.scroll,
        ]
    }

    /// The move F5 takes back: the last one, unless the referral has had
    /// none since it was made.
    private var lastMove: ReferralTransition? {
        guard let last = detail?.history.last, last.from != nil else { return nil }
        return last
    }

    /// Asks, then takes back the last move: a status picked by mistake is
    /// put right, and the audit log keeps both.
    private func undoLastMove(_ app: App) {
        guard let detail, let last = lastMove, let from = last.from else { return }
        let code = detail.summary.code
        // What goes with the move is said before it goes.
        let loses = last.to == .completed ? "referral.undo-loses-outcome"
            : [.declined, .droppedOut, .cancelled].contains(last.to) ? "referral.undo-loses-reason" : nil
        let when = app.dateText(last.effectiveOn)
        app.confirm({ t in
            t("referral.confirm-undo", t(from.labelKey), t(last.to.labelKey), code, when) + (loses.map { " " + t($0) } ?? "")
        }) {
            [unowned self, unowned app] in
            do {
                try app.services.referrals.undoLastMove(self.session, referralId: detail.summary.id,
                                                        expectedVersion: detail.version)
                self.reload(app)
                app.show(style: .heading) { t in t("referral.undone", code, t(from.labelKey)) }
            } catch StoreError.changedElsewhere {
                self.reload(app)
                app.showError { t in t("error.changed-elsewhere") }
            } catch let rejected as ReferralMoveRejected {
                // Moved meanwhile, or no longer this user's to undo: said as it is.
                self.reload(app)
                let why = rejected.issues.values.first ?? "error.nothing-to-undo"
                app.showError { t in t(why) }
            } catch {
                app.report(error)
            }
        }
    }

    func fileLines(app: App) -> [DetailLine]? { detail.map { lines(app, $0) } }

    private func lines(_ app: App, _ d: ReferralDetail) -> [DetailLine] {
        let t = app.localizer
        let s = d.summary
        var out: [DetailLine] = [
            .heading(s.code + "  ·  " + t(s.status.labelKey) + (s.priority == .urgent ? "  ·  " + t(s.priority.labelKey) : "")),
            .blank,
            app.field("referral.person", [s.personNameKm, s.personNameLatin].filter { !$0.isEmpty }.joined(separator: " / ")
                + " · " + t(s.sex.labelKey) + " · " + t.count("case.age-years", s.age)),
            app.field("case.place", places.map(app.placeName).joined(separator: " › ")),
        ]
        if let code = d.caseCode { out.append(app.field("referral.case", code)) }
        if let code = d.householdCode { out.append(app.field("referral.household", code)) }
        out += [
            app.field("referral.service", t(s.service.labelKey)),
            app.field("referral.provider", provider?.displayName ?? s.providerNameLatin),
        ]
        if let p = provider {
            var contact = [p.contactPerson, t.digitsForDisplay(p.phone)].filter { !$0.isEmpty }.joined(separator: " · ")
            if let next = p.nextIntake { contact += (contact.isEmpty ? "" : " · ") + t("referral.next-intake", app.dateText(next)) }
            if !contact.isEmpty { out.append(app.field("referral.contact", contact)) }
        }
        out += [
            app.field("referral.reason", d.reason),
            app.field("referral.consent", t(d.consentRecorded ? "answer.yes" : "answer.no")),
            app.field("referral.referred-on", app.longDateText(s.referredOn) + " · " + d.createdByName),
        ]
        if ReferralRules.isWaiting(s.status) {
            out.append(app.field("referrals.waiting",
                           t("referrals.days", t.number(s.daysSinceLastMove(now: app.services.clock.now())))))
        }
        if let reason = d.exitReason, !reason.isEmpty {
            out.append(app.field("referral.exit-reason", ReferralExitReason.text(reason) { t($0) }))
        }
        if let outcome = d.outcome {
            out.append(app.field("referral.outcome", t(outcome.labelKey) + (d.outcomeNotes.isEmpty ? "" : " — " + d.outcomeNotes)))
        }
        out += [.blank, .heading(t("referral.history"))]
        for h in d.history {
            // The day it happened; the day it was recorded too, when later.
            let recorded = LocalDate.today(now: h.at)
            var text = app.dateText(h.effectiveOn)
                + (recorded != h.effectiveOn ? " (" + t("referral.recorded-on", app.dateText(recorded)) + ")" : "")
                + " · " + h.byName + " · "
                + (h.from.map { t($0.labelKey) + " → " } ?? "") + t(h.to.labelKey)
            var note = h.note
            if note.hasPrefix("["), let close = note.firstIndex(of: "]"),
               let outcome = ReferralOutcome(rawValue: String(note[note.index(after: note.startIndex)..<close])) {
                text += " · " + t(outcome.labelKey)
                note = String(note[note.index(after: close)...]).trimmingSpaces()
            }
            // A move that ended the referral stores its reason's code first
            // ("found-work — note"): said by its label.
            let reason = note.components(separatedBy: " — ").first ?? note
            if let code = ReferralExitReason(rawValue: reason) {
                note = t(code.labelKey) + note.dropFirst(reason.count)
            }
            if !note.isEmpty { text += " — " + note }
            out.append(.item(text))
        }
        return out
    }
}
