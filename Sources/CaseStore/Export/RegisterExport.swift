import CaseDomain
import Foundation
import GRDB

/// The registers a coordinator can export whole (referrals have their own
/// export): every row, filtered as on the register's list.
public enum Register: String, CaseIterable, Sendable {
    case cases, households
    case followUps = "follow-ups"
    case providers
}

/// What a register export is narrowed to; each register uses the parts
/// that apply to it (status and risk for cases, due days for follow-ups,
/// service for providers).
public struct RegisterFilter: Equatable, Sendable {
    public var status: String?
    public var riskLevel: RiskLevel?
    /// A province, district, commune or village code.
    public var placeCode: String?
    public var from: LocalDate?
    public var to: LocalDate?
    public var service: ServiceType?
    /// At head office: only the records of this office (by its number).
    public var office: Int64?

    public init(status: String? = nil, riskLevel: RiskLevel? = nil, placeCode: String? = nil, from: LocalDate? = nil,
                to: LocalDate? = nil, service: ServiceType? = nil, office: Int64? = nil) {
        self.office = office
        self.status = status
        self.riskLevel = riskLevel
        self.placeCode = placeCode
        self.from = from
        self.to = to
        self.service = service
    }
}

/// Reads a register as one table (column headings and cells in string
/// table keys or plain text) for the writers to turn into CSV or XLSX.
/// Narrative text (a case's story, a visit's notes) is left out unless
/// asked for; asking is recorded in the audit log with the export.
public struct RegisterExportService: Sendable {
    let store: StoreContext

    public func table(_ session: Session, _ register: Register, filter: RegisterFilter = RegisterFilter(),
                      includeNarrative: Bool = false) throws -> ReportTable {
        try session.require(.exportData)
        return try store.read { db in
            switch register {
            case .cases: try Self.cases(db, filter, includeNarrative)
            case .households: try Self.households(db, filter)
            case .followUps: try Self.followUps(db, filter, includeNarrative)
            case .providers: try Self.providers(db, filter)
            }
        }
    }

    /// Writes an export the writers made, whole or not at all, and audits
    /// it with its row count, filter and whether narrative text went out.
    public func write(_ session: Session, _ register: Register, data: Data, rows: Int, filter: RegisterFilter,
                      includeNarrative: Bool, format: String, to url: URL) throws {
        try session.require(.exportData)
        try AtomicFile.write(data, to: url)
        var summary = "\(register.rawValue): \(rows) rows as \(format) to \(url.path)"
        if filter != RegisterFilter() { summary += " (filtered)" }
        if includeNarrative { summary += "; narrative text included" }
        try store.write { db in try store.audit(db, session, .export, entity: register.rawValue, summary: summary) }
    }

    // MARK: - Registers

    static func placeCondition(_ column: String, _ code: String?) -> SQLCondition {
        guard let code, !code.isEmpty else { return .always }
        return SQLCondition("substr(\(column), 1, ?) = ?", [code.count, code])
    }

    /// The filter's office: the records whose keys are in its range.
    static func officeCondition(_ key: String, _ filter: RegisterFilter) -> SQLCondition {
        guard let office = filter.office else { return .always }
        let keys = OfficeKeys.range(office)
        return SQLCondition("\(key) >= ? AND \(key) < ?", [keys.lowerBound, keys.upperBound])
    }

    static func dateCondition(_ column: String, _ filter: RegisterFilter) -> SQLCondition {
        var condition = SQLCondition.always
        if let from = filter.from { condition = condition && SQLCondition("\(column) >= ?", [from.iso]) }
        if let to = filter.to { condition = condition && SQLCondition("\(column) <= ?", [to.iso]) }
        return condition
    }

