import Foundation

// The demo store's product catalogue: about 240 everyday French supermarket items
// with realistic 2025 prices, plus the three posters ("shelves") shown in demos.
//
// The rows below are written once per category, as compact tuples. Everything that
// can be derived is derived, so it cannot drift from the rows:
// - the net quantity comes from the size text ("4 x 125 g" → 0.5 kg),
// - the category decides the aisle, the temperature zone and (mostly) the fresh flag,
// - walking order and GTINs follow the route through the store: ambient aisles
//   first, then the chilled ones, frozen last.

/// One product of the demo store, with its reference data and the store's shelf data.
public struct DemoProduct: Sendable, Hashable {
    /// EAN-13 (13 digits, valid check digit), unique in the catalogue.
    public var gtin: String
    /// French name as on a shelf label, e.g. "Lait demi-écrémé".
    public var name: String
    public var brand: String
    /// As printed on the pack: "1 L", "500 g", "x 6", "4 x 125 g".
    public var sizeText: String
    /// Net quantity in `netUnit`, for the unit price (500 g → 0.5).
    public var netQuantity: Double?
    /// "kg", "l" or "piece"; nil exactly when `netQuantity` is nil.
    public var netUnit: String?
    public var category: String
    /// "ambient", "chilled" or "frozen".
    public var temperatureZone: String
    public var pickingSeconds: Int
    /// Dated fresh food: dairy, meat, fish, fresh produce, bakery.
    public var fresh: Bool
    public var priceCents: Int
    public var aisle: String
    /// Walking order through the store; increases along the route.
    public var walkSequence: Int
    /// nil for non-food.
    public var ingredients: String?
    /// EU allergen names in French ("lait", "gluten", "œufs"…).
    public var allergens: [String]
    /// Keys "energie_kcal", "matieres_grasses_g", "glucides_g", "sucres_g", "proteines_g", "sel_g"; nil for non-food.
    public var nutritionPer100: [String: Double]?
    public var origin: String?
    /// Units on hand when the demo is seeded.
    public var stock: Int

    public init(
        gtin: String, name: String, brand: String, sizeText: String,
        netQuantity: Double?, netUnit: String?, category: String, temperatureZone: String,
        pickingSeconds: Int, fresh: Bool, priceCents: Int, aisle: String, walkSequence: Int,
        ingredients: String?, allergens: [String], nutritionPer100: [String: Double]?,
        origin: String?, stock: Int
    ) {
        self.gtin = gtin
        self.name = name
        self.brand = brand
        self.sizeText = sizeText
        self.netQuantity = netQuantity
        self.netUnit = netUnit
        self.category = category
        self.temperatureZone = temperatureZone
        self.pickingSeconds = pickingSeconds
        self.fresh = fresh
        self.priceCents = priceCents
        self.aisle = aisle
        self.walkSequence = walkSequence
        self.ingredients = ingredients
        self.allergens = allergens
        self.nutritionPer100 = nutritionPer100
        self.origin = origin
        self.stock = stock
    }
}

/// A demo poster: twelve products shown together somewhere in town.
public struct DemoShelf: Sendable, Hashable {
    public var slug: String
    public var title: String
    public var location: String
    /// Exactly 12 GTINs of `DemoCatalog.products`, in poster order.
    public var gtins: [String]

    public init(slug: String, title: String, location: String, gtins: [String]) {
        self.slug = slug
        self.title = title
        self.location = location
        self.gtins = gtins
    }
}

public enum DemoCatalog {
    /// Every product, in walking order (ambient, then chilled, then frozen).
    public static let products: [DemoProduct] = routeOrdered([
        produce(), bakery(), breakfast(), sweetGrocery(), savouryGrocery(), drinks(), milkAndEggs(),
        baby(), hygiene(), household(), pets(),
        dairy(), cheese(), cookedMeats(), butcher(), fishmonger(), deli(),
        frozen(), iceCream(),
    ].flatMap { $0 })

    /// The three demo posters: breakfast (subway), quick dinner (bus stop), household essentials (store aisle).
    public static let shelves: [DemoShelf] = [
        shelf("petit-dejeuner", "Petit-déjeuner & goûter", "Station Châtelet, couloir 3", [
            ("Lait demi-écrémé", "Lactel"),
            ("Croissants pur beurre", "Créneau"),
            ("Corn Flakes", "Kellogg's"),
            ("Pâte à tartiner noisettes et cacao", "Nutella"),
            ("Confiture extra fraises", "Bonne Maman"),
            ("Café moulu pur arabica", "Carte Noire"),
            ("Pur jus d'orange sans pulpe", "Joker"),
            ("Yaourts nature", "Danone"),
            ("Beurre doux", "Président"),
            ("Brioche tranchée", "Pasquier"),
            ("Œufs frais de poules élevées en plein air", "Loué"),
            ("Bananes Cavendish", "Créneau"),
        ]),
        shelf("diner-express", "Dîner express", "Arrêt de bus République, abri direction Bastille", [
            ("Spaghetti n°5", "Barilla"),
            ("Sauce tomate basilic", "Panzani"),
            ("Emmental français râpé", "Entremont"),
            ("Tortellini jambon cru", "Giovanni Rana"),
            ("Lardons fumés", "Herta"),
            ("Crème fraîche épaisse 30 % MG", "Elle & Vire"),
            ("Quiche lorraine", "Marie"),
            ("Steaks hachés 5 % MG", "Charal"),
            ("Salade iceberg", "Créneau"),
            ("Pizza Ristorante mozzarella", "Dr. Oetker"),
            ("Frites Golden Longues", "McCain"),
            ("Magnum Classic", "Magnum"),
        ]),
        shelf("essentiels-maison", "Essentiels de la maison", "Magasin Créneau Oberkampf, allée B1", [
            ("Papier toilette Confort", "Lotus"),
            ("Essuie-tout", "Sopalin"),
            ("Lessive liquide Original", "Ariel"),
            ("Liquide vaisselle citron", "Paic"),
            ("Tablettes lave-vaisselle tout en 1", "Finish"),
            ("Éponges grattantes", "Spontex"),
            ("Nettoyant multi-usages citron", "Mr Propre"),
            ("Sacs poubelle 30 L à liens", "Créneau"),
            ("Eau de Javel 2,6 %", "La Croix"),
            ("Gel douche lait de vanille", "Le Petit Marseillais"),
            ("Dentifrice Protection caries", "Signal"),
            ("Savon liquide mains", "Créneau"),
        ]),
    ]
}

// MARK: - Builders

extension DemoCatalog {
    /// kcal, fat, carbohydrates, of which sugars, protein, salt — per 100 g or 100 ml.
    private typealias Nutrition = (kcal: Double, fat: Double, carbs: Double, sugars: Double, protein: Double, salt: Double)

    /// A food row: price in cents, picking time in seconds, stock on hand.
    private typealias Food = (
        name: String, brand: String, size: String, price: Int, pick: Int, stock: Int,
        origin: String?, ingredients: String, allergens: [String], nutrition: Nutrition?
    )

    /// A non-food row.
    private typealias Item = (name: String, brand: String, size: String, price: Int, pick: Int, stock: Int)

    /// Where a category lives in the store.
    private struct Section {
        let category: String
        let aisle: String
        let zone: String
        let fresh: Bool
    }

    private static let zoneRank = ["ambient": 0, "chilled": 1, "frozen": 2]
    private static let water: Nutrition = (0, 0, 0, 0, 0, 0)
    private static let coffee: Nutrition = (2, 0.1, 0.3, 0, 0.3, 0)
    private static let egg: Nutrition = (143, 9.9, 0.6, 0.6, 12.6, 0.35)

    private static func foods(_ section: Section, fresh: Bool? = nil, _ rows: [Food]) -> [DemoProduct] {
        rows.map { row in
            product(
                section, fresh: fresh ?? section.fresh, name: row.name, brand: row.brand, size: row.size,
                price: row.price, pick: row.pick, stock: row.stock, origin: row.origin,
                ingredients: row.ingredients, allergens: row.allergens,
                nutrition: row.nutrition.map(nutritionTable)
            )
        }
    }

    private static func items(_ section: Section, _ rows: [Item]) -> [DemoProduct] {
        rows.map { row in
            product(
                section, fresh: false, name: row.name, brand: row.brand, size: row.size,
                price: row.price, pick: row.pick, stock: row.stock, origin: nil,
                ingredients: nil, allergens: [], nutrition: nil
            )
        }
    }

    private static func product(
        _ section: Section, fresh: Bool, name: String, brand: String, size: String,
        price: Int, pick: Int, stock: Int, origin: String?,
        ingredients: String?, allergens: [String], nutrition: [String: Double]?
    ) -> DemoProduct {
        let net = netQuantity(size)
        return DemoProduct(
            gtin: "", name: name, brand: brand, sizeText: size,
            netQuantity: net?.quantity, netUnit: net?.unit, category: section.category,
            temperatureZone: section.zone, pickingSeconds: pick, fresh: fresh, priceCents: price,
            aisle: section.aisle, walkSequence: 0, ingredients: ingredients, allergens: allergens,
            nutritionPer100: nutrition, origin: origin, stock: stock
        )
    }

    private static func nutritionTable(_ n: Nutrition) -> [String: Double] {
        [
            "energie_kcal": n.kcal, "matieres_grasses_g": n.fat, "glucides_g": n.carbs,
            "sucres_g": n.sugars, "proteines_g": n.protein, "sel_g": n.salt,
        ]
    }

