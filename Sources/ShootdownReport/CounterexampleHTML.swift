import Foundation
import ShootdownChecker
import ShootdownModel

/// A counterexample as one self-contained HTML page (no network, no external script): one
/// swimlane per CPU, a row per step, steps coloured by kernel function, the causal slice
/// highlighted (and a switch to show only it), the life of the stale entry drawn down the
/// violating CPU's lane (filled, revoked, due, used), and a click on a step shows the shared
/// state it read and wrote. It prints to PDF as it shows, without the interactive parts.
public enum CounterexampleHTML {
    /// The page of `example` on a machine of `cpus` CPUs.
    public static func page(_ example: Counterexample, cpus: Int) -> String {
        let slice = Set(example.slice ?? [])
        let reasons = example.reasons
        let life = example.anatomy?.staleEntry
        let events = Dictionary(grouping: example.timeline, by: \.step)
        var colours: [String: Int] = [:]
        for event in example.timeline where colours[event.function] == nil {
            colours[event.function] = colours.count % palette.count
        }
        let title = "\(example.violationKind): \(example.scheme) on \(example.scenario)"
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape("shootdown: " + title))</title>
            <script>window.addEventListener("error", e => { document.documentElement.dataset.errors = \
            (document.documentElement.dataset.errors || "") + e.message + "; "; });</script>
            <style>\(style(cpus: cpus))</style></head>
            <body><header>
            <h1>\(escape(title))</h1>
            <p class="violation">\(escape(example.violation))</p>
            <p>\(example.schedule.count) steps\(slice.isEmpty ? "" : ", \(slice.count) in the causal slice (outlined): each runs after the earlier steps of its CPU, and the violation needs their order").
            Replay: <code>\(escape(example.replay))</code></p>

