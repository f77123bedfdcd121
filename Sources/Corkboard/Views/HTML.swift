import FastCGI
import Foundation

/// A fragment of HTML. String interpolation escapes every interpolated value, so user text can
/// never become markup; nest fragments with `\(html)`. The literal parts are `StaticString`s,
/// so only text written in the source can be markup: a string built at run time cannot be
/// passed as a literal, and `HTML(unsafeRaw:)` stays the one door for trusted markup.
///
/// Kept as UTF-8 bytes, since a page ends up as bytes in the response: appending bytes and
/// escaping byte by byte costs a fraction of `String` appends (a post page's rendering was a
/// quarter of a cache miss).
public struct HTML: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    /// The markup, UTF-8.
    public private(set) var bytes: [UInt8]

    public init(unsafeRaw text: String) {
        bytes = []
        bytes.appendUTF8(text)
    }
    public init(stringLiteral value: StaticString) { bytes = value.withUTF8Buffer { Array($0) } }
    public init(stringInterpolation: Interpolation) { bytes = stringInterpolation.bytes }

    /// The markup as a `String` (tests, and the few places that search it).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { text }

    public struct Interpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []
        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + interpolationCount * 48)
        }
        public mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }
        public mutating func appendInterpolation(_ value: HTML) {
            makeRoom(for: value.bytes.count)
            bytes += value.bytes
        }
        public mutating func appendInterpolation(_ values: [HTML]) {
            makeRoom(for: values.reduce(0) { $0 + $1.bytes.count })
            for v in values { bytes += v.bytes }
        }

        /// Grows the buffer once, with room to spare, before a nested fragment is copied in: a
        /// fragment reserves for its literals and 48 bytes per value, so a page taking a list of
        /// 25 rows (or a layout taking that page) doubled its buffer again and again, copying it
        /// each time.
        private mutating func makeRoom(for count: Int) {
            let needed = bytes.count + count
            guard needed > bytes.capacity else { return }
            bytes.reserveCapacity(Swift.max(needed + needed / 2, bytes.capacity * 2))
        }
        public mutating func appendInterpolation(_ value: String) { HTML.escape(value, into: &bytes) }
        public mutating func appendInterpolation<T: BinaryInteger>(_ value: T) {
            // Digits straight into the bytes: `String(value)` goes through the generic radix
            // conversion (a sixth of a gallery's rendering).
            if let n = Int(exactly: value) { bytes.appendDecimal(n) } else { bytes.appendUTF8(String(value)) }
        }
        public mutating func appendInterpolation(_ value: String?) { if let value { HTML.escape(value, into: &bytes) } }
        // Values whose text is made here of digits and fixed ASCII (nothing to escape), written
        // straight into the bytes: a list page writes each of them once per row.
        /// A price as `Currency.format` displays it: `\(price: minor, in: currency)`.
        mutating func appendInterpolation(price minor: Int64?, in currency: Currency) { currency.append(minor, to: &bytes) }
        /// A date as `ISO8601Stamp` writes it: `\(iso8601: date)`.
        mutating func appendInterpolation(iso8601 date: Date) { ISO8601Stamp.append(date, to: &bytes) }
        /// How old `date` is, as `Layout.age` says it: `\(age: date, now: now)`.
        mutating func appendInterpolation(age date: Date, now: Date) { Layout.appendAge(date, now: now, to: &bytes) }
    }

    /// A boolean attribute (`selected`, `checked`, `required`…) with its leading space when
    /// `isOn`, else nothing: `<option\(.attribute("selected", if: chosen))>`.
    public static func attribute(_ name: StaticString, if isOn: Bool) -> HTML {
        isOn ? HTML(unsafeRaw: " " + name.string) : ""
    }

    /// Escapes the five characters that matter in text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = [UInt8]()
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escape` appending to `out`: the five characters are ASCII, so every other byte of the
    /// UTF-8 (multi-byte sequences included) is copied as it is, in runs.
    public static func escape(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { escape(utf8: $0, into: &out) }
    }

    /// `escape` of text already in UTF-8 bytes.
    static func escape(utf8 input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // No `reserveCapacity` here: it grows to exactly what is asked, so a page escaping
        // value after value into one buffer copied it whole each time; appends double it.
        var start = 0
        for (i, c) in input.enumerated() {
            let entity: StaticString
            switch c {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<i]))
            entity.withUTF8Buffer { out.append(contentsOf: $0) }
            start = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[start...]))
    }

    public static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        var out = HTML(unsafeRaw: "")
        for (i, part) in parts.enumerated() {
            if i > 0 { out.bytes += separator.bytes }
            out.bytes += part.bytes
        }
        return out
    }
}

extension StaticString {
    /// The literal's text (a literal is always valid UTF-8, or a single scalar).
    var string: String {
        withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }
}
