import Foundation
import Testing
@testable import Corkboard

/// The pieces of issue 16's pages that are pure functions: hashed asset names, the post
/// gallery's markup, listing rows with and without a photo, the view kept in the links, chips.
@Suite struct PageViewTests {
    let city = City(id: 1, slug: "somewhere", name: "Somewhere", timeZone: "UTC", currency: .eur)
    let key = HMACSHA256(key: Array(repeating: UInt8(7), count: 32))

    @Test func assetNamesCarryTheHashOfTheirBytes() {
        let a = StaticAssets.hashedURL("corkboard.css", bytes: Array("body{}".utf8))
        let b = StaticAssets.hashedURL("corkboard.css", bytes: Array("body{ }".utf8))
        #expect(a.hasPrefix("/static/corkboard.") && a.hasSuffix(".css") && a.count == "/static/corkboard..css".count + 12)
        #expect(a != b)
        #expect(StaticAssets.url("no-such.js") == "/static/no-such.js")
    }

    /// A file is linked by its hashed name only once `corkboard assets` wrote that copy; a new
    /// release's file gets a new copy and the old one stays for the pages that name it.
    @Test func hashedNamesAreLinkedOnlyWhenTheirCopyExists() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("assets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for name in StaticAssets.names { try Data("/* \(name) */".utf8).write(to: root.appendingPathComponent(name)) }
        #expect(StaticAssets.links(root: root.path).isEmpty)
        #expect(try StaticAssets.writeHashedCopies(root: root.path).count == StaticAssets.names.count)
        let links = StaticAssets.links(root: root.path)
        #expect(links.count == StaticAssets.names.count)
        let css = try #require(links["corkboard.css"])
        #expect(css == StaticAssets.hashedURL("corkboard.css", bytes: Array("/* corkboard.css */".utf8)))
        #expect(try StaticAssets.writeHashedCopies(root: root.path).isEmpty)
        // The next release changes the stylesheet: one new copy, the previous one kept.
        try Data("body{}".utf8).write(to: root.appendingPathComponent("corkboard.css"))
        #expect(StaticAssets.links(root: root.path)["corkboard.css"] == nil)
        #expect(try StaticAssets.writeHashedCopies(root: root.path).count == 1)
        #expect(StaticAssets.links(root: root.path)["corkboard.css"] != css)
        #expect(FileManager.default.fileExists(atPath: root.path + "/" + css.dropFirst("/static/".count)))
    }