    /// Reads the net quantity from a size text: "500 g" → 0.5 kg, "1,5 L" → 1.5 l, "75 cl" → 0.75 l,
    /// "4 x 125 g" → 0.5 kg, "x 6" → 6 pieces, "la pièce" → 1 piece; "env. " (weighed items) is ignored.
    private static func netQuantity(_ size: String) -> (quantity: Double, unit: String)? {
        let tokens = size.lowercased()
            .replacingOccurrences(of: ",", with: ".")
            .split(separator: " ")
            .map(String.init)
            .filter { $0 != "env." }
        func measure(_ value: Double, _ unit: String) -> (Double, String)? {
            switch unit {
            case "g": (value / 1000, "kg")
            case "kg": (value, "kg")
            case "ml": (value / 1000, "l")
            case "cl": (value / 100, "l")
            case "l": (value, "l")
            default: nil
            }
        }
        func rounded(_ net: (Double, String)) -> (quantity: Double, unit: String) {
            ((net.0 * 10_000).rounded() / 10_000, net.1)
        }
        if tokens == ["la", "pièce"] { return (1, "piece") }
        if tokens.count >= 4, let count = Double(tokens[0]), tokens[1] == "x",
           let value = Double(tokens[2]), let each = measure(value, tokens[3]) {
            return rounded((count * each.0, each.1))
        }
        if tokens.count >= 2, tokens[0] == "x", let count = Double(tokens[1]) {
            return (count, "piece")
        }
        if tokens.count == 2, let value = Double(tokens[0]), let net = measure(value, tokens[1]) {
            return rounded(net)
        }
        return nil
    }

    /// Sorts along the route (zone, then aisle, then row order) and numbers the products:
    /// walking order in steps of 10, GTINs from a fixed base in the same order.
    private static func routeOrdered(_ drafts: [DemoProduct]) -> [DemoProduct] {
        drafts.enumerated()
            .sorted { a, b in
                (zoneRank[a.element.temperatureZone] ?? 9, a.element.aisle, a.offset)
                    < (zoneRank[b.element.temperatureZone] ?? 9, b.element.aisle, b.offset)
            }
            .enumerated()
            .map { index, entry in
                var product = entry.element
                product.walkSequence = (index + 1) * 10
                product.gtin = gtin(serial: index + 1)
                return product
            }
    }

    /// "37612345" (a French GS1 prefix and a made-up company number) + 4-digit serial + check digit.
    private static func gtin(serial: Int) -> String {
        let digits = String(serial)
        return ean13(body: "37612345" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits)
    }

    /// Appends the EAN-13 check digit to 12 digits: weights 1, 3, 1, 3… from the left.
    private static func ean13(body: String) -> String {
        let digits = body.compactMap(\.wholeNumberValue)
        precondition(digits.count == 12, "an EAN-13 body has 12 digits")
        let sum = digits.enumerated().reduce(0) { total, digit in
            total + digit.element * (digit.offset.isMultiple(of: 2) ? 1 : 3)
        }
        return body + String((10 - sum % 10) % 10)
    }

    private static func shelf(
        _ slug: String, _ title: String, _ location: String, _ picks: [(name: String, brand: String)]
    ) -> DemoShelf {
        let gtins = picks.map { pick in
            let matches = products.filter { $0.name == pick.name && $0.brand == pick.brand }
            precondition(matches.count == 1, "shelf \(slug): \(matches.count) products named \(pick.name) (\(pick.brand))")
            return matches[0].gtin
        }
        return DemoShelf(slug: slug, title: title, location: location, gtins: gtins)
    }
}

// MARK: - Ambient aisles

extension DemoCatalog {
    private static func produce() -> [DemoProduct] {
        foods(Section(category: "Fruits et légumes", aisle: "A1", zone: "ambient", fresh: true), [
            ("Pommes Golden", "Créneau", "1,5 kg", 349, 30, 45, "France", "Pommes Golden.", [], (54, 0.2, 11.6, 11.1, 0.3, 0)),
            ("Pommes Pink Lady", "Pink Lady", "x 4", 399, 25, 30, "France", "Pommes Pink Lady.", [], (55, 0.2, 12.1, 11.5, 0.3, 0)),
            ("Bananes Cavendish", "Créneau", "env. 1 kg", 219, 40, 50, "Côte d'Ivoire", "Bananes.", [], (90, 0.3, 20.5, 17.2, 1.2, 0)),
            ("Oranges à jus", "Créneau", "2 kg", 449, 35, 30, "Espagne", "Oranges.", [], (46, 0.2, 9, 8.5, 0.9, 0)),
            ("Clémentines de Corse IGP", "Créneau", "1 kg", 399, 30, 25, "Corse", "Clémentines.", [], (47, 0.2, 10, 9, 0.8, 0)),
            ("Citrons jaunes", "Créneau", "500 g", 229, 25, 30, "Espagne", "Citrons.", [], (33, 0.3, 3.2, 2.5, 0.8, 0)),
            ("Fraises Gariguette", "Créneau", "250 g", 399, 25, 0, "France", "Fraises.", [], (38, 0.3, 6.1, 6.1, 0.7, 0)),
            ("Avocats prêts à manger", "Créneau", "x 2", 299, 25, 20, "Pérou", "Avocats.", [], (205, 20.6, 0.8, 0.4, 1.6, 0.01)),
            ("Tomates grappe", "Créneau", "env. 500 g", 199, 40, 35, "France", "Tomates.", [], (19, 0.3, 2.5, 2.5, 0.9, 0.01)),
            ("Carottes", "Créneau", "1 kg", 149, 30, 40, "France", "Carottes.", [], (36, 0.3, 6.6, 5.8, 0.8, 0.08)),
            ("Pommes de terre de consommation", "Créneau", "2,5 kg", 399, 45, 25, "France", "Pommes de terre.", [], (80, 0.1, 17, 0.7, 2, 0.01)),
            ("Oignons jaunes", "Créneau", "1 kg", 189, 30, 30, "France", "Oignons.", [], (33, 0.2, 5.7, 4.3, 1.2, 0.01)),
            ("Ail blanc", "Créneau", "x 3", 179, 20, 25, "France", "Ail.", [], (131, 0.5, 24.3, 1.7, 6.4, 0.04)),
            ("Salade iceberg", "Créneau", "la pièce", 129, 25, 30, "Espagne", "Laitue iceberg.", [], (14, 0.1, 2, 1.9, 0.9, 0.02)),
            ("Concombre", "Créneau", "la pièce", 99, 20, 30, "Espagne", "Concombre.", [], (14, 0.1, 2.1, 1.7, 0.6, 0.01)),
            ("Courgettes", "Créneau", "env. 1 kg", 299, 45, 25, "Espagne", "Courgettes.", [], (16, 0.4, 1.4, 1.4, 1.2, 0.01)),
            ("Poivrons tricolores", "Créneau", "x 3", 279, 20, 20, "Espagne", "Poivrons rouge, jaune et vert.", [], (26, 0.3, 4.6, 4.2, 0.9, 0.01)),
            ("Brocoli", "Créneau", "la pièce", 179, 25, 20, "France", "Brocoli.", [], (34, 0.4, 3.2, 1.7, 2.8, 0.03)),
            ("Champignons de Paris blancs", "Créneau", "250 g", 169, 20, 25, "France", "Champignons de Paris.", [], (22, 0.3, 0.3, 0.2, 3.1, 0.01)),
        ])
    }

    private static func bakery() -> [DemoProduct] {
        foods(Section(category: "Boulangerie", aisle: "A2", zone: "ambient", fresh: true), [
            ("Baguette tradition", "Créneau", "250 g", 125, 15, 60, "France",
             "Farine de blé, eau, levain, sel, levure.", ["gluten"], (257, 1.2, 52, 2, 8.5, 1.3)),
            ("Pain de campagne", "Créneau", "400 g", 229, 15, 25, "France",
             "Farine de blé, farine de seigle, eau, levain, sel, levure.", ["gluten"], (240, 1.3, 48, 2, 8, 1.2)),
            ("Pain complet aux céréales", "Créneau", "500 g", 289, 15, 20, "France",
             "Farine de blé complète, eau, graines (tournesol, lin, sésame), levain, sel, levure.", ["gluten", "sésame"], (255, 5.5, 40, 2.5, 9.5, 1.1)),
            ("Fougasse aux olives", "Créneau", "300 g", 299, 15, 12, "France",
             "Farine de blé, eau, olives noires 12 %, huile d'olive, sel, levure, herbes de Provence.", ["gluten"], (285, 8, 44, 2, 8, 1.6)),
            ("Croissants pur beurre", "Créneau", "x 4", 299, 15, 30, "France",
             "Farine de blé, beurre 25 %, eau, sucre, œufs, levure, lait écrémé en poudre, sel.", ["gluten", "lait", "œufs"], (420, 22, 45, 9, 8, 1)),
            ("Pains au chocolat pur beurre", "Créneau", "x 4", 329, 15, 30, "France",
             "Farine de blé, beurre 22 %, eau, chocolat 12 % (lécithine de soja), sucre, œufs, levure, sel.", ["gluten", "lait", "œufs", "soja"], (430, 23, 47, 13, 7.5, 0.9)),
            ("Brioche tressée", "Créneau", "400 g", 349, 15, 15, "France",
             "Farine de blé, œufs, beurre 15 %, sucre, lait, levure, sel.", ["gluten", "œufs", "lait"], (360, 14, 48, 12, 9, 0.9)),
            ("Chouquettes", "Créneau", "x 12", 249, 15, 2, "France",
             "Eau, œufs, farine de blé, beurre, sucre perlé, sel.", ["gluten", "œufs", "lait"], (390, 20, 42, 18, 9, 0.6)),
        ])
    }