    /// Place columns (province … village) joined from a village code.
    static func placeJoins(_ village: String) -> String {
        """
        LEFT JOIN place AS v ON v.code = \(village)
        LEFT JOIN place AS cm ON cm.code = substr(\(village), 1, 6)
        LEFT JOIN place AS d ON d.code = substr(\(village), 1, 4)
        LEFT JOIN place AS pr ON pr.code = substr(\(village), 1, 2)
        """
    }
    static let placeColumns = """
        pr.name_km AS pr_km, pr.name_latin AS pr_latin, d.name_km AS d_km, d.name_latin AS d_latin,
        cm.name_km AS cm_km, cm.name_latin AS cm_latin, v.name_km AS v_km, v.name_latin AS v_latin
        """
    static let placeHeadings: [ReportText] = ["export.province", "export.district", "export.commune", "export.village"]
        .map(ReportText.key)

    static func places(_ row: Row) -> [ReportCell] {
        ["pr", "d", "cm", "v"].map { .text(.names(km: row["\($0)_km"] ?? "", latin: row["\($0)_latin"] ?? "")) }
    }

    static func code<C: CodeList>(_ row: Row, _ column: String, _ type: C.Type) -> ReportCell {
        guard let raw: String = row[column], let code = C(rawValue: raw) else { return .literal(row[column] ?? "") }
        return .key(code.labelKey)
    }

    static func codes<C: CodeList>(_ row: Row, _ column: String, _ type: C.Type) -> ReportCell {
        let raw: String = row[column] ?? ""
        return .text(.list(raw.split(separator: ",").map { C(rawValue: String($0)).map { .key($0.labelKey) } ?? .literal(String($0)) }))
    }

    static func yesNo(_ row: Row, _ column: String) -> ReportCell {
        guard let value: Bool = row[column] else { return .literal("") }
        return .key(value ? "answer.yes" : "answer.no")
    }

