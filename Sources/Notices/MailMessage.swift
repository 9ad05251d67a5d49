import Foundation

/// An e-mail address as SMTP carries it: `local@domain`, nothing that could end a command
/// line or an angle-bracketed path (the database CHECK already refuses spaces; this is the
/// mail side's own guard).
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let address: String

    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), text.utf8.count <= 254,
              !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains($0) })
        else { return nil }
        self.address = text
    }

    public var domain: String { String(address[address.index(after: address.firstIndex(of: "@")!)...]) }
    public var description: String { address }
}

/// A plain-text message in UTF-8, written as RFC 5322 with MIME: the subject and the
/// sender's name as RFC 2047 encoded words, the body quoted-printable, so the message is
/// 7-bit clean and needs no 8BITMIME from the server.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var fromName: String?
    public var to: MailAddress
    public var subject: String
    public var body: String
    public var date: Date
    /// Without angle brackets, e.g. "notice.3.42@example.org".
    public var messageID: String

    public init(from: MailAddress, fromName: String? = nil, to: MailAddress, subject: String, body: String, date: Date, messageID: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    /// Headers and body with CRLF line ends, before SMTP's dot-stuffing.
    public var rendered: String {
        var headers = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + (fromName.map { Self.encodedWords($0) + " <\(from)>" } ?? "<\(from)>"),
            "To: <\(to)>",
            "Subject: " + Self.encodedWords(subject),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        // RFC 3834: tells autoresponders not to answer a machine.
        headers.append("Auto-Submitted: auto-generated")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + Self.quotedPrintable(body)
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Plain ASCII stays as it is; anything else becomes "=?UTF-8?B?…?=" words, folded on
    /// separate lines. 36 bytes of text (never splitting a character) make a 60-character
    /// word, so even the first line, behind "Subject: ", stays under RFC 2047's 76.
    static func encodedWords(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printable && !text.contains("=?") { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// RFC 2045 quoted-printable of UTF-8 text: lines end in CRLF, no encoded line is longer
    /// than 76 characters (soft breaks "=" never split an escape), and trailing spaces are
    /// escaped so no relay can strip them.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let hex = Array("0123456789ABCDEF")
        return lines.map { line -> String in
            let bytes = Array(line.utf8)
            var output = ""
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
                let token = literal ? String(UnicodeScalar(byte)) : "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
                // Keep room for the soft break's "=" unless this is the line's last token.
                let limit = isLast ? 76 : 75
                if current.count + token.count > limit {
                    output += current + "=\r\n"
                    current = ""
                }
                current += token
            }
            return output + current
        }.joined(separator: "\r\n")
    }
}
