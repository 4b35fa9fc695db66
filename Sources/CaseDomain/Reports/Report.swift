/// The reports Komar makes (issue 14): each is a list of tables counted
/// over one period and area.
public enum ReportKind: String, CodeList {
    case cases
    case followUps = "follow-ups"
    case households
    case referrals
    case dataQuality = "data-quality"
    public static let labelPrefix = "report"
}

/// What a report is asked for.
public struct ReportRequest: Hashable, Sendable {
    public var kind: ReportKind
    public var period: ReportPeriod
    public var area: ReportArea
    public var ageBands: AgeBandPreset
    /// At head office, the number of the one office whose records are
    /// counted (its key range); nil counts every office.
    public var office: Int64?

    public init(kind: ReportKind, period: ReportPeriod, area: ReportArea = .office,
                ageBands: AgeBandPreset = .childProtection, office: Int64? = nil) {
        self.kind = kind
        self.period = period
        self.area = area
        self.ageBands = ageBands
        self.office = office
    }
}

/// Words in a report that are translated when it is written out: a
/// string-table key, or text kept as it is (names, codes, numbers' labels).
public indirect enum ReportText: Hashable, Sendable {
    case key(String)
    case literal(String)
    /// Text holding numbers ("0–5"), shown with Khmer digits in Khmer.
    case digits(String)
    /// A gazetteer or directory name: Khmer in a Khmer report, Latin otherwise.
    case names(km: String, latin: String)
    /// Several, shown one after another with "; " between.
    case list([ReportText])
    /// A day, written as dates are elsewhere ("14 Mar 2026"; in Khmer with
    /// its month and digits).
    case date(LocalDate)
}

/// One cell of a report table.
public enum ReportCell: Hashable, Sendable {
    case text(ReportText)
    /// A count with its female part.
    case tally(Tally)
    /// A plain count (rows that are not about people).
    case count(Int)
    /// A median number of days; nil when there was nothing to measure.
    case days(Double?)
    /// `part` of `whole`, shown as a percentage.
    case share(part: Int, whole: Int)

    public static func key(_ key: String) -> ReportCell { .text(.key(key)) }
    public static func literal(_ text: String) -> ReportCell { .text(.literal(text)) }
    public static func digits(_ text: String) -> ReportCell { .text(.digits(text)) }
}

/// A table of a report: a title, column headings, rows, and an optional
/// note under it ("Referrals sent without consent: none.").
public struct ReportTable: Hashable, Sendable {
    public var title: ReportText
    public var columns: [ReportText]
    public var rows: [[ReportCell]]
    public var note: ReportText?
    /// Whether the first tally column is worth a bar chart under the table.
    public var chart: Bool
    /// For a list: how many rows (and how many female) it has in all, when
    /// more than it prints.
    public var summary: Tally?

    public init(title: ReportText, columns: [ReportText], rows: [[ReportCell]], note: ReportText? = nil,
                chart: Bool = false) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
        self.chart = chart
    }
}

/// A finished report with what its footer says.
public struct Report: Equatable, Sendable {
    public var request: ReportRequest
    public var tables: [ReportTable]
    public var organisation: String
    /// The gazetteer names of the area; empty for the whole office.
    public var areaNameKm: String
    public var areaNameLatin: String
    /// When it was made, as "2026-12-04 17:40".
    public var madeAt: String
    public var madeBy: String
    /// The audit log's seal when the report was made ("count:hash").
    public var auditSeal: String
    /// "PV1 · Pursat office" when the report counts one office; else empty.
    public var officeName: String
    /// That office's code ("PV1"); else empty.
    public var officeCode: String
    /// Made at head office over every office's records.
    public var everyOffice: Bool

    public init(request: ReportRequest, tables: [ReportTable], organisation: String, areaNameKm: String,
                areaNameLatin: String, madeAt: String, madeBy: String, auditSeal: String, officeName: String = "",
                officeCode: String = "", everyOffice: Bool = false) {
        self.request = request
        self.tables = tables
        self.organisation = organisation
        self.areaNameKm = areaNameKm
        self.areaNameLatin = areaNameLatin
        self.madeAt = madeAt
        self.madeBy = madeBy
        self.auditSeal = auditSeal
        self.officeName = officeName
        self.officeCode = officeCode
        self.everyOffice = everyOffice
    }
}

/// Median of `values` (nil when empty): the middle value, or the mean of
/// the two middle ones.
public func median(_ values: [Int]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
}

/// Median of values given as value → how many times it occurs.
public func median(counts: [Int: Int]) -> Double? {
    let total = counts.values.reduce(0, +)
    guard total > 0 else { return nil }
    let sorted = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    /// The value at a zero-based position in the sorted list.
    func value(at position: Int) -> Int {
        var seen = 0
        for (value, count) in sorted {
            seen += count
            if position < seen { return value }
        }
        return sorted.last?.key ?? 0
    }
    return total % 2 == 1 ? Double(value(at: total / 2))
        : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
}
