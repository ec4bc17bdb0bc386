import Foundation

/// Small self-contained SVG charts for `shootdown compare --svg`: grouped bars (one group per
/// figure, one bar per scheme) and lines over a swept parameter (one line per scheme).
public enum SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]

    /// Grouped bars: for each figure, one bar per series, scaled to the figure's largest value
    /// (each group has its own scale; the value is printed above each bar).
    public static func bars(title: String, groups: [String], series: [(name: String, values: [Int])]) -> String {
        let width = 140 + groups.count * (series.count * 22 + 30)
        let height = 344 + 16 * series.count
        var svg = header(width: width, height: height, title: title)
        let baseline = 300
        for (g, group) in groups.enumerated() {
            let top = max(1, series.map { $0.values[g] }.max() ?? 1)
            let x0 = 60 + g * (series.count * 22 + 30)
            for (s, line) in series.enumerated() {
                let value = line.values[g]
                let h = value * 230 / top
                let x = x0 + s * 22
                svg += "<rect x=\"\(x)\" y=\"\(baseline - h)\" width=\"18\" height=\"\(h)\" fill=\"\(color(s))\"/>\n"
                svg += text(x + 9, baseline - h - 4, "\(value)", size: 9, anchor: "middle", rotate: true)
            }
            svg += text(x0 + series.count * 11, baseline + 16, group, size: 11, anchor: "middle")
        }
        svg += "<line x1=\"50\" y1=\"\(baseline)\" x2=\"\(width - 20)\" y2=\"\(baseline)\" stroke=\"#333\"/>\n"
        svg += legend(series.map(\.name), x: 60, y: baseline + 34)
        return svg + "</svg>\n"
    }

    /// Lines of `series` over the x values, with axes and a legend.
    public static func lines(
        title: String, xLabel: String, x: [Int], yLabel: String, series: [(name: String, values: [Int])]
    )
        -> String
    {
        let width = 640
        let height = 396 + 16 * series.count
        let (left, right, top, bottom) = (80, width - 30, 50, 330)
        let maxY = max(1, series.flatMap(\.values).max() ?? 1)
        let maxX = max(1, x.max() ?? 1)
        let minX = x.min() ?? 0
        func px(_ value: Int) -> Int { left + (value - minX) * (right - left) / max(1, maxX - minX) }
        func py(_ value: Int) -> Int { bottom - value * (bottom - top) / maxY }
        var svg = header(width: width, height: height, title: title)
        svg += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"#333\"/>\n"
        for value in x { svg += text(px(value), bottom + 16, "\(value)", size: 11, anchor: "middle") }
        svg += text((left + right) / 2, bottom + 34, xLabel, size: 12, anchor: "middle")
        for step in 0...4 {
            let value = maxY * step / 4
            svg += text(left - 6, py(value) + 4, "\(value)", size: 10, anchor: "end")
        }
        svg += text(left, top - 8, yLabel, size: 12, anchor: "start")
        for (s, line) in series.enumerated() {
            let points = zip(x, line.values).map { "\(px($0)),\(py($1))" }.joined(separator: " ")
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color(s))\" stroke-width=\"2\"/>\n"
            for (xv, yv) in zip(x, line.values) {
                svg += "<circle cx=\"\(px(xv))\" cy=\"\(py(yv))\" r=\"3\" fill=\"\(color(s))\"/>\n"
            }
        }
        svg += legend(series.map(\.name), x: left, y: bottom + 56)
        return svg + "</svg>\n"
    }

    static func header(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + text(width / 2, 24, title, size: 14, anchor: "middle")
    }

    static func legend(_ names: [String], x: Int, y: Int) -> String {
        var svg = ""
        for (i, name) in names.enumerated() {
            let ly = y + i * 16
            svg += "<rect x=\"\(x)\" y=\"\(ly - 10)\" width=\"12\" height=\"12\" fill=\"\(color(i))\"/>\n"
            svg += text(x + 18, ly, name, size: 11, anchor: "start")
        }
        return svg
    }

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    static func text(_ x: Int, _ y: Int, _ content: String, size: Int, anchor: String, rotate: Bool = false) -> String {
        let escaped = content.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let transform = rotate ? " transform=\"rotate(-60 \(x) \(y))\"" : ""
        let textAnchor = rotate ? "start" : anchor
        return
            "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" text-anchor=\"\(textAnchor)\"\(transform)>\(escaped)</text>\n"
    }
}
