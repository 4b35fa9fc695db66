import Foundation

/// What a bench run measured: per operation, its samples in milliseconds.
struct BenchTimings {
    struct Operation {
        let name: String
        /// Sorted, fastest first.
        let samples: [Double]

        func percentile(_ p: Double) -> Double {
            samples[min(samples.count - 1, max(0, Int((Double(samples.count) * p).rounded(.up)) - 1))]
        }
    }

    private(set) var operations: [Operation] = []

    mutating func record(_ name: String, _ samples: [Double]) {
        operations.append(Operation(name: name, samples: samples.sorted()))
    }

    /// Times `body` `runs` times.
    mutating func measure(_ name: String, runs: Int, _ body: () throws -> Void) rethrows {
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs { samples.append(try Self.time(body)) }
        record(name, samples)
    }

    /// Milliseconds `body` took.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}
