#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Small scanning primitives over the bytes of a message. Every function takes the buffer, a
// position and an end, and never reads at or past `end`: the caller checks its range against
// the buffer once, and the scans stay inside it.

/// The position of the first `byte` in `bytes[position..<end]`, or nil (memchr: vectorised).
func findByte(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int, _ byte: UInt8) -> Int? {
    guard position < end, let base = bytes.baseAddress else { return nil }
    guard let found = memchr(base + position, Int32(byte), end &- position) else { return nil }
    return base.distance(to: UnsafeRawPointer(found))
}

/// Whether `bytes[start..<end]` begins with `SIP/` (any case): the start of a status line,
/// since no method token can contain "/".
func hasSIPVersionPrefix(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
    end &- start >= 4 && bytes[start] | 0x20 == 0x73 && bytes[start &+ 1] | 0x20 == 0x69
        && bytes[start &+ 2] | 0x20 == 0x70 && bytes[start &+ 3] == ASCII.slash
}

/// The first position at or after `position` that is not white space (SP, HTAB, or the CR/LF
/// of a folded line), or `end`.
func skipWhitespace(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> Int {
    var index = position
    while index < end, ASCII.isWhitespace(bytes[index]) { index &+= 1 }
    return index
}

/// `end` moved back over trailing white space, not before `start`.
func trimTrailingWhitespace(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
    var index = end
    while index > start, ASCII.isWhitespace(bytes[index &- 1]) { index &-= 1 }
    return index
}

/// The end of the run of `characterClass` bytes starting at `position`.
func scanRun(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int, _ characterClass: ASCII.CharacterClass) -> Int {
    var index = position
    while index < end, characterClass.contains(bytes[index]) { index &+= 1 }
    return index
}

/// Given `position` at an opening quote, the position after the closing quote, or nil when the
/// quoted string does not close before `end` (RFC 3261 §25.1 quoted-string, with quoted-pair).
func scanQuotedString(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> Int? {
    var index = position &+ 1
    while index < end {
        let byte = bytes[index]
        if byte == ASCII.quote { return index &+ 1 }
        if byte == ASCII.backslash {
            index &+= 2
            continue
        }
        index &+= 1
    }
    return nil
}

/// The end of the comma-separated element that starts at `position`: the next comma outside a
/// quoted string and outside `<...>`, or `end`. Nil when a quote or bracket is left open.
func scanElementEnd(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> Int? {
    var index = position
    var inAngle = false
    while index < end {
        let byte = bytes[index]
        if byte == ASCII.quote {
            guard let after = scanQuotedString(bytes, index, end) else { return nil }
            index = after
            continue
        }
        if byte == ASCII.lessThan {
            inAngle = true
        } else if byte == ASCII.greaterThan {
            inAngle = false
        } else if byte == ASCII.comma, !inAngle {
            return index
        }
        index &+= 1
    }
    return inAngle ? nil : end
}

/// Scans a host (RFC 3261 §25.1: hostname, IPv4address or IPv6reference) starting at
/// `position`; returns its range and the position after it, or nil when there is none.
///
/// IPv6 references are checked for their character set and colon count only, so the
/// three-colon form of the RFC 3261 ABNF bug (RFC 5118 §4.10) is tolerated.
func scanHost(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> ByteRange? {
    guard position < end else { return nil }
    if bytes[position] == ASCII.leftBracket {
        var index = position &+ 1
        var colons = 0
        while index < end, ASCII.ipv6.contains(bytes[index]) {
            if bytes[index] == ASCII.colon { colons &+= 1 }
            index &+= 1
        }
        guard index < end, bytes[index] == ASCII.rightBracket, colons >= 2 else { return nil }
        return ByteRange(position, index &+ 1)
    }
    // hostname = *( domainlabel "." ) toplabel [ "." ]; a label is alphanumerics and "-" (and
    // "_", seen in the wild) and neither starts nor ends with "-". IPv4 addresses fit the same
    // shape. One trailing dot (a fully qualified name) is allowed; an empty label is not.
    var index = position
    var labelStart = position
    while index < end {
        let byte = bytes[index]
        if byte == ASCII.dot {
            guard index > labelStart, bytes[index &- 1] != 0x2D else { return nil }
            labelStart = index &+ 1
        } else if ASCII.hostName.contains(byte) {
            if byte == 0x2D, index == labelStart { return nil }
        } else {
            break
        }
        index &+= 1
    }
    guard index > position else { return nil }
    if index > labelStart, bytes[index &- 1] == 0x2D { return nil }
    return ByteRange(position, index)
}

/// A decimal port (1 to 5 digits, at most 65535) at `position`; returns it and the position
/// after it, or nil.
func scanPort(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> (port: UInt16, next: Int)? {
    var index = position
    var value = 0
    while index < end, ASCII.isDigit(bytes[index]) {
        value = value &* 10 &+ Int(bytes[index] &- ASCII.zero)
        index &+= 1
        if index &- position > 5 { return nil }
    }
    guard index > position, value <= 65535 else { return nil }
    return (UInt16(value), index)
}

/// Whether `bytes[start..<end]` begins with a URI scheme followed by ":" and a non-empty rest
/// with no white space, angle brackets or quotes: the cheap check run on every URI at parse
/// time (the full grammar of sip:, sips: and tel: URIs is checked by ``SIPURI``).
/// Whether `bytes[start..<end]`, already known to hold only URI characters, starts with a
/// scheme, ":" and at least one more byte.
func hasScheme(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
    guard start < end, ASCII.isAlpha(bytes[start]) else { return false }
    let schemeEnd = scanRun(bytes, start &+ 1, end, ASCII.scheme)
    return schemeEnd &+ 1 < end && bytes[schemeEnd] == ASCII.colon
}

func looksLikeURI(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
    guard start < end, ASCII.isAlpha(bytes[start]) else { return false }
    let schemeEnd = scanRun(bytes, start &+ 1, end, ASCII.scheme)
    guard schemeEnd &+ 1 < end, bytes[schemeEnd] == ASCII.colon else { return false }
    return scanRun(bytes, schemeEnd &+ 1, end, ASCII.uriCharacter) == end
}
