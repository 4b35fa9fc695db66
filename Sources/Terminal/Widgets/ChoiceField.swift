import KhmerText

/// One option of a choice: a stable id and its labels (Komar passes the
/// Khmer label first, then the English one).
public struct ChoiceOption: Equatable, Sendable {
    public let id: String
    public let labels: [String]
    /// Canonical key over every label, for type-to-filter in either script.
    public let searchKey: String
    /// Each label's canonical key, to tell an exact match from a partial one.
    let labelKeys: [String]

    public init(id: String, labels: [String]) {
        self.id = id
        self.labels = labels
        labelKeys = labels.map { SearchKey.make(LookalikeLetters.folded($0)) }
        searchKey = labelKeys.joined(separator: " ")
    }

    public func label(_ index: Int) -> String {
        labels.isEmpty ? id : labels[min(max(index, 0), labels.count - 1)]
    }
}

/// A drop-down list with type-to-filter, shared by `ChoiceField` and
/// `MultiChoiceField`.
@MainActor
final class OptionList {
    var options: [ChoiceOption] = []
    let filter = TextField(maxLength: 60)
    private(set) var visible: [ChoiceOption] = []
    var highlighted = 0
    private var top = 0
    let filterable: Bool

    init(filterable: Bool) { self.filterable = filterable }

    func reset(options: [ChoiceOption], highlight id: String?) {
        self.options = options
        filter.text = ""
        refilter()
        highlighted = id.flatMap { id in visible.firstIndex { $0.id == id } } ?? 0
    }

    func refilter() {
        // Every word typed must be found, in any order, as in every search.
        let query = SearchQuery(LookalikeLetters.folded(filter.text))
        visible = query.isEmpty ? options : options.filter { query.matches(folded: $0.searchKey) }
        // The highlight follows what was typed, never the row number it had:
        // "Child" typed over "Grandchild" highlights Child (walk-through).
        if query.isEmpty {
            highlighted = min(highlighted, max(0, visible.count - 1))
        } else {
            highlighted = visible.firstIndex { $0.labelKeys.contains(query.key) }
                ?? visible.firstIndex { $0.labelKeys.contains { $0.hasPrefix(query.key) } }
                ?? 0
        }
    }

    var current: ChoiceOption? { visible.indices.contains(highlighted) ? visible[highlighted] : nil }

    /// Navigation and filter typing; returns false for keys the owner
    /// decides (Enter, Esc, Space in a multi-choice).
    func handle(_ key: Key, pageSize: Int) -> Bool {
        switch key {
        case .up: highlighted = max(0, highlighted - 1)
        case .down: highlighted = min(max(0, visible.count - 1), highlighted + 1)
        case .pageUp: highlighted = max(0, highlighted - pageSize)
        case .pageDown: highlighted = min(max(0, visible.count - 1), highlighted + pageSize)
        case .home where filter.text.isEmpty: highlighted = 0
        case .end where filter.text.isEmpty: highlighted = max(0, visible.count - 1)
        case .char, .backspace, .delete, .left, .right, .home, .end, .ctrl("u"):
            guard filterable, filter.handle(key) else { return false }
            refilter()
        default: return false
        }
        return true
    }

    func render(into canvas: inout Canvas, anchor: Rect, bounds: Rect, env: WidgetEnvironment,
                mark: ((ChoiceOption) -> Bool)?) {
        let width = min(max(anchor.width, 30), bounds.width)
        let col = min(anchor.col, bounds.right - width)
        let header = filterable ? 1 : 0
        let wanted = min(visible.count, 12) + header + 2
        let below = bounds.bottom - anchor.bottom
        let above = anchor.row - bounds.row
        let height = max(3 + header, min(wanted, max(below, above)))
        let row = below >= height || below >= above ? anchor.bottom : max(bounds.row, anchor.row - height)
        let box = Rect(row: row, col: col, width: width, height: min(height, bounds.bottom - row))
        canvas.fill(box)
        canvas.box(box, style: .heading)
        let inner = Rect(row: box.row + 1, col: box.col + 1, width: box.width - 2, height: box.height - 2)
        if filterable {
            let hint = env.localize("widget.filter")
            let used = canvas.put(hint + " ", row: inner.row, col: inner.col, style: .muted, maxWidth: inner.width)
            filter.render(into: &canvas, at: Rect(row: inner.row, col: inner.col + used, width: inner.width - used,
                                                  height: 1), focused: true, env: env)
        }
        let listRows = inner.height - header
        guard listRows > 0 else { return }
        if highlighted < top { top = highlighted }
        if highlighted >= top + listRows { top = highlighted - listRows + 1 }
        top = max(0, min(top, max(0, visible.count - listRows)))
        if visible.isEmpty {
            canvas.put(env.localize("widget.no-match"), row: inner.row + header, col: inner.col, style: .muted,
                       maxWidth: inner.width)
        }
        for r in 0..<listRows {
            let index = top + r
            guard index < visible.count else { break }
            let option = visible[index]
            let style: TextStyle = index == highlighted ? .selected : .plain
            let prefix = mark.map { $0(option) ? "[x] " : "[ ] " } ?? ""
            canvas.fill(row: inner.row + header + r, col: inner.col, width: inner.width, style: style)
            canvas.put(prefix + option.label(env.labelIndex), row: inner.row + header + r, col: inner.col,
                       style: style, maxWidth: inner.width)
        }
        if visible.count > listRows {
            canvas.put(env.digits("\(highlighted + 1)/\(visible.count)"), row: box.bottom - 1, col: box.col + 2, style: .muted,
                       maxWidth: box.width - 4)
        }
    }
}

