import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import Terminal

/// Where a user lands after login: who they are, their numbers, and a menu
/// of what their role may do. F10 here quits, once the user says yes.
@MainActor
final class HomeScreen: Screen {
    let titleKey = "home.title"
    private let session: Session
    private let menu = Menu()
    private var caseCount: Int?
    private var waitingForReview = 0
    private var followUpsDue = 0
    /// Work waiting, twelve months of new cases and referrals, locked
    /// accounts: as much as the role may see.
    private var dashboard: Dashboard?
    /// For admins: the audit log's seal, and the warning that its triggers
    /// were missing, if they were.
    private var seal: AuditSeal?
    private var auditAlert: Date?
    /// Usernames of accounts changed outside Komar (admins).
    private var accountsChangedOutside: [String] = []
    private var backupStatus: BackupStatus?
    /// For admins: where the audit chain is broken, checked once at login
    /// (it reads the whole log).
    private var brokenAuditRow: Int64?
    /// Head office's admins also get the Offices screen.
    private var isHeadOffice = false
    /// Forms this user kept for later or left in a closed terminal: the
    /// menu opens them again without waiting for the next login.
    private var unsavedForms: [Draft] = []

    init(app: App, session: Session) {
        self.session = session
        menu.onChoose = { [unowned self, unowned app] id in self.choose(id, app) }
        if session.may(.readAudit) {
            do { brokenAuditRow = try app.services.audit.firstBrokenRow(session) } catch { app.report(error) }
        }
        refresh(app)
    }

    /// Counts are read when the screen opens and when the user comes back
    /// to it, not on every keystroke.
    private func refresh(_ app: App) {
        do {
            if session.may(.viewOwnCases) { caseCount = try app.services.cases.countCases(session) }
            if session.may(.assignCase) { waitingForReview = try app.services.cases.countReviewQueue(session) }
            let dashboard = try app.services.dashboard.dashboard(session)
            self.dashboard = dashboard
            followUpsDue = (dashboard.overdueVisits ?? 0) + (dashboard.visitsDueToday ?? 0)
            if session.may(.readAudit) {
                seal = try app.services.audit.seal(session)
                auditAlert = try app.services.audit.triggersMissingSince(session)
                accountsChangedOutside = try app.services.audit.accountsChangedOutside(session).map(\.username)
            }
            if session.may(.manageSettings) { isHeadOffice = try app.services.offices.identity()?.kind == .headOffice }
            unsavedForms = try app.services.drafts.unsaved(session, terminal: app.drafts.terminal)
            if session.may(.backupRestore), app.services.backups.folder != nil {
                backupStatus = try app.services.backups.status(session)
            }
        } catch { app.report(error) }
    }

    func didReturn(app: App) { refresh(app) }

    private func menuItems(_ app: App) -> [Menu.Item] {
        var items: [Menu.Item] = []
        if session.may(.createIntake) { items.append(Menu.Item(id: "intake", label: app.localizer("home.new-intake"))) }
        if session.may(.assignCase) {
            items.append(Menu.Item(id: "review",
                                   label: app.localizer("home.review", app.localizer.number(waitingForReview))))
        }
        if session.may(.recordFollowUp) {
            let t = app.localizer
            let overdue = dashboard?.overdueVisits ?? 0
            items.append(Menu.Item(id: "followups", label: overdue > 0
                ? t("home.followups-overdue", t.number(followUpsDue), t.number(overdue))
                : t("home.followups", t.number(followUpsDue))))
        }
        if session.may(.viewOwnCases) {
            items.append(Menu.Item(id: "cases", label: app.localizer("home.cases")))
            items.append(Menu.Item(id: "households", label: app.localizer("home.households")))
        }
        if session.may(.manageReferrals) {
            let waiting = dashboard?.referralsWaiting ?? 0
            items.append(Menu.Item(id: "referrals", label: waiting > 0
                ? app.localizer("home.referrals-waiting", app.localizer.number(waiting),
                                app.localizer.number(DashboardService.waitingDays))
                : app.localizer("home.referrals")))
        }
        if session.may(.readReports) { items.append(Menu.Item(id: "reports", label: app.localizer("home.reports"))) }
        if session.may(.manageUsers) { items.append(Menu.Item(id: "users", label: app.localizer("home.users"))) }
        if session.may(.readAudit) { items.append(Menu.Item(id: "audit", label: app.localizer("home.audit"))) }
        if session.may(.manageSettings) {
            items.append(Menu.Item(id: "settings", label: app.localizer("home.settings")))
        }
        if session.may(.backupRestore) { items.append(Menu.Item(id: "backups", label: app.localizer("home.backups"))) }
        if session.may(.manageSettings), isHeadOffice {
            items.append(Menu.Item(id: "offices", label: app.localizer("home.offices")))
        }
        if session.may(.readProviders) {
            items.append(Menu.Item(id: "providers", label: app.localizer("home.providers")))
        }
        items.append(Menu.Item(id: "password", label: app.localizer("home.password")))
        items.append(Menu.Item(id: "logout", label: app.localizer("home.logout")))
        return items
    }

