import Synchronization

/// A read made off the keystroke path, and what to do with its result.
/// Reads are kept by name: one runs at a time, and a newer request waits
/// for it and replaces any request that was waiting before it (whose
/// result no one would see), so fast typing never piles up work.
@MainActor
final class BackgroundRead {
    /// Starts a read on another thread; what applies its result.
    typealias Request = (start: () -> BackgroundTask<Void>, apply: () -> Void)

    private var running: BackgroundTask<Void>
    private var apply: () -> Void
    private var waiting: Request?

    init(_ request: Request) {
        running = request.start()
        apply = request.apply
    }

    static func request<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value,
                                         then: @escaping (Result<Value, any Error>) -> Void) -> Request {
        let box = ResultBox<Value>()
        return (start: { BackgroundTask { box.set(Result { try work() }) } },
                apply: { if let result = box.take() { then(result) } })
    }

    /// A newer request: it starts when the running one ends, whose result
    /// is then dropped.
    func replace(with request: Request) { waiting = request }

    /// Moves on once the running read ends: starts the waiting one, or
    /// applies the result. True when this read is over.
    func step() -> Bool {
        guard running.outcome != nil else { return false }
        if let waiting {
            running = waiting.start()
            apply = waiting.apply
            self.waiting = nil
            return false
        }
        apply()
        return true
    }

    /// Waits for the running read and any waiting one, then applies the newest.
    func settle() {
        repeat { running.wait() } while !step()
    }
}

/// A value handed from the thread that read it to the main actor.
private final class ResultBox<Value: Sendable>: Sendable {
    private let value = Mutex<Result<Value, any Error>?>(nil)
    func set(_ result: Result<Value, any Error>) { value.withLock { $0 = result } }
    func take() -> Result<Value, any Error>? { value.withLock { $0 } }
}

extension App {
    /// Reads with `work` on another thread (a list's count, recounted as
    /// the user types) and gives the result to `then` on the main actor at
    /// the next pause between keys: typing never waits on it. A request
    /// under a name already reading replaces what waited under it.
    func readInBackground<Value: Sendable>(_ name: String, _ work: @escaping @Sendable () throws -> Value,
                                           then: @escaping (Value) -> Void) {
        let handle: (Result<Value, any Error>) -> Void = { [unowned self] result in
            switch result {
            case .success(let value): then(value)
            case .failure(let error): report(error)
            }
        }
        let request = BackgroundRead.request(work, then: handle)
        if let read = backgroundReads[name] {
            read.replace(with: request)
        } else {
            backgroundReads[name] = BackgroundRead(request)
        }
        backend.pollMilliseconds = Self.quickPollMilliseconds
    }

    /// Applies the reads that finished; true when any did.
    func applyFinishedReads() -> Bool {
        let finished = backgroundReads.filter { $0.value.step() }.map(\.key)
        for name in finished { backgroundReads[name] = nil }
        if backgroundReads.isEmpty { backend.pollMilliseconds = Self.idlePollMilliseconds }
        return !finished.isEmpty
    }

    /// Waits for every background read and applies it, then draws: what
    /// screen-flow tests see after each key, as a user sees it a moment later.
    public func settleBackgroundReads() {
        guard !backgroundReads.isEmpty else { return }
        for read in backgroundReads.values { read.settle() }
        backgroundReads = [:]
        backend.pollMilliseconds = Self.idlePollMilliseconds
        render()
    }

    /// How long the loop waits for a key: a quarter of a second when idle,
    /// a few milliseconds while a read's result is coming.
    static let idlePollMilliseconds: Int32 = 250
    static let quickPollMilliseconds: Int32 = 10
}
