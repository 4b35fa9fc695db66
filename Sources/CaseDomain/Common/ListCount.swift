/// How many records a list holds: an exact count, or "more than" a cap
/// (counting every match on each keystroke would cost too much).
public enum ListCount: Equatable, Sendable, CustomStringConvertible {
    case exact(Int)
    case moreThan(Int)

    /// A service's count that stops one past `cap`.
    public init(capped count: Int, cap: Int) { self = count > cap ? .moreThan(cap) : .exact(count) }

    /// "12", or ">1000".
    public var description: String {
        switch self {
        case .exact(let n): "\(n)"
        case .moreThan(let cap): ">\(cap)"
        }
    }
}