    private func choose(_ id: String, _ app: App) {
        switch id {
        case "intake": IntakeScreen.openNew(app, session)
        case "cases": app.push(CaseListScreen(app: app, session: session))
        case "review": app.push(ReviewQueueScreen(app: app, session: session))
        case "followups": app.push(FollowUpQueueScreen(app: app, session: session))
        case "households": app.push(HouseholdListScreen(app: app, session: session))
        case "referrals": app.push(ReferralListScreen(app: app, session: session))
        case "providers": app.push(ProviderListScreen(app: app, session: session))
        case "reports": app.push(ReportsScreen(app: app, session: session))
        case "users": app.push(UserListScreen(app: app, session: session))
        case "audit": app.push(AuditLogScreen(app: app, session: session))
        case "password": app.push(ChangePasswordScreen(app: app, session: session, forced: false))
        case "backups": app.push(BackupListScreen(app: app, session: session))
        case "settings": app.push(SettingsScreen(app: app, session: session))
        case "offices": app.push(OfficesScreen(app: app, session: session))
        case "logout": app.logOut()
        default: break
        }
    }

    /// Unsaved forms are a key of their own, not a menu item: an eleventh
    /// item would have no number, and no other item's number moves while
    /// forms wait.
    func bindings(app: App) -> [KeyBinding] {
        [
            KeyBinding(.enter, label: "key.open", help: "help.menu", inBar: false),
            KeyBinding(.function(4), label: "key.unsaved", help: "help.home-unsaved") { [unowned self, unowned app] in
                app.push(UnsavedFormsScreen(app: app, session: session, drafts: unsavedForms))
            }.enabled(!unsavedForms.isEmpty, otherwise: "home.no-unsaved"),
        ]
    }