    private static func breakfast() -> [DemoProduct] {
        foods(Section(category: "Petit-déjeuner", aisle: "A3", zone: "ambient", fresh: false), [
            ("Corn Flakes", "Kellogg's", "500 g", 349, 20, 40, nil,
             "Maïs 92 %, sucre, sel, extrait de malt d'orge, vitamines, fer.", ["gluten"], (378, 0.9, 84, 8, 7, 1.13)),
            ("Chocapic", "Nestlé", "430 g", 379, 20, 35, nil,
             "Céréales complètes 59 % (blé, maïs), sucre, cacao maigre en poudre 8 %, sirop de glucose, sel, vitamines.", ["gluten"], (385, 4.3, 75, 22, 8.8, 0.35)),
            ("Muesli croustillant au chocolat", "Créneau", "500 g", 279, 20, 30, nil,
             "Flocons d'avoine 50 %, sucre, chocolat noir 12 %, huile de tournesol, riz soufflé, miel.", ["gluten", "lait", "soja"], (450, 16, 63, 22, 9, 0.1)),
            ("Flocons d'avoine", "Quaker", "500 g", 249, 20, 30, nil,
             "Flocons d'avoine complète 100 %.", ["gluten"], (375, 8, 60, 1, 13, 0.01)),
            ("Pâte à tartiner noisettes et cacao", "Nutella", "750 g", 599, 20, 45, nil,
             "Sucre, huile de palme, noisettes 13 %, lait écrémé en poudre 8,7 %, cacao maigre 7,4 %, émulsifiant : lécithines (soja), vanilline.",
             ["fruits à coque", "lait", "soja"], (539, 30.9, 57.5, 56.3, 6.3, 0.107)),
            ("Confiture extra fraises", "Bonne Maman", "370 g", 329, 20, 30, nil,
             "Fraises, sucre de canne, sucre, jus de citron concentré, gélifiant : pectine de fruits.", [], (243, 0.1, 60, 60, 0.4, 0)),
            ("Miel de fleurs crémeux", "Lune de Miel", "500 g", 599, 20, 3, "Union européenne",
             "Miel de fleurs.", [], (327, 0, 81, 81, 0.4, 0.01)),
            ("Café moulu pur arabica", "Carte Noire", "250 g", 449, 20, 40, nil,
             "Café torréfié moulu 100 % arabica.", [], coffee),
            ("Café en grains classique", "L'Or", "1 kg", 1499, 25, 15, nil,
             "Café torréfié en grains.", [], coffee),
            ("Capsules espresso Forza", "L'Or", "x 20", 599, 20, 30, nil,
             "Café torréfié moulu.", [], coffee),
            ("Thé vert menthe", "Lipton", "x 25", 289, 20, 25, nil,
             "Thé vert 60 %, menthe 40 %.", [], (1, 0, 0.2, 0, 0.1, 0)),
            ("Chocolat en poudre", "Banania", "400 g", 449, 20, 25, nil,
             "Sucre, cacao maigre 20 %, farines de céréales (blé, orge), farine de banane 5 %, miel, sel, vitamines.", ["gluten"], (385, 2.3, 83, 62, 5.3, 0.1)),
            ("Biscottes", "Heudebert", "300 g", 249, 20, 30, nil,
             "Farine de blé, sucre, huile de colza, gluten de blé, levure, sel.", ["gluten"], (405, 6.5, 72, 6, 12, 1.1)),
            ("Pain de mie American Sandwich", "Harrys", "600 g", 299, 20, 35, nil,
             "Farine de blé, eau, sucre, huile de colza, levure, gluten de blé, sel, vinaigre.", ["gluten"], (275, 4.7, 48, 6.5, 8.8, 1.1)),
            ("Brioche tranchée", "Pasquier", "500 g", 299, 20, 30, nil,
             "Farine de blé, œufs frais 17 %, sucre, beurre 10 %, levain, levure, lait écrémé en poudre, sel.", ["gluten", "œufs", "lait"], (355, 11, 53, 13, 9, 0.9)),
            ("Biscuits petit-déjeuner miel et pépites de chocolat", "Belvita", "400 g", 299, 20, 25, nil,
             "Céréales 56 % (farine de blé, flocons d'avoine), sucre, huile de colza, pépites de chocolat 8 %, miel 2 %, poudres à lever, sel.",
             ["gluten", "soja", "lait"], (455, 15, 68, 24, 8, 0.55)),
            ("Madeleines longues pur beurre", "St Michel", "250 g", 279, 20, 25, nil,
             "Farine de blé, œufs frais 25 %, sucre, beurre 20 %, sirop de glucose, poudres à lever, sel.", ["gluten", "œufs", "lait"], (440, 22, 52, 28, 6.5, 0.7)),
        ])
    }

    private static func sweetGrocery() -> [DemoProduct] {
        foods(Section(category: "Épicerie sucrée", aisle: "A4", zone: "ambient", fresh: false), [
            ("Sucre en poudre", "Daddy", "1 kg", 189, 20, 40, "France",
             "Sucre de betterave.", [], (400, 0, 100, 100, 0, 0)),
            ("Farine de blé T55", "Francine", "1 kg", 149, 20, 40, "France",
             "Farine de blé T55.", ["gluten"], (344, 1.2, 70, 1.5, 10, 0.01)),
            ("Levure chimique", "Alsa", "8 x 11 g", 149, 15, 30, nil,
             "Poudres à lever : diphosphate disodique, carbonate acide de sodium ; amidon de blé.", ["gluten"], (104, 0, 26, 0, 0, 26)),
            ("Chocolat noir pâtissier 52 %", "Nestlé Dessert", "205 g", 279, 20, 25, nil,
             "Pâte de cacao, sucre, beurre de cacao, émulsifiant : lécithine de soja, arôme naturel de vanille.", ["soja"], (537, 31, 53, 48, 5.5, 0.02)),
            ("Chocolat au lait du pays alpin", "Milka", "100 g", 169, 15, 40, nil,
             "Sucre, beurre de cacao, lait écrémé en poudre, pâte de cacao, lactosérum, matière grasse de lait, émulsifiant : lécithine de soja, arôme.",
             ["lait", "soja"], (539, 30, 58, 57, 6.6, 0.37)),
            ("Chocolat noir 70 % cacao", "Côte d'Or", "100 g", 229, 15, 35, nil,
             "Pâte de cacao, sucre, beurre de cacao, émulsifiant : lécithine de soja, arôme naturel de vanille.", ["soja"], (573, 43, 30, 24, 9.5, 0.02)),
            ("Petit Beurre", "LU", "200 g", 179, 15, 40, nil,
             "Farine de blé 72 %, sucre, beurre 13,6 %, lait écrémé en poudre, sel, poudres à lever.", ["gluten", "lait"], (440, 12, 74, 22, 7.5, 1.1)),
            ("Prince goût chocolat", "LU", "300 g", 259, 15, 35, nil,
             "Céréales 47 % (farine de blé, farine de blé complète), sucre, huile de palme, cacao maigre 4,5 %, sirop de glucose, poudres à lever, sel, lécithine de soja.",
             ["gluten", "soja", "lait"], (465, 17, 69, 32, 6.5, 0.5)),
            ("Cookies aux pépites de chocolat", "Créneau", "200 g", 159, 15, 30, nil,
             "Farine de blé, pépites de chocolat 25 %, sucre, huile de tournesol, beurre, œufs, poudres à lever, sel.",
             ["gluten", "œufs", "lait", "soja"], (495, 23, 63, 34, 6, 0.7)),
            ("Savane tout chocolat", "Brossard", "300 g", 299, 15, 25, nil,
             "Sucre, œufs frais, farine de blé, huile de colza, cacao maigre 4 %, sirop de glucose, poudres à lever, sel.",
             ["gluten", "œufs", "lait", "soja"], (410, 20, 51, 33, 5.5, 0.6)),
            ("Pom'Potes pomme nature", "Materne", "4 x 90 g", 249, 15, 40, nil,
             "Pommes 98 %, sucre, antioxydant : acide ascorbique.", [], (68, 0.2, 15.6, 13.5, 0.3, 0)),
            ("Bonbons Tagada fraise", "Haribo", "120 g", 149, 15, 40, nil,
             "Sirop de glucose, sucre, gélatine, dextrose, acidifiant : acide citrique, arômes, colorants.", [], (344, 0.2, 79, 60, 6.3, 0.03)),
            ("Lait concentré sucré", "Nestlé", "397 g", 249, 15, 20, nil,
             "Lait entier, sucre.", ["lait"], (321, 8, 55, 55, 7.5, 0.25)),
        ])
    }

