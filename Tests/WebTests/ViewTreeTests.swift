import Foundation
import NIOCore
import Mustache
import Shelf
import Testing
@testable import Web

/// Pages render their views through ViewTree (fields read once, looked up in
/// dictionaries); the text must be what swift-mustache makes of the struct itself.
@Suite("View tree")
struct ViewTreeTests {
    struct Line: Sendable { var name: String; var quantity: Int; var note: String?; var fresh: Bool }
    struct Header: Sendable { var name: String; var basketCount: Int }
    struct Nutrient: Sendable { var label: String; var value: Double }
    final class Box: Sendable { let label = "in a class"; let count = 2 }
    struct Page: Sendable {
        var store: Header
        var lines: [Line]
        var empty: [Line]
        var missing: Header?
        var present: Header?
        var error: String?
        var title: String
        var held: Int
        var zero: Int
        var flag: Bool
        var off: Bool
        var when: Date
        var id: UUID
        var nutrition: [[Nutrient]]
        var box: Box
        var tags: [String]
        var maybeTags: [String?]
    }

    static let template = """
        <h1>{{title}} — {{store.name}} ({{store.basketCount}})</h1>
        {{#store}}<p>{{name}} {{title}} {{.basketCount}}</p>{{/store}}
        <ul>{{#lines}}<li class="{{#fresh}}fresh{{/fresh}}{{^fresh}}dry{{/fresh}}">{{name}} ×{{quantity}}{{#note}} — {{.}}{{/note}}{{^note}} (none){{/note}} in {{store.name}} / {{title}}</li>{{/lines}}</ul>
        {{^lines}}no lines{{/lines}}{{^empty}}nothing here{{/empty}}{{#empty}}never{{/empty}}
        {{#missing}}never {{name}}{{/missing}}{{^missing}}no missing header{{/missing}}
        {{#present}}present: {{name}} with {{basketCount}}{{/present}}
        {{#error}}<p class="error">{{error}}</p>{{/error}}{{^error}}no error{{/error}}
        {{#held}} +{{.}}{{/held}}{{#zero}} zero {{.}}{{/zero}}
        {{#flag}}on{{/flag}}{{^off}} off{{/off}}
        {{when}} {{id}} {{{title}}} {{&title}}
        {{#nutrition}}[{{#.}}{{label}}={{value}};{{/.}}]{{/nutrition}}
        {{#box}}{{label}} {{count}}{{/box}} {{box.label}}
        {{#tags}}<{{.}}>{{/tags}} {{#maybeTags}}({{.}}){{/maybeTags}}
        {{nothing}}{{store.nothing}}{{#nothing}}never{{/nothing}}
        """

    static let page = Page(
        store: Header(name: "Créneau <Rivoli>", basketCount: 3),
        lines: [
            Line(name: "Lait & œufs", quantity: 2, note: "bio", fresh: true),
            Line(name: "Pâtes", quantity: 1, note: nil, fresh: false),
            Line(name: "Riz", quantity: 5, note: "\"long\"", fresh: false),
        ],
        empty: [], missing: nil, present: Header(name: "Autre", basketCount: 0), error: "Stock épuisé", title: "Panier <b>",
        held: 2, zero: 0, flag: true, off: false,
        when: Date(timeIntervalSince1970: 1_795_000_000), id: UUID(uuidString: "6F9619FF-8B86-D011-B42D-00CF4FC964FF")!,
        nutrition: [[Nutrient(label: "kcal", value: 120.5)], [], [Nutrient(label: "sel", value: 0.2), Nutrient(label: "sucre", value: 3)]],
        box: Box(), tags: ["a", "<b>"], maybeTags: ["x", nil, "z"]
    )

    @Test("a view renders to the same text through the view tree as read by reflection, sections, inversions, optionals and climbing included")
    func sameText() throws {
        let template = try MustacheTemplate(string: Self.template)
        let direct = template.render(Self.page)
        let throughTree = template.render(ViewTree.make(Self.page) as Any)
        #expect(throughTree == direct)
        // The fixture exercises what it claims to: nothing vanished from both alike.
        for expected in ["Créneau &lt;Rivoli&gt; Panier &lt;b&gt; 3", "Lait &amp; œufs ×2 — bio", "Pâtes ×1 (none)",
                         "nothing here", "no missing header", "present: Autre with 0", "Stock épuisé", " +2", "on off",
                         "[kcal=120.5;][][sel=0.2;sucre=3.0;]", "in a class 2 in a class", "&lt;b&gt;", "(x)(nil)(z)", "Panier <b> Panier <b>"] {
            #expect(direct.contains(expected), "missing \(expected)")
        }
    }

    @Test("an optional view at the top, nil or not, and a plain value pass through")
    func topLevel() throws {
        let template = try MustacheTemplate(string: "{{#.}}{{name}}{{/.}}|{{.}}")
        let none: Header? = nil
        #expect(template.render(ViewTree.make(none as Any) as Any) == template.render(none as Any))
        #expect(template.render(ViewTree.make(Header(name: "A", basketCount: 1)) as Any) == "A|" + template.render(Header(name: "A", basketCount: 1)).split(separator: "|").last!)
        #expect(ViewTree.make("text") as? String == "text")
    }

