import CaseDomain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Localization
import Testing
import ZIPFoundation
@testable import ReportWriters

/// The writers give every format the same figures: CSV with a byte-order
/// mark and tallies split into two number columns, Markdown tables, text
/// lined up by display width, and an XLSX read back cell by cell with its
/// Khmer intact.
@Suite struct ReportWritersTests {
    static let report = Report(
        request: ReportRequest(kind: .referrals, period: ReportPeriod.parse("2026-10")!, area: ReportArea(code: "14")!),
        tables: [
            ReportTable(title: .key("report.referrals.needs-served"),
                        columns: [.key("report.column.service"), .key("report.column.referred"), .key("report.column.share")],
                        rows: [[.key(ServiceType.sewing.labelKey), .tally(Tally(total: 1468, female: 493)),
                                .share(part: 1, whole: 3)],
                               [.text(.names(km: "=ស្រីពៅ", latin: "@Srey Pov")), .tally(Tally()),
                                .share(part: 0, whole: 0)]],
                        note: .key("report.note.people-once"), chart: true),
            ReportTable(title: .key("report.cases.time-taken"), columns: [.key("report.column.measure"),
                                                                          .key("report.column.median-days")],
                        rows: [[.key("report.row.report-to-closure"), .days(9.5)]]),
        ],
        organisation: "អង្គការកុមារ", areaNameKm: "ព្រៃវែង", areaNameLatin: "Prey Veng", madeAt: "2026-11-21 12:00",
        madeBy: "vannak", auditSeal: "42:abcdef012345")

    @Test func csvHasABomSplitTalliesAndDefusedFormulas() throws {
        let text = String(decoding: DelimitedReport.csv(Self.report, ReportWords(Localizer(language: .en))), as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("Service,Referred,Referred: female,Share"))
        #expect(lines.contains("Sewing,1468,493,33.3"))
        #expect(lines.contains("'@Srey Pov,0,0,"))
        #expect(lines.contains("Audit seal,42:abcdef012345"))
    }

    @Test func textLinesUpColumnsAndUsesKhmerDigitsInKhmer() throws {
        let words = ReportWords(Localizer(language: .km))
        let lines = TextReport(words: words).lines(Self.report)
        #expect(lines.contains { $0.contains("១,៤៦៨ (៤៩៣)") })
        #expect(lines.contains { $0.contains("ស្រីពៅ") })
        #expect(lines.first == "របាយការណ៍ការបញ្ជូនបន្ត · តុលា ២០២៦ · ព្រៃវែង (១៤)")
        let english = TextReport(words: ReportWords(Localizer(language: .en)), blocks: false).lines(Self.report)
        #expect(english.contains { $0.hasPrefix("Sewing") && $0.contains(" 1,468 (493) ") && $0.hasSuffix("33%") })
        #expect(english.contains { $0.contains("***") && $0.contains("###") }, "plain bars")
        #expect(english.contains("Organisation: អង្គការកុមារ"))
        // When it was made, as dates are written elsewhere: the month named, Khmer digits in Khmer.
        #expect(english.contains { $0.hasPrefix("Made: 21 Nov 2026 12:00") }, "\(english)")
        #expect(lines.contains { $0.contains("២១ វិច្ឆិកា ២០២៦ ១២:០០") }, "\(lines)")
        // A day in a table is written the same way.
        let day = ReportText.date(LocalDate(year: 2026, month: 3, day: 14)!)
        #expect(words.text(day) == "១៤ មីនា ២០២៦")
        #expect(ReportWords(Localizer(language: .en)).text(day) == "14 Mar 2026")
    }

    @Test func markdownHasOneTablePerReportTable() throws {
        let text = String(decoding: DelimitedReport.markdown(Self.report, ReportWords(Localizer(language: .en))),
                          as: UTF8.self)
        #expect(text.contains("| Service | Referred | Share |\n| --- | ---: | ---: |\n| Sewing | 1,468 (493) | 33% |"))
        #expect(text.contains("## Days from report to first visit and to closure"))
        #expect(text.contains("- Audit seal: 42:abcdef012345"))
    }

