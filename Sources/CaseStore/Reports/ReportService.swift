import CaseDomain
import Foundation
import GRDB

/// Makes the donor and government reports (issue 14): every figure counted
/// in SQL over the period and area asked for, split by sex, with the
/// footer's organisation, area, maker and audit seal. Social workers and
/// coordinators may read reports; making one is not audited (it changes
/// nothing), exporting one is (`recordExport`).
public struct ReportService: Sendable {
    let store: StoreContext

    /// The report asked for, counted now.
    public func make(_ session: Session, _ request: ReportRequest) throws -> Report {
        try session.require(.readReports)
        return try store.read { db in
            var (officeName, officeCode) = ("", "")
            if let number = request.office {
                guard let office = try Row.fetchOne(db, sql: "SELECT code, name FROM office WHERE number = ?", arguments: [number])
                else { throw SyncError.unknownOffice(code: "#\(number)") }
                officeCode = office["code"]
                officeName = officeCode + " · " + (office["name"] as String)
            }
            let scope = ReportScope(request: request, today: store.today)
            let tables: [ReportTable] = switch request.kind {
            case .cases: try CaseReport.tables(db, scope)
            case .followUps: try FollowUpReport.tables(db, scope)
            case .households: try HouseholdReport.tables(db, scope)
            case .referrals: try ReferralReport.tables(db, scope)
            case .dataQuality: try DataQualityReport.tables(db, scope)
            }
            let organisation = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'organisation'") ?? ""
            let place = request.area.isOffice ? nil : try Row.fetchOne(
                db, sql: "SELECT name_km, name_latin FROM place WHERE code = ?", arguments: [request.area.code])
            let seal = try AuditService.seal(db)
            let everyOffice = try request.office == nil && OfficeIdentity.read(db)?.kind == .headOffice
            return Report(request: request, tables: tables, organisation: organisation,
                          areaNameKm: place?["name_km"] ?? "", areaNameLatin: place?["name_latin"] ?? "",
                          madeAt: Self.timestamp(store.now), madeBy: Self.who(session.user),
                          auditSeal: seal.description, officeName: officeName, officeCode: officeCode,
                          everyOffice: everyOffice)
        }
    }

    /// Who made a report, as a reader knows them: the name, with the
    /// username that the audit log records.
    static func who(_ user: UserAccount) -> String {
        let name = user.displayName.trimmingCharacters(in: .whitespaces)
        return name.isEmpty || name == user.username ? user.username : "\(name) (\(user.username))"
    }

    /// Whether `area` names a province, district or commune in the gazetteer.
    public func areaExists(_ area: ReportArea) throws -> Bool {
        guard !area.isOffice else { return true }
        return try store.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM place WHERE code = ?)", arguments: [area.code]) ?? false
        }
    }

    /// Writes a report a writer turned into `data` (CSV, XLSX, Markdown
    /// or text) to `url`, whole or not at all, and records it in the audit
    /// log. Coordinators only.
    public func export(_ session: Session, _ report: Report, data: Data, format: String, to url: URL) throws {
        try session.require(.exportData)
        try AtomicFile.write(data, to: url)
        try store.write { db in
            try store.audit(db, session, .export, entity: "report",
                            summary: "report \(report.request.kind.rawValue) \(report.request.period)"
                                + (report.request.area.isOffice ? "" : " area \(report.request.area.code)")
                                + " as \(format) to \(url.path)")
        }
    }

    static func timestamp(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}

/// The period, area and bands one report counts over, as SQL pieces.
struct ReportScope {
    let request: ReportRequest
    let today: LocalDate

    var start: String { request.period.start.iso }
    var end: String { request.period.end.iso }
    var bands: [AgeBand] { request.ageBands.bands }
    /// The day "now" figures are counted on: the period's end, or today
    /// when the period has not ended yet.
    var asOf: LocalDate { min(request.period.end, today) }

    /// Rows whose village `column` lies in the area and, when the report
    /// counts one office, whose key `key` lies in that office's range.
    func inArea(_ column: String, key: String) -> SQLCondition {
        let area = request.area.isOffice ? SQLCondition.always
            : SQLCondition("substr(\(column), 1, \(request.area.code.count)) = ?", [request.area.code])
        return area && inOffice(key)
    }

    /// Rows whose key `key` lies in the range of the one office the report
    /// counts; every row when it counts them all.
    func inOffice(_ key: String) -> SQLCondition {
        guard let office = request.office else { return .always }
        let keys = OfficeKeys.range(office)
        return SQLCondition("\(key) BETWEEN ? AND ?", [keys.lowerBound, keys.upperBound - 1])
    }

    /// `column` (an ISO day) falls within the period. The condition
    /// reads the table in order (a unary + keeps an index on the column out
    /// of it): for a year, a lookup per row through an index is several
    /// times slower than reading the rows. `indexed` lets a count that the
    /// index covers use it.
    func inPeriod(_ column: String, indexed: Bool = false) -> SQLCondition {
        SQLCondition("\(indexed ? "" : "+")\(column) BETWEEN ? AND ?", [start, end])
    }

    /// SQL for a person's age in whole years on the day in `on`: from the
    /// birth date when known, else the estimate grown by the years since it
    /// was made (as `BirthInfo.age` does).
    static func age(on day: String, dateOfBirth: String, estimated: String, asOf: String) -> String {
        func years(_ from: String) -> String {
            "(CAST(substr(\(day), 1, 4) AS INTEGER) - CAST(substr(\(from), 1, 4) AS INTEGER)"
                + " - (substr(\(day), 6, 5) < substr(\(from), 6, 5)))"
        }
        return "(CASE WHEN \(dateOfBirth) IS NOT NULL THEN \(years(dateOfBirth)) "
            + "ELSE COALESCE(\(estimated), 0) + MAX(0, COALESCE(\(years(asOf)), 0)) END)"
    }

    /// An empty tally per band.
    var emptyBands: [Tally] { Array(repeating: Tally(), count: bands.count) }

    func band(_ age: Int) -> Int { request.ageBands.band(of: age) }

    /// Column headings for a first column and then every band.
    func bandColumns(first: String, total: Bool = true) -> [ReportText] {
        [.key(first)] + (total ? [.key("report.column.total")] : []) + bands.map { .digits($0.description) }
    }
}

/// Tallies by sex of grouped rows: each row has `sex` and `n`.
extension Tally {
    init(rows: [Row], where include: (Row) -> Bool = { _ in true }) {
        self.init()
        for row in rows where include(row) {
            add(Sex(rawValue: row["sex"] ?? "") ?? .male, row["n"] ?? 0)
        }
    }
}

extension Array where Element == Tally {
    var sum: Tally { reduce(Tally(), +) }
}
