import CaseDomain
import CaseStore
import Foundation
import Terminal

/// Drafts seen from the app: noting every form's state after each key,
/// bringing a draft back when its form opens, offering the ones a closed
/// or crashed terminal left at login, and saying plainly when drafts
/// cannot be written.
extension App {
    /// Notes the draftable forms of `screens` (the stack by default) for
    /// `owner` (the logged-in user by default), and writes them if due.
    func noteDrafts(of screens: [any Screen]? = nil, for owner: Session? = nil) {
        guard let owner = owner ?? (isLocked ? nil : session) else { return }
        for screen in screens ?? stack {
            guard let form = screen as? any DraftableScreen else { continue }
            if form.hasUnsavedChanges {
                drafts.stage(owner, form.draftKey, title: DraftTitle.joined(inEveryLanguage { form.draftTitle($0, app: self) }),
                             payload: form.draftPayload)
            } else {
                drafts.stageDelete(owner, form.draftKey)
            }
        }
        sayDraftState(changed: drafts.flushIfDue())
    }

    /// While drafts cannot be written, the status line says so (unless the
    /// key just said something else); when they can again, it says that.
    func sayDraftState(changed: Bool) {
        if let failure = drafts.failure {
            if status == nil || changed { showError { [unowned self] t in t("draft.not-kept", message(for: failure, in: t)) } }
        } else if changed {
            show(style: .heading) { t in t("draft.kept-again") }
        }
    }

    /// Writes every pending draft now; true when all are written.
    func flushDrafts() -> Bool {
        noteDrafts()
        sayDraftState(changed: drafts.flush())
        return drafts.failure == nil
    }

    /// A draftable form opened: its draft (this terminal's, or one a
    /// closed terminal left) comes back into it.
    func restoreDraft(into screen: any DraftableScreen) {
        guard let session else { return }
        do {
            guard let draft = try services.drafts.load(session, screen.draftKey, terminal: drafts.terminal),
                  screen.restoreDraft(draft.payload, app: self) else { return }
            try services.drafts.adopt(session, draft, terminal: drafts.terminal)
            drafts.remember(session, screen.draftKey, payload: screen.draftPayload)
            show(style: .heading) { t in t("draft.restored") }
        } catch {
            report(error)
        }
    }

    /// The form's record was saved (its draft deleted in that transaction).
    func draftSaved(_ screen: any DraftableScreen) {
        guard let session else { return }
        drafts.forget(session, screen.draftKey)
    }

    /// The reference a save passes so its draft goes in the same transaction.
    func draftRef(_ screen: any DraftableScreen) -> DraftRef { drafts.ref(screen.draftKey) }

    /// The user discarded the form: its draft goes at the next write.
    func discardDraft(of screen: any DraftableScreen) {
        guard let session else { return }
        drafts.stageDelete(session, screen.draftKey)
        drafts.flush()
    }

    /// After login: the forms a closed or crashed terminal left unsaved.
    func offerUnsavedForms(_ session: Session) {
        do {
            let unsaved = try services.drafts.unsaved(session, terminal: drafts.terminal)
            guard !unsaved.isEmpty else { return }
            push(UnsavedFormsScreen(app: self, session: session, drafts: unsaved))
        } catch {
            report(error)
        }
    }
}

extension App {
    /// A draft's title in the user's language.
    func title(of draft: Draft) -> String {
        draft.title.isEmpty ? localizer("draft-kind." + draft.key.kind)
            : DraftTitle.shown(draft.title, labelIndex: localizer.language.labelIndex)
    }
}