    private static func savouryGrocery() -> [DemoProduct] {
        foods(Section(category: "Épicerie salée", aisle: "A5", zone: "ambient", fresh: false), [
            ("Spaghetti n°5", "Barilla", "500 g", 149, 15, 60, nil,
             "Semoule de blé dur, eau.", ["gluten"], (359, 2, 71, 3.5, 13, 0.01)),
            ("Coquillettes", "Panzani", "500 g", 139, 15, 50, nil,
             "Semoule de blé dur de qualité supérieure.", ["gluten"], (356, 1.5, 71, 3.5, 12, 0.01)),
            ("Penne rigate", "Créneau", "1 kg", 179, 20, 45, nil,
             "Semoule de blé dur, eau.", ["gluten"], (357, 1.5, 72, 3.5, 12.5, 0.01)),
            ("Riz basmati", "Taureau Ailé", "1 kg", 399, 20, 30, "Inde",
             "Riz basmati.", [], (352, 0.8, 78, 0.2, 8.5, 0)),
            ("Riz long grain 10 minutes", "Ben's Original", "4 x 125 g", 299, 20, 30, nil,
             "Riz long grain étuvé.", [], (356, 0.9, 78, 0.3, 7.8, 0)),
            ("Couscous moyen", "Tipiak", "500 g", 199, 15, 30, nil,
             "Semoule de blé dur.", ["gluten"], (363, 1.7, 72, 2.6, 12, 0.01)),
            ("Lentilles vertes du Puy AOP", "Sabarot", "500 g", 399, 15, 20, "Haute-Loire",
             "Lentilles vertes du Puy.", [], (330, 1.5, 48, 1.5, 24, 0.03)),
            ("Sauce tomate basilic", "Panzani", "400 g", 209, 15, 40, nil,
             "Tomates 94 %, oignons, huile de tournesol, sucre, sel, basilic 0,6 %, ail.", [], (52, 2, 6.5, 5.5, 1.4, 0.9)),
            ("Sauce bolognaise pur bœuf", "Panzani", "400 g", 279, 15, 30, nil,
             "Tomates, viande de bœuf 15 %, carottes, oignons, céleri, huile de tournesol, sel, sucre, ail, herbes.", ["céleri"], (95, 5, 6, 4.5, 6, 0.95)),
            ("Pesto alla genovese", "Barilla", "190 g", 299, 15, 25, nil,
             "Huile de tournesol, basilic 34 %, fromages (grana padano, pecorino romano), noix de cajou, sel, sucre, ail, pignons.",
             ["lait", "fruits à coque"], (512, 50, 6, 4, 5, 2.6)),
            ("Huile d'olive vierge extra", "Puget", "1 L", 1099, 25, 25, nil,
             "Huile d'olive vierge extra.", [], (824, 91.6, 0, 0, 0, 0)),
            ("Huile de tournesol", "Lesieur", "1 L", 299, 25, 30, nil,
             "Huile de tournesol.", [], (828, 92, 0, 0, 0, 0)),
            ("Vinaigre de vin rouge", "Maille", "50 cl", 249, 15, 25, nil,
             "Vinaigre de vin rouge, antioxydant : disulfite de potassium.", ["sulfites"], (20, 0, 0.6, 0.5, 0, 0.01)),
            ("Moutarde fine et forte de Dijon", "Amora", "440 g", 229, 15, 35, nil,
             "Eau, graines de moutarde, vinaigre d'alcool, sel, antioxydant : disulfite de potassium, acidifiant : acide citrique.",
             ["moutarde", "sulfites"], (157, 11, 3.5, 2, 7.5, 5.7)),
            ("Mayonnaise de Dijon", "Amora", "415 g", 349, 15, 30, nil,
             "Huile de colza 77 %, eau, moutarde de Dijon, jaune d'œuf 6 %, vinaigre, sel, sucre.",
             ["œufs", "moutarde", "sulfites"], (712, 77, 2, 1.5, 1.5, 1.5)),
            ("Tomato Ketchup", "Heinz", "460 g", 279, 15, 30, nil,
             "Tomates, vinaigre, sucre, sel, extraits d'épices et d'herbes (céleri).", ["céleri"], (102, 0.1, 23.2, 22.8, 1.2, 1.8)),
            ("Thon albacore au naturel", "Petit Navire", "3 x 140 g", 849, 20, 25, "Océan Indien",
             "Thon albacore, eau, sel.", ["poissons"], (116, 1, 0, 0, 26, 0.9)),
            ("Sardines à l'huile d'olive vierge extra", "Connétable", "135 g", 299, 15, 25, "Atlantique Nord-Est",
             "Sardines, huile d'olive vierge extra 25 %, sel.", ["poissons"], (230, 15, 0, 0, 23, 0.8)),
            ("Haricots verts extra-fins", "Bonduelle", "800 g", 299, 20, 30, "France",
             "Haricots verts, eau, sel.", [], (22, 0.1, 3, 0.8, 1.6, 0.6)),
            ("Maïs doux croquant", "Géant Vert", "3 x 140 g", 329, 20, 30, nil,
             "Maïs doux, eau, sucre, sel.", [], (85, 1.5, 14, 6, 3, 0.4)),
            ("Petits pois et carottes", "D'aucy", "800 g", 219, 20, 30, "France",
             "Petits pois, carottes, eau, sucre, sel, arôme naturel.", [], (55, 0.4, 8, 3.5, 3.5, 0.6)),
            ("Cassoulet au confit de canard", "William Saurin", "840 g", 549, 25, 20, nil,
             "Haricots blancs 45 %, eau, saucisses de porc 14 %, confit de canard 8 %, concentré de tomates, graisse de canard, sel, ail, épices.",
             [], (125, 6, 9.5, 1, 7.5, 1)),
            ("Mouliné de légumes verts", "Liebig", "1 L", 279, 20, 25, nil,
             "Légumes 52 % (pommes de terre, courgettes, poireaux, épinards, céleri), eau, crème fraîche, huile de tournesol, sel.",
             ["céleri", "lait"], (38, 1.6, 4.5, 1.2, 0.9, 0.75)),
            ("Bouillon de volaille", "Knorr", "8 x 10 g", 179, 15, 35, nil,
             "Sel, amidon de pomme de terre, graisse de palme, extrait de levure, arômes, graisse de poulet 2 %, sucre, légumes (céleri, carotte, oignon), curcuma.",
             ["céleri"], (220, 14, 18, 4, 5, 55)),
            ("Chips nature", "Lay's", "300 g", 329, 20, 30, nil,
             "Pommes de terre, huile de tournesol 34 %, sel.", [], (541, 34, 50, 0.6, 6.5, 1.3)),
            ("Cacahuètes grillées salées", "Bénénuts", "200 g", 199, 15, 30, nil,
             "Cacahuètes 96 %, huile de tournesol, sel.", ["arachides"], (612, 51, 10, 4.5, 26, 1.2)),
            ("Sel fin de mer iodé", "La Baleine", "750 g", 139, 15, 30, nil,
             "Sel de mer, iodure de potassium, anti-agglomérant : carbonate de magnésium.", [], (0, 0, 0, 0, 0, 97)),
        ])
    }

    private static func drinks() -> [DemoProduct] {
        foods(Section(category: "Boissons", aisle: "A6", zone: "ambient", fresh: false), [
            ("Eau minérale naturelle", "Evian", "6 x 1,5 L", 469, 45, 40, nil, "Eau minérale naturelle.", [], water),
            ("Eau minérale naturelle", "Volvic", "1,5 L", 99, 20, 60, nil, "Eau minérale naturelle.", [], water),
            ("Eau de source", "Cristaline", "6 x 1,5 L", 199, 45, 60, nil, "Eau de source.", [], water),
            ("Eau minérale naturelle gazeuse", "Perrier", "4 x 50 cl", 339, 25, 30, nil,
             "Eau minérale naturelle renforcée au gaz de la source.", [], (0, 0, 0, 0, 0, 0.03)),
            ("Coca-Cola Original", "Coca-Cola", "1,5 L", 229, 25, 50, nil,
             "Eau gazéifiée, sucre, colorant : caramel E150d, acidifiant : acide phosphorique, arômes naturels, caféine.", [], (42, 0, 10.6, 10.6, 0, 0)),
            ("Coca-Cola Zéro sucres", "Coca-Cola", "6 x 33 cl", 499, 30, 40, nil,
             "Eau gazéifiée, colorant : caramel E150d, acidifiants, édulcorants : aspartame, acésulfame-K, arômes naturels, caféine.", [], (0.2, 0, 0, 0, 0, 0.02)),
            ("Orangina", "Orangina", "1,5 L", 259, 25, 35, nil,
             "Eau gazéifiée, jus de fruits 12 % (orange, citron, mandarine, pamplemousse), sucre, pulpe d'orange 2 %, arômes naturels.", [], (38, 0, 9.2, 9, 0, 0)),
            ("Ice Tea saveur pêche", "Lipton", "1,5 L", 219, 25, 35, nil,
             "Eau, sucre, fructose, acidifiant : acide citrique, extrait de thé noir 0,12 %, arômes, jus de pêche 0,1 %.", [], (19, 0, 4.5, 4.5, 0, 0)),
            ("Pur jus d'orange sans pulpe", "Joker", "1 L", 269, 20, 40, nil,
             "Pur jus d'orange.", [], (44, 0, 9.5, 9.5, 0.6, 0)),
            ("Pur jus de pomme bio", "Pressade", "1 L", 289, 20, 25, "France",
             "Pur jus de pomme issu de l'agriculture biologique.", [], (46, 0, 11, 10, 0.1, 0)),
            ("Nectar multifruits", "Créneau", "1 L", 149, 20, 30, nil,
             "Eau, purées et jus de fruits 50 % (orange, pomme, ananas, mangue, banane), sucre, acidifiant : acide citrique.", [], (52, 0, 12.5, 12, 0.3, 0)),
            ("Sirop de grenadine", "Teisseire", "60 cl", 299, 20, 25, nil,
             "Sucre, eau, sirop de glucose-fructose, jus de fruits rouges 2 %, acidifiant : acide citrique, arômes naturels.", [], (318, 0, 79, 79, 0, 0)),
            ("Bière blonde", "Kronenbourg", "6 x 25 cl", 429, 30, 35, nil,
             "Eau, malt d'orge, sirop de glucose, houblon.", ["gluten"], (42, 0, 3.3, 0.3, 0.4, 0)),
            ("Bière blonde premium", "1664", "6 x 25 cl", 549, 30, 30, nil,
             "Eau, malt d'orge, sirop de glucose, houblon, arôme.", ["gluten"], (44, 0, 3.4, 0.3, 0.4, 0)),
            ("Côtes-du-Rhône rouge AOP", "Cellier des Dauphins", "75 cl", 599, 20, 25, "Vallée du Rhône",
             "Raisins, conservateur : sulfites.", ["sulfites"], (85, 0, 2.6, 0.6, 0.1, 0)),
            ("Bordeaux rouge AOP", "Mouton Cadet", "75 cl", 1099, 20, 20, "Bordeaux",
             "Raisins, conservateur : sulfites.", ["sulfites"], (83, 0, 2.6, 0.5, 0.1, 0)),
            ("Champagne brut", "Nicolas Feuillatte", "75 cl", 2999, 20, 0, "Champagne",
             "Raisins, liqueur de tirage, liqueur d'expédition, conservateur : sulfites.", ["sulfites"], (76, 0, 1.5, 1.2, 0.2, 0)),
        ])
    }