            """
        if let life {
            html += "<p class=\"entry\">Stale entry, " + escape(life.entry) + ": "
            html += lifeSummary(life).map(escape).joined(separator: ", ") + ". "
            html += "Down its lane: <span class=\"key life-cached\">cached</span> "
            html += "<span class=\"key life-revoked\">revoked, not due</span> "
            html += "<span class=\"key life-due\">due: using it is a violation</span></p>\n"
        }
        html += "<p class=\"legend\">"
        for (function, colour) in colours.sorted(by: { $0.value < $1.value }) {
            html += "<span class=\"fn fn\(colour)\">\(escape(function))</span> "
        }
        html += "</p>\n"
        if !slice.isEmpty {
            html += "<p class=\"controls\"><label><input type=\"checkbox\" id=\"slice-only\"> "
            html += "show the causal slice only</label></p>\n"
        }
        html += "</header>\n<main>\n<div class=\"lanes\">\n<div class=\"head\">step</div>"
        for cpu in 0..<cpus { html += "<div class=\"head lane-head\">CPU \(cpu)</div>" }
        html += "\n"
        let victim = life == nil ? nil : example.steps.last?.cpu
        for (index, action) in example.schedule.enumerated() {
            let step = index + 1
            let cpu = Action(action)?.cpu ?? example.steps.first { $0.step == step }?.cpu ?? 0
            let inSlice = slice.contains(step)
            html += "<div class=\"row\(inSlice ? " in-slice" : "")\"><div class=\"num\">\(step)</div>"
            for lane in 0..<cpus {
                var classes = ["cell"]
                if lane == victim, let life, let phase = phase(of: step, in: life) { classes.append(phase) }
                html += "<div class=\"\(classes.joined(separator: " "))\">"
                if lane == cpu {
                    html += card(
                        step: step, action: action, events: events[step] ?? [], inSlice: inSlice,
                        why: reasons[step], life: life, colours: colours)
                }
                html += "</div>"
            }
            html += "</div>\n"
        }
        html += "</div>\n</main>\n"
        html += "<aside id=\"details\"><p>Click a step to see the shared state it read and wrote.</p></aside>\n"
        html += "<script type=\"application/json\" id=\"footprints\">\(footprintsJSON(example))</script>\n"
        html += "<script>\(script)</script>\n</body></html>\n"
        return html
    }

    /// One step's card: its action, each event's function and detail, the stale entry's marks,
    /// and for a step of the slice (outlined) why it matters.
    static func card(
        step: Int, action: String, events: [TraceEvent], inSlice: Bool, why: String?,
        life: CounterexampleAnatomy.EntryLife?, colours: [String: Int]
    ) -> String {
        let first = events.first.map { "fn\(colours[$0.function] ?? 0)" } ?? "fn-none"
        var html = "<div class=\"step \(first)\(inSlice ? " slice" : "")\" tabindex=\"0\" data-step=\"\(step)\">"
        // A plain step is the lane's CPU running on; an interrupt or a preemption is worth a tag.
        if !action.hasPrefix("step ") { html += "<span class=\"action\">\(escape(action))</span>" }
        if let life {
            for (mark, at) in life.events where at == step {
                html += " <span class=\"mark mark-\(mark)\">\(mark)</span>"
            }
        }
        for event in events {
            html += "<div class=\"event\"><span class=\"fn fn\(colours[event.function] ?? 0)\">"
            html += escape(event.function) + "</span> " + escape(event.detail) + "</div>"
        }
        if let why { html += "<div class=\"why\">why: \(escape(why))</div>" }
        return html + "</div>"
    }

    /// The stale entry's phase at `step`: cached, revoked (not due yet), due; `nil` outside its life.
    static func phase(of step: Int, in life: CounterexampleAnatomy.EntryLife) -> String? {
        guard let filled = life.filled, step >= filled, step <= life.used else { return nil }
        if let due = life.due, step >= due { return "life-due" }
        if let revoked = life.revoked, step >= revoked { return "life-revoked" }
        return "life-cached"
    }

    /// `filled at step 5`, `revoked at step 12`, ...
    static func lifeSummary(_ life: CounterexampleAnatomy.EntryLife) -> [String] {
        life.events.compactMap { name, step in step.map { "\(name) at step \($0)" } }
    }

    /// Per step, its action, events and footprint, as the page's script reads them.
    static func footprintsJSON(_ example: Counterexample) -> String {
        struct Entry: Encodable {
            var step: Int
            var cpu: Int
            var action: String
            var events: [String]
            var reads: [String]
            var writes: [String]
        }
        let entries = example.schedule.enumerated().map { index, action in
            let footprint = example.anatomy?.footprints[safe: index]
            return Entry(
                step: index + 1, cpu: Action(action)?.cpu ?? 0, action: action,
                events: example.steps.filter { $0.step == index + 1 }.map { "\($0.function): \($0.detail)" },
                reads: footprint?.reads ?? [], writes: footprint?.writes ?? [])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(entries)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
        // Inside <script>, "</" would end the element.
        return json.replacingOccurrences(of: "</", with: "<\\/")
    }

    /// `text` with `&`, `<`, `>` and `"` escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Background colours of kernel functions, light enough for black text and for print.
    static let palette = [
        "#cfe2ff", "#d1f2d9", "#ffe5b4", "#f8d7da", "#e2d9f3", "#d2f4f4", "#fff3b0", "#e9ecef", "#fcd5ce",
        "#d8e2dc", "#cdeac0", "#f1c0e8",
    ]

    static func style(cpus: Int) -> String {
        var css = """
            body{font:14px/1.35 system-ui,sans-serif;margin:0 340px 0 0;color:#111;-webkit-print-color-adjust:exact;print-color-adjust:exact}
            header{padding:12px 16px;border-bottom:1px solid #ccc}
            h1{font-size:18px;margin:0 0 6px}
            p{margin:4px 0}
            .violation{font-weight:600;color:#8b0000}
            code{background:#f3f3f3;padding:1px 4px}
            main{padding:8px 16px 16px}
            .lanes{display:grid;grid-template-columns:3.5em repeat(\(cpus),minmax(14em,1fr));column-gap:6px}
            .row{display:contents}
            .head{position:sticky;top:0;background:#fff;font-weight:700;padding:4px;border-bottom:2px solid #333;z-index:1}
            .num{color:#666;text-align:right;padding:4px 6px 0 0;font-variant-numeric:tabular-nums}
            .cell{border-left:4px solid transparent;padding:2px 0;min-height:8px}
            .key{border-left:4px solid;padding-left:4px;margin-right:8px}
            .life-cached{border-left-color:#2e8b57}
            .life-revoked{border-left-color:#e0a800}
            .life-due{border-left-color:#c62828}
            .step{border:1px solid #bbb;border-radius:4px;padding:3px 5px;margin-left:4px;cursor:pointer;opacity:.75;break-inside:avoid}
            .step.slice{border:2px solid #000;opacity:1;box-shadow:0 1px 3px rgba(0,0,0,.35)}
            .step.selected{outline:3px solid #1565c0}
            .action{font-family:ui-monospace,monospace;font-size:11px;font-weight:700;color:#fff;background:#555;padding:0 4px;border-radius:3px}
            .event{font-size:13px}
            .why{font-size:12px;font-style:italic;color:#333;margin-top:2px}
            .fn{font-family:ui-monospace,monospace;font-size:12px;padding:0 3px;border-radius:3px}
            .legend .fn{display:inline-block;margin:2px 4px 2px 0;border:1px solid #bbb}
            .mark{font-size:11px;font-weight:700;color:#fff;padding:0 4px;border-radius:3px}
            .mark-filled{background:#2e8b57}.mark-revoked{background:#b8860b}.mark-due{background:#c62828}.mark-used{background:#000}
            .slice-only .row:not(.in-slice){display:none}
            #details{position:fixed;top:0;right:0;width:320px;height:100%;overflow:auto;border-left:1px solid #ccc;background:#fafafa;padding:12px;box-sizing:border-box;font-size:13px}
            #details h2{font-size:15px;margin:0 0 6px}
            #details ul{padding-left:18px;margin:4px 0}
            @media print{#details,.controls{display:none}body{margin:0}.head{position:static}.step{opacity:1}}

            """
        for (index, colour) in palette.enumerated() { css += ".fn\(index){background:\(colour)}" }
        return css
    }

    /// The page's script: the slice-only switch and the footprint panel (opened on the step a
    /// `#step-N` link names).
    static let script = """
        (function () {
          const data = JSON.parse(document.getElementById("footprints").textContent);
          const panel = document.getElementById("details");
          const text = (tag, value) => { const e = document.createElement(tag); e.textContent = value; return e; };
          const list = (title, items) => {
            panel.appendChild(text("h3", title + (items.length ? "" : ": none")));
            if (!items.length) return;
            const ul = document.createElement("ul");
            for (const item of items) ul.appendChild(text("li", item));
            panel.appendChild(ul);
          };
          const show = card => {
            const entry = data[Number(card.dataset.step) - 1];
            document.querySelectorAll(".step.selected").forEach(e => e.classList.remove("selected"));
            card.classList.add("selected");
            const how = entry.action.startsWith("step ") ? "" : ", " + entry.action;
            panel.replaceChildren(text("h2", "Step " + entry.step + ", cpu" + entry.cpu + how));
            for (const event of entry.events) panel.appendChild(text("p", event));
            list("Wrote (value after the step)", entry.writes);
            list("Read", entry.reads);
            history.replaceState(null, "", "#step-" + entry.step);
          };
          document.querySelectorAll(".step").forEach(card => {
            card.addEventListener("click", () => show(card));
            card.addEventListener("keydown", e => { if (e.key === "Enter") show(card); });
          });
          const toggle = document.getElementById("slice-only");
          if (toggle) toggle.addEventListener("change", () => document.body.classList.toggle("slice-only", toggle.checked));
          // A link to file.html#step-12 opens with step 12 shown.
          const linked = /^#step-(\\d+)$/.exec(location.hash);
          const card = linked && document.querySelector('.step[data-step="' + linked[1] + '"]');
          if (card) { show(card); card.scrollIntoView({block: "nearest"}); }
          document.documentElement.dataset.lanes = String(document.querySelectorAll(".lane-head").length);
        })();
        """
}

extension Array {
    /// The element at `index`, or `nil` past the end.
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
