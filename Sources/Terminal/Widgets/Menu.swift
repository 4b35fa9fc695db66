/// A vertical list of actions: ↑/↓ move, Enter or the item's number
/// chooses.
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
        case .char(let c) where ("1"..."9").contains(c):
            let index = Int(c.value) - 0x31
            guard index < items.count else { return false }
            selected = index
            onChoose?(items[index].id)
        default: return false
        }
        return true
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        selected = min(selected, max(0, items.count - 1))
        for (i, item) in items.enumerated() where i < rect.height {
            let style: TextStyle = i == selected ? .selected : .plain
            canvas.fill(row: rect.row + i, col: rect.col, width: rect.width, style: style)
            canvas.put(" \(i + 1)  \(item.label)", row: rect.row + i, col: rect.col, style: style, maxWidth: rect.width)
        }
    }
}
