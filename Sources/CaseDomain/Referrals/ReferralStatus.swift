/// Where a referral stands (the status machine is `ReferralRules`).
public enum ReferralStatus: String, CodeList {
    case draft, sent, accepted, enrolled, completed, declined
    case droppedOut = "dropped-out"
    case cancelled
    public static let labelPrefix = "referral-status"
}
