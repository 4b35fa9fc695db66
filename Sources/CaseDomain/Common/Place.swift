/// A unit of the Cambodian gazetteer: province, district, commune or village.
public struct Place: Equatable, Hashable, Sendable {
    public enum Level: String, Sendable, CaseIterable {
        case province, district, commune, village
    }

    public let code: String
    public let level: Level
    public let nameKm: String
    public let nameLatin: String
    /// Canonical search key over both names, for type-to-filter.
    public let searchKey: String

    public init(code: String, level: Level, nameKm: String, nameLatin: String, searchKey: String) {
        self.code = code
        self.level = level
        self.nameKm = nameKm
        self.nameLatin = nameLatin
        self.searchKey = searchKey
    }
}
