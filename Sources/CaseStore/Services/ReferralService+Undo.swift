import CaseDomain
import Foundation
import GRDB

extension ReferralService {
    /// Takes back a referral's last move, a status picked by mistake; only
    /// its maker may, within `ReferralRules.undoDays`
    /// (walk-through: Dropped out chosen for Enrolled could never be put
    /// right, and the donors' report counted it). The move leaves the
    /// history, as if never made, so the report's days and counts are the
    /// referral's real ones; the audit log keeps both the move and its
    /// undoing, with who did each. What the move wrote goes with it: the
    /// reason it ended, the outcome, and for a send, the day referred.
    public func undoLastMove(_ session: Session, referralId: Int64, expectedVersion: Int) throws {
        try session.require(.manageReferrals)
        let now = store.now
        try store.write { db in
            guard var referral = try ReferralRecord.fetchOne(db, key: referralId) else { throw StoreError.notFound }
            guard referral.version == expectedVersion else { throw StoreError.changedElsewhere }
            let moves = try ReferralTransitionRecord
                .filter(Column("referral_id") == referralId).order(Column("id").desc).limit(2).fetchAll(db)
            guard let last = moves.first, let from = last.fromStatus, last.toStatus == referral.status,
                  let before = moves.dropFirst().first else { throw ReferralMoveRejected(issues: [.to: "error.nothing-to-undo"]) }
            if let why = ReferralRules.whyNotUndo(isCreation: false, madeBy: last.byUser, at: last.at,
                                                  by: session.user.id, now: now) {
                throw ReferralMoveRejected(issues: [.to: why])
            }
            let undone = referral.status
            referral.status = from
            // Waiting counts from the day the move before happened, as `move` set it.
            let recordedOn = LocalDate.today(now: before.at)
            let daysBack = before.effectiveOn.flatMap(LocalDate.init(iso:)).map { max(0, $0.days(until: recordedOn)) } ?? 0
            referral.statusChangedAt = before.at.addingTimeInterval(-Double(daysBack) * 86_400)
            referral.finished = ReferralRules.isFinal(from)
            if [.declined, .droppedOut, .cancelled].contains(undone) { referral.exitReason = nil }
            if undone == .completed {
                referral.outcome = nil
                referral.outcomeNotes = ""
            }
            if from == .draft {
                // A draft counts from no day: it goes back to the day it was made.
                referral.referredOn = before.effectiveOn ?? LocalDate.today(now: before.at).iso
            }
            referral.updatedAt = now
            referral.version += 1
            try referral.update(db)
            _ = try last.delete(db)
            if let caseId = referral.caseId {
                try CaseEvents.add(db, caseId: caseId, at: now, by: session.user.id, kind: .referral, statusTo: nil,
                                   reason: from.rawValue, note: referral.code)
            }
            try store.audit(db, session, .statusChange, entity: "referral", id: referralId,
                            summary: "\(referral.code) \(undone.rawValue) → \(from.rawValue) (move undone)")
        }
    }
}