    private static func milkAndEggs() -> [DemoProduct] {
        let section = Section(category: "Lait & œufs", aisle: "A7", zone: "ambient", fresh: false)
        let eggs = foods(section, fresh: true, [
            ("Œufs frais de poules élevées en plein air", "Loué", "x 6", 309, 20, 40, "France", "Œufs frais de catégorie A.", ["œufs"], egg),
            ("Œufs frais bio", "Créneau", "x 6", 349, 20, 30, "France", "Œufs frais biologiques de catégorie A.", ["œufs"], egg),
            ("Œufs frais moyens de poules élevées au sol", "Créneau", "x 12", 379, 20, 35, "France", "Œufs frais de catégorie A.", ["œufs"], egg),
        ])
        let longLife = foods(section, [
            ("Lait demi-écrémé", "Lactel", "1 L", 119, 20, 80, "France", "Lait demi-écrémé UHT.", ["lait"], (46, 1.5, 4.8, 4.8, 3.2, 0.1)),
            ("Lait demi-écrémé", "Créneau", "6 x 1 L", 569, 40, 40, "France", "Lait demi-écrémé UHT.", ["lait"], (46, 1.5, 4.8, 4.8, 3.2, 0.1)),
            ("Lait entier", "Lactel", "1 L", 145, 20, 40, "France", "Lait entier UHT.", ["lait"], (64, 3.6, 4.7, 4.7, 3.2, 0.1)),
            ("Boisson avoine nature", "Bjorg", "1 L", 249, 20, 25, nil,
             "Eau, avoine 12 %, huile de tournesol, sel.", ["gluten"], (44, 1.3, 7.3, 3.8, 0.5, 0.1)),
            ("Crème fluide entière 30 % MG", "Président", "20 cl", 179, 15, 40, "France",
             "Crème de lait UHT, stabilisant : carraghénanes.", ["lait"], (292, 30, 3.2, 3.2, 2.2, 0.08)),
        ])
        return eggs + longLife
    }

    private static func baby() -> [DemoProduct] {
        let section = Section(category: "Bébé", aisle: "A8", zone: "ambient", fresh: false)
        let food = foods(section, [
            ("Lait 2e âge en poudre Optipro", "Guigoz", "830 g", 1999, 20, 3, nil,
             "Lait écrémé, lactosérum, huiles végétales, lactose, huile de poisson, vitamines, minéraux.", ["lait", "poissons"], (490, 24, 56, 56, 11.5, 0.45)),
            ("Lait de croissance dès 1 an", "Candia", "1 L", 219, 20, 30, "France",
             "Lait demi-écrémé, lactose, huiles végétales, vitamines, fer.", ["lait"], (62, 2.9, 7.3, 7.2, 2.1, 0.06)),
            ("Petits pots carottes potiron dès 4/6 mois", "Blédina", "4 x 130 g", 399, 20, 20, "France",
             "Carottes 60 %, potiron 35 %, eau.", [], (30, 0.2, 5.5, 4, 0.7, 0.02)),
            ("Compote pomme banane dès 6 mois", "Blédina", "4 x 100 g", 319, 20, 25, nil,
             "Pommes 70 %, bananes 30 %, vitamine C.", [], (70, 0.2, 15.5, 13.5, 0.5, 0)),
            ("Blédine vanille dès 6 mois", "Blédina", "400 g", 399, 20, 20, nil,
             "Farines de céréales (blé, riz), lait écrémé en poudre, sucre, arôme naturel de vanille, vitamines, minéraux.",
             ["gluten", "lait"], (402, 4, 78, 22, 10.5, 0.15)),
        ])
        let care = items(section, [
            ("Couches Baby-Dry taille 4 (9-14 kg)", "Pampers", "x 46", 1699, 35, 20),
            ("Lingettes Aqua Pure", "Pampers", "x 48", 299, 15, 40),
            ("Liniment oléo-calcaire", "Créneau", "500 ml", 449, 20, 15),
        ])
        return food + care
    }

    private static func hygiene() -> [DemoProduct] {
        items(Section(category: "Hygiène", aisle: "A9", zone: "ambient", fresh: false), [
            ("Papier toilette Confort", "Lotus", "x 12", 699, 35, 40),
            ("Mouchoirs en papier", "Lotus", "x 15", 299, 20, 35),
            ("Dentifrice Protection caries", "Signal", "75 ml", 199, 15, 40),
            ("Brosses à dents Extra Clean souple", "Colgate", "x 2", 349, 15, 30),
            ("Gel douche lait de vanille", "Le Petit Marseillais", "400 ml", 399, 15, 35),
            ("Shampooing camomille", "Ultra Doux", "300 ml", 349, 15, 30),
            ("Savon liquide mains", "Créneau", "300 ml", 129, 15, 40),
            ("Déodorant bille Invisible Black & White", "Nivea", "50 ml", 329, 15, 30),
            ("Rasoirs jetables 3 lames", "Bic", "x 4", 499, 15, 25),
            ("Cotons démaquillants", "Demak'Up", "x 80", 249, 15, 30),
            ("Serviettes hygiéniques Ultra Normal", "Always", "x 14", 329, 15, 25),
            ("Crème mains concentrée", "Neutrogena", "75 ml", 479, 15, 20),
        ])
    }

    private static func household() -> [DemoProduct] {
        items(Section(category: "Entretien", aisle: "B1", zone: "ambient", fresh: false), [
            ("Lessive liquide Original", "Ariel", "1,95 L", 1399, 40, 25),
            ("Lessive capsules 3 en 1", "Skip", "x 26", 1199, 25, 20),
            ("Adoucissant concentré Grand Air", "Soupline", "1,2 L", 449, 30, 20),
            ("Liquide vaisselle citron", "Paic", "750 ml", 259, 20, 35),
            ("Tablettes lave-vaisselle tout en 1", "Finish", "x 40", 1349, 25, 20),
            ("Éponges grattantes", "Spontex", "x 4", 279, 15, 35),
            ("Essuie-tout", "Sopalin", "x 3", 399, 30, 30),
            ("Nettoyant multi-usages citron", "Mr Propre", "1,3 L", 399, 30, 25),
            ("Crème à récurer", "Cif", "750 ml", 349, 20, 20),
            ("Gel WC javel", "La Croix", "750 ml", 269, 20, 25),
            ("Eau de Javel 2,6 %", "La Croix", "1 L", 159, 25, 30),
            ("Sacs poubelle 30 L à liens", "Créneau", "x 20", 249, 15, 40),
            ("Désodorisant spray lavande", "Air Wick", "300 ml", 349, 15, 20),
        ])
    }

    /// Pet food carries a composition but no human nutrition table or allergen labelling.
    private static func pets() -> [DemoProduct] {
        let section = Section(category: "Animalerie", aisle: "B2", zone: "ambient", fresh: false)
        let food = foods(section, [
            ("Croquettes chat adulte au poulet", "Purina One", "1,5 kg", 1199, 30, 15, nil,
             "Poulet 17 %, blé, farine de gluten de maïs, protéines de volaille déshydratées, graisse animale, minéraux.", [], nil),
            ("Repas pour chat en sauce, sélection volaille", "Whiskas", "12 x 85 g", 649, 25, 20, nil,
             "Viandes et sous-produits animaux (dont poulet 4 %), céréales, minéraux, sucres.", [], nil),
            ("Croquettes chien adulte au bœuf", "Pedigree", "4 kg", 1399, 50, 10, nil,
             "Céréales, viandes et sous-produits animaux (dont bœuf 4 %), huiles et graisses, minéraux.", [], nil),
            ("Terrine pour chien au bœuf", "Créneau", "1,2 kg", 269, 25, 15, nil,
             "Viandes et sous-produits animaux (dont bœuf 4 %), céréales, minéraux.", [], nil),
            ("Friandises pour chat au poulet", "Dreamies", "60 g", 199, 15, 30, nil,
             "Céréales, viandes et sous-produits animaux (dont poulet 4 %), huiles et graisses.", [], nil),
        ])
        let litter = items(section, [
            ("Litière minérale agglomérante", "Catsan", "10 L", 799, 55, 12),
        ])
        return food + litter
    }
}

