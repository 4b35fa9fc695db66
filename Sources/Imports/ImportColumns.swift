import Localization

/// A column an import file may have: its name in the code, the string
/// table key of its heading (the template's words), and whether every row
/// needs it.
public struct ImportColumn: Hashable, Sendable {
    public let id: String
    public let headingKey: String
    public let required: Bool

    init(_ id: String, _ headingKey: String, required: Bool = false) {
        self.id = id
        self.headingKey = headingKey
        self.required = required
    }
}

/// What can be imported, each with its columns.
public enum ImportKind: String, CaseIterable, Sendable {
    case households, providers

    public var columns: [ImportColumn] {
        switch self {
        case .households:
            [ImportColumn("household", "import.col.household", required: true),
             ImportColumn("village", "import.col.village", required: true),
             ImportColumn("commune", "field.commune"), ImportColumn("district", "field.district"),
             ImportColumn("province", "field.province"), ImportColumn("address", "import.col.address"),
             ImportColumn("householdPhone", "import.col.household-phone"), ImportColumn("idPoor", "import.col.idpoor"),
             ImportColumn("vulnerabilities", "import.col.vulnerabilities"),
             ImportColumn("nameKm", "import.col.name-km"), ImportColumn("nameLatin", "import.col.name-latin"),
             ImportColumn("sex", "import.col.sex", required: true),
             ImportColumn("dateOfBirth", "import.col.date-of-birth"), ImportColumn("age", "import.col.age"),
             ImportColumn("relationship", "import.col.relationship", required: true),
             ImportColumn("inSchool", "import.col.in-school"), ImportColumn("occupation", "import.col.occupation"),
             ImportColumn("migration", "import.col.migration"), ImportColumn("country", "import.col.country"),
             ImportColumn("phone", "import.col.phone"), ImportColumn("worker", "import.col.worker")]
        case .providers:
            [ImportColumn("nameKm", "import.col.name-km"), ImportColumn("nameLatin", "import.col.name-latin"),
             ImportColumn("kind", "import.col.provider-kind", required: true),
             ImportColumn("services", "import.col.services", required: true),
             ImportColumn("areas", "import.col.areas"), ImportColumn("contact", "import.col.contact"),
             ImportColumn("phone", "import.col.phone"), ImportColumn("address", "import.col.address"),
             ImportColumn("seats", "import.col.seats"), ImportColumn("nextIntake", "import.col.next-intake"),
             ImportColumn("active", "import.col.active")]
        }
    }

    /// An example row of the template, in the template's language.
    func example(_ t: Localizer) -> [[String]] {
        let km = t.language == .km
        return switch self {
        case .households:
            // Places by name in the template's language (either script is read); the farmer's occupation too.
            [["1", km ? "អំព្នាំង" : "Ampeang", km ? "ក្ដឿងរាយ" : "Kdoeang Reay", "", km ? "ព្រៃវែង" : "Prey Veng", "",
              "012 345 678", "1", t("vulnerability.debt"), "សុខ ចាន់ធី", "Sok Chanthy", t("sex.female"), "", "38",
              t("relationship.head"), "", km ? "កសិករ" : "farmer", "", "", "", ""],
             ["1", "", "", "", "", "", "", "", "", "ពៅ ស្រីនាង", "Pov Sreyneang", t("sex.female"), "12/03/2010", "",
              t("relationship.child"), t("import.yes"), "", t("migration.planning"), "", "", ""]]
        case .providers:
            [["មជ្ឈមណ្ឌលបណ្តុះបណ្តាល", "Skills Centre", t("provider-kind.training-centre"),
              t("service.sewing") + "; " + t("service.motorbike-repair"), "14; 20", "Dara", "023 123 456", "", "20",
              "15/01/2027", t("import.yes")]]
        }
    }

    /// The template: headings and an example, as CSV with a byte-order mark.
    public func template(_ t: Localizer) -> String {
        let lines = [columns.map { t($0.headingKey) }] + example(t)
        return "\u{FEFF}" + lines.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Which column each heading of a file is: matched by the column's
    /// name, or its heading in English or in Khmer, ignoring case, spaces
    /// and a required-mark "*". Headings that match no column are returned
    /// apart.
    public func match(_ headings: [String], table: StringTable) -> (columns: [Int: ImportColumn], unknown: [String]) {
        func normal(_ text: String) -> String {
            text.lowercased().filter { $0 != "*" && !$0.isWhitespace }
        }
        var names: [String: ImportColumn] = [:]
        for column in columns {
            names[normal(column.id)] = column
            for language in Language.allCases {
                if let text = table.text(column.headingKey, language) { names[normal(text)] = column }
            }
        }
        // The column `--skip-bad` adds to the rejected rows: a file of them, put right, is imported as it is.
        let problems = Set(Language.allCases.compactMap { table.text("import.problems", $0) }.map(normal))
        var found: [Int: ImportColumn] = [:]
        var unknown: [String] = []
        for (i, heading) in headings.enumerated() where !heading.isEmpty && !problems.contains(normal(heading)) {
            if let column = names[normal(heading)] { found[i] = column } else { unknown.append(heading) }
        }
        return (found, unknown)
    }
}