/// A single choice from a list. Enter, Space or typing opens the list;
/// typing filters it (Khmer or Latin); Enter picks; Esc closes.
@MainActor
public final class ChoiceField: Widget {
    public private(set) var options: [ChoiceOption]
    public private(set) var selectedId: String?
    private let list: OptionList
    public private(set) var isExpanded = false
    /// Called when the user picks an option.
    public var onSelect: ((String?) -> Void)?
    public var placeholderKey: String?

    public init(options: [ChoiceOption] = [], selected: String? = nil, filterable: Bool = true,
                placeholderKey: String? = "widget.choose") {
        self.options = options
        selectedId = selected
        list = OptionList(filterable: filterable)
        self.placeholderKey = placeholderKey
    }

    public var selected: ChoiceOption? { options.first { $0.id == selectedId } }

    /// Replaces the options; the selection is kept only if still offered.
    public func setOptions(_ options: [ChoiceOption]) {
        self.options = options
        if let id = selectedId, !options.contains(where: { $0.id == id }) { selectedId = nil }
    }

    public func select(_ id: String?) {
        selectedId = id
        onSelect?(id)
    }

    public func height(width: Int) -> Int { 1 }

    private func open() {
        guard !options.isEmpty else { return }
        list.reset(options: options, highlight: selectedId)
        isExpanded = true
    }

    public func handle(_ key: Key) -> Bool {
        if isExpanded {
            switch key {
            case .enter:
                if let option = list.current { select(option.id) }
                isExpanded = false
            case .escape: isExpanded = false
            case .tab, .backTab:
                if let option = list.current, list.visible.count == 1 { select(option.id) }
                isExpanded = false
                return false
            default:
                _ = list.handle(key, pageSize: 10)
            }
            return true
        }
        switch key {
        case .enter, .char(" "):
            open()
            return !options.isEmpty
        case .char:
            open()
            if isExpanded { _ = list.handle(key, pageSize: 10) }
            return isExpanded
        case .delete, .backspace:
            guard selectedId != nil else { return false }
            select(nil)
            return true
        default: return false
        }
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let hint = placeholderKey.map { env.localize(options.isEmpty ? "widget.choose-above-first" : $0) }
        canvas.putClosedField(selected?.label(env.labelIndex), hint: hint, mark: "▾", at: rect, focused: focused)
    }

    public func renderOverlay(into canvas: inout Canvas, anchor: Rect, bounds: Rect, env: WidgetEnvironment) {
        guard isExpanded else { return }
        canvas.cursor = nil
        list.render(into: &canvas, anchor: anchor, bounds: bounds, env: env, mark: nil)
    }
}

/// Several choices from a list: Enter or Space opens a checklist, Space
/// ticks, Enter or Esc closes.
@MainActor
public final class MultiChoiceField: Widget {
    public let options: [ChoiceOption]
    public private(set) var selectedIds: Set<String>
    private let list: OptionList
    public private(set) var isExpanded = false
    public var onChange: ((Set<String>) -> Void)?

    /// `filterable`: typing narrows a long list (Space still ticks the
    /// highlighted option, so the filter takes no spaces).
    public init(options: [ChoiceOption], selected: Set<String> = [], filterable: Bool = false) {
        self.options = options
        selectedIds = selected
        list = OptionList(filterable: filterable)
    }

    public func height(width: Int) -> Int { 1 }

    /// Replaces the selection (restoring a draft).
    public func select(_ ids: Set<String>) {
        selectedIds = ids.filter { id in options.contains { $0.id == id } }
        onChange?(selectedIds)
    }

    public func toggle(_ id: String) {
        if selectedIds.contains(id) { selectedIds.remove(id) } else { selectedIds.insert(id) }
        onChange?(selectedIds)
    }

    public func handle(_ key: Key) -> Bool {
        if isExpanded {
            switch key {
            case .char(" "): if let option = list.current { toggle(option.id) }
            case .char("x") where !list.filterable: if let option = list.current { toggle(option.id) }
            case .enter, .escape: isExpanded = false
            case .tab, .backTab:
                isExpanded = false
                return false
            default: _ = list.handle(key, pageSize: 10)
            }
            return true
        }
        switch key {
        case .enter, .char(" "):
            list.reset(options: options, highlight: nil)
            isExpanded = true
            return true
        default: return false
        }
    }

    public func render(into canvas: inout Canvas, at rect: Rect, focused: Bool, env: WidgetEnvironment) {
        let chosen = options.filter { selectedIds.contains($0.id) }.map { $0.label(env.labelIndex) }
        canvas.putClosedField(chosen.isEmpty ? nil : chosen.joined(separator: ", "),
                              hint: env.localize("widget.choose-several"), mark: "▾", at: rect, focused: focused)
    }

    public func renderOverlay(into canvas: inout Canvas, anchor: Rect, bounds: Rect, env: WidgetEnvironment) {
        guard isExpanded else { return }
        canvas.cursor = nil
        list.render(into: &canvas, anchor: anchor, bounds: bounds, env: env) { [selectedIds] in
            selectedIds.contains($0.id)
        }
    }
}
