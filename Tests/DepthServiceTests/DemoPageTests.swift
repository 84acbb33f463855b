import Testing
import DepthService

/// The demo page's static promises; e2e/browser drives it in headless Chromium against depthd.
@Suite struct DemoPageTests {
    @Test func pageFetchesNothingFromAnotherHost() {
        let html = DemoPage.html
        for external in ["http://", "https://", "src=\"//", "href=\"//", "@import", "url(", "<link "] {
            #expect(!html.contains(external), "the page must be self-contained, found \(external)")
        }
    }

    @Test func pageHasTheElementsTheBrowserTestUses() {
        for id in ["file", "photo", "preview", "readout", "download", "error", "status", "drop", "model", "camera", "distance"] {
            #expect(DemoPage.html.contains("id=\"\(id)\""), "missing #\(id)")
        }
    }

    /// Every request the page's script makes is a documented operation of openapi.yaml: each
    /// `fetch` names its path literally, and that path and method are documented; every query the
    /// page builds uses parameters (and enum values) POST /v1/depth documents; every root-relative
    /// URL in the page, links included, is a documented path.
    @Test func pageUsesOnlyThePublicAPI() throws {
        let html = DemoPage.html
        let api = DocumentedOperations(try OpenAPIDocument.load())
        let script = try #require(html.firstRange(of: "<script>").flatMap { start in
            html[start.upperBound...].firstRange(of: "</script>").map { html[start.upperBound..<$0.lowerBound] }
        })

        // fetch("/path..." [+ name] [, { method: "M" ... }]): path and method.
        let fetchCalls = script.ranges(of: "fetch(").count
        let fetches = script.matches(of: #/fetch\("(?<url>[^"]*)"(?:\s*\+\s*\w+)?\s*(?:,\s*\{\s*method:\s*"(?<method>[A-Z]+)")?/#)
        #expect(fetches.count == fetchCalls, "a fetch whose URL is not a literal path")
        var used: Set<String> = []
        for fetch in fetches {
            let path = String(fetch.output.url.prefix { $0 != "?" })
            let method = fetch.output.method.map(String.init) ?? "GET"
            #expect(api.methods[path]?.contains(method.lowercased()) == true, "\(method) \(path) is not in openapi.yaml")
            used.insert("\(method) \(path)")
        }
        #expect(used.isSuperset(of: ["POST /v1/depth", "GET /v1/model"]), "\(used)")
        for name in ["XMLHttpRequest", "WebSocket", "EventSource", "sendBeacon", "import("] {
            #expect(!script.contains(name), "a request that is not a fetch: \(name)")
        }

        // The queries of POST /v1/depth: every query-shaped string literal ("format=json&size=native",
        // "&focal_px="), and every call of `post` passes one.
        let parameters = try #require(api.queryParameters["POST /v1/depth"])
        let posts = script.ranges(of: "post(").count - script.ranges(of: "function post(").count
        let literalPosts = script.matches(of: #/post\([^,()]+,\s*"[a-z_]+=/#).count
        #expect(posts > 0 && literalPosts == posts, "a call of post without a literal query")
        var formats: Set<String> = []
        for literal in script.matches(of: #/"(?<query>&?[a-z_]+=[a-z0-9]*(?:&[a-z_]+=[a-z0-9]*)*)"/#) {
            for pair in literal.output.query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let (name, value) = (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                let values = parameters[name]
                #expect(values != nil, "\(name) is not a documented query parameter of POST /v1/depth")
                if let values, !values.isEmpty, !value.isEmpty {
                    #expect(values.contains(value), "\(name)=\(value) is not one of \(values.sorted())")
                }
                if name == "format" { formats.insert(value) }
            }
        }
        #expect(formats.isSuperset(of: ["color", "json", "png16"]), "the formats the page asks for: \(formats)")

        // Root-relative URLs anywhere in the page (href="/openapi.yaml", the fetches' paths).
        let urls = html.matches(of: #/"(?<url>/[^"\s]*)"/#).map { String($0.output.url.prefix { $0 != "?" }) }
        #expect(!urls.isEmpty)
        for url in urls {
            #expect(api.methods[url] != nil, "\(url) is not a path in openapi.yaml")
        }
    }

    @Test func pageIsOneCompleteHTMLDocument() {
        let html = DemoPage.html
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.hasSuffix("</html>"))
        #expect(html.ranges(of: "<script>").count == 1)
    }
}
