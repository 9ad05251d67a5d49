#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Where the log goes: standard error, each line handed to the kernel in one
/// `write`, with no lock. swift-log's default stream takes the C `FILE` lock
/// around its write, so two threads logging a request each at the same moment
/// (every request under load) blocked one another in the kernel. One `write`
/// per line keeps lines whole without it: a pipe takes up to 4 KiB at once, a
/// regular file serializes writers, and a longer line is finished in a loop.
struct LogLines: TextOutputStream, Sendable {
    mutating func write(_ string: String) {
        var line = string
        line.withUTF8 { bytes in
            var sent = 0
            while sent < bytes.count {
                let count = Glibc.write(2, bytes.baseAddress! + sent, bytes.count - sent)
                if count > 0 {
                    sent += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return  // Nowhere to log to: a log line is not worth stopping for.
                }
            }
        }
    }

    /// swift-log's usual lines (timestamp, level, label, metadata, message) on this output;
    /// bootstrapping is allowed once per process, hence the `static let`.
    static let installed: Void = LoggingSystem.bootstrap { label in
        StreamLogHandler(label: label, stream: LogLines())
    }
}
