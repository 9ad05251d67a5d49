import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Waits for the child to end and returns its exit status (128 + the signal
    /// when a signal ended it). Not `waitUntilExit()`: once in a full `swift
    /// test` it spun for ever (a core at 100% for 20 minutes) on the SMTP sink's
    /// python, killed and left a zombie that Foundation never reaped. Foundation
    /// watches its children from a thread of its own; `waitpid` here cannot miss.
    public func waitForExit() -> Int32 {
        let pid = processIdentifier
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, 0)
            if reaped == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            if reaped < 0 && errno == EINTR { continue }
            // ECHILD: Foundation reaped it first, and is about to say so.
            while isRunning { usleep(1_000) }
            return terminationStatus
        }
    }
}
