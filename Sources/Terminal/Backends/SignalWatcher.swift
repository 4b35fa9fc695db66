#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

private let pendingSignal = Atomic<Int32>(0)

/// Notices SIGTERM, SIGHUP and SIGINT without doing any work inside the
/// handler: the main loop polls `take()` and shuts down cleanly, restoring
/// the terminal. Handlers are installed without SA_RESTART so a blocked read
/// returns at once.
public enum SignalWatcher {
    public static let watched: [Int32] = [SIGTERM, SIGHUP, SIGINT]

    public static func install() {
        for sig in watched {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { received in pendingSignal.store(received, ordering: .relaxed) }
            #else
            action.__sigaction_u.__sa_handler = { received in pendingSignal.store(received, ordering: .relaxed) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// The signal received since the last call, if any.
    public static func take() -> Int32? {
        let value = pendingSignal.exchange(0, ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