    /// The cells of one sheet: reference → text or number as written.
    final class SheetReader: NSObject, XMLParserDelegate {
        var cells: [String: String] = [:]
        var frozen = false
        private var ref = ""
        private var text = ""
        private var inValue = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch name {
            case "c": ref = attributes["r"] ?? ""
            case "t", "v":
                inValue = true
                text = ""
            case "pane": frozen = attributes["state"] == "frozen" && attributes["ySplit"] == "1"
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { text += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "t" || name == "v" {
                cells[ref] = text
                inValue = false
            }
        }
    }

    @Test func xlsxReadsBackWithKhmerIntactAndAFrozenHeading() throws {
        let data = try XLSXReport.workbook(Self.report, ReportWords(Localizer(language: .km)))
        let archive = try Archive(data: data, accessMode: .read)
        func part(_ path: String) throws -> Data {
            let entry = try #require(archive[path])
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            return bytes
        }
        let workbook = String(decoding: try part("xl/workbook.xml"), as: UTF8.self)
        #expect(workbook.contains("<sheet name=\"1 តម្រូវការ និងសេវា…\""))
        #expect(workbook.contains("sheetId=\"2\""))
        let reader = SheetReader()
        let parser = XMLParser(data: try part("xl/worksheets/sheet1.xml"))
        parser.delegate = reader
        #expect(parser.parse())
        #expect(reader.frozen)
        #expect(reader.cells["A1"] == "សេវា")
        #expect(reader.cells["C1"] == "បានបញ្ជូនបន្ត៖ ស្រី")
        #expect(reader.cells["A2"] == "កាត់ដេរ")
        #expect(reader.cells["B2"] == "1468")
        #expect(reader.cells["C2"] == "493")
        #expect(reader.cells["D2"] == "33.3")
        #expect(reader.cells["A3"] == "=ស្រីពៅ", "text stays text in a spreadsheet")
        let styles = String(decoding: try part("xl/styles.xml"), as: UTF8.self)
        #expect(styles.contains("Khmer UI"))
    }

    @Test func sheetNamesAreValidAndUnique() {
        let names = SpreadsheetML.uniqueNames(["a/b:c", "a/b:c", String(repeating: "x", count: 40), "[]"])
        #expect(names == ["abc", "abc 2", String(repeating: "x", count: 30) + "…", "Sheet"])
        #expect(SpreadsheetML.uniqueNames(["Needs and services: referred against enrolled"]) == ["Needs and services referred…"])
        // A cut name does not end in "and" or a colon.
        #expect(SpreadsheetML.uniqueNames(["3 Cases open, new, closed and reopened in the period"])
            == ["3 Cases open, new, closed…"])
        #expect(SpreadsheetML.uniqueNames(["7 តម្រូវការ និងសេវា៖ បានបញ្ជូនបន្ត ធៀបនឹងបានចុះឈ្មោះ"]) == ["7 តម្រូវការ និងសេវា…"])
        #expect(SpreadsheetML.uniqueNames(["ចំនួនថ្ងៃមធ្យម (មេដ្យាន) ពីការផ្ញើ ដល់ការចុះឈ្មោះ"]).allSatisfy { $0.utf16.count <= 31 })
        // Walk-through: two tables whose titles differ only at the end were
        // cut to the same words; such names keep their ends.
        let khmer = SpreadsheetML.uniqueNames(["1 ការតាមដានដែលដល់កំណត់ក្នុងរយៈពេលនេះ តាមបុគ្គលិក",
                                                "2 ការតាមដានដែលដល់កំណត់ក្នុងរយៈពេលនេះ តាមកម្រិតហានិភ័យ"])
        #expect(khmer[0].hasSuffix("តាមបុគ្គលិក") && khmer[1].hasSuffix("តាមកម្រិតហានិភ័យ"), "\(khmer)")
        #expect(khmer.allSatisfy { $0.utf16.count <= 31 && $0.hasPrefix("1 ") || $0.hasPrefix("2 ") })
        let english = SpreadsheetML.uniqueNames(["1 Visits due in the period, sorted by the worker",
                                                  "2 Visits due in the period, sorted by the risk level"])
        #expect(english == ["1 Visits…sorted by the worker", "2 Visits…by the risk level"], "\(english)")
        #expect(SpreadsheetML.column(0) == "A" && SpreadsheetML.column(25) == "Z" && SpreadsheetML.column(27) == "AB")
    }
}
