/// A vertical list of actions: ↑/↓ move, Enter or the item's number
/// chooses. Items are numbered 1–9 then 0 (the keys along the top row, in
/// Western or Khmer digits); an eleventh and later have no number.
@MainActor
public final class Menu: Widget {
    public struct Item {
        public let id: String
        public let label: String
        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }

    public var items: [Item]
    public private(set) var selected = 0
    public var onChoose: ((String) -> Void)?

    public init(items: [Item] = []) { self.items = items }

    public func height(width: Int) -> Int { items.count }

    public func handle(_ key: Key) -> Bool {
        guard !items.isEmpty else { return false }
        switch key {
        case .up: selected = (selected + items.count - 1) % items.count
        case .down: selected = (selected + 1) % items.count
        case .home: selected = 0
        case .end: selected = items.count - 1
        case .enter: onChoose?(items[selected].id)
        case .char(let c):
            guard let index = Self.index(of: c), index < items.count else { return false }
            selected = index
            onChoose?(items[index].id)
        default: return false
        }
        return true
    }

    /// The item a digit key chooses: 1–9 the first nine, 0 the tenth.
    static func index(of key: Unicode.Scalar) -> Int? {
        let western: UInt32 = 0x30, khmer: UInt32 = 0x17E0
        let digit: UInt32
        switch key.value {
        case western...(western + 9): digit = key.value - western
        case khmer...(khmer + 9): digit = key.value - khmer
        default: return nil
        }
        return digit == 0 ? 9 : Int(digit) - 1
    }

    /// The number shown before the item at `index`.
    static func label(of index: Int) -> String { index < 9 ? String(index + 1) : index == 9 ? "0" : " " }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        selected = min(selected, max(0, items.count - 1))
        for (i, item) in items.enumerated() where i < rect.height {
            let style: TextStyle = i == selected ? .selected : .plain
            canvas.fill(row: rect.row + i, col: rect.col, width: rect.width, style: style)
            canvas.put(" \(env.digits(Self.label(of: i)))  \(item.label)", row: rect.row + i, col: rect.col, style: style, maxWidth: rect.width)
        }
    }
}
