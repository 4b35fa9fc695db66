import KhmerText

/// A string with a cursor, edited the way Khmer typists expect: the cursor
/// moves by Khmer-aware cluster, Backspace removes one code point, Delete
/// removes the cluster under the cursor. Shared by `TextField` and
/// `TextArea`.
public struct EditableText: Equatable, Sendable {
    public private(set) var scalars: [Unicode.Scalar] = []
    /// Cursor as an offset into `scalars`.
    public private(set) var cursor = 0
    public var maxLength: Int

    public init(_ text: String = "", maxLength: Int = 10_000) {
        self.maxLength = maxLength
        self.text = text
    }

    public var text: String {
        get {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
        set {
            scalars = Array(newValue.unicodeScalars.prefix(maxLength))
            cursor = scalars.count
        }
    }

    public var isEmpty: Bool { scalars.isEmpty }

    private var boundaries: [Int] { Clusters.scalarBoundaries(text) }

    public mutating func insert(_ scalar: Unicode.Scalar) {
        guard scalars.count < maxLength else { return }
        scalars.insert(scalar, at: cursor)
        cursor += 1
    }

    public mutating func insert(_ string: String) {
        for s in string.unicodeScalars { insert(s) }
    }

    /// Removes the one code point before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        scalars.remove(at: cursor - 1)
        cursor -= 1
    }

    /// Removes the whole cluster that starts at (or contains) the cursor.
    public mutating func deleteForward() {
        guard cursor < scalars.count else { return }
        let b = boundaries
        let start = b.last(where: { $0 <= cursor }) ?? cursor
        let end = b.first(where: { $0 > cursor }) ?? scalars.count
        scalars.removeSubrange(start..<end)
        cursor = start
    }

    public mutating func moveLeft() {
        cursor = boundaries.last(where: { $0 < cursor }) ?? 0
    }

    public mutating func moveRight() {
        cursor = boundaries.first(where: { $0 > cursor }) ?? scalars.count
    }

    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = scalars.count }

    public mutating func setCursor(_ offset: Int) { cursor = max(0, min(offset, scalars.count)) }

    /// Display columns before the cursor.
    public var cursorColumn: Int {
        var w = 0
        for s in scalars[0..<cursor] { w += DisplayWidth.of(s) }
        return w
    }

    public mutating func clear() {
        scalars = []
        cursor = 0
    }
}
