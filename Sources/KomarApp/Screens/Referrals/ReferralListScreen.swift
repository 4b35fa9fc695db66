import CaseDomain
import CaseStore
import Foundation
import Localization
import KhmerText
import Terminal

/// The coordinator's referral list: counts per status on top, filters
/// (F5), open referrals first with the longest waiting on top, so stuck
/// ones surface. Enter opens a referral; coming back keeps the place in
/// the list. F8 exports the list as CSV.
@MainActor
final class ReferralListScreen: ListScreen {
    let titleKey = "referrals.title"
    private let session: Session
    let list: RecordList<ReferralSummary>
    private var counts: [ReferralStatus: Int] = [:]
    private var filter: ReferralFilter
    /// The filter in words, and the language they are in (made again after F6).
    private var filterWords: (language: Language, text: String)?

    init(app: App, session: Session, filter: ReferralFilter = ReferralFilter()) {
        self.session = session
        self.filter = filter
        list = RecordList(app: app, columns: [
            TableColumn("referrals.code", width: 13 + app.officeCodeColumns),
            TableColumn("referrals.person", width: 10, flexible: true),
            TableColumn("cases.sex", width: 4),
            TableColumn("cases.age", width: 3, alignment: .right),
            TableColumn("referrals.service", width: 8, flexible: true),
            TableColumn("referrals.provider", width: 8, flexible: true),
            TableColumn("referrals.status", width: 11),
            TableColumn("referrals.waiting", width: 7, alignment: .right),
        ], searchable: true, cells: { [unowned app] r in
            let t = app.localizer
            let waiting = ReferralRules.isWaiting(r.status)
            let days = !waiting ? "" : t("referrals.days", t.number(r.daysSinceLastMove(now: app.services.clock.now())))
            // Urgency is marked while the referral waits on someone; once
            // it is finished, the status says all.
            return [r.code, app.name(km: r.personNameKm, latin: r.personNameLatin), t(r.sex.shortLabelKey),
                    t.digitsForDisplay(String(r.age)), t(r.service.labelKey),
                    app.name(km: r.providerName, latin: r.providerNameLatin),
                    (r.priority == .urgent && waiting ? "! " : "") + t(r.status.labelKey), days]
        })
        list.load { [unowned self, unowned app] text, last, limit in
            var filter = self.filter
            filter.text = text
            return try app.services.referrals.list(session, filter: filter, after: last.map(ReferralCursor.init(after:)),
                                                   limit: limit)
        }
        list.onSearch = { [unowned self, unowned app] in self.recount(app) }
        recount(app)
    }

    /// The filter with what is typed in the search box: what the list,
    /// its counts and F8's export all read.
    private var shown: ReferralFilter {
        var shown = filter
        shown.text = list.text
        return shown
    }

    func recount(_ app: App) {
        do { counts = try app.services.referrals.countsByStatus(session, filter: shown) } catch { app.report(error) }
        filterWords = nil
    }

    private var total: Int { filter.status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +) }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(5), label: "key.filter", help: "help.filter-referrals") { [unowned self, unowned app] in
            app.push(ReferralFilterScreen(app: app, session: self.session, current: self.filter) {
                [unowned self, unowned app] newFilter in
                self.filter = newFilter
                self.list.reload(keepingSelection: false)
                self.recount(app)
            })
         },
         KeyBinding(.function(8), label: "key.export", help: "help.export") { [unowned self, unowned app] in
            app.push(ReferralListScreen.exportScreen(app: app, session: self.session, filter: self.shown,
                                                     total: self.total))
         }.enabled(session.may(.exportData)),
         list.openBinding { [unowned self, unowned app] r in
            app.push(ReferralViewScreen(app: app, session: self.session, referralId: r.id))
         },
         CommonBindings.scroll]
    }

    /// The referrals as filtered, to CSV; place names in the user's
    /// language.
    static func exportScreen(app: App, session: Session, filter: ReferralFilter, total: Int) -> ExportScreen {
        let t = app.localizer
        return ExportScreen(app: app, titleKey: "export.title",
                            what: { [unowned app] in app.localizer("export.what", app.localizer.number(total)) },
                            fileName: ExportScreen.fileName("referrals", app: app), doneKey: "export.done") { url, progress in
            try app.services.referrals.export(session, filter: filter, to: url, khmerPlaceNames: t.language == .km,
                                              label: { t($0) }, progress: progress)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        // Counts per status, wrapping onto a second line on narrow terminals.
        var col = 1
        var line = area.row
        for status in ReferralStatus.allCases {
            let text = t(status.labelKey) + " " + t.number(counts[status] ?? 0)
            let width = DisplayWidth.of(text)
            if col + width > area.width - 1 {
                guard line == area.row else { break }
                line += 1
                col = 1
            }
            canvas.put(text, row: line, col: col, style: filter.status == status ? .heading : .muted)
            col += width + 2
        }
        var heading = t.count("referrals.count", total)
        if !filter.isEmpty {
            if filterWords?.language != t.language {
                filterWords = (t.language, ReferralFilterScreen.describe(filter, session: session, app: app))
            }
            // What narrows the list comes first: the words about the order are the ones cut at 80 columns.
            heading = t("filter.active", filterWords?.text ?? "") + " · " + heading
        }
        list.render(into: &canvas, area: Rect(row: line + 1, col: area.col, width: area.width,
                                              height: area.bottom - line - 1),
                    app: app, heading: (heading, filter.isEmpty ? .plain : .warning),
                    empty: t(filter.isEmpty ? "referrals.empty" : "filter.none"))
    }
}
