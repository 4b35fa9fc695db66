import CaseDomain
import CaseStore
import Dispatch
import KhmerText
import Localization
import Synchronization

/// What checking an import file found: the records ready to save, and
/// the rows that cannot be, each with its reasons.
public struct ImportPlan<Record: Sendable>: Sendable {
    /// The file's headings, as written.
    public var header: [String]
    public var records: [Record]
    /// How many rows the good records came from.
    public var goodRows: Int
    /// Problems with the file as a whole (a missing column); nothing can
    /// be imported while there are any.
    public var fileProblems: [ImportProblem]
    /// Rejected rows: line → the row's cells and its problems.
    public var rejected: [(line: Int, cells: [String], problems: [ImportProblem])]

    public var isClean: Bool { fileProblems.isEmpty && rejected.isEmpty }
}

/// Reads households with their members from an import table: one row per
/// person, rows with the same value in the household column belong
/// together, and the row whose relationship is "head" is the head. Every
/// row is checked (village, names, sex, birth date or age, phone, ID Poor
/// level, vulnerabilities, migration), and a household whose head has the
/// name of a registered household's head in the same village is refused
/// as a duplicate.
struct HouseholdImporter: Sendable {
    let table: ImportTable
    let places: PlaceFinder
    let strings: StringTable
    let today: LocalDate
    /// Whose queue a household's first visit goes to: its worker column's,
    /// else the command's `--worker`, else the importer's.
    let workers: WorkerFinder

    typealias Rows = [(line: Int, cells: [String], values: RowCells)]

    /// What checking one household's rows found: the household ready to
    /// save, or its rows' problems; and its head's folded names in its
    /// village, for finding a household written twice in the file.
    struct Checked: Sendable {
        var rows: Rows
        var problems: [Int: [ImportProblem]]
        var record: NewHousehold?
        var headLine: Int?
        var headKeys: [String] = []
    }

    func plan(existing: ([(km: String, latin: String, village: String)]) throws -> [Int: String]) throws
        -> ImportPlan<NewHousehold> {
        let (columns, unknown) = ImportKind.households.match(table.header, table: strings)
        var fileProblems = unknown.map { ImportProblem(line: 1, "import.unknown-column", [$0]) }
        let present = Set(columns.values)
        for column in ImportKind.households.columns where column.required && !present.contains(column) {
            fileProblems.append(ImportProblem(line: 1, columnKey: column.headingKey, "import.missing-column"))
        }
        if !present.contains(where: { $0.id == "nameKm" || $0.id == "nameLatin" }) {
            fileProblems.append(ImportProblem(line: 1, columnKey: "import.col.name-km", "import.missing-column"))
        }
        if !present.contains(where: { $0.id == "dateOfBirth" || $0.id == "age" }) {
            fileProblems.append(ImportProblem(line: 1, columnKey: "import.col.age", "import.missing-column"))
        }
        guard fileProblems.isEmpty else { return ImportPlan(header: table.header, records: [], goodRows: 0, fileProblems: fileProblems, rejected: []) }

        // Rows by household, in the order each household first appears.
        var order: [String] = []
        var groups: [String: Rows] = [:]
        let positions = ColumnPositions(columns)
        for row in table.rows {
            let cells = positions.cells(row.cells)
            let key = ValueReader.normal(cells["household"] ?? "")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append((row.line, row.cells, cells))
        }

        // Households are checked on both cores, each half with its own
        // reader of values; whether a head is named twice is then seen in
        // the file's order.
        let halves = order.count < 64 ? [order[...]] : [order[..<(order.count / 2)], order[(order.count / 2)...]]
        let checkedHalves = Mutex<[[Checked]]>(Array(repeating: [], count: halves.count))
        let allGroups = groups
        DispatchQueue.concurrentPerform(iterations: halves.count) { half in
            let values = ValueReader(table: strings)
            let checked = halves[half].map { key in check(key, allGroups[key] ?? [], values: values) }
            checkedHalves.withLock { $0[half] = checked }
        }

        var records: [NewHousehold] = []
        var recordRows: [(rows: Rows, headLine: Int)] = []
        var rejected: [(line: Int, cells: [String], problems: [ImportProblem])] = []
        var seenHeads: [String: Int] = [:]
        for checked in checkedHalves.withLock({ $0 }).joined() {
            var problems = checked.problems
            if let headLine = checked.headLine {
                if let earlier = checked.headKeys.lazy.compactMap({ seenHeads[$0] }).first {
                    problems[headLine, default: []].append(ImportProblem(
                        line: headLine, columnKey: checked.record.map(Self.nameColumn) ?? "import.col.name-km",
                        "import.duplicate-in-file", [String(earlier)]))
                }
                for key in checked.headKeys { seenHeads[key] = headLine }
            }
            if problems.isEmpty, let record = checked.record {
                records.append(record)
                recordRows.append((checked.rows, checked.headLine ?? checked.rows.first?.line ?? 0))
            } else {
                reject(checked.rows, problems, into: &rejected)
            }
        }

        // Households already registered: same head name in the same village.
        let duplicates = try existing(records.map { record in
            (record.household.headNameKm, record.household.headNameLatin, record.household.villageCode ?? "")
        })
        if !duplicates.isEmpty {
            var kept: [NewHousehold] = []
            for (i, record) in records.enumerated() {
                guard let code = duplicates[i] else {
                    kept.append(record)
                    continue
                }
                let (rows, head) = recordRows[i]
                reject(rows, [head: [ImportProblem(line: head, columnKey: Self.nameColumn(record), "import.duplicate", [code])]],
                       into: &rejected)
            }
            records = kept
        }
        rejected.sort { $0.line < $1.line }
        let goodRows = records.reduce(0) { $0 + 1 + $1.members.count }
        return ImportPlan(header: table.header, records: records, goodRows: goodRows, fileProblems: [], rejected: rejected)
    }

