/// How a follow-up is made.
public enum FollowUpType: String, CodeList {
    case homeVisit = "home-visit"
    case phone
    case schoolVisit = "school-visit"
    case meeting
    public static let labelPrefix = "followup-type"
    /// The kind in a list column: Khmer's full names are too long there.
    public var shortLabelKey: String { labelKey + ".short" }
}

/// Where a follow-up stands.
public enum FollowUpStatus: String, CodeList {
    case scheduled, done, missed, cancelled
    public static let labelPrefix = "followup-status"
}
