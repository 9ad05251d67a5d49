import Foundation
import Postgres

public struct PosterConversion: Sendable, Codable, Equatable {
    public var shelfID: Int64
    public var poster: String
    public var location: String
    public var scans: Int
    /// Baskets started in the range holding at least one of the poster's products.
    public var baskets: Int
    /// Orders placed in the range (not cancelled) holding at least one of them.
    public var orders: Int
    public var scanToBasket: Double?
    public var scanToOrder: Double?
}

public struct ProductConversion: Sendable, Codable, Equatable {
    public var productID: Int64
    public var product: String
    /// Scans of the product on any poster.
    public var scans: Int
    public var baskets: Int
    public var orders: Int
    public var scanToBasket: Double?
    public var scanToOrder: Double?
}

public struct PostersReport: Report, Equatable {
    public var range: ReportRange
    public var posters: [PosterConversion]
    public var products: [ProductConversion]
}

extension ReportService {
    /// Scans per poster and product, and how they convert. Scans are anonymous by design (no
    /// identifier, nothing ties a scan to the basket it led to), so conversion is a ratio of
    /// totals over the range: baskets (or orders) holding the product ÷ scans of the product.
    public func posters(storeID: Int64, range: ReportRange) async throws -> PostersReport {
        let bounds = try await bounds(storeID: storeID, range)
        // A poster's products: its items, and any product scanned on it in the range (an item
        // since removed still counts for the scans it had).
        let onPosters: SQL = """
            scanned AS (
                SELECT shelf_id, product_id, count(*)::int AS scans FROM scans
                 WHERE store_id = \(storeID) AND scanned_at >= \(bounds.lo) AND scanned_at < \(bounds.hi)
                 GROUP BY shelf_id, product_id
            ), on_posters AS (
                SELECT shelf_id, product_id FROM shelf_items WHERE store_id = \(storeID)
                UNION SELECT shelf_id, product_id FROM scanned
            )
            """
        // Baskets (or orders) per product and per poster, from their lines of poster products.
        // A product is at most once in a basket and in an order (their keys), so lines count
        // them per product; per poster, several of its products may share one, hence DISTINCT.
        func holding(_ lines: SQL) -> SQL {
            """
            WITH \(onPosters), holding AS (\(lines) AND l.product_id IN (SELECT product_id FROM on_posters))
            SELECT 'product' AS kind, product_id AS id, count(*)::int AS n FROM holding GROUP BY product_id
            UNION ALL
            SELECT 'poster', shelf_id, count(*)::int
              FROM (SELECT DISTINCT p.shelf_id, h.id FROM holding h JOIN on_posters p ON p.product_id = h.product_id) d
             GROUP BY shelf_id
            """
        }
        // Three independent statements, side by side: scans, baskets, orders.
        async let scanRows = rows("""
            WITH \(onPosters)
            SELECT 'poster' AS kind, sh.shelf_id AS id, sh.title AS label, sh.location, coalesce(sum(s.scans), 0)::int AS scans
              FROM shelves sh LEFT JOIN scanned s ON s.shelf_id = sh.shelf_id
             WHERE sh.store_id = \(storeID) AND sh.shelf_id IN (SELECT shelf_id FROM on_posters)
             GROUP BY sh.shelf_id, sh.title, sh.location
            UNION ALL
            SELECT 'product', p.product_id, p.name, '', coalesce(sum(s.scans), 0)::int
              FROM (SELECT DISTINCT product_id FROM on_posters) op
              JOIN products p ON p.product_id = op.product_id
              LEFT JOIN scanned s ON s.product_id = op.product_id
             GROUP BY p.product_id, p.name
            """)
        async let basketRows = rows(holding("""
            SELECT l.product_id, l.basket_id AS id
              FROM baskets b JOIN basket_lines l ON l.store_id = b.store_id AND l.basket_id = b.basket_id
             WHERE b.store_id = \(storeID) AND b.created_at >= \(bounds.lo) AND b.created_at < \(bounds.hi)
            """))
        async let orderRows = rows(holding("""
            SELECT l.product_id, l.order_id AS id
              FROM orders o JOIN order_lines l ON l.store_id = o.store_id AND l.order_id = o.order_id
             WHERE o.store_id = \(storeID) AND o.status <> 'cancelled' AND o.placed_at >= \(bounds.lo) AND o.placed_at < \(bounds.hi)
            """))
        struct Key: Hashable { var kind: String; var id: Int64 }
        func counts(_ rows: PostgresRows) throws -> [Key: Int] {
            var counts: [Key: Int] = [:]
            for row in rows { counts[Key(kind: try row.decode(String.self, "kind"), id: try row.decode(Int64.self, "id"))] = try row.decode(Int.self, "n") }
            return counts
        }
        let baskets = try counts(try await basketRows)
        let orders = try counts(try await orderRows)
        var report = PostersReport(range: range, posters: [], products: [])
        for row in try await scanRows {
            let key = Key(kind: try row.decode(String.self, "kind"), id: try row.decode(Int64.self, "id"))
            let label = try row.decode(String.self, "label"), scans = try row.decode(Int.self, "scans")
            let basketCount = baskets[key] ?? 0, orderCount = orders[key] ?? 0
            if key.kind == "poster" {
                report.posters.append(PosterConversion(
                    shelfID: key.id, poster: label, location: try row.decode(String.self, "location"), scans: scans, baskets: basketCount,
                    orders: orderCount, scanToBasket: ratio(basketCount, scans), scanToOrder: ratio(orderCount, scans)
                ))
            } else {
                report.products.append(ProductConversion(
                    productID: key.id, product: label, scans: scans, baskets: basketCount, orders: orderCount,
                    scanToBasket: ratio(basketCount, scans), scanToOrder: ratio(orderCount, scans)
                ))
            }
        }
        report.posters.sort { ($1.scans, $0.poster) < ($0.scans, $1.poster) }
        report.products.sort { ($1.scans, $0.product) < ($0.scans, $1.product) }
        return report
    }
}

