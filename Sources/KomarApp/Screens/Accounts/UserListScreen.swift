import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: every account with its role and whether it is active,
/// locked after failed logins or waiting for a new password. F7 adds a
/// user; Enter opens one to change its role, disable, unlock or reset it.
@MainActor
final class UserListScreen: ListScreen {
    let titleKey = "users.title"
    private let session: Session
    let list: RecordList<UserSummary>

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("users.username", width: 14), TableColumn("users.name", width: 16, flexible: true),
            TableColumn("users.role", width: 16), TableColumn("users.status", width: 18, flexible: true),
        ], searchable: false, cells: { [unowned app] user in
            [user.account.username, user.account.displayName, app.localizer(user.account.role.labelKey),
             UserListScreen.status(user, app)]
        })
        list.load { [unowned app] _, last, _ in
            guard last == nil else { return [] }
            return try app.services.accounts.users(session)
        }
    }

    /// Changed outside Komar, disabled, locked until a time, must change
    /// password, or active.
    static func status(_ user: UserSummary, _ app: App) -> String {
        let t = app.localizer
        if user.changedOutside != nil { return t("users.changed-outside") }
        if !user.account.isActive { return t("users.disabled") }
        if let until = user.lockedUntil { return t("users.locked-until", app.shortDateTimeText(until)) }
        if user.account.mustChangePassword { return t("users.must-change") }
        return t("users.active")
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(7), label: "key.new", help: "help.new-user") { [unowned self, unowned app] in
            app.push(UserFormScreen(app: app, session: self.session, user: nil))
         },
         list.openBinding { [unowned self, unowned app] user in
            app.push(UserFormScreen(app: app, session: self.session, user: user))
         },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        list.render(into: &canvas, area: area, app: app, heading: (app.localizer("users.hint"), .muted), empty: "")
    }
}
