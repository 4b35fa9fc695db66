import CaseDomain
import CaseStore
import KhmerText

/// Reads providers from an import table: one row each, with the services
/// and areas as lists ("sewing; motorbike repair", "14; Prey Veng"), the
/// kind, seats and next intake; a provider whose name is already in the
/// directory (or earlier in the file) is refused as a duplicate.
struct ProviderImporter {
    let table: ImportTable
    let places: PlaceFinder
    let values: ValueReader

    func plan(existing: Set<String>) -> ImportPlan<ProviderInput> {
        let (columns, unknown) = ImportKind.providers.match(table.header, table: values.table)
        var fileProblems = unknown.map { ImportProblem(line: 1, "import.unknown-column", [$0]) }
        let present = Set(columns.values)
        for column in ImportKind.providers.columns where column.required && !present.contains(column) {
            fileProblems.append(ImportProblem(line: 1, columnKey: column.headingKey, "import.missing-column"))
        }
        guard fileProblems.isEmpty else { return ImportPlan(header: table.header, records: [], goodRows: 0, fileProblems: fileProblems, rejected: []) }
        var records: [ProviderInput] = []
        var rejected: [(line: Int, cells: [String], problems: [ImportProblem])] = []
        var seen: [String: Int] = [:]
        let positions = ColumnPositions(columns)
        for row in table.rows {
            let cells = positions.cells(row.cells)
            var problems: [ImportProblem] = []
            func problem(_ column: String, _ key: String, _ arguments: [String] = []) {
                problems.append(ImportProblem(line: row.line, columnKey: column, key, arguments))
            }
            var input = ProviderInput()
            input.nameKm = cells["nameKm"] ?? ""
            input.nameLatin = cells["nameLatin"] ?? ""
            if let text = cells["kind"], !text.isEmpty {
                if let kind = values.code(text, ProviderKind.self) { input.kind = kind }
                else { problems.append(.notAChoice(line: row.line, columnKey: "import.col.provider-kind", text, ProviderKind.self)) }
            }
            let (services, unknownServices) = values.codes(cells["services"] ?? "", ServiceType.self)
            input.services = Set(services)
            for item in unknownServices {
                problems.append(.notAChoice(line: row.line, columnKey: "import.col.services", item, ServiceType.self))
            }
            for area in (cells["areas"] ?? "").split(whereSeparator: { ";,\n".contains($0) }) {
                let text = area.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                let found = [Place.Level.province, .district, .commune].lazy
                    .map { places.find(text, level: $0) }.first { $0 != .none } ?? .none
                switch found {
                case .one(let place): input.areas.append(place.code)
                case .none: problem("import.col.areas", "import.no-such-place", [text])
                case .several(let n): problem("import.col.areas", "import.several-places", [text, String(n)])
                }
            }
            input.contactPerson = cells["contact"] ?? ""
            input.phone = cells["phone"] ?? ""
            input.address = cells["address"] ?? ""
            if let text = cells["seats"], !text.isEmpty {
                if let seats = ValueReader.number(text) { input.seatsPerIntake = seats }
                else { problem("import.col.seats", "import.not-a-number", [text]) }
            }
            if let text = cells["nextIntake"], !text.isEmpty {
                if let date = ValueReader.date(text) { input.nextIntake = date }
                else { problem("import.col.next-intake", ValueReader.dateProblem(text), [text]) }
            }
            if let text = cells["active"] {
                switch values.yesNo(text) {
                case .success(let value): input.isActive = value ?? true
                case .failure: problem("import.col.active", "import.not-yes-no", [text])
                }
            }
            for (field, message) in ProviderRules.validate(input) {
                let key = field.columnKey
                guard !problems.contains(where: { $0.columnKey == key }) else { continue }
                problem(key, message)
            }
            let names = [input.nameKm, input.nameLatin].map(SearchKey.make).filter { !$0.isEmpty }
            if names.contains(where: existing.contains) {
                problem("import.col.name-km", "import.duplicate-provider")
            } else if let earlier = names.lazy.compactMap({ seen[$0] }).first {
                problem("import.col.name-km", "import.duplicate-provider-in-file", [String(earlier)])
            }
            for name in names where seen[name] == nil { seen[name] = row.line }
            if problems.isEmpty { records.append(input) } else { rejected.append((row.line, row.cells, problems)) }
        }
        return ImportPlan(header: table.header, records: records, goodRows: records.count, fileProblems: [], rejected: rejected)
    }
}

extension ProviderField {
    var columnKey: String {
        switch self {
        case .name: "import.col.name-km"
        case .kind: "import.col.provider-kind"
        case .services: "import.col.services"
        case .phone: "import.col.phone"
        case .seats: "import.col.seats"
        }
    }
}