// MARK: - Chilled aisles

extension DemoCatalog {
    private static func dairy() -> [DemoProduct] {
        foods(Section(category: "Crèmerie", aisle: "F1", zone: "chilled", fresh: true), [
            ("Yaourts nature", "Danone", "4 x 125 g", 179, 20, 40, "France",
             "Lait écrémé, crème, lait écrémé en poudre, ferments lactiques.", ["lait"], (51, 1.6, 5.5, 5.5, 4, 0.13)),
            ("Yaourts nature", "Créneau", "16 x 125 g", 399, 25, 30, "France",
             "Lait demi-écrémé, lait écrémé en poudre, ferments lactiques.", ["lait"], (47, 1.5, 5.2, 5.2, 3.9, 0.13)),
            ("Yaourts au bifidus nature", "Activia", "4 x 125 g", 229, 20, 30, "France",
             "Lait entier, lait écrémé, ferments lactiques dont Bifidus.", ["lait"], (76, 3.4, 6.6, 6.6, 4.7, 0.14)),
            ("Panier de Yoplait aux fruits", "Yoplait", "8 x 125 g", 359, 20, 30, "France",
             "Lait écrémé, fruits 8 % (fraise, pêche, abricot), sucre, crème, ferments lactiques, arômes.", ["lait"], (95, 2.5, 14, 13.5, 3.4, 0.11)),
            ("Yaourt à boire fraise", "Yop", "825 g", 289, 20, 25, "France",
             "Lait écrémé, sucre, fraise 1,5 %, crème, ferments lactiques, arôme, colorant : carmins.", ["lait"], (78, 1.4, 13, 12.8, 2.8, 0.1)),
            ("Skyr nature", "Créneau", "450 g", 229, 20, 25, "France",
             "Lait écrémé, ferments lactiques.", ["lait"], (63, 0.2, 4, 4, 11, 0.1)),
            ("Fromage blanc nature 3,2 % MG", "Créneau", "1 kg", 259, 20, 20, "France",
             "Lait pasteurisé, crème, ferments lactiques, présure.", ["lait"], (75, 3.2, 4, 4, 7.5, 0.1)),
            ("Petits-suisses nature", "Gervais", "6 x 60 g", 219, 20, 25, "France",
             "Lait, crème, ferments lactiques.", ["lait"], (108, 7.3, 3.6, 3.6, 7.3, 0.08)),
            ("Crème dessert chocolat", "Danette", "4 x 125 g", 229, 20, 35, "France",
             "Lait écrémé, sucre, crème, cacao maigre 2,5 %, amidon modifié, épaississant : carraghénanes.", ["lait"], (126, 3.1, 20.5, 17, 3.4, 0.15)),
            ("Mousse au chocolat", "La Laitière", "4 x 59 g", 279, 20, 25, "France",
             "Chocolat 23 % (lécithine de soja), lait, crème, sucre, blancs d'œufs, beurre.", ["lait", "œufs", "soja"], (250, 15, 23, 21, 5.4, 0.1)),
            ("Riz au lait vanille", "Mamie Nova", "4 x 100 g", 249, 20, 20, "France",
             "Lait entier 72 %, riz 10 %, sucre, crème, vanille.", ["lait"], (130, 3.8, 20, 12, 3.2, 0.1)),
            ("Beurre doux", "Président", "250 g", 309, 20, 45, "France",
             "Crème pasteurisée, ferments lactiques.", ["lait"], (745, 82, 0.5, 0.5, 0.7, 0.03)),
            ("Beurre moulé demi-sel", "Paysan Breton", "250 g", 329, 20, 30, "Bretagne",
             "Crème pasteurisée, sel de mer 2 %, ferments lactiques.", ["lait"], (730, 80, 0.5, 0.5, 0.7, 2)),
            ("Crème fraîche épaisse 30 % MG", "Elle & Vire", "20 cl", 189, 20, 30, "Normandie",
             "Crème pasteurisée, ferments lactiques.", ["lait"], (292, 30, 2.6, 2.6, 2.3, 0.08)),
            ("Crème fraîche légère épaisse 15 % MG", "Créneau", "40 cl", 219, 20, 25, "France",
             "Crème pasteurisée, ferments lactiques, épaississant : gomme de guar.", ["lait"], (162, 15, 4, 4, 2.8, 0.1)),
            ("Lait frais entier microfiltré", "Créneau", "1 L", 139, 20, 30, "France",
             "Lait entier pasteurisé microfiltré.", ["lait"], (65, 3.6, 4.8, 4.8, 3.3, 0.1)),
        ])
    }

    private static func cheese() -> [DemoProduct] {
        foods(Section(category: "Fromages", aisle: "F2", zone: "chilled", fresh: true), [
            ("Camembert de Normandie AOP au lait cru", "Jort", "250 g", 349, 20, 25, "Normandie",
             "Lait cru de vache, sel, ferments lactiques, présure.", ["lait"], (285, 22, 0.5, 0.5, 20, 1.4)),
            ("Brie de Meaux AOP", "Créneau", "200 g", 399, 20, 20, "Île-de-France",
             "Lait cru de vache, sel, ferments lactiques, présure.", ["lait"], (340, 28, 0.5, 0.5, 21, 1.5)),
            ("Comté AOP 12 mois", "Créneau", "250 g", 549, 20, 2, "Jura",
             "Lait cru de vache, sel, ferments lactiques, présure.", ["lait"], (410, 34, 0.5, 0, 27, 0.8)),
            ("Roquefort AOP", "Société", "100 g", 329, 15, 20, "Aveyron",
             "Lait cru de brebis, sel, ferments lactiques, présure, Penicillium roqueforti.", ["lait"], (362, 32, 0.5, 0.5, 18, 3.7)),
            ("Emmental français râpé", "Entremont", "200 g", 249, 15, 40, "France",
             "Lait de vache pasteurisé, sel, ferments lactiques, présure, amidon de pomme de terre.", ["lait"], (372, 29, 0.5, 0.5, 27, 0.8)),
            ("Mozzarella", "Galbani", "125 g", 129, 15, 35, "Italie",
             "Lait pasteurisé, sel, correcteur d'acidité : acide citrique, présure.", ["lait"], (240, 18, 1, 1, 18, 0.5)),
            ("Boursin ail et fines herbes", "Boursin", "150 g", 299, 15, 30, "France",
             "Fromage frais (lait pasteurisé, crème), sel, ail 1,3 %, fines herbes, poivre.", ["lait"], (405, 40, 3, 2.5, 7, 1.2)),
            ("Fromage fondu en portions", "La Vache qui rit", "16 x 17,5 g", 299, 15, 30, "France",
             "Fromages, lait écrémé, beurre, protéines de lait, sels de fonte : citrates de sodium.", ["lait"], (237, 17.5, 6, 6, 13, 1.9)),
            ("Bûchette de chèvre", "Soignon", "180 g", 279, 15, 25, "France",
             "Lait de chèvre pasteurisé, sel, ferments lactiques, présure.", ["lait"], (278, 21, 1, 1, 19, 1.4)),
            ("Raclette tranches nature", "Richesmonts", "400 g", 549, 20, 20, "France",
             "Lait de vache pasteurisé, sel, ferments lactiques, présure, colorant de croûte : rocou.", ["lait"], (340, 27, 0.5, 0.5, 24, 1.8)),
        ])
    }