    /// The byte-wise paragraphs give what the Foundation version they replaced gave, on text
    /// full of the cases that differ: CRLF, runs of blank lines, Unicode white space at the ends
    /// and inside, markup to escape, non-ASCII letters.
    @Test func descriptionParagraphsMatchTheFoundationVersion() {
        func reference(_ description: String) -> String {
            description.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                .map { "<p>" + $0.components(separatedBy: "\n").map(HTML.escape).joined(separator: "<br>\n") + "</p>\n" }
                .joined()
        }
        let pieces = ["a", "bé", "<b>", "&", "'\"", " ", "\t", "\n", "\n", "\r", "\r\n", "\u{00A0}", "\u{2028}", "\u{3000}", "\u{0085}", "자전거"]
        #expect(Post.paragraphs("one\r\n\r\ntwo\nlines\n\n\n\n  three  ").text == "<p>one</p>\n<p>two<br>\nlines</p>\n<p>three</p>\n")
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...14)).map { _ in pieces.randomElement()! }.joined()
            // The one difference, on purpose: Foundation's grapheme-wise search left "\r\r\n" as
            // "\r\n", one character that its split on "\n" passed over, so the line did not break.
            let bytes = Array(text.utf8)
            if bytes.indices.contains(where: { bytes[$0...].starts(with: [13, 13, 10]) }) { continue }
            #expect(Post.paragraphs(text).text == reference(text), "\(Array(text.unicodeScalars))")
        }
        #expect(Post.paragraphs("a\r\r\nb").text == "<p>a\r<br>\nb</p>\n")
    }

    @Test func galleryShowsEveryPhotoInOrderWithSizesAltAndLazyLoading() {
        let photos = (0..<3).map { i in
            PhotoRef(sha256: Array(repeating: UInt8(i), count: 32), thumbSHA256: Array(repeating: UInt8(100 + i), count: 32),
                     width: 1600, height: 1200)
        }
        let html = PhotoGalleryView(title: "Oak <table>", photos: photos, thumbSize: 320).render().text
        for (i, p) in photos.enumerated() {
            #expect(html.contains("id=\"photo-\(i + 1)\"><a href=\"\(p.url)\"><img src=\"\(p.url)\" srcset=\"\(p.thumbURL) 320w, \(p.url) 1600w\""))
            #expect(html.contains("alt=\"Oak &lt;table&gt;, photo \(i + 1) of 3\""))
            #expect(html.contains("<a href=\"#photo-\(i + 1)\""))
        }
        #expect(html.components(separatedBy: "width=\"1600\" height=\"1200\"").count == 4)
        #expect(html.components(separatedBy: "loading=\"lazy\"").count - 1 == 2 + 3)   // slides 2–3 and every thumbnail
        #expect(html.contains("gallery.") && PhotoGalleryView(title: "x", photos: [], thumbSize: 320).render().text.isEmpty)
        #expect(PhotoGalleryView.fitted(1600, 1200, within: 320) == (320, 240))
        #expect(PhotoGalleryView.fitted(200, 100, within: 320) == (200, 100))
    }

    /// The row's age and time stamp are written without escaping: each is what `Layout.age`
    /// and `ISO8601Stamp` say, and needs none.
    @Test func agesAndStampsAreWrittenAsTheirFunctionsSayThem() {
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        for seconds: Double in [0, 59, 60, 3599, 3600, 86399, 86400, 518_400, -5] {
            let date = now.addingTimeInterval(-seconds)
            let age = Layout.age(date, now: now)
            #expect(HTML.escape(age) == age && ("\(age: date, now: now)" as HTML).text == age)
            #expect(("\(iso8601: date)" as HTML).text == ISO8601Stamp.string(date))
        }
        #expect(Layout.age(now.addingTimeInterval(-7200), now: now) == "2 h ago" && Layout.age(now, now: now) == "just now")
        #expect(Layout.age(now.addingTimeInterval(-3 * 86400), now: now) == "3 d ago")
        #expect(Layout.age(now.addingTimeInterval(-120), now: now) == "2 min ago")
    }

    /// Every row carries the page's own address (scroll.js puts it back in the address bar), its
    /// `&` escaped once: the page escapes it for all rows, and a row writes it as it is.
    @Test func everyRowCarriesThePageAddressEscapedOnce() throws {
        let request = try SearchRequest(city: city, items: [("q", "oak"), ("view", "gallery")], catalog: SearchCatalog(), key: key)
        let hit = SearchHit(id: 9, title: "Oak desk", priceMinor: 1250, currency: .eur, category: "Desks", neighbourhood: nil,
                            createdAt: Date(), thumbnail: nil)
        var other = hit
        other.id = 10
        let page = SearchPage(hits: [hit, other], next: nil, newPosts: nil)
        let html = SearchPageView(request: request, catalog: SearchCatalog(), page: page, key: key).render().text
        let attribute = "data-page=\"/somewhere/search?q=oak&amp;view=gallery\""
        #expect(html.components(separatedBy: attribute).count - 1 == 2)
        #expect(!html.contains("&amp;amp;"))
    }

    @Test func aRowWithoutAPhotoHasNoEmptyBox() {
        let now = Date()
        let hit = SearchHit(id: 9, title: "Bike", priceMinor: 1250, currency: .eur, category: "Bikes", neighbourhood: "Baixa",
                            createdAt: now.addingTimeInterval(-7200), thumbnail: nil)
        let bare = SearchPageView.row(hit, view: .list, page: "/x", now: now).text
        #expect(bare.contains("class=\"row no-photo\"") && !bare.contains("<img") && !bare.contains("thumb"))
        #expect(bare.contains("Baixa") && bare.contains("2 h ago") && bare.contains("€12.50"))
        var pictured = hit
        pictured.thumbnail = "/images/ab/ab.jpg"
        let row = SearchPageView.row(pictured, view: .gallery, page: "/x", now: now).text
        #expect(row.contains("class=\"row\"") && row.contains("<img class=\"thumb\" src=\"/images/ab/ab.jpg\" alt=\"\" width=\"320\" height=\"240\" loading=\"lazy\""))
    }

    @Test func theViewIsKeptInTheLinksButIsNotPartOfTheSearch() throws {
        let gallery = try SearchRequest(city: city, items: [("q", "oak"), ("view", "gallery")], catalog: SearchCatalog(), key: key)
        let list = try SearchRequest(city: city, items: [("q", "oak")], catalog: SearchCatalog(), key: key)
        #expect(gallery.view == .gallery && gallery.parameters.contains { $0 == ("view", "gallery") })
        #expect(gallery.fingerprint == list.fingerprint)
        #expect(throws: HTTPError.self) { try SearchRequest(city: city, items: [("view", "tiles")], catalog: SearchCatalog(), key: key) }
    }

    @Test func eachActiveFilterIsAChipThatRemovesOnlyItself() throws {
        let furniture = SearchCatalog.Entry(id: 3, slug: "furniture", name: "Furniture")
        let catalog = SearchCatalog(categories: [furniture])
        let request = try SearchRequest(city: city, items: [("q", "oak"), ("category", "furniture"), ("photos", "1"), ("view", "gallery")],
                                        catalog: catalog, key: key)
        let chips = SearchFormView(city: city, catalog: catalog, values: request.parameters, error: nil).chips(request).text
        #expect(chips.contains("href=\"/somewhere/search?q=oak&amp;photos=1&amp;view=gallery\"><span class=\"visually-hidden\">Remove filter: </span>Furniture"))
        #expect(chips.contains("href=\"/somewhere/search?q=oak&amp;category=furniture&amp;view=gallery\"><span class=\"visually-hidden\">Remove filter: </span>With photos"))
        #expect(chips.contains("Clear all filters"))
        let none = try SearchRequest(city: city, items: [("q", "oak")], catalog: catalog, key: key)
        #expect(SearchFormView(city: city, catalog: catalog, values: none.parameters, error: nil).chips(none).text.isEmpty)
    }

    @Test func aSearchErrorIsTiedToItsFieldAndOpensTheFilters() {
        let error = HTTPError.badRequest("The lowest price is above the highest price.", field: "min_price")
        let form = SearchFormView(city: city, catalog: SearchCatalog(), values: [("min_price", "50")], error: error).render().text
        #expect(form.contains("id=\"search-error\" role=\"alert\""))
        #expect(form.contains("name=\"min_price\" value=\"50\" placeholder=\"€\" aria-invalid=\"true\" aria-describedby=\"search-error\""))
        #expect(form.contains("<details class=\"filters\" open>"))
    }

    /// The menus come drawn from the catalog copy; the chosen entry, and only it, is selected,
    /// and names are escaped.
    @Test func theMenusMarkOnlyTheChosenEntries() {
        let catalog = SearchCatalog(categories: [.init(id: 1, slug: "bikes", name: "Bikes"), .init(id: 2, slug: "home", name: "Home & garden")],
                                    neighbourhoods: [.init(id: 5, slug: "alfama", name: "Alfama"), .init(id: 6, slug: "belem", name: "Belém")])
        func form(_ values: [(String, String)]) -> String {
            SearchFormView(city: city, catalog: catalog, values: values, error: nil).render().text
        }
        let none = form([("q", "oak")])
        #expect(!none.contains(" selected"))
        #expect(none.contains("<option value=\"home\">Home &amp; garden</option>"))
        let chosen = form([("category", "home"), ("neighbourhood", "belem")])
        #expect(chosen.contains("<option value=\"home\" selected>Home &amp; garden</option>"))
        #expect(chosen.contains("<option value=\"belem\" selected>Belém</option>"))
        #expect(chosen.components(separatedBy: " selected").count == 3)
        // The catalog's own drawing is left unselected for the next page.
        #expect(!form([]).contains(" selected"))
    }

    /// The post page's empty contact form, copied from the per-process drawing, is exactly the
    /// form drawn for that post around the hot-post cache's token placeholder.
    @Test func theBlankContactFormIsTheFormDrawnForThePost() {
        let token = PostPageHandler.tokenPlaceholder
        for id: Int64 in [1, 42, 9_007_199_254_740_993] {
            let blank = ContactForm.blank(postID: id).text
            #expect(blank == ContactForm.section(postID: id, csrf: token).text)
            #expect(blank.contains("action=\"/post/\(id)/contact\""))
            #expect(blank.contains("value=\"\(token)\""))
        }
    }

    /// A drawing is cut at the last occurrence of its placeholder, wherever it is, however often
    /// the placeholder's first byte comes before it; nil when it does not occur.
    @Test func aDrawingIsSplitAtTheLastPlaceholder() {
        func cut(_ text: String, _ marker: String) -> [String]? {
            PostPageHandler.split(Array(text.utf8), atLast: marker).map { [String(decoding: $0.head, as: UTF8.self), String(decoding: $0.tail, as: UTF8.self)] }
        }
        #expect(cut("aXYbXYc", "XY") == ["aXYb", "c"])
        #expect(cut("XYabc", "XY") == ["", "abc"])
        #expect(cut("abcXY", "XY") == ["abc", ""])
        #expect(cut("XY", "XY") == ["", ""])
        #expect(cut("XXXXaXbXYXXX", "XY") == ["XXXXaXb", "XXX"])
        #expect(cut("abc", "XY") == nil && cut("X", "XY") == nil && cut("", "XY") == nil && cut("XaY", "XY") == nil)
    }

    /// The byte searches (`memmem`, `memrchr`) find what a plain scan of every position finds,
    /// first and last, over random texts of a small alphabet (so partial matches abound).
    @Test func theByteSearchesFindWhatAScanFinds() {
        var rng = SystemRandomNumberGenerator()
        func text(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(ascii: "a") + UInt8.random(in: 0..<3, using: &rng) } }
        for _ in 0..<3_000 {
            let hay = text(Int.random(in: 0..<40, using: &rng)), needle = text(Int.random(in: 1..<5, using: &rng))
            let starts = hay.count < needle.count ? [] : (0...(hay.count - needle.count)).filter { hay[$0..<($0 + needle.count)].elementsEqual(needle) }
            #expect(hay.firstRange(ofBytes: needle) == starts.first.map { $0..<($0 + needle.count) })
            #expect(hay.firstRange(ofBytes: needle, probe: 2) == starts.first.map { $0..<($0 + needle.count) })
            #expect(hay.lastRange(ofBytes: needle) == starts.last.map { $0..<($0 + needle.count) })
        }
        #expect([UInt8]("abc".utf8).firstRange(ofBytes: []) == nil && [UInt8]("abc".utf8).lastRange(ofBytes: []) == nil)
    }
}
