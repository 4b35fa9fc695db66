import Foundation

/// What a bench run measured: per operation, its samples in milliseconds.
struct BenchTimings {
    /// Only operations whose name starts with this are timed (all when nil).
    var only: String?

    struct Operation {
        let name: String
        /// Sorted, fastest first.
        let samples: [Double]

        func percentile(_ p: Double) -> Double {
            samples[min(samples.count - 1, max(0, Int((Double(samples.count) * p).rounded(.up)) - 1))]
        }
    }

    private(set) var operations: [Operation] = []

    func wants(_ name: String) -> Bool { only.map { name.hasPrefix($0) } ?? true }

    mutating func record(_ name: String, _ samples: [Double]) {
        guard wants(name) else { return }
        operations.append(Operation(name: name, samples: samples.sorted()))
    }

    /// Times `body` `runs` times; `prepare`, run before each, is not timed.
    mutating func measure(_ name: String, runs: Int, prepare: () throws -> Void = {},
                          _ body: () throws -> Void) rethrows {
        guard wants(name) else { return }
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            try prepare()
            samples.append(try Self.time(body))
        }
        record(name, samples)
    }

    /// Milliseconds `body` took.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}