    /// Each view that lists its own fields (ViewFields), checked against reflection.
    static func listsWhatReflectionFinds(_ view: some ViewFields) {
        let reflected = Dictionary(uniqueKeysWithValues: Mirror(reflecting: view).children.map { ($0.label!, String(describing: $0.value)) })
        #expect(view.viewFields.mapValues { String(describing: $0) } == reflected, "\(type(of: view))")
    }

    static func product(nutrition: [String: Double]?, optionals: Bool) throws -> StoreProduct {
        let json = """
            {"productID": 42, "name": "Lait <demi>", "brand": "Ferme & Co", "sizeText": "1 L", "category": "lait",
             "temperatureZone": "chilled", "fresh": true, "allergens": \(optionals ? #"["lait", "soja"]"# : "[]"),
             "priceCents": 129, "available": 2, "active": true, "pickingSeconds": 20
             \(optionals ? #", "unitPriceText": "1,29 € / L", "ingredients": "lait", "origin": "France", "imageURL": "/static/lait.svg", "gtin": "3000000000017""# : "")}
            """
        var product = try JSONDecoder().decode(StoreProduct.self, from: Data(json.utf8))
        product.nutrition = nutrition
        return product
    }

    @Test("the scan page's views list exactly their fields, and render as reflection renders them, optionals present or not")
    func listedViews() async throws {
        let pages = try await Pages.load()
        for (nutrition, optionals) in [(["energie_kcal": 64.0, "sel_g": 0.1, "sucres_g": 4.85], true), (nil, false)] {
            let product = IntakePages.ProductView(try Self.product(nutrition: nutrition, optionals: optionals), code: "P-42")
            let header = IntakePages.StoreHeader(slug: "rivoli", name: "Créneau <Rivoli>", address: "1 rue", fee: "2,00 €", basketCount: 3)
            let landing = IntakePages.LandingView(store: header, product: product, shelfSlug: "frais", shelfTitle: "Frais", freshnessDays: 3)
            Self.listsWhatReflectionFinds(header)
            Self.listsWhatReflectionFinds(product)
            product.nutrition.forEach { Self.listsWhatReflectionFinds($0) }
            Self.listsWhatReflectionFinds(landing)
            #expect(product.nutrition.count == (nutrition == nil ? 0 : 3))
            // The landing template rendered from the listed fields and from reflection alone.
            let listed = try #require(pages.library.render(ViewTree.make(landing) as Any, withTemplate: "landing"))
            let reflected = try #require(pages.library.render(landing, withTemplate: "landing"))
            #expect(listed == reflected)
            #expect(listed.contains("Lait &lt;demi&gt;"))
        }
    }

    @Test("a memoized page is the page rendered afresh, rendered once per distinct view, and the memo stays within its capacity")
    func memoizedPages() async throws {
        let pages = try await Pages.load()
        let product = IntakePages.ProductView(try Self.product(nutrition: ["sel_g": 0.1], optionals: true), code: "P-42")
        func landing(basketCount: Int) -> IntakePages.LandingView {
            let header = IntakePages.StoreHeader(slug: "rivoli", name: "Rivoli", address: "1 rue", fee: "2,00 €", basketCount: basketCount)
            return IntakePages.LandingView(store: header, product: product, shelfSlug: "frais", shelfTitle: "Frais", freshnessDays: 3)
        }
        func memoized(_ view: IntakePages.LandingView) -> String? {
            pages.memo[RenderMemo.Key(template: "landing", view: view)].map { String(buffer: $0) }
        }
        let fresh = try #require(pages.library.render(ViewTree.make(landing(basketCount: 1)) as Any, withTemplate: "landing"))
        #expect(memoized(landing(basketCount: 1)) == nil)
        _ = pages.render("landing", memoized: landing(basketCount: 1))
        #expect(memoized(landing(basketCount: 1)) == fresh)
        _ = pages.render("landing", memoized: landing(basketCount: 1))
        #expect(pages.memo.count == 1)
        _ = pages.render("landing", memoized: landing(basketCount: 2))
        #expect(pages.memo.count == 2)
        let other = try #require(memoized(landing(basketCount: 2)))
        #expect(other != fresh && other.contains(#"<span id="basket-count">2</span>"#))

        // Stock the page does not show (plenty left) makes no other view, nor another page.
        var plenty = try Self.product(nutrition: nil, optionals: false)
        plenty.available = 40
        var more = plenty
        more.available = 41
        var few = plenty
        few.available = 3
        #expect(IntakePages.ProductView(plenty) == IntakePages.ProductView(more))
        #expect(IntakePages.ProductView(few) != IntakePages.ProductView(more) && IntakePages.ProductView(few).fewLeft == 3)

        let small = RenderMemo(capacity: 2)
        for count in 0..<5 {
            small[RenderMemo.Key(template: "landing", view: landing(basketCount: count))] = ByteBuffer(string: "\(count)")
            #expect(small.count <= 2)
        }
        #expect(small[RenderMemo.Key(template: "landing", view: landing(basketCount: 4))].map { String(buffer: $0) } == "4")
        #expect(small[RenderMemo.Key(template: "shelf", view: landing(basketCount: 4))] == nil)
    }
}
