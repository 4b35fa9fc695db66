import Foundation
import Synchronization

/// The highest private (anonymous) resident memory of this process while it
/// runs, read from `/proc/self/status` every few milliseconds. The backup
/// check reads the copy through memory mapping: its pages count in the
/// process's resident size though they are the file's, shared with the
/// page cache, so the bench reports private memory for those operations.
final class PrivateMemorySampler: Sendable {
    private let peakKB = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init() {
        Thread.detachNewThread { [self] in
            while running.load(ordering: .relaxed) {
                peakKB.max(Self.privateKB(), ordering: .relaxed)
                usleep(5_000)
            }
            finished.signal()
        }
    }

    /// Stops sampling and returns the peak in MB.
    func stop() -> Double {
        running.store(false, ordering: .relaxed)
        finished.wait()
        peakKB.max(Self.privateKB(), ordering: .relaxed)
        return Double(peakKB.load(ordering: .relaxed)) / 1024
    }

    /// `RssAnon` in kB, or 0 where the system does not say.
    private static func privateKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") })
        else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}