    /// The menu takes ↑ ↓, Enter and the item numbers.
    func handleInput(_ key: Key, app: App) -> Bool {
        menu.items = menuItems(app)
        return menu.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let user = session.user
        let t = app.localizer
        canvas.put(t("home.welcome", user.displayName), row: area.row + 1, col: 2, style: .heading)
        canvas.put(t("home.role", t(user.role.labelKey)), row: area.row + 2, col: 2, style: .muted)
        // Under the greeting: the case count for workers; for admins the
        // audit seal and any warning about the audit log or the backups.
        var notices: [(String, TextStyle)] = []
        if let caseCount { notices.append((t("home.case-count", t.number(caseCount)), .plain)) }
        if !unsavedForms.isEmpty { notices.append((t.count("home.unsaved", unsavedForms.count), .warning)) }
        if let seal { notices.append((t("audit.seal", seal.description), .muted)) }
        if let locked = dashboard?.lockedAccounts, locked > 0 {
            notices.append((t.count("home.locked-accounts", locked), .warning))
        }
        if let newest = backupStatus?.newestVerified {
            notices.append((t("home.newest-backup", app.dateTimeText(newest)), .muted))
        }
        if let auditAlert { notices.append((t("audit.alert", app.dateTimeText(auditAlert)), .error)) }
        if !accountsChangedOutside.isEmpty {
            notices.append((t.count("home.accounts-changed-outside", accountsChangedOutside.count,
                                    accountsChangedOutside.joined(separator: ", ")), .error))
        }
        if let brokenAuditRow { notices.append((t("audit.broken", t.number(Int(brokenAuditRow))), .error)) }
        if let backupStatus {
            let now = app.services.clock.now()
            if backupStatus.backupIsStale(now: now) {
                notices.append((app.staleBackupWarning(backupStatus), .warning))
            }
            if backupStatus.externalCopyIsStale(now: now) {
                notices.append((app.externalCopyWarning(backupStatus), .warning))
            }
        }
        var row = area.row + 3
        for notice in notices {
            for line in wrapWords(notice.0, width: area.width - 4).prefix(2) {
                canvas.put(line, row: row, col: 2, style: notice.1)
                row += 1
            }
        }
        let top = max(row, area.row + 4) + 1
        menu.items = menuItems(app)
        menu.render(into: &canvas, at: Rect(row: top, col: 2, width: min(50, area.width - 4), height: menu.items.count),
                    focused: true, env: app.widgetEnvironment)
        // The year in bars: beside the menu on a wide terminal; under it
        // otherwise, where it takes the hint's place when both do not fit.
        let lines = dashboard.map { $0.months.isEmpty ? [] : MonthBars.lines($0.months, t) } ?? []
        let menuEnd = top + menu.items.count
        let hintFits = menuEnd + 1 < area.bottom
        let chartBesideMenu = area.width >= 110
        let chartFitsWithHint = menuEnd + 3 + lines.count <= area.bottom
        let chartFitsAlone = menuEnd + 1 + lines.count <= area.bottom
        let showHint = hintFits && (chartBesideMenu || lines.isEmpty || chartFitsWithHint || !chartFitsAlone)
        if showHint {
            canvas.put(t("home.hint"), row: menuEnd + 1, col: 2, style: .muted, maxWidth: area.width - 4)
        }
        guard !lines.isEmpty else { return }
        let chartRow = chartBesideMenu ? top : menuEnd + (showHint ? 3 : 1)
        let chartCol = chartBesideMenu ? 56 : 2
        guard chartBesideMenu || chartFitsAlone else { return }
        for (i, line) in lines.enumerated() {
            canvas.put(line, row: chartRow + i, col: chartCol, style: i == lines.count - 1 ? .muted : .plain,
                       maxWidth: area.width - chartCol - 2)
        }
    }
}

/// Twelve months of new cases and referrals as one line of bars each
/// (▁ to █, the tallest month full height), with the year's total and its
/// female share, and a line naming the months.
enum MonthBars {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func lines(_ months: [Dashboard.Month], _ t: Localizer) -> [String] {
        func bars(_ values: [Int]) -> String {
            let top = max(1, values.max() ?? 1)
            return String(values.map { $0 == 0 ? " " : levels[min(7, ($0 * 8 - 1) / top)] })
        }
        func total(_ tally: Tally) -> String {
            let share = tally.total > 0 ? tally.female * 100 / tally.total : 0
            return t("home.chart-total", t.number(tally.total), t.number(tally.female), t.number(share))
        }
        let cases = months.map(\.cases), referrals = months.map(\.referrals)
        let labels = [t("home.chart-cases"), t("home.chart-referrals")]
        let width = labels.map { DisplayWidth.of($0) }.max() ?? 0
        guard let first = months.first, let last = months.last else { return [] }
        return [
            TextFit.pad(labels[0], to: width) + "  " + bars(cases.map(\.total)) + "  " + total(cases.reduce(Tally(), +)),
            TextFit.pad(labels[1], to: width) + "  " + bars(referrals.map(\.total)) + "  "
                + total(referrals.reduce(Tally(), +)),
            String(repeating: " ", count: width + 2) + t("home.chart-months",
                t("month.\(first.month)") + " " + t.digitsForDisplay(String(first.year)),
                t("month.\(last.month)") + " " + t.digitsForDisplay(String(last.year))),
        ]
    }
}
