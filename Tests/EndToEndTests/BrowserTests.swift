import Foundation
import Testing

/// Renders report.html in a real headless browser. CI installs Debian's chromium (see .ci/run);
/// elsewhere these tests skip and say why.
let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

func runChromium(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium!)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                   "--user-data-dir=\(tempDir().path)"] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = readAll(out.fileHandleForReading)
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Hostile strings as an operation could plant them in posts and profiles.
let xssCorpus = [
    "<script>document.title='PWNED'</script>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "\"><svg onload=\"document.title='PWNED'\"><b id=\"xss-marker\">",
    "<svg><script>document.title='PWNED'</script></svg>",
    "' onmouseover='document.title=1' x='",
    "</td></tr></table><b id=\"xss-marker\">broken out</b>",
    "<a href=\"javascript:document.title='PWNED'\">click</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<style>body{display:none}</style>",
    "\u{202E}gnp.exe",
]

@Suite(.enabled(if: chromium != nil, "chromium is not installed: browser tests skipped (CI installs it)"))
struct BrowserTests {
    func hostileInput(in dir: URL) throws -> URL {
        var rows = [header]
        for (i, payload) in xssCorpus.enumerated() {
            let q = { (s: String) in "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            // user_display_name, user_screen_name, location, description, profile URL, text, hashtags, urls.
            let fields = [String(100 + i), "u\(i)", payload, "h\(i)\(payload)", payload, payload, "javascript:alert(\(i))", "0", "1",
                          "2017-09-03", "zh-cn", "zh", payload, "2020-01-0\(1 + i % 9) 0\(i % 9):00", payload,
                          "", "", "", "False", "", "", "", "", "0", "0", "0", "0", "['\(payload.replacingOccurrences(of: "'", with: ""))']",
                          "['javascript:alert(1)', 'https://ok.example/\(payload)']", "[]"]
            rows.append(fields.map(q).joined(separator: ","))
        }
        let input = dir.appendingPathComponent("hostile.csv")
        try rows.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        return input
    }

    @Test func hostileTextNeverExecutesNorAddsElements() throws {
        let dir = tempDir()
        let out = dir.appendingPathComponent("out")
        let r = try Binary.run(["analyze", try hostileInput(in: dir).path, "--out", out.path, "-q"])
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let report = out.appendingPathComponent("report.html")
        let source = try String(contentsOf: report, encoding: .utf8)
        // The payloads reached the page (as text), so the test tests something.
        #expect(source.contains("&lt;script&gt;document.title="))
        #expect(source.contains("Content-Security-Policy"))
        let dom = try runChromium(["--dump-dom", report.absoluteString])
        try #require(dom.contains("</html>"), "chromium produced no DOM")
        #expect(dom.contains("<title>Lockstep report</title>"), "a payload changed the title")
        // In serialised DOM, text has its `<` escaped, so every literal `<` opens a real element.
        let tags = Self.tags(dom)
        #expect(tags.count > 50)
        for (name, attributes) in tags {
            #expect(!["script", "iframe", "img", "object", "embed"].contains(name), "a planted <\(name)> became an element")
            for (key, value) in attributes {
                #expect(!key.hasPrefix("on"), "<\(name)> has an event handler \(key)")
                #expect(!value.lowercased().contains("javascript:"), "<\(name) \(key)> holds a javascript: URL")
                #expect(!(key == "id" && value == "xss-marker"), "a planted element was added")
            }
        }
        #expect(tags.filter { $0.name == "style" }.count == 1, "only the report's own stylesheet")
        #expect(!tags.contains { $0.name == "a" && $0.attributes["href"]?.hasPrefix("http") == true && $0.attributes["href"]!.contains("<") })
    }

    /// Element names and attributes of serialised HTML (enough for Chromium's --dump-dom output).
    static func tags(_ html: String) -> [(name: String, attributes: [String: String])] {
        var out: [(String, [String: String])] = []
        let chars = Array(html.unicodeScalars)
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool { CharacterSet.alphanumerics.contains(c) || c == "-" || c == ":" || c == "_" }
        while i < chars.count {
            guard chars[i] == "<", i + 1 < chars.count, CharacterSet.letters.contains(chars[i + 1]) else { i += 1; continue }
            i += 1
            var name = ""
            while i < chars.count, isNameChar(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
            var attrs: [String: String] = [:]
            while i < chars.count, chars[i] != ">" {
                if chars[i] == " " || chars[i] == "/" || chars[i] == "\n" { i += 1; continue }
                var key = ""
                while i < chars.count, chars[i] != "=", chars[i] != " ", chars[i] != ">" { key.unicodeScalars.append(chars[i]); i += 1 }
                var value = ""
                if i < chars.count, chars[i] == "=" {
                    i += 1
                    if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                        let q = chars[i]
                        i += 1
                        while i < chars.count, chars[i] != q { value.unicodeScalars.append(chars[i]); i += 1 }
                        i += 1
                    } else {
                        while i < chars.count, chars[i] != " ", chars[i] != ">" { value.unicodeScalars.append(chars[i]); i += 1 }
                    }
                }
                if !key.isEmpty { attrs[key.lowercased()] = value }
            }
            out.append((name.lowercased(), attrs))
        }
        return out
    }

    @Test func reportRendersItsSectionsAndCharts() throws {
        let dir = tempDir()
        let out = dir.appendingPathComponent("out")
        let example = repoRoot.appendingPathComponent("Examples/troll-factory")
        let r = try Binary.run(["analyze", example.path, "--out", out.path, "-q"])
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let report = out.appendingPathComponent("report.html")
        let dom = try runChromium(["--dump-dom", report.absoluteString])
        for id in ["headline", "verdict", "overview", "findings", "coordination", "schedule", "narratives", "hijack", "follower-surges", "fingerprints", "active-accounts", "input"] {
            #expect(dom.contains("id=\"\(id)\""), "section \(id) missing")
        }
        #expect(dom.components(separatedBy: "<svg").count > 5, "expected several inline SVG charts")
        let shot = dir.appendingPathComponent("report.png")
        _ = try runChromium(["--screenshot=\(shot.path)", "--window-size=1280,2000", report.absoluteString])
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "the screenshot is empty")
    }
}