    private static func cookedMeats() -> [DemoProduct] {
        foods(Section(category: "Charcuterie", aisle: "F3", zone: "chilled", fresh: true), [
            ("Jambon Le Bon Paris", "Herta", "4 x 40 g", 369, 15, 40, "Union européenne",
             "Jambon de porc, sel, dextrose, bouillon, arômes naturels, antioxydant : érythorbate de sodium, conservateur : nitrite de sodium.",
             [], (112, 3, 0.8, 0.8, 21, 1.7)),
            ("Jambon blanc supérieur", "Fleury Michon", "6 x 30 g", 449, 15, 30, "France",
             "Jambon de porc, sel, dextrose, bouillon de légumes (céleri), arômes naturels, antioxydant : ascorbate de sodium, conservateur : nitrite de sodium.",
             ["céleri"], (105, 2.5, 0.5, 0.5, 21, 1.6)),
            ("Lardons fumés", "Herta", "2 x 100 g", 259, 15, 40, "Union européenne",
             "Poitrine de porc, sel, dextrose, arômes, antioxydant : érythorbate de sodium, conservateur : nitrite de sodium.", [], (260, 22, 0.5, 0.5, 15, 2.4)),
            ("Saucisses Knacki Original", "Herta", "350 g", 389, 15, 30, "Union européenne",
             "Viande de porc 82 %, eau, sel, dextrose, épices, arômes, antioxydant, conservateur : nitrite de sodium.", [], (263, 23, 1, 0.8, 13, 1.9)),
            ("Saucisson sec pur porc", "Cochonou", "250 g", 499, 15, 25, "France",
             "Viande de porc, gras de porc, sel, lactose, dextrose, épices, ail, ferments, conservateurs : nitrite de sodium, nitrate de potassium.",
             ["lait"], (420, 33, 2, 1.5, 29, 4.5)),
            ("Jambon sec supérieur", "Aoste", "120 g", 419, 15, 25, "Union européenne",
             "Jambon de porc, sel, conservateurs : nitrite de sodium, nitrate de potassium.", [], (225, 12, 0.5, 0.5, 28, 5.2)),
            ("Chorizo fort en tranches", "Créneau", "100 g", 199, 15, 30, "Espagne",
             "Viande de porc, sel, paprika 2,5 %, lactose, dextrose, ail, piment, conservateur : nitrite de sodium.", ["lait"], (420, 36, 2, 1.5, 22, 4)),
            ("Rillettes du Mans", "Bordeau Chesnel", "220 g", 349, 15, 20, "France",
             "Viande de porc 63 %, gras de porc, sel, poivre.", [], (385, 35, 0.5, 0.5, 17, 1.5)),
            ("Terrine de campagne", "Créneau", "200 g", 219, 15, 25, "France",
             "Gorge de porc, foie de porc 25 %, eau, oignons, œufs, sel, épices, conservateur : nitrite de sodium.", ["œufs"], (295, 25, 2, 0.5, 14, 1.7)),
            ("Blanc de poulet rôti", "Le Gaulois", "4 x 40 g", 349, 15, 30, "France",
             "Filet de poulet 94 %, eau, sel, dextrose, arômes naturels.", [], (105, 1.5, 1, 0.8, 22, 1.6)),
        ])
    }

    private static func butcher() -> [DemoProduct] {
        foods(Section(category: "Boucherie", aisle: "F4", zone: "chilled", fresh: true), [
            ("Steaks hachés 5 % MG", "Charal", "2 x 125 g", 449, 20, 30, "France", "Viande de bœuf 100 %.", [], (124, 5, 0, 0, 20, 0.17)),
            ("Steaks hachés 15 % MG", "Créneau", "10 x 100 g", 1099, 25, 20, "France", "Viande de bœuf 100 %.", [], (209, 15, 0, 0, 18.5, 0.17)),
            ("Filets de poulet jaune", "Le Gaulois", "300 g", 649, 20, 25, "France", "Filets de poulet.", [], (110, 1.5, 0, 0, 24, 0.15)),
            ("Cuisses de poulet fermier Label Rouge", "Loué", "800 g", 799, 25, 15, "France", "Cuisses de poulet fermier.", [], (178, 10.5, 0, 0, 20.5, 0.2)),
            ("Escalopes de dinde", "Le Gaulois", "4 x 100 g", 599, 20, 20, "France", "Escalopes de dinde.", [], (106, 1.5, 0, 0, 23, 0.15)),
            ("Côtes de porc échine", "Créneau", "600 g", 519, 25, 20, "France", "Côtes de porc.", [], (230, 17, 0, 0, 19, 0.15)),
            ("Entrecôtes de bœuf", "Créneau", "2 x 200 g", 1199, 25, 2, "France", "Entrecôtes de bœuf.", [], (195, 13, 0, 0, 19, 0.15)),
            ("Bœuf à bourguignon", "Créneau", "800 g", 1199, 25, 12, "France", "Viande de bœuf à braiser.", [], (150, 7, 0, 0, 21, 0.15)),
            ("Saucisses de Toulouse", "Créneau", "6 x 100 g", 499, 20, 25, "France",
             "Viande de porc 95 %, eau, sel, poivre, dextrose, antioxydant : ascorbate de sodium.", [], (270, 23, 0.5, 0.5, 15, 1.8)),
            ("Tranches de gigot d'agneau", "Créneau", "300 g", 899, 20, 10, "Nouvelle-Zélande", "Gigot d'agneau.", [], (200, 13, 0, 0, 20, 0.2)),
        ])
    }

    private static func fishmonger() -> [DemoProduct] {
        foods(Section(category: "Poissonnerie", aisle: "F5", zone: "chilled", fresh: true), [
            ("Saumon fumé d'Écosse", "Labeyrie", "120 g", 799, 15, 25, "Écosse",
             "Saumon atlantique (Salmo salar), sel, fumée de bois de hêtre.", ["poissons"], (172, 10, 0.5, 0.5, 20, 3)),
            ("Pavés de saumon Atlantique", "Créneau", "2 x 125 g", 699, 20, 20, "Norvège",
             "Saumon atlantique (Salmo salar).", ["poissons"], (205, 13.5, 0, 0, 20.5, 0.15)),
            ("Dos de cabillaud", "Créneau", "300 g", 899, 20, 15, "Atlantique Nord-Est",
             "Cabillaud (Gadus morhua).", ["poissons"], (78, 0.6, 0, 0, 18, 0.2)),
            ("Crevettes cuites entières", "Créneau", "300 g", 599, 20, 20, "Équateur",
             "Crevettes (Penaeus vannamei), sel, conservateur : disulfite de sodium.", ["crustacés", "sulfites"], (90, 1, 0, 0, 20, 1.8)),
            ("Bâtonnets de surimi", "Coraya", "240 g", 299, 15, 30, "France",
             "Chair de poisson 38 %, eau, amidon de blé, blanc d'œuf, huile de colza, sel, arôme de crabe.",
             ["poissons", "gluten", "œufs", "crustacés"], (105, 2.5, 14, 4.5, 6.5, 1.6)),
            ("Moules de bouchot prêtes à cuire", "Créneau", "1,4 kg", 699, 35, 1, "Bretagne",
             "Moules de bouchot (Mytilus edulis).", ["mollusques"], (80, 2, 3, 0, 12, 0.8)),
            ("Truite fumée", "Créneau", "120 g", 529, 15, 20, "France",
             "Truite (Oncorhynchus mykiss), sel, fumée de bois de hêtre.", ["poissons"], (155, 7, 0.5, 0.5, 22, 3)),
        ])
    }

    private static func deli() -> [DemoProduct] {
        foods(Section(category: "Traiteur", aisle: "F6", zone: "chilled", fresh: true), [
            ("Tortellini jambon cru", "Giovanni Rana", "250 g", 349, 15, 25, "Italie",
             "Pâte 60 % (farine de blé, œufs), jambon cru 15 %, chapelure, fromage grana padano, sel.", ["gluten", "œufs", "lait"], (270, 8.5, 37, 2, 12, 1.3)),
            ("Gnocchi de pommes de terre", "Lustucru", "2 x 300 g", 399, 20, 25, nil,
             "Pommes de terre 70 %, farine de blé, amidon de pomme de terre, sel.", ["gluten"], (165, 0.4, 36, 0.5, 3.5, 1.2)),
            ("Pâte feuilletée", "Herta", "230 g", 199, 15, 35, nil,
             "Farine de blé, margarine végétale, eau, alcool, sel.", ["gluten"], (400, 25, 39, 1.5, 5.5, 1)),
            ("Quiche lorraine", "Marie", "400 g", 449, 15, 20, "France",
             "Pâte brisée 33 % (farine de blé, beurre, eau), lait, œufs, lardons fumés 14 %, crème, emmental, sel, muscade.",
             ["gluten", "lait", "œufs"], (265, 17, 18, 2, 9.5, 1.1)),
            ("Hachis parmentier", "Fleury Michon", "300 g", 399, 15, 20, "France",
             "Purée de pommes de terre 58 % (pommes de terre, lait, beurre), viande de bœuf 25 %, oignons, emmental, céleri, sel, poivre.",
             ["lait", "céleri"], (125, 6, 9.5, 1.5, 7.5, 0.8)),
            ("Taboulé oriental", "Pierre Martinet", "500 g", 299, 15, 25, "France",
             "Semoule de blé dur 38 %, tomates, poivrons, oignons, huile de colza, menthe, raisins secs, jus de citron, sel.", ["gluten"], (165, 6, 23, 4.5, 3.8, 0.9)),
            ("Houmous nature", "Créneau", "200 g", 199, 15, 25, nil,
             "Pois chiches 60 %, eau, purée de sésame 10 %, huile de colza, jus de citron, ail, sel.", ["sésame"], (310, 25, 12, 0.8, 7.5, 1)),
            ("Pizza jambon emmental", "Sodebo", "470 g", 449, 15, 20, "France",
             "Pâte (farine de blé, eau, huile de colza, levure, sel), sauce tomate, jambon 14 %, emmental 12 %, mozzarella, origan.",
             ["gluten", "lait"], (240, 8.5, 29, 3, 12, 1.3)),
            ("Salade César au poulet", "Créneau", "250 g", 399, 15, 15, "France",
             "Salade romaine, filet de poulet rôti 20 %, croûtons, sauce César (huile de colza, jaune d'œuf, parmesan, anchois, moutarde), copeaux de parmesan.",
             ["gluten", "œufs", "lait", "poissons", "moutarde"], (170, 11, 7, 1.5, 10, 1)),
            ("Sandwich baguette jambon emmental beurre", "Daunat", "190 g", 349, 15, 15, "France",
             "Baguette (farine de blé, eau, levain, sel, levure), jambon cuit 22 %, emmental 15 %, beurre 6 %.", ["gluten", "lait"], (255, 10.5, 27, 1.5, 13, 1.4)),
        ])
    }
}

