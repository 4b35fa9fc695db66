import GRDB

/// A record whose properties are its table's columns in camelCase
/// (`headNameKm` ↔ `head_name_km`): no coding keys to keep in step. Its
/// `id` is the row id, filled in when it is inserted.
protocol SnakeCaseColumns: FetchableRecord, MutablePersistableRecord {
    var id: Int64? { get set }
}

extension SnakeCaseColumns {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
