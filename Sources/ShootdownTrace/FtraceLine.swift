import Foundation

/// One line of an ftrace text trace (the `trace` file, or `trace-cmd report`), split into its
/// fields: `TASK-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: BODY`.
public struct FtraceLine: Hashable, Sendable {
    /// What the body is.
    public enum Body: Hashable, Sendable {
        /// A trace event: `tlb_flush: pages:1 reason:remote shootdown (1)`.
        case event(name: String, fields: String)
        /// The function tracer: `flush_tlb_func <-smp_call_function_many_cond`.
        case function(name: String, caller: String)
        /// A syscall event: `sys_mprotect(start: 4b6000, len: 4000, prot: 1)` or
        /// `sys_mprotect -> 0x0`.
        case syscall(name: String, isExit: Bool, arguments: String)
    }

    /// The line's number in its file (1-based).
    public var number: Int
    public var task: String
    public var pid: Int
    /// The thread group (process), where the trace has the TGID column and knows it.
    public var tgid: Int?
    public var cpu: Int
    /// Seconds since boot.
    public var timestamp: Double
    public var body: Body
}

/// Why a line is not an ftrace line.
public struct FtraceError: Error, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension FtraceLine {
    /// Parses `text` (one line, numbered `number`); `nil` for a comment, a blank line, or a
    /// buffer note or header (`##### CPU 2 buffer started ####`; trace-cmd report's
    /// `version = 7`, `CPU 0 is empty`, `cpus=4`).
    /// - Throws: ``FtraceError`` naming the field that does not parse.
    public static func parse(_ text: Substring, number: Int) throws(FtraceError) -> FtraceLine? {
        let line = text.drop { $0 == " " || $0 == "\t" }
        if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("CPU ") || line.hasPrefix("cpus=")
            || line.hasPrefix("version =")
        {
            return nil
        }
        func fail(_ message: String) -> FtraceError {
            FtraceError(line: number, message: "\(message), found '\(text.prefix(120))'")
        }
        // The CPU field, `[003]`, anchors the rest: the task's name may hold spaces and dashes.
        guard let open = line.range(of: " ["), let close = line[open.upperBound...].firstIndex(of: "]"),
            let cpu = Int(line[open.upperBound..<close])
        else { throw fail("expected 'TASK-PID [CPU] ... TIMESTAMP: ...' with the CPU in brackets") }
        var head = line[..<open.lowerBound].trimmingSuffix()
        var tgid: Int?
        // The TGID column: `(  123)`, or `(-------)` where unknown.
        if head.hasSuffix(")"), let paren = head.lastIndex(of: "(") {
            let inside = head[head.index(after: paren)..<head.index(before: head.endIndex)].trimmingPrefix()
            tgid = Int(inside)
            head = head[..<paren].trimmingSuffix()
        }
        guard let dash = head.lastIndex(of: "-"), let pid = Int(head[head.index(after: dash)...]) else {
            throw fail("expected TASK-PID before the CPU")
        }
        let rest = line[line.index(after: close)...]
        guard let colon = rest.range(of: ": ") else { throw fail("expected 'TIMESTAMP: ' after the CPU") }
        // FLAGS (optional) then TIMESTAMP: the last word before the colon.
        guard let stamp = rest[..<colon.lowerBound].split(separator: " ").last, let timestamp = Double(stamp) else {
            throw fail("expected a timestamp (seconds) before ': '")
        }
        let body = rest[colon.upperBound...]
        return FtraceLine(
            number: number, task: String(head[..<dash]), pid: pid, tgid: tgid, cpu: cpu, timestamp: timestamp,
            body: try parseBody(body, fail: fail))
    }

    static func parseBody(_ body: Substring, fail: (String) -> FtraceError) throws(FtraceError) -> Body {
        // The function tracer: `f <-caller` in the trace file, `function: f <-- caller` in
        // trace-cmd report.
        var call = body
        if call.hasPrefix("function:") { call = call.dropFirst("function:".count).trimmingPrefix() }
        if let arrow = call.range(of: " <-") {
            let caller = call[arrow.upperBound...].drop { $0 == "-" || $0 == " " }
            return .function(name: String(call[..<arrow.lowerBound]), caller: String(caller))
        }
        if body.hasPrefix("sys_") {
            if let exit = body.range(of: " -> ") {
                return .syscall(
                    name: String(body[..<exit.lowerBound]), isExit: true, arguments: String(body[exit.upperBound...]))
            }
            if let paren = body.firstIndex(of: "(") {
                return .syscall(
                    name: String(body[..<paren]), isExit: false,
                    arguments: String(body[body.index(after: paren)...].dropLast()))
            }
        }
        if let colon = body.firstIndex(of: ":"), body[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        {
            let name = String(body[..<colon])
            let fields = String(body[body.index(after: colon)...].trimmingPrefix())
            // trace_tlb_flush(reason, pages): `pages` is TLB_FLUSH_ALL (-1) or a count, 0 where
            // flush_tlb_func() returned early.
            if name == "tlb_flush", (TraceStats.field("pages", in: fields) ?? -2) < -1 {
                throw fail("expected 'pages:N' (N -1 for everything, or a count) in a tlb_flush event")
            }
            return .event(name: name, fields: fields)
        }
        throw fail("expected 'EVENT: FIELDS', 'FUNCTION <-CALLER' or a syscall after the timestamp")
    }
}

extension Substring {
    fileprivate func trimmingSuffix() -> Substring {
        var s = self
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }

    fileprivate func trimmingPrefix() -> Substring { drop { $0 == " " || $0 == "\t" } }
}
