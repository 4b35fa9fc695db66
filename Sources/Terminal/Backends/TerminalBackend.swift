/// Where frames go and keys come from. The app talks only to this protocol,
/// so screen-flow tests run on `MemoryBackend` with no terminal at all.
@MainActor
public protocol TerminalBackend: AnyObject {
    /// Current size in cells.
    var size: Size { get }
    /// Shows a frame.
    func draw(_ canvas: Canvas)
    /// The next key, or nil when none arrived within a short poll interval
    /// (so the caller can notice signals) or the input is exhausted.
    func readKey() -> Key?
    /// How long `readKey` waits for a key before returning nil: shorter
    /// while the caller has work finishing in the background to show.
    var pollMilliseconds: Int32 { get set }
    /// Restores the terminal. Safe to call more than once.
    func shutdown()
}

/// An in-memory terminal for tests: keys are queued by the test, frames are
/// kept for assertions.
@MainActor
public final class MemoryBackend: TerminalBackend {
    public private(set) var size: Size
    public private(set) var lastFrame: Canvas
    public private(set) var frameCount = 0
    private var pending: [Key] = []
    public private(set) var isShutDown = false

    public init(size: Size = Size(width: 80, height: 24)) {
        self.size = size
        lastFrame = Canvas(size: size)
    }

    public func draw(_ canvas: Canvas) {
        lastFrame = canvas
        frameCount += 1
    }

    public func readKey() -> Key? { pending.isEmpty ? nil : pending.removeFirst() }

    /// Unused: queued keys are there at once.
    public var pollMilliseconds: Int32 = 250

    public func shutdown() { isShutDown = true }

    public func queue(_ keys: [Key]) { pending += keys }

    /// Changes the size and queues the resize key, as a terminal would.
    public func resize(to newSize: Size) {
        size = newSize
        pending.append(.resize)
    }

    /// The last frame as text, one line per row.
    public var screenText: String { lastFrame.text }
}