    static func cases(_ db: Database, _ filter: RegisterFilter, _ narrative: Bool) throws -> ReportTable {
        var condition = placeCondition("c.village_code", filter.placeCode) && dateCondition("c.reported_date", filter)
            && officeCondition("c.id", filter)
        if let status = filter.status { condition = condition && SQLCondition("c.status = ?", [status]) }
        if let risk = filter.riskLevel { condition = condition && SQLCondition("c.risk_level = ?", [risk.rawValue]) }
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.*, h.code AS household_code, u.display_name AS worker, \(placeColumns)
            FROM child_case AS c LEFT JOIN household AS h ON h.id = c.household_id
            LEFT JOIN user AS u ON u.id = c.assigned_to \(placeJoins("c.village_code"))
            WHERE \(condition.sql) ORDER BY c.code_year, c.code_number
            """, arguments: condition.arguments)
        let today = LocalDate.today()
        var columns: [ReportText] = ["export.code", "export.reported-on", "export.status", "export.risk",
                                     "export.immediate-danger", "export.name-km", "export.name-latin", "export.sex",
                                     "export.age-at-report", "export.date-of-birth", "export.age-estimated",
                                     "export.ethnicity", "export.disability", "export.in-school"].map(ReportText.key)
            + placeHeadings
            + ["export.concerns", "export.reported-by", "export.caregiver-consent", "export.child-assent",
               "export.worker", "export.household", "export.closure-reason", "export.closed-on"].map(ReportText.key)
        if narrative { columns.append(.key("export.narrative")) }
        let table: [[ReportCell]] = rows.map { row in
            let reported = LocalDate(iso: row["reported_date"]) ?? today
            let age = BirthInfo.age(dateOfBirth: (row["date_of_birth"] as String?).flatMap(LocalDate.init(iso:)),
                                    estimatedAge: row["estimated_age"], asOf: LocalDate(iso: row["age_as_of"] ?? ""),
                                    today: reported)
            var cells: [ReportCell] = [
                .literal(row["code"]), .literal(row["reported_date"]), code(row, "status", CaseStatus.self),
                code(row, "risk_level", RiskLevel.self), yesNo(row, "immediate_danger"), .literal(row["child_name_km"]),
                .literal(row["child_name_latin"]), code(row, "sex", Sex.self), .count(age),
                .literal(row["date_of_birth"] ?? ""), .key((row["date_of_birth"] as String?) == nil ? "answer.yes" : "answer.no"),
                code(row, "ethnicity", Ethnicity.self), yesNo(row, "disability"), yesNo(row, "in_school"),
            ]
            cells += places(row)
            cells += [codes(row, "concerns", Concern.self), code(row, "reported_by", Reporter.self),
                      yesNo(row, "caregiver_consent"), yesNo(row, "child_assent"), .literal(row["worker"] ?? ""),
                      .literal(row["household_code"] ?? ""), closure(row["closure_reason"]),
                      .literal(row["closed_date"] ?? "")]
            if narrative { cells.append(.literal(row["narrative"])) }
            return cells
        }
        return ReportTable(title: .key("register.cases"), columns: columns, rows: table)
    }

    static func closure(_ raw: String?) -> ReportCell {
        guard let raw else { return .literal("") }
        return ClosureReason(rawValue: raw).map { .key($0.labelKey) } ?? .literal(raw)
    }

    /// One row per member, with their household's columns on each.
    static func households(_ db: Database, _ filter: RegisterFilter) throws -> ReportTable {
        var condition = placeCondition("h.village_code", filter.placeCode) && officeCondition("h.id", filter)
        if let status = filter.status { condition = condition && SQLCondition("h.status = ?", [status]) }
        if let risk = filter.riskLevel {
            condition = condition && SQLCondition("COALESCE(h.risk_override, h.risk_level) = ?", [risk.rawValue])
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT h.code, h.status, h.id_poor, h.vulnerabilities, COALESCE(h.risk_override, h.risk_level) AS risk,
              h.phone AS household_phone, h.address_detail, m.name_km, m.name_latin, m.sex, m.date_of_birth,
              m.estimated_age, m.age_as_of, m.relationship, m.in_school, m.occupation, m.migration_status,
              m.migration_country, m.phone, \(placeColumns)
            FROM household AS h JOIN household_member AS m ON m.household_id = h.id \(placeJoins("h.village_code"))
            WHERE \(condition.sql) ORDER BY h.id, m.relationship != 'head', m.id
            """, arguments: condition.arguments)
        let today = LocalDate.today()
        let columns: [ReportText] = ["export.household", "export.household-status", "export.idpoor",
                                     "export.vulnerabilities", "export.risk", "export.household-phone"]
            .map(ReportText.key) + placeHeadings
            + ["export.address", "export.name-km", "export.name-latin", "export.sex", "export.age", "export.date-of-birth",
               "export.relationship", "export.in-school", "export.occupation", "export.migration", "export.country",
               "export.phone"].map(ReportText.key)
        let table: [[ReportCell]] = rows.map { row in
            let age = BirthInfo.age(dateOfBirth: (row["date_of_birth"] as String?).flatMap(LocalDate.init(iso:)),
                                    estimatedAge: row["estimated_age"],
                                    asOf: (row["age_as_of"] as String?).flatMap(LocalDate.init(iso:)), today: today)
            return [.literal(row["code"]), code(row, "status", HouseholdStatus.self), code(row, "id_poor", IDPoorStatus.self),
                    codes(row, "vulnerabilities", Vulnerability.self), code(row, "risk", RiskLevel.self),
                    .literal(row["household_phone"])] + places(row)
                + [.literal(row["address_detail"]), .literal(row["name_km"]), .literal(row["name_latin"]),
                   code(row, "sex", Sex.self), .count(age), .literal(row["date_of_birth"] ?? ""),
                   code(row, "relationship", Relationship.self), yesNo(row, "in_school"), .literal(row["occupation"]),
                   code(row, "migration_status", MigrationStatus.self), country(row["migration_country"] ?? ""),
                   .literal(row["phone"])]
        }
        return ReportTable(title: .key("register.households"), columns: columns, rows: table)
    }

    /// A member's country: a destination's name in the export's language,
    /// or the country as typed.
    private static func country(_ stored: String) -> ReportCell {
        Destination.labelKey(of: stored).map { .key($0) } ?? .literal(stored)
    }

    static func followUps(_ db: Database, _ filter: RegisterFilter, _ narrative: Bool) throws -> ReportTable {
        var condition = placeCondition("COALESCE(c.village_code, h.village_code)", filter.placeCode)
            && dateCondition("f.due_date", filter) && officeCondition("f.id", filter)
        if let status = filter.status { condition = condition && SQLCondition("f.status = ?", [status]) }
        if let risk = filter.riskLevel {
            condition = condition && SQLCondition("COALESCE(c.risk_level, h.risk_override, h.risk_level) = ?", [risk.rawValue])
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT f.*, c.code AS case_code, h.code AS household_code, u.display_name AS done_by_name,
              COALESCE(c.risk_level, h.risk_override, h.risk_level) AS risk, \(placeColumns)
            FROM follow_up AS f LEFT JOIN child_case AS c ON c.id = f.case_id
            LEFT JOIN household AS h ON h.id = f.household_id LEFT JOIN user AS u ON u.id = f.done_by
            \(placeJoins("COALESCE(c.village_code, h.village_code)"))
            WHERE \(condition.sql) ORDER BY f.due_date, f.id
            """, arguments: condition.arguments)
        var columns: [ReportText] = ["export.case", "export.household", "export.risk", "export.followup-type",
                                     "export.due-on", "export.status", "export.done-on", "export.done-by",
                                     "export.wellbeing", "export.new-risk", "export.reason"].map(ReportText.key)
            + placeHeadings
        if narrative { columns.append(.key("export.visit-notes")) }
        let table: [[ReportCell]] = rows.map { row in
            var cells: [ReportCell] = [
                .literal(row["case_code"] ?? ""), .literal(row["household_code"] ?? ""), code(row, "risk", RiskLevel.self),
                code(row, "type", FollowUpType.self), .literal(row["due_date"]), code(row, "status", FollowUpStatus.self),
                .literal(row["done_date"] ?? ""), .literal(row["done_by_name"] ?? ""), code(row, "wellbeing", Wellbeing.self),
                code(row, "new_risk_level", RiskLevel.self), .literal(row["reason"] ?? ""),
            ] + places(row)
            if narrative { cells.append(.literal(row["outcome"])) }
            return cells
        }
        return ReportTable(title: .key("register.follow-ups"), columns: columns, rows: table)
    }

    static func providers(_ db: Database, _ filter: RegisterFilter) throws -> ReportTable {
        var condition = officeCondition("id", filter)
        if let service = filter.service {
            condition = condition && SQLCondition("(',' || services || ',') LIKE ?", ["%,\(service.rawValue),%"])
        }
        if let place = filter.placeCode, !place.isEmpty {
            // A provider serves a place when one of its areas holds it or lies in it.
            let prefixes = stride(from: 2, through: place.count, by: 2).map { "%,\(place.prefix($0)),%" }
            condition = condition && SQLCondition("(areas = '' OR " + prefixes.map { _ in "(',' || areas || ',') LIKE ?" }
                .joined(separator: " OR ") + ")", StatementArguments(prefixes))
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM provider WHERE \(condition.sql) ORDER BY name_latin, id",
                                    arguments: condition.arguments)
        let names = try Row.fetchAll(db, sql: "SELECT code, name_km, name_latin FROM place WHERE level != 'village'")
            .reduce(into: [String: (String, String)]()) { $0[$1["code"]] = ($1["name_km"], $1["name_latin"]) }
        let columns: [ReportText] = ["export.name-km", "export.name-latin", "export.provider-kind", "export.services",
                                     "export.areas", "export.contact", "export.phone", "export.address",
                                     "export.seats", "export.next-intake", "export.active"].map(ReportText.key)
        let table: [[ReportCell]] = rows.map { row in
            let areas = (row["areas"] as String).split(separator: ",").map(String.init)
            return [.literal(row["name_km"]), .literal(row["name_latin"]), code(row, "kind", ProviderKind.self),
                    codes(row, "services", ServiceType.self),
                    .text(.list(areas.map { code in names[code].map { .names(km: $0.0, latin: $0.1) } ?? .literal(code) })),
                    .literal(row["contact_person"]), .literal(row["phone"]), .literal(row["address"]),
                    (row["seats_per_intake"] as Int?).map(ReportCell.count) ?? .literal(""),
                    .literal(row["next_intake_date"] ?? ""), yesNo(row, "is_active")]
        }
        return ReportTable(title: .key("register.providers"), columns: columns, rows: table)
    }
}