    /// The column a head's name was written in, to say a duplicate there.
    static func nameColumn(_ record: NewHousehold) -> String {
        record.household.headNameKm.trimmingSpaces().isEmpty ? "import.col.name-latin" : "import.col.name-km"
    }

    /// One household's rows: its own fields, each person, one head, and
    /// the household rules.
    private func check(_ key: String, _ rows: Rows, values: ValueReader) -> Checked {
        var problems: [Int: [ImportProblem]] = [:]
        if key.isEmpty {
            for row in rows { problems[row.line, default: []].append(ImportProblem(line: row.line,
                columnKey: "import.col.household", "error.required")) }
        }
        let household = readHousehold(rows, values: values, problems: &problems)
        let worker = readWorker(rows, problems: &problems)
        var members: [(line: Int, input: MemberInput)] = []
        for row in rows {
            members.append((row.line, readMember(row.values, line: row.line, values: values, problems: &problems)))
        }
        let heads = members.filter { $0.input.relationship == .head }
        if heads.count != 1, let first = rows.first {
            problems[first.line, default: []].append(ImportProblem(
                line: first.line, columnKey: "import.col.relationship",
                heads.isEmpty ? "import.no-head" : "import.several-heads", [rows.first?.values["household"] ?? ""]))
        }
        var checked = Checked(rows: rows, problems: problems, record: nil)
        guard let head = heads.first, var input = household else { return checked }
        input.headNameKm = head.input.nameKm
        input.headNameLatin = head.input.nameLatin
        input.headSex = head.input.sex
        input.headAge = head.input.birth.map { $0.age(on: today) }
        input = HouseholdRules.addingHeadFactors(input)
        input.vulnerabilities = HouseholdRules.factors(input.vulnerabilities, members: members.map(\.input.migration),
                                                       exactly: false)
        let said = Set((checked.problems[head.line] ?? []).compactMap(\.columnKey))
        for (field, message) in HouseholdRules.validate(input, isNew: true) where field != .headName {
            // Not again for a cell already said to be wrong (a sex that is no sex, a birth date to come).
            if said.contains(field.columnKey)
                || (field == .headAge && (said.contains("import.col.date-of-birth") || said.contains("import.col.age"))) {
                continue
            }
            checked.problems[head.line, default: []].append(ImportProblem(line: head.line, columnKey: field.columnKey,
                                                                          message))
        }
        if let village = input.villageCode {
            checked.headLine = head.line
            checked.headKeys = [input.headNameKm, input.headNameLatin].map { SearchKey.make($0) }
                .filter { !$0.isEmpty }.map { $0 + "|" + village }
        }
        checked.record = NewHousehold(household: input, head: head.input,
                                      members: members.filter { $0.input.relationship != .head }.map(\.input),
                                      worker: worker ?? workers.fallback)
        return checked
    }

    /// Every row of a refused household goes to the rejected list; rows
    /// without a problem of their own say another row has one.
    private func reject(_ rows: Rows, _ problems: [Int: [ImportProblem]],
                        into rejected: inout [(line: Int, cells: [String], problems: [ImportProblem])]) {
        for row in rows {
            let own = problems[row.line] ?? []
            rejected.append((row.line, row.cells,
                             own.isEmpty ? [ImportProblem(line: row.line, "import.household-has-problems")] : own))
        }
    }

