import CaseDomain
import CaseStore
import Foundation
import Terminal

/// For admins: the audit log, newest first, in the user's language;
/// whether its hash chain holds, and its seal (to copy outside the file,
/// so a later check can catch truncation or a recomputed chain). F5
/// filters by user, action, record code and dates; F8 exports what is
/// shown to CSV; F4 acknowledges the warning that the audit triggers were
/// missing.
@MainActor
final class AuditLogScreen: ListScreen {
    let titleKey = "audit.title"
    private let session: Session
    let list: RecordList<AuditEntry>
    private var filter = AuditFilter()
    private var brokenRow: Int64?
    /// Backup seals the log no longer matches.
    private var unmatchedSeals = 0
    /// Backup seals of the history a restore replaced: said, not a warning.
    private var replacedSeals = 0
    private var seal: AuditSeal?
    private var alert: Date?
    /// Usernames of accounts that differ from what the log recorded.
    private var accountsChangedOutside: [String] = []
    private var count = 0

    init(app: App, session: Session) {
        self.session = session
        list = RecordList(app: app, columns: [
            TableColumn("audit.when", width: 14), TableColumn("audit.who", width: 12),
            TableColumn("audit.action", width: 18), TableColumn("audit.summary", width: 10, flexible: true),
        ], searchable: false, cells: { [unowned app] e in
            [app.shortDateTimeText(e.at), e.username.isEmpty ? "—" : e.username, AuditLogScreen.actionText(e.action, app),
             AuditLogScreen.details(e, app)]
        })
        list.load { [unowned self, unowned app] _, last, limit in
            try app.services.audit.recent(session, filter: self.filter, before: last?.id, limit: limit)
        }
        check(app)
    }

    static func actionText(_ raw: String, _ app: App) -> String {
        app.localizer.table.text("audit-action." + raw, app.localizer.language) ?? raw
    }

    /// The summaries Komar writes itself, by their string-table key; others
    /// (codes, file names, "old → new") are shown as written.
    private static let summaryKeys = [
        "unknown account": "unknown-account", "wrong password": "wrong-password", "locked": "locked",
        "disabled": "disabled", "wrong password; locked": "wrong-password-locked", "disabled; locked": "disabled-locked",
        "idle": "idle", "another user logged in at the lock": "handed-over",
        "account disabled or role changed": "session-ended", "database restored": "database-restored", "refused: role": "refused-role",
        "refused: password must be changed": "refused-reset", "first-run setup": "first-run-setup",
        "demo database": "demo-database", "changed outside Komar": "account-changed",
    ]

