import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import ReportWriters
import Terminal

/// A report on screen: its tables, notes and bar charts, and its footer,
/// scrolled down and sideways (tables wider than the terminal keep their
/// columns lined up). F4 and F5 step to the period before or after, F7
/// draws the bars in plain characters, F8 writes it to a file
/// (coordinators). The words follow the language (F6).
@MainActor
final class ReportViewScreen: Screen {
    var titleKey: String { "report." + request.kind.rawValue }
    let session: Session
    private(set) var request: ReportRequest
    private(set) var report: Report?
    private let pane = TextPane()
    private var plainBars = false
    /// Told the period each time F4 or F5 steps to another.
    private let onStep: (ReportPeriod) -> Void

    init(app: App, session: Session, request: ReportRequest, onStep: @escaping (ReportPeriod) -> Void = { _ in }) {
        self.session = session
        self.request = request
        self.onStep = onStep
        load(app: app)
    }

    /// Counts the report again for the current request.
    private func load(app: App) {
        do {
            report = try app.services.reports.make(session, request)
        } catch {
            report = nil
            app.report(error)
        }
    }

    private func step(_ period: ReportPeriod, app: App) {
        request.period = period
        onStep(period)
        load(app: app)
        _ = pane.handle(.home)
    }

    func bindings(app: App) -> [KeyBinding] {
        [KeyBinding(.function(4), label: "key.earlier", help: "help.report-earlier") { [unowned self, unowned app] in
            self.step(self.request.period.previous(), app: app)
         },
         KeyBinding(.function(5), label: "key.later", help: "help.report-later") { [unowned self, unowned app] in
            self.step(self.request.period.next(), app: app)
         }.enabled(request.period.end < app.services.clock.today, otherwise: "report.no-later"),
         KeyBinding(.function(7), label: plainBars ? "key.block-bars" : "key.plain-bars", help: "help.plain-bars",
                    inBar: false) {
            [unowned self] in self.plainBars.toggle()
         },
         KeyBinding(.function(8), label: "key.export", help: "help.export-report") { [unowned self, unowned app] in
            self.export(app: app)
         }.enabled(session.may(.exportData) && report != nil, otherwise: session.may(.exportData) ? nil : "report.coordinators-export"),
         KeyBinding(.right, label: "key.sideways", help: "help.sideways", inBar: false),
         CommonBindings.scroll]
    }

    func handleInput(_ key: Key, app: App) -> Bool { pane.handle(key) }

    /// F8: the file's name says which report and period; its ending picks
    /// the format (.xlsx, .csv, .md or .txt).
    private func export(app: App) {
        guard let report else { return }
        let office = report.officeCode.isEmpty ? "" : "-" + report.officeCode
        let name = "komar-report-\(report.request.kind.rawValue)\(office)-\(report.request.period).xlsx"
        app.push(ExportScreen(
            app: app, titleKey: "report.export-title",
            what: { [unowned app] in
                app.localizer("report.export-what", app.localizer(report.request.kind.labelKey),
                              ReportWords(app.localizer).period(report.request.period))
            },
            fileName: name.replacingOccurrences(of: "..", with: "_"), doneKey: "report.export-done",
            check: { url in ReportFormat(path: url.path) == nil ? "report.export-ending" : nil }
        ) { [unowned self, unowned app] url, _ in
            let format = ReportFormat(path: url.path) ?? .xlsx
            try app.services.reports.export(self.session, report, data: try format.data(report, ReportWords(app.localizer)),
                                            format: format.rawValue, to: url)
            return report.tables.count
        })
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        guard let report else {
            canvas.put(app.localizer("report.unavailable"), row: area.row + 1, col: 2, style: .error, maxWidth: area.width - 4)
            return
        }
        let text = TextReport(words: ReportWords(app.localizer), blocks: !plainBars, chartWidth: area.width - 4)
        let lines = text.labelledLines(report)
        let headings = Set(report.tables.map { ReportWords(app.localizer).text($0.title) })
        let rect = Rect(row: area.row + 1, col: 2, width: area.width - 3, height: area.height - 1)
        // A table or chart (a run of lines with row labels) wider than the screen scrolls sideways, keeping its
        // labels; one that fits stays put, as do titles, notes and the footer, which are wrapped to the screen.
        var fits = Array(repeating: true, count: lines.count)
        var start = 0
        while start < lines.count {
            var end = start
            while end < lines.count && lines[end].labelWidth > 0 { end += 1 }
            if end > start {
                let wide = lines[start..<end].contains { DisplayWidth.of($0.text) > rect.width }
                for i in start..<end { fits[i] = !wide }
            }
            start = end + 1
        }
        pane.lines = lines.enumerated().flatMap { i, line in
            let style: TextStyle = i == 0 || headings.contains { line.text.hasPrefix($0) } ? .heading : .plain
            guard line.labelWidth == 0 else {
                return [TextPane.Line(line.text, style: style, frozen: line.labelWidth, scrolls: !fits[i],
                                      columnStarts: line.columnStarts)]
            }
            return wrapWords(line.text, width: rect.width).map { TextPane.Line($0, style: style, scrolls: false) }
        }
        pane.render(into: &canvas, at: rect, focused: true, env: app.widgetEnvironment)
        // A table wider than the screen says so above the report, where the eye starts.
        if pane.contentWidth > rect.width {
            let hint = app.localizer("report.more-columns")
            canvas.put(hint, row: area.row, col: max(2, area.col + area.width - 2 - DisplayWidth.of(hint)),
                       style: .muted, maxWidth: area.width - 4)
        }
    }
}
