/// What a printed virtual shelf shows, as plain values: the catalog side maps its rows into
/// this, and `PosterSVG` turns it into pages.
public struct PosterContent: Sendable, Hashable {
    /// The shelf's name, e.g. "Petit-déjeuner".
    public var title: String
    public var storeName: String
    public var storeAddress: String
    /// Where the poster hangs, e.g. "Châtelet station, corridor 3".
    public var location: String
    public var items: [PosterItem]
    public var paper: PosterPaper
    public var errorCorrection: QRCode.ErrorCorrection

    public init(
        title: String,
        storeName: String,
        storeAddress: String,
        location: String,
        items: [PosterItem],
        paper: PosterPaper = .a4,
        errorCorrection: QRCode.ErrorCorrection = .medium
    ) {
        self.title = title
        self.storeName = storeName
        self.storeAddress = storeAddress
        self.location = location
        self.items = items
        self.paper = paper
        self.errorCorrection = errorCorrection
    }
}

/// One product tile of a poster.
public struct PosterItem: Sendable, Hashable {
    public var name: String
    public var brand: String
    /// The pack size as printed, e.g. "1 L", "500 g", "x 6".
    public var sizeText: String
    /// Price including VAT, in euro cents.
    public var priceCents: Int
    public var unitPrice: UnitPrice
    /// A product photo; without one the tile shows the product's initials.
    public var imageURL: String?
    /// What the item's QR code opens: the product page.
    public var url: String

    public init(
        name: String,
        brand: String,
        sizeText: String,
        priceCents: Int,
        unitPrice: UnitPrice,
        imageURL: String? = nil,
        url: String
    ) {
        self.name = name
        self.brand = brand
        self.sizeText = sizeText
        self.priceCents = priceCents
        self.unitPrice = unitPrice
        self.imageURL = imageURL
        self.url = url
    }

    /// The price per kilogram, litre or piece, which French shelf labels must show
    /// next to the selling price.
    public enum UnitPrice: Sendable, Hashable {
        /// Already formatted by the caller, e.g. "1,98 € / kg".
        case text(String)
        /// Computed from the item's price and its net quantity.
        case per(NetQuantity)
    }

    /// The net content of a pack.
    public struct NetQuantity: Sendable, Hashable {
        public enum Unit: Sendable, Hashable, CaseIterable {
            case gram, kilogram, millilitre, centilitre, litre, piece
        }

        public var amount: Double
        public var unit: Unit

        public init(_ amount: Double, _ unit: Unit) {
            self.amount = amount
            self.unit = unit
        }

        /// The amount in the unit prices are compared by: kilograms, litres or pieces.
        var referenceAmount: Double {
            switch unit {
            case .gram, .millilitre: amount / 1000
            case .centilitre: amount / 100
            case .kilogram, .litre, .piece: amount
            }
        }

        var referenceUnit: String {
            switch unit {
            case .gram, .kilogram: "kg"
            case .millilitre, .centilitre, .litre: "L"
            case .piece: "pièce"
            }
        }
    }

    /// The unit price as printed, or nil when the net quantity is not a positive amount.
    public var unitPriceText: String? {
        switch unitPrice {
        case let .text(text): text
        case let .per(quantity): PriceText.perUnit(priceCents: priceCents, quantity: quantity)
        }
    }
}

/// Portrait paper sizes a poster prints on.
public enum PosterPaper: Sendable, Hashable, CaseIterable {
    case a4, a3

    /// Width and height in millimetres.
    public var size: (width: Double, height: Double) {
        switch self {
        case .a4: (210, 297)
        case .a3: (297, 420)
        }
    }
}

/// Prices written the French way.
public enum PriceText {
    /// "2,49 €", "1 234,50 €": decimal comma, narrow no-break space between thousands, and a
    /// no-break space before the sign so a line break never separates it from the amount.
    public static func euros(cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return sign + grouped(magnitude / 100) + "," + (fraction < 10 ? "0" : "") + String(fraction) + "\u{A0}€"
    }

    /// "1,98 € / kg": the price per reference unit, rounded to the nearest cent;
    /// nil unless the quantity is positive (and not so small the result is absurd).
    public static func perUnit(priceCents: Int, quantity: PosterItem.NetQuantity) -> String? {
        let cents = (Double(priceCents) / quantity.referenceAmount).rounded()
        guard quantity.amount > 0, cents.isFinite, cents.magnitude < 1e15 else { return nil }
        return euros(cents: Int(cents)) + " / " + quantity.referenceUnit
    }

    private static func grouped(_ units: UInt) -> String {
        var digits = String(units)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return groups.joined(separator: "\u{202F}")
    }
}