    /// An event's record and summary in the user's language.
    static func details(_ e: AuditEntry, _ app: App) -> String {
        [entityText(e, app), summaryText(e, app)].filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func entityText(_ e: AuditEntry, _ app: App) -> String {
        e.entity.isEmpty ? "" : app.localizer.table.text("audit-entity." + e.entity, app.localizer.language) ?? e.entity
    }

    /// The summary in the user's language: Komar's own summaries by their
    /// key; in others, the codes of the record's kind (statuses, roles,
    /// risk levels) by their labels, and the rest as written.
    static func summaryText(_ e: AuditEntry, _ app: App) -> String {
        let t = app.localizer
        if let key = summaryKeys[e.summary], let text = t.table.text("audit-summary." + key, t.language) { return text }
        let codes = codeLabels[e.entity] ?? [:]
        guard !codes.isEmpty else { return e.summary }
        var summary = e.summary
        for (phrase, key) in phraseLabels[e.entity] ?? [] { summary = summary.replacingOccurrences(of: phrase, with: t(key)) }
        let words = summary.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        return words.indices.map { i in
            let bare = words[i].trimmingCharacters(in: CharacterSet(charactersIn: ",;:()"))
            guard let key = codes[bare], !isName(bare, at: i, in: words, entity: e.entity) else { return words[i] }
            return words[i].replacingOccurrences(of: bare, with: t(key))
        }.joined(separator: " ")
    }

    /// A user's summary begins with their username, which may spell a role
    /// ("admin"): there a role code is a role only after "role" or beside
    /// an arrow ("role admin", "volunteer → admin").
    private static func isName(_ word: String, at i: Int, in words: [String], entity: String) -> Bool {
        guard entity == "user", Role(rawValue: word) != nil else { return false }
        let afterMarker = i > 0 && ["role", "→"].contains(words[i - 1])
        let beforeArrow = i + 1 < words.count && words[i + 1] == "→"
        return !afterMarker && !beforeArrow
    }

    /// The codes a summary of each kind of record may hold, by raw value,
    /// and the words that name them.
    private static let codeLabels: [String: [String: String]] = {
        func labels<C: CodeList>(_ list: C.Type) -> [String: String] {
            Dictionary(uniqueKeysWithValues: C.allCases.map { ($0.rawValue, $0.labelKey) })
        }
        let risk = labels(RiskLevel.self).merging(["risk": "audit-word.risk"]) { first, _ in first }
        return [
            "referral": labels(ReferralStatus.self),
            "case": labels(CaseStatus.self).merging(risk) { first, _ in first }
                .merging(labels(ClosureReason.self)) { first, _ in first },
            "user": labels(Role.self).merging(["role": "audit-word.role"]) { first, _ in first },
            "follow-up": risk.merging(labels(FollowUpOutcomeKind.self)) { first, _ in first },
            "backup": Dictionary(uniqueKeysWithValues: ["daily", "quit", "manual", "before-restore"].map { ($0, "audit-word.kind-" + $0) })
                .merging(["seal": "audit-word.seal"]) { first, _ in first },
        ]
    }()

    /// Phrases of Komar's own summaries of a kind of record, said before
    /// their words are.
    private static let phraseLabels: [String: [(String, String)]] = [
        "backup": [("(other disk)", "audit-word.other-disk"), ("previous file kept as", "audit-word.previous-kept")],
        "case": [("assigned to", "audit-word.assigned-to"), ("(was", "audit-word.was")],
    ]

    /// Walks the chain and reads the seal, the alert and the count again.
    private func check(_ app: App) {
        do {
            // The seals copied into the backups' manifests catch a log cut
            // short or re-sealed since.
            let backups = app.services.backups.entries
            let verification = try app.services.audit.verify(session, backups: backups)
            brokenRow = verification.firstBrokenRow
            unmatchedSeals = verification.unmatchedSeals.count
            replacedSeals = verification.replacedByRestore.count
            alert = verification.triggersMissingSince
            accountsChangedOutside = verification.accountsChangedOutside.map(\.username)
            seal = try app.services.audit.seal(session)
            recount(app)
        } catch { app.report(error) }
    }

    func recount(_ app: App) {
        do { count = try app.services.audit.count(session, filter: filter) } catch { app.report(error) }
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(4), label: "key.acknowledge", help: "help.acknowledge-alert") { [unowned self, unowned app] in
            do {
                try app.services.audit.clearAlert(self.session)
                self.check(app)
                self.list.reload(keepingSelection: false)
            } catch { app.report(error) }
         }.enabled(alert != nil),
         KeyBinding(.function(5), label: "key.filter", help: "help.filter-audit") { [unowned self, unowned app] in
            app.push(AuditFilterScreen(app: app, current: self.filter) { [unowned self, unowned app] newFilter in
                self.filter = newFilter
                self.list.reload(keepingSelection: false)
                self.recount(app)
            })
         },
         KeyBinding(.function(8), label: "key.export", help: "help.export-audit") { [unowned self, unowned app] in
            let t = app.localizer
            let filter = self.filter
            let session = self.session
            let count = self.count
            app.push(ExportScreen(app: app, titleKey: "audit.export-title",
                                  what: { [unowned app] in app.localizer("audit.export-what", app.localizer.number(count)) },
                                  fileName: ExportScreen.fileName("audit", app: app), doneKey: "audit.exported") { url, _ in
                try app.services.audit.export(session, filter: filter, to: url) { key in
                    key.hasPrefix("audit-action.") ? AuditLogScreen.actionText(String(key.dropFirst(13)), app) : t(key)
                }
            })
         },
         list.openBinding(help: "help.open-audit-event") { [unowned app] event in app.push(AuditEventScreen(event: event)) },
         CommonBindings.scroll]
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        var row = area.row
        var warnings: [(String, TextStyle)] = []
        if let alert { warnings.append((t("audit.alert", app.dateTimeText(alert)), .error)) }
        if unmatchedSeals > 0 { warnings.append((t("audit.seal-mismatch", t.number(unmatchedSeals)), .error)) }
        if let brokenRow {
            warnings.append((t("audit.broken", t.number(Int(brokenRow))), .error))
        } else if unmatchedSeals == 0 {
            warnings.append((t("audit.intact"), .muted))
        }
        if replacedSeals > 0 { warnings.append((t.count("audit.replaced-by-restore", replacedSeals), .muted)) }
        if !accountsChangedOutside.isEmpty {
            warnings.append((t.count("home.accounts-changed-outside", accountsChangedOutside.count,
                                     accountsChangedOutside.joined(separator: ", ")), .error))
        }
        for (text, style) in warnings {
            for line in wrapWords(text, width: area.width - 2).prefix(2) {
                canvas.put(line, row: row, col: 1, style: style)
                row += 1
            }
        }
        row -= 1
        if let seal {
            canvas.put(t("audit.seal", seal.description), row: row + 1, col: 1, style: .heading,
                       maxWidth: area.width - 2)
        }
        let described = AuditFilterScreen.describe(filter, app: app)
        let heading = described.isEmpty ? t.count("audit.count", count)
                                        : t.count("audit.count-filtered", count, described)
        list.render(into: &canvas, area: Rect(row: row + 2, col: area.col, width: area.width, height: area.bottom - row - 2),
                    app: app, heading: (heading, .muted), empty: t("audit.empty"))
    }
}
