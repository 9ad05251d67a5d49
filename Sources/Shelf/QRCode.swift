import CQREncode

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR code symbol encoded by libqrencode, as a square matrix of modules
/// (without the quiet zone, which renderers add around it).
public struct QRCode: Sendable, Hashable {
    /// How much of the symbol may be damaged (dirt, a scratch, a glare) and still be read.
    public enum ErrorCorrection: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        /// About 7% of the codewords can be restored.
        case low
        /// About 15%: the default, a good fit for posters behind no glass.
        case medium
        /// About 25%.
        case quartile
        /// About 30%: for codes likely to be partly covered or worn.
        case high

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The letter ISO/IEC 18004 uses for the level: L, M, Q or H.
        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }

        /// Bytes of 8-bit data the largest symbol (version 40) holds at this level.
        /// Only used to explain a failure: libqrencode decides what fits.
        public var maximumByteCount: Int {
            switch self {
            case .low: 2953
            case .medium: 2331
            case .quartile: 1663
            case .high: 1273
            }
        }

        fileprivate var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// Light modules a reader needs on every side of the symbol (ISO/IEC 18004).
    public static let quietZone = 4

    /// The text the code holds, exactly as a scanner returns it.
    public let text: String
    public let errorCorrection: ErrorCorrection
    /// The symbol version, 1...40; a larger version has more, smaller modules.
    public let version: Int
    /// Modules along one side, without the quiet zone.
    public let size: Int
    /// Row-major, `true` for a dark module.
    private let modules: [Bool]

    /// Encodes `text` as UTF-8 (8-bit mode, case-sensitive), choosing the smallest version that fits.
    public init(_ text: String, errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) {
        guard !text.isEmpty else { throw .emptyText }
        // libqrencode takes a C string, so a NUL would silently cut the text short.
        guard !text.utf8.contains(0) else { throw .containsNUL }

        errno = 0
        let encoded = QRcode_encodeString(text, 0, errorCorrection.level, QR_MODE_8, 1)
        let failure = errno
        guard let encoded else {
            if failure == ERANGE {
                throw .tooLong(byteCount: text.utf8.count, errorCorrection: errorCorrection)
            }
            throw .encodingFailed(errno: failure)
        }
        defer { QRcode_free(encoded) }

        let symbol = encoded.pointee
        let size = Int(symbol.width)
        let data = UnsafeBufferPointer(start: symbol.data, count: size * size)
        self.text = text
        self.errorCorrection = errorCorrection
        self.version = Int(symbol.version)
        self.size = size
        // Bit 0 is the colour; the higher bits only tell which function pattern a module belongs to.
        self.modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module at (`row`, `column`) is dark; both count from the symbol's top-left corner.
    public subscript(row row: Int, column column: Int) -> Bool {
        precondition((0..<size).contains(row) && (0..<size).contains(column), "module outside the symbol")
        return modules[row * size + column]
    }

    /// The modules row by row, `true` for dark.
    public var matrix: [[Bool]] {
        (0..<size).map { row in Array(modules[row * size ..< (row + 1) * size]) }
    }
}

/// Why a text could not become a QR code.
public enum QRCodeError: Error, Hashable, CustomStringConvertible {
    case emptyText
    case containsNUL
    /// The text needs more room than a version 40 symbol has at this error correction level.
    case tooLong(byteCount: Int, errorCorrection: QRCode.ErrorCorrection)
    /// libqrencode failed for another reason, e.g. out of memory.
    case encodingFailed(errno: Int32)

    public var description: String {
        switch self {
        case .emptyText:
            "cannot encode an empty text as a QR code"
        case .containsNUL:
            "cannot encode a text containing a NUL character as a QR code"
        case let .tooLong(byteCount, level):
            "text of \(byteCount) bytes is too long for a QR code at error correction \(level) "
                + "(at most \(level.maximumByteCount) bytes of 8-bit data)"
        case let .encodingFailed(code):
            "libqrencode failed to encode the text (errno \(code))"
        }
    }
}
