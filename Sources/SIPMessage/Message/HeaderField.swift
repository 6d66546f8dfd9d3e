/// One header line of a parsed message: its resolved name and where its name and value lie.
///
/// The value range is trimmed of surrounding white space; for a folded header it spans the
/// continuation lines, CRLFs included (value decoders treat CR and LF as white space).
@usableFromInline
struct HeaderField: Sendable {
    @usableFromInline var name: SIPHeaderName
    @usableFromInline var nameRange: ByteRange
    @usableFromInline var valueRange: ByteRange

    @inlinable
    init(name: SIPHeaderName, nameRange: ByteRange, valueRange: ByteRange) {
        self.name = name
        self.nameRange = nameRange
        self.valueRange = valueRange
    }

    @usableFromInline static let placeholder = HeaderField(name: .other, nameRange: .empty, valueRange: .empty)
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
            index < HeaderTable.inlineCapacity ? inline[index] : overflow[index &- HeaderTable.inlineCapacity]
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