extension PostersReport {
    public var notes: [String] {
        [
            "Les scans sont anonymes (aucun identifiant conservé) : rien ne relie un scan au panier qu’il a ouvert. "
                + "La conversion est donc un rapport de totaux sur la période : paniers (ou commandes) contenant le produit ÷ scans du produit. "
                + "Elle peut dépasser 1 quand des clients ajoutent le produit sans scanner.",
            "Par affiche : paniers et commandes contenant au moins un produit de l’affiche ÷ scans de l’affiche ; "
                + "un produit présent sur deux affiches compte pour les deux. Paniers : créés sur la période ; commandes : passées sur la période, hors annulées.",
        ]
    }

    static let conversionColumns = [("scans", "Scans"), ("baskets", "Paniers"), ("orders", "Commandes"),
                                    ("scan_to_basket", "Scan → panier"), ("scan_to_order", "Scan → commande")]

    public var tables: [ReportTable] {
        [
            ReportTable("posters", "Par affiche", [("shelf_id", "N°"), ("poster", "Affiche"), ("location", "Emplacement")] + Self.conversionColumns,
                        rows: posters.map { [String($0.shelfID), $0.poster, $0.location, Cell.int($0.scans), Cell.int($0.baskets), Cell.int($0.orders),
                                             Cell.share($0.scanToBasket), Cell.share($0.scanToOrder)] }),
            ReportTable("products", "Par produit", [("product_id", "N°"), ("product", "Produit")] + Self.conversionColumns,
                        rows: products.map { [String($0.productID), $0.product, Cell.int($0.scans), Cell.int($0.baskets), Cell.int($0.orders),
                                              Cell.share($0.scanToBasket), Cell.share($0.scanToOrder)] }),
        ]
    }

    public var charts: [String] {
        [Chart.bars(
            id: "chart-posters", title: "Scans, paniers et commandes par affiche",
            description: "Pour chaque affiche : scans sur la période, paniers et commandes contenant l’un de ses produits.",
            labels: posters.map(\.poster),
            series: [Chart.Series(name: "scans", colour: "#5e35b1", values: posters.map { Double($0.scans) }),
                     Chart.Series(name: "paniers", colour: "#00897b", values: posters.map { Double($0.baskets) }),
                     Chart.Series(name: "commandes", colour: "#f4511e", values: posters.map { Double($0.orders) })]
        )]
    }
}
