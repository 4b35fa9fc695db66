/// A cell position on the screen: row from the top, column from the left.
public struct Position: Equatable, Hashable, Sendable {
    public var row: Int
    public var col: Int
    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}

/// A rectangle of cells.
public struct Rect: Equatable, Sendable {
    public var row: Int
    public var col: Int
    public var width: Int
    public var height: Int

    public init(row: Int, col: Int, width: Int, height: Int) {
        self.row = row
        self.col = col
        self.width = width
        self.height = height
    }

    public var bottom: Int { row + height }
    public var right: Int { col + width }
}

/// Screen size in cells.
public struct Size: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Komar's layouts are designed for at least 80×24.
    public static let minimum = Size(width: 80, height: 24)
    public var isBigEnough: Bool { width >= Size.minimum.width && height >= Size.minimum.height }
}