// MARK: - Frozen aisles (last on the route)

extension DemoCatalog {
    private static func frozen() -> [DemoProduct] {
        let vegetablesAndFish = foods(Section(category: "Surgelés", aisle: "S1", zone: "frozen", fresh: false), [
            ("Haricots verts très fins", "Créneau", "1 kg", 299, 20, 20, "France", "Haricots verts très fins.", [], (27, 0.2, 3.6, 1.2, 1.9, 0.01)),
            ("Petits pois doux", "Bonduelle", "750 g", 279, 20, 20, "France", "Petits pois.", [], (72, 0.5, 9.5, 4.7, 5.5, 0.01)),
            ("Épinards hachés en galets", "Créneau", "1 kg", 229, 20, 20, "France", "Épinards.", [], (22, 0.4, 0.8, 0.5, 2.8, 0.1)),
            ("Poêlée de légumes grillés", "Bonduelle", "600 g", 399, 20, 15, nil,
             "Légumes grillés 90 % (courgettes, aubergines, poivrons, oignons), huile d'olive, sel, ail, herbes.", [], (55, 2.5, 5.5, 3.8, 1.3, 0.6)),
            ("Brocolis en fleurettes", "Créneau", "1 kg", 299, 20, 20, "Espagne", "Brocolis.", [], (30, 0.4, 2.5, 1.7, 2.8, 0.03)),
            ("Frites Golden Longues", "McCain", "1 kg", 349, 20, 30, nil,
             "Pommes de terre, huile de tournesol 4 %, dextrose.", [], (140, 4.4, 22, 0.5, 2.2, 0.1)),
            ("Frites four classiques", "Créneau", "2,5 kg", 479, 40, 20, nil,
             "Pommes de terre 95 %, huile de tournesol.", [], (135, 4, 22, 0.5, 2.3, 0.05)),
            ("Potatoes épicées", "McCain", "600 g", 299, 20, 20, nil,
             "Pommes de terre 87 %, huile de tournesol, farine de riz, épices, sel, paprika.", [], (160, 6.5, 22, 0.5, 2.3, 0.9)),
            ("Bâtonnets de colin d'Alaska panés", "Findus", "450 g", 529, 20, 25, "Pacifique Nord-Est",
             "Colin d'Alaska 65 %, chapelure (farine de blé, levure, sel), huile de tournesol, amidon, sel.", ["poissons", "gluten"], (190, 8, 16, 1, 13, 0.7)),
            ("Filets de colin d'Alaska", "Créneau", "1 kg", 899, 25, 15, "Pacifique Nord-Est",
             "Colin d'Alaska (Gadus chalcogrammus).", ["poissons"], (72, 0.8, 0, 0, 16, 0.3)),
            ("Crevettes décortiquées crues", "Créneau", "400 g", 799, 20, 15, "Viêt Nam",
             "Crevettes (Penaeus vannamei), eau, sel.", ["crustacés"], (70, 0.7, 0, 0, 15.5, 0.8)),
            ("Mélange de fruits rouges", "Créneau", "500 g", 449, 20, 20, "Serbie",
             "Framboises, mûres, myrtilles, groseilles, cassis.", [], (45, 0.4, 6.5, 6, 1.1, 0)),
        ])
        let meals = foods(Section(category: "Surgelés", aisle: "S2", zone: "frozen", fresh: false), [
            ("Pizza Ristorante mozzarella", "Dr. Oetker", "355 g", 399, 20, 25, nil,
             "Farine de blé, mozzarella 22 %, eau, purée de tomates, huile de colza, levure, sel, basilic.", ["gluten", "lait"], (245, 11, 25, 3, 10.5, 1.1)),
            ("Pizza Four à Pierre 4 fromages", "Buitoni", "350 g", 429, 20, 20, nil,
             "Farine de blé, eau, mozzarella, emmental, gorgonzola, fromage de chèvre, sauce tomate, huile d'olive, levure, sel.",
             ["gluten", "lait"], (270, 11, 31, 3, 11.5, 1.2)),
            ("Lasagnes à la bolognaise", "Findus", "600 g", 499, 20, 20, nil,
             "Sauce béchamel (lait, farine de blé, beurre), viande de bœuf 16 %, pâtes aux œufs, tomates, emmental, oignons, céleri, sel.",
             ["gluten", "lait", "œufs", "céleri"], (145, 6.5, 13, 3, 8, 0.8)),
            ("Gratin dauphinois", "Créneau", "1 kg", 499, 25, 15, nil,
             "Pommes de terre 70 %, crème, lait, emmental, sel, ail, muscade.", ["lait"], (125, 6.8, 12, 1.5, 3.5, 0.7)),
            ("Nems au poulet", "Créneau", "8 x 40 g", 399, 20, 20, nil,
             "Galette de riz, poulet 20 %, vermicelles de soja, carottes, chou, oignons, champignons noirs, sauce soja (eau, soja, blé, sel), sauce poisson, sucre.",
             ["gluten", "soja", "poissons"], (205, 8, 25, 3, 8, 1.2)),
            ("Cordons bleus de dinde", "Créneau", "10 x 100 g", 799, 25, 15, "France",
             "Viande de dinde 60 %, chapelure (farine de blé), jambon de dinde, emmental 8 %, huile de tournesol, sel.", ["gluten", "lait"], (230, 12, 15, 1.5, 15, 1.4)),
            ("Paëlla aux fruits de mer", "Créneau", "1 kg", 699, 25, 15, nil,
             "Riz 40 %, eau, moules, crevettes, calamars, poivrons, petits pois, huile d'olive, bouillon de poisson (céleri), safran, sel.",
             ["mollusques", "crustacés", "poissons", "céleri"], (120, 3, 17, 1, 6.5, 0.9)),
            ("Croque-monsieur jambon emmental", "Marie", "4 x 100 g", 399, 20, 20, nil,
             "Pain de mie (farine de blé, eau, sucre, huile de colza, levure, sel), jambon 20 %, emmental 15 %, sauce béchamel (lait, beurre, farine de blé).",
             ["gluten", "lait"], (245, 10, 25, 3, 13, 1.3)),
            ("Steaks hachés façon bouchère 15 % MG", "Charal", "8 x 100 g", 899, 25, 20, "France",
             "Viande de bœuf 100 %.", [], (209, 15, 0, 0, 18.5, 0.17)),
        ])
        return vegetablesAndFish + meals
    }

    private static func iceCream() -> [DemoProduct] {
        foods(Section(category: "Glaces", aisle: "S3", zone: "frozen", fresh: false), [
            ("Crème glacée vanille de Madagascar", "Carte d'Or", "900 ml", 549, 20, 20, nil,
             "Lait écrémé réhydraté, crème, sucre, sirop de glucose, lactosérum, extrait de vanille de Madagascar, émulsifiant, stabilisants.",
             ["lait"], (205, 10, 25, 21, 3, 0.13)),
            ("Magnum Classic", "Magnum", "4 x 110 ml", 549, 20, 25, nil,
             "Lait écrémé réhydraté, enrobage chocolat au lait 32 % (sucre, beurre de cacao, lait entier en poudre, pâte de cacao, lécithine de soja), sucre, matière grasse de coco, sirop de glucose, vanille.",
             ["lait", "soja"], (312, 19, 30, 27, 3.9, 0.1)),
            ("Cônes vanille-chocolat", "Extrême", "6 x 120 ml", 549, 20, 20, nil,
             "Lait écrémé réhydraté, gaufrette 13 % (farine de blé, sucre, huile), sucre, sirop de glucose, huile de coco, chocolat, noisettes, cacao, lécithine de soja.",
             ["gluten", "lait", "soja", "fruits à coque"], (290, 15, 34, 24, 3.8, 0.2)),
            ("Crème glacée Cookie Dough", "Ben & Jerry's", "465 ml", 699, 20, 15, nil,
             "Crème, lait écrémé, sucre, pâte à cookie 12 % (farine de blé, beurre, sucre brun), eau, jaune d'œuf, chocolat (lécithine de soja), vanille.",
             ["lait", "œufs", "gluten", "soja"], (270, 14, 32, 26, 3.8, 0.2)),
            ("Crème glacée Macadamia Nut Brittle", "Häagen-Dazs", "460 ml", 749, 20, 1, nil,
             "Crème, lait écrémé concentré, sucre, noix de macadamia caramélisées 11 %, jaune d'œuf, beurre.", ["lait", "œufs", "fruits à coque"], (285, 19, 24, 22, 4.5, 0.2)),
            ("Sorbet plein fruit citron", "Créneau", "1 L", 299, 20, 15, nil,
             "Eau, sucre, jus de citron 25 %, sirop de glucose, stabilisant : farine de graines de caroube.", [], (120, 0, 30, 28, 0.2, 0)),
            ("Esquimaux vanille enrobage chocolat", "Créneau", "6 x 65 ml", 299, 20, 20, nil,
             "Lait écrémé, sucre, enrobage au chocolat 30 % (matière grasse de coco, sucre, cacao, lécithine de soja), crème, vanille.",
             ["lait", "soja"], (300, 19, 30, 27, 3.2, 0.1)),
            ("Glaçons", "Créneau", "2 kg", 199, 25, 30, nil, "Eau potable.", [], water),
        ])
    }
}