    /// The household's own fields, from the first row that has each.
    private func readHousehold(_ rows: Rows, values: ValueReader,
                               problems: inout [Int: [ImportProblem]]) -> HouseholdInput? {
        func first(_ id: String) -> (line: Int, text: String)? {
            rows.lazy.compactMap { row in
                (row.values[id]).flatMap { $0.isEmpty ? nil : (row.line, $0) }
            }.first
        }
        var input = HouseholdInput()
        var ok = true
        if let (line, text) = first("village") {
            var within: [String] = []
            for (id, level) in [("province", Place.Level.province), ("district", .district), ("commune", .commune)] {
                guard let (unitLine, unit) = first(id) else { continue }
                switch places.find(unit, level: level, within: within) {
                case .one(let place): within = [place.code]
                case .none:
                    problems[unitLine, default: []].append(ImportProblem(line: unitLine, columnKey: "field.\(level.rawValue)",
                                                                         "import.no-such-place", [unit]))
                    ok = false
                case .several(let n):
                    problems[unitLine, default: []].append(ImportProblem(line: unitLine, columnKey: "field.\(level.rawValue)",
                                                                         "import.several-places", [unit, String(n)]))
                    ok = false
                }
            }
            switch places.find(text, level: .village, within: within) {
            case .one(let village): input.villageCode = village.code
            case .none:
                let suggestion = places.suggestion(for: text, level: .village, within: within)
                problems[line, default: []].append(ImportProblem(
                    line: line, columnKey: "import.col.village",
                    suggestion == nil ? "import.no-such-village" : "import.no-such-village-suggest",
                    [text] + (suggestion.map { [$0] } ?? [])))
                ok = false
            case .several(let n):
                problems[line, default: []].append(ImportProblem(line: line, columnKey: "import.col.village",
                                                                 "import.several-villages", [text, String(n)]))
                ok = false
            }
            for other in rows where !(other.values["village"] ?? "").isEmpty && other.values["village"] != text {
                problems[other.line, default: []].append(ImportProblem(line: other.line, columnKey: "import.col.village",
                                                                       "import.village-differs", [text]))
                ok = false
            }
        } else if let line = rows.first?.line {
            problems[line, default: []].append(ImportProblem(line: line, columnKey: "import.col.village",
                                                             "error.village-required"))
            ok = false
        }
        input.addressDetail = first("address")?.text ?? ""
        input.phone = first("householdPhone")?.text ?? ""
        if let (line, text) = first("idPoor") {
            let aliases: [String: IDPoorStatus] = ["1": .level1, "2": .level2, "0": .none, "no": .none, "ទេ": .none,
                                                   "១": .level1, "២": .level2, "០": .none]
            if let level = values.code(text, IDPoorStatus.self, aliases: aliases) {
                input.idPoor = level
            } else {
                problems[line, default: []].append(.notAChoice(line: line, columnKey: "import.col.idpoor", text,
                                                               IDPoorStatus.self))
                ok = false
            }
        }
        if let (line, text) = first("vulnerabilities") {
            let (found, unknown) = values.codes(text, Vulnerability.self)
            input.vulnerabilities = Set(found)
            for item in unknown {
                problems[line, default: []].append(.notAChoice(line: line, columnKey: "import.col.vulnerabilities", item,
                                                               Vulnerability.self))
                ok = false
            }
        }
        return ok ? input : nil
    }

    /// The worker named in the household's rows (the first that names
    /// one; every row that names another is wrong), or nil.
    private func readWorker(_ rows: Rows, problems: inout [Int: [ImportProblem]]) -> Int64? {
        let named = rows.compactMap { row in (row.values["worker"]).flatMap { $0.isEmpty ? nil : (row.line, $0) } }
        guard let (line, text) = named.first else { return nil }
        for (other, otherText) in named.dropFirst() where otherText != text {
            problems[other, default: []].append(ImportProblem(line: other, columnKey: "import.col.worker",
                                                              "import.worker-differs", [text]))
        }
        switch workers.find(text) {
        case .one(let id): return id
        case .none:
            problems[line, default: []].append(ImportProblem(line: line, columnKey: "import.col.worker",
                                                             "import.no-such-worker", [text]))
        case .several:
            problems[line, default: []].append(ImportProblem(line: line, columnKey: "import.col.worker",
                                                             "import.several-workers", [text]))
        }
        return nil
    }

