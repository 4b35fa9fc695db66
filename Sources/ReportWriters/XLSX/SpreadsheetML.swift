import Foundation
import ZIPFoundation

/// A small writer of Office Open XML workbooks (.xlsx): sheets of text and
/// numbers, the first row of each in bold and frozen, every cell in a font
/// that has Khmer. No xlsx writer is on the package list; ZIPFoundation
/// makes the zip and this writes the few XML parts Excel and LibreOffice need.
public struct SpreadsheetML {
    public enum Value: Equatable, Sendable {
        case text(String)
        case number(Double)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Value]]
        public init(name: String, rows: [[Value]]) {
            self.name = name
            self.rows = rows
        }
    }

    /// Khmer UI ships with Windows; LibreOffice falls back to a Khmer font
    /// it has when it is missing.
    public static let font = "Khmer UI"

    /// The workbook as the bytes of an .xlsx file.
    public static func workbook(_ sheets: [Sheet]) throws -> Data {
        let names = uniqueNames(sheets.map(\.name))
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(count: sheets.count)),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
                \(names.enumerated().map { i, name in "<sheet name=\"\(escape(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>" }.joined())\
                </sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                \(sheets.indices.map { i in "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>" }.joined())\
                <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
                </Relationships>
                """),
            ("xl/styles.xml", styles),
        ]
        for (i, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", worksheet(sheet))) }
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, xml) in parts {
            let data = Data(xml.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: Date(timeIntervalSince1970: 1_735_689_600),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let bytes = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return bytes
    }

    static func contentTypes(count: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        \((1...max(1, count)).prefix(count).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
        </Types>
        """
    }

    /// Style 0: the Khmer font; style 1: the same in bold (headings).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="\(font)"/></font><font><b/><sz val="11"/><name val="\(font)"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    static func worksheet(_ sheet: Sheet) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            </sheetView></sheetViews><sheetData>
            """
        for (r, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            let style = r == 0 ? " s=\"1\"" : ""
            for (c, value) in row.enumerated() {
                let ref = column(c) + String(r + 1)
                switch value {
                case .text(let text):
                    xml += "<c r=\"\(ref)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                case .number(let n):
                    xml += "<c r=\"\(ref)\"\(style)><v>\(n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n))</v></c>"
                case .empty: continue
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    /// "A", "B", … "Z", "AA" for a zero-based column.
    static func column(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// XML text with markup characters escaped and characters XML 1.0 does
    /// not allow left out.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Sheet names as Excel allows them: at most 31 UTF-16 units (cut
    /// between characters, so a Khmer cluster is never split), none of
    /// : \\ / ? * [ ], not empty, and no two the same.
    static func uniqueNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        let bases = names.map { raw in
            let cleaned = String(raw.filter { !":\\/?*[]".contains($0) }).trimmingCharacters(in: .whitespaces)
            return cleaned.isEmpty ? "Sheet" : cleaned
        }
        // Titles that differ only at their end ("…, by worker", "…, by risk")
        // would be cut to the same words: those keep their ends instead.
        let stems = bases.map { stem(cut($0, to: 31)) }
        return bases.enumerated().map { i, base in
            let alike = base.utf16.count > 31 && stems.filter { $0 == stems[i] }.count > 1
            var name = alike ? cutMiddle(base, to: 31) : cut(base, to: 31)
            var n = 2
            while used.contains(name.lowercased()) {
                let suffix = " \(n)"
                name = cut(base, to: 31 - suffix.utf16.count) + suffix
                n += 1
            }
            used.insert(name.lowercased())
            return name
        }
    }

    /// A sheet name without the table number in front of it.
    private static func stem(_ name: String) -> String {
        String(name.drop { $0.isNumber }).trimmingCharacters(in: .whitespaces)
    }

    /// `text` in at most `units` UTF-16 units: its start and its end with
    /// "…" between them, cut between characters.
    static func cutMiddle(_ text: String, to units: Int) -> String {
        guard text.utf16.count > units else { return text }
        let characters = Array(text)
        var head = "", tail = ""
        var front = 0, back = characters.count - 1
        let headUnits = (units - 1) / 3
        while front < back, head.utf16.count + String(characters[front]).utf16.count <= headUnits {
            head.append(characters[front])
            front += 1
        }
        while back >= front, head.utf16.count + tail.utf16.count + String(characters[back]).utf16.count <= units - 1 {
            tail.insert(characters[back], at: tail.startIndex)
            back -= 1
        }
        // Both parts break at a word where the title has spaces.
        if front < characters.count, characters[front] != " ", let space = head.lastIndex(of: " "),
           head.distance(from: head.startIndex, to: space) > 2 { head = String(head[..<space]) }
        if back >= 0, characters[back] != " ", let space = tail.firstIndex(of: " ") { tail = String(tail[space...]) }
        return head.trimmingCharacters(in: .whitespaces) + "…" + tail.trimmingCharacters(in: .whitespaces)
    }

    /// `text` in at most `units` UTF-16 units. A name that must be cut ends
    /// at a word where it has spaces, without a dangling "and" or colon,
    /// and with "…", so no one reads the cut name as the whole one.
    static func cut(_ text: String, to units: Int) -> String {
        guard text.utf16.count > units else { return text }
        var result = ""
        for character in text {
            guard result.utf16.count + String(character).utf16.count <= units - 1 else { break }
            result.append(character)
        }
        if let space = result.lastIndex(of: " "), result.distance(from: result.startIndex, to: space) > 2 {
            result = String(result[..<space])
        }
        let dangling: Set<String> = ["and", "or", "of", "by", "និង", "ឬ", "តាម"]
        while true {
            result = result.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:៖។-–"))
            guard let space = result.lastIndex(of: " "),
                  dangling.contains(String(result[result.index(after: space)...]).lowercased()) else { break }
            result = String(result[..<space])
        }
        return result + "…"
    }
}
