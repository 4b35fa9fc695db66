/// Who a user is in the organisation; decides what they may do (DESIGN §3).
public enum Role: String, CodeList {
    case volunteer
    case socialWorker = "social-worker"
    case coordinator
    case admin
    public static let labelPrefix = "role"
}
