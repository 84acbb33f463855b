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

    @Test func pageUsesOnlyThePublicAPI() {
        let html = DemoPage.html
        #expect(html.contains("fetch(\"/v1/depth?\" + query"))
        #expect(html.contains("fetch(\"/v1/model\")"))
        for format in ["color", "json", "png16"] {
            #expect(html.contains("\"format=\(format)&size="), "never asks for format=\(format)")
        }
    }

    @Test func pageIsOneCompleteHTMLDocument() {
        let html = DemoPage.html
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.hasSuffix("</html>"))
        #expect(html.ranges(of: "<script>").count == 1)
    }
}