    /// The words a spreadsheet uses for a relationship the list names in
    /// one word: "wife" or ប្រពន្ធ for spouse, "daughter" for child
    /// (walk-through: ប្រពន្ធ was refused; only ប្ដី ឬប្រពន្ធ was taken).
    static let relationshipWords: [String: Relationship] = {
        let words: [Relationship: [String]] = [
            .spouse: ["wife", "husband", "ប្រពន្ធ", "ប្ដី", "ប្តី", "ភរិយា", "ស្វាមី"],
            .child: ["son", "daughter", "កូនប្រុស", "កូនស្រី"],
            .grandchild: ["grandson", "granddaughter", "ចៅប្រុស", "ចៅស្រី"],
            .parent: ["father", "mother", "ឪពុក", "ម្ដាយ", "ម្តាយ"],
            .sibling: ["brother", "sister", "បង", "ប្អូន", "បងប្រុស", "បងស្រី", "ប្អូនប្រុស", "ប្អូនស្រី"],
        ]
        var aliases: [String: Relationship] = [:]
        for (relationship, spellings) in words {
            for word in spellings { aliases[ValueReader.normal(word)] = relationship }
        }
        return aliases
    }()

    /// One person's row.
    private func readMember(_ cells: RowCells, line: Int, values: ValueReader,
                            problems: inout [Int: [ImportProblem]]) -> MemberInput {
        var input = MemberInput()
        func problem(_ column: String, _ key: String, _ arguments: [String] = []) {
            problems[line, default: []].append(ImportProblem(line: line, columnKey: column, key, arguments))
        }
        input.nameKm = cells["nameKm"] ?? ""
        input.nameLatin = cells["nameLatin"] ?? ""
        if let text = cells["sex"], !text.isEmpty {
            if let sex = values.code(text, Sex.self, aliases: ["f": .female, "m": .male]) { input.sex = sex }
            else { problems[line, default: []].append(.notAChoice(line: line, columnKey: "import.col.sex", text, Sex.self)) }
        }
        let dob = cells["dateOfBirth"] ?? "", age = cells["age"] ?? ""
        if !dob.isEmpty {
            if let date = ValueReader.date(dob) { input.birth = .dateOfBirth(date) }
            else { problem("import.col.date-of-birth", ValueReader.dateProblem(dob), [dob]) }
        } else if !age.isEmpty {
            if let years = ValueReader.number(age) { input.birth = .estimatedAge(years) }
            else { problem("import.col.age", "import.not-a-number", [age]) }
        }
        if let text = cells["relationship"], !text.isEmpty {
            if let relationship = values.code(text, Relationship.self, aliases: Self.relationshipWords) {
                input.relationship = relationship
            }
            else {
                problems[line, default: []].append(.notAChoice(line: line, columnKey: "import.col.relationship", text,
                                                               Relationship.self))
            }
        }
        if let text = cells["inSchool"] {
            switch values.yesNo(text) {
            case .success(let value): input.inSchool = value
            case .failure: problem("import.col.in-school", "import.not-yes-no", [text])
            }
        }
        input.occupation = cells["occupation"] ?? ""
        if let text = cells["migration"], !text.isEmpty {
            if let migration = values.code(text, MigrationStatus.self) { input.migration = migration }
            else {
                problems[line, default: []].append(.notAChoice(line: line, columnKey: "import.col.migration", text,
                                                               MigrationStatus.self))
            }
        }
        // A usual destination by its name in either language, else the country as written.
        let country = (cells["country"] ?? "").trimmingSpaces()
        input.migrationCountry = country.isEmpty ? "" : Destination.named(country) { code in
            Language.allCases.compactMap { values.table.text(code.labelKey, $0) }
        }?.rawValue ?? country
        input.phone = cells["phone"] ?? ""
        for (field, message) in MemberRules.validate(input, today: today) {
            // A birth problem belongs to the cell that was filled in.
            let column = field == .birth && !dob.isEmpty ? "import.col.date-of-birth" : field.columnKey
            // A problem already said about the cell (a date that is no date) is not said twice.
            guard !(problems[line] ?? []).contains(where: { $0.columnKey == column
                || (field == .birth && ($0.columnKey == "import.col.date-of-birth" || $0.columnKey == "import.col.age")) })
            else { continue }
            problem(column, message)
        }
        return input
    }
}

extension MemberField {
    var columnKey: String {
        switch self {
        case .name: "import.col.name-km"
        case .sex: "import.col.sex"
        case .birth: "import.col.age"
        case .migrationCountry: "import.col.country"
        case .phone: "import.col.phone"
        }
    }
}

extension HouseholdField {
    var columnKey: String {
        switch self {
        case .headName: "import.col.name-km"
        case .headSex: "import.col.sex"
        case .headAge: "import.col.age"
        case .village: "import.col.village"
        case .phone: "import.col.household-phone"
        case .vulnerabilities: "import.col.vulnerabilities"
        case .riskOverrideReason: "import.col.household"
        }
    }
}
