/// Walks the arguments of one subcommand, for hand-written option parsing.
///
/// Options are `--name value` or `--name=value`; flags are `--name`. A subcommand loops over
/// ``nextOption()`` and asks for values with ``value(for:)`` and the typed readers, each of
/// which throws a ``UsageError`` naming the option when the value is missing or malformed.
struct ArgumentReader {
    private var remaining: ArraySlice<String>
    /// The value attached with `=` to the option just returned by ``nextOption()``.
    private var attachedValue: String?

    init(_ arguments: ArraySlice<String>) {
        self.remaining = arguments
    }

    /// The next option name (such as `--seconds`), or nil at the end of the arguments.
    ///
    /// - Throws: ``UsageError`` for a positional argument (the subcommands take none).
    mutating func nextOption() throws(UsageError) -> String? {
        if let attachedValue {
            throw UsageError("unexpected value '\(attachedValue)'")
        }
        guard let argument = remaining.popFirst() else { return nil }
        guard argument.hasPrefix("-"), argument != "-" else {
            throw UsageError("unexpected argument '\(argument)'")
        }
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            attachedValue = String(argument[argument.index(after: equals)...])
            return String(argument[..<equals])
        }
        return argument
    }

    /// Throws when the flag just returned by ``nextOption()`` was given a value with `=`.
    mutating func flag(_ option: String) throws(UsageError) {
        if attachedValue != nil {
            throw UsageError("\(option) takes no value")
        }
    }

    /// The value of `option`: the part after `=`, or else the next argument.
    mutating func value(for option: String) throws(UsageError) -> String {
        if let attached = attachedValue {
            attachedValue = nil
            guard !attached.isEmpty else { throw UsageError("\(option) needs a value") }
            return attached
        }
        guard let next = remaining.popFirst(), !next.hasPrefix("--") else {
            throw UsageError("\(option) needs a value")
        }
        return next
    }

    /// The value of `option` as an integer in `range`.
    mutating func integer(for option: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        let text = try value(for: option)
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                "\(option) needs an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// The value of `option` as a number greater than zero and at most `maximum`.
    mutating func positiveNumber(for option: String, maximum: Double) throws(UsageError) -> Double {
        let text = try value(for: option)
        guard let number = Double(text), number > 0, number <= maximum else {
            throw UsageError("\(option) needs a number greater than 0 and at most \(maximum), got '\(text)'")
        }
        return number
    }
}
