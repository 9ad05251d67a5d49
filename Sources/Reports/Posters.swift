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
        // One statement, so the basket and order lines of the range are read once for both
        // tables; only lines of products on a poster are kept. A product appears at most once
        // in a basket and in an order (their keys), so counting lines per product counts
        // baskets and orders; per poster, several of its products may share one, hence DISTINCT.
        let rows = try await rows("""
            WITH scanned AS (
                SELECT shelf_id, product_id, count(*)::int AS scans FROM scans
                 WHERE store_id = \(storeID) AND scanned_at >= \(bounds.lo) AND scanned_at < \(bounds.hi)
                 GROUP BY shelf_id, product_id
            ), on_posters AS (
                SELECT shelf_id, product_id FROM shelf_items WHERE store_id = \(storeID)
                UNION SELECT shelf_id, product_id FROM scanned
            ), basketed AS (
                SELECT bl.product_id, bl.basket_id AS id
                  FROM baskets b JOIN basket_lines bl ON bl.store_id = b.store_id AND bl.basket_id = b.basket_id
                 WHERE b.store_id = \(storeID) AND b.created_at >= \(bounds.lo) AND b.created_at < \(bounds.hi)
                   AND bl.product_id IN (SELECT product_id FROM on_posters)
            ), ordered AS (
                SELECT ol.product_id, ol.order_id AS id
                  FROM orders o JOIN order_lines ol ON ol.store_id = o.store_id AND ol.order_id = o.order_id
                 WHERE o.store_id = \(storeID) AND o.status <> 'cancelled' AND o.placed_at >= \(bounds.lo) AND o.placed_at < \(bounds.hi)
                   AND ol.product_id IN (SELECT product_id FROM on_posters)
            ), by_product AS (
                SELECT p.product_id, coalesce(s.scans, 0) AS scans, coalesce(b.lines, 0) AS baskets, coalesce(o.lines, 0) AS orders
                  FROM (SELECT DISTINCT product_id FROM on_posters) p
                  LEFT JOIN (SELECT product_id, sum(scans)::int AS scans FROM scanned GROUP BY product_id) s ON s.product_id = p.product_id
                  LEFT JOIN (SELECT product_id, count(*)::int AS lines FROM basketed GROUP BY product_id) b ON b.product_id = p.product_id
                  LEFT JOIN (SELECT product_id, count(*)::int AS lines FROM ordered GROUP BY product_id) o ON o.product_id = p.product_id
            )
            SELECT 'poster' AS kind, sh.shelf_id AS id, sh.title AS label, sh.location,
                   coalesce((SELECT sum(scans) FROM scanned s WHERE s.shelf_id = sh.shelf_id), 0)::int AS scans,
                   coalesce(b.baskets, 0) AS baskets, coalesce(o.orders, 0) AS orders
              FROM shelves sh
              LEFT JOIN (SELECT shelf_id, count(*)::int AS baskets
                           FROM (SELECT DISTINCT p.shelf_id, b.id FROM basketed b JOIN on_posters p ON p.product_id = b.product_id) d
                          GROUP BY shelf_id) b ON b.shelf_id = sh.shelf_id
              LEFT JOIN (SELECT shelf_id, count(*)::int AS orders
                           FROM (SELECT DISTINCT p.shelf_id, o.id FROM ordered o JOIN on_posters p ON p.product_id = o.product_id) d
                          GROUP BY shelf_id) o ON o.shelf_id = sh.shelf_id
             WHERE sh.store_id = \(storeID) AND sh.shelf_id IN (SELECT shelf_id FROM on_posters)
            UNION ALL
            SELECT 'product', bp.product_id, pr.name, '', bp.scans, bp.baskets, bp.orders
              FROM by_product bp JOIN products pr ON pr.product_id = bp.product_id
             ORDER BY 1 DESC, 5 DESC, 3
            """)
        var report = PostersReport(range: range, posters: [], products: [])
        for row in rows {
            let id = try row.decode(Int64.self, "id"), label = try row.decode(String.self, "label")
            let scans = try row.decode(Int.self, "scans"), baskets = try row.decode(Int.self, "baskets"), orders = try row.decode(Int.self, "orders")
            if try row.decode(String.self, "kind") == "poster" {
                report.posters.append(PosterConversion(
                    shelfID: id, poster: label, location: try row.decode(String.self, "location"), scans: scans, baskets: baskets, orders: orders,
                    scanToBasket: ratio(baskets, scans), scanToOrder: ratio(orders, scans)
                ))
            } else {
                report.products.append(ProductConversion(
                    productID: id, product: label, scans: scans, baskets: baskets, orders: orders,
                    scanToBasket: ratio(baskets, scans), scanToOrder: ratio(orders, scans)
                ))
            }
        }
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
