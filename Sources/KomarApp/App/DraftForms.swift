import CaseDomain
import CaseStore
import Foundation

/// Every form that keeps drafts, by its draft's kind: how to open it again
/// on its record from the list of unsaved forms (the draft itself comes
/// back when the form is pushed). Nil when the record is gone or the
/// user may no longer open it.
@MainActor
enum DraftForms {
    static func open(_ draft: Draft, app: App, session: Session) throws -> (any Screen)? {
        let record = draft.key.record
        let id = Int64(record)
        let context = DraftPayload.decode(draft.payload)?.context ?? [:]
        switch draft.key.kind {
        case "intake":
            return IntakeScreen(app: app, session: session, newIntake: record)
        case "case-edit":
            guard let id else { return nil }
            _ = try app.services.cases.editableCase(session, id: id)
            return IntakeScreen(app: app, session: session, editing: id)
        case "case-action":
            guard let id else { return nil }
            return CaseActionScreen(app: app, session: session, detail: try app.services.cases.caseDetail(session, id: id)) {}
        case "visit":
            return DraftContext.decode(FollowUpItem.self, context["item"]).map {
                RecordVisitScreen(app: app, session: session, item: $0)
            }
        case "referral":
            return DraftContext.decode([ReferralFormScreen.Person].self, context["people"]).map {
                // A draft kept before "for" was in each language holds one string.
                ReferralFormScreen(app: app, session: session, people: $0,
                                   for: DraftContext.decode([String].self, context["for"]) ?? [context["for"] ?? ""])
            }
        case "referral-move":
            guard let id else { return nil }
            return ReferralMoveScreen(app: app, session: session, detail: try app.services.referrals.detail(session, id: id))
        case "household":
            return HouseholdFormScreen(app: app, session: session, householdId: id)
        case "member":
            return context["household"].flatMap { Int64($0) }.map {
                MemberFormScreen(app: app, session: session, householdId: $0, memberId: id)
            }
        case "provider":
            let provider = try id.map { try app.services.providers.provider(session, id: $0) }
            return ProviderFormScreen(app: app, session: session, provider: provider)
        case "settings":
            return SettingsScreen(app: app, session: session)
        case "user":
            let user = try id.map { try app.services.accounts.user(session, id: $0) }
            return UserFormScreen(app: app, session: session, user: user)
        default:
            return nil
        }
    }
}
