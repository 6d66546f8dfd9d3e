/// One header line of a parsed message: its resolved name and where its name and value lie,
/// packed in 12 bytes so that the inline header table stays small.
///
/// The value range is trimmed of surrounding white space; for a folded header it spans the
/// continuation lines, CRLFs included (value decoders treat CR and LF as white space).
/// A name is at most 255 bytes and a value starts at most 65,535 bytes after its name (the
/// parser refuses longer ones).
@usableFromInline
struct HeaderField: Sendable {
    @usableFromInline var nameStart: UInt32
    @usableFromInline var valueEnd: UInt32
    /// valueStart - nameStart.
    @usableFromInline var valueOffset: UInt16
    @usableFromInline var nameLength: UInt8
    @usableFromInline var name: SIPHeaderName

    /// The longest header name the parser accepts.
    @usableFromInline static let maxNameLength = Int(UInt8.max)
    /// The farthest a value may start from its name.
    @usableFromInline static let maxValueOffset = Int(UInt16.max)

    /// The caller checks the bounds above.
    @inlinable
    init(name: SIPHeaderName, nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int) {
        self.nameStart = UInt32(truncatingIfNeeded: nameStart)
        self.valueEnd = UInt32(truncatingIfNeeded: valueEnd)
        self.valueOffset = UInt16(truncatingIfNeeded: valueStart &- nameStart)
        self.nameLength = UInt8(truncatingIfNeeded: nameEnd &- nameStart)
        self.name = name
    }

    @inlinable var nameRange: ByteRange {
        ByteRange(lower: nameStart, upper: nameStart &+ UInt32(nameLength))
    }

    @inlinable var valueRange: ByteRange {
        ByteRange(lower: nameStart &+ UInt32(valueOffset), upper: valueEnd)
    }

    @usableFromInline static let placeholder = HeaderField(name: .other, nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0)
}

/// The header lines of a message in arrival order: the first ``inlineCapacity`` live inline
/// (no heap allocation for ordinary messages), the rest in an overflow array.
@usableFromInline
struct HeaderTable: Sendable {
    /// Headers kept without a heap allocation; typical messages have 8 to 20.
    @usableFromInline static let inlineCapacity = 32

    @usableFromInline var inline: InlineArray<32, HeaderField>
    @usableFromInline var overflow: [HeaderField]
    @usableFromInline var count: Int

    @inlinable
    init() {
        self.inline = InlineArray(repeating: .placeholder)
        self.overflow = []
        self.count = 0
    }

    @inlinable
    subscript(index: Int) -> HeaderField {
        get {
            index < HeaderTable.inlineCapacity ? inline.span[index] : overflow[index &- HeaderTable.inlineCapacity]
        }
        set {
            if index < HeaderTable.inlineCapacity {
                inline[index] = newValue
            } else {
                overflow[index &- HeaderTable.inlineCapacity] = newValue
            }
        }
    }

    @inlinable
    mutating func append(_ field: HeaderField) {
        if count < HeaderTable.inlineCapacity {
            inline[count] = field
        } else {
            overflow.append(field)
        }
        count &+= 1
    }

    /// The index of the first header with id `name` at or after `from`, or nil.
    @inlinable
    func firstIndex(of name: SIPHeaderName, from: Int = 0) -> Int? {
        var index = from
        while index < count {
            if self[index].name == name { return index }
            index &+= 1
        }
        return nil
    }
}
