/// A household's ID Poor card (the government's poverty identification).
public enum IDPoorStatus: String, CodeList {
    case none
    case level1 = "level-1"
    case level2 = "level-2"
    public static let labelPrefix = "idpoor"
}

/// Where a household stands in the programme.
public enum HouseholdStatus: String, CodeList {
    case active, graduated, moved, closed
    public static let labelPrefix = "household-status"
}
