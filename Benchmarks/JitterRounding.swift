import Glibc

/// Rounds figures the way `score_playout.py` does (Python's `round(x, n)`), so that the JSON
/// line and the reference scorer print the same digits even on ties.
///
/// Python rounds the exact binary value of `x` to `n` decimals, ties to even. A delay of
/// 102.825 ms is stored as 102.82499999…, so Python gives 102.82 where rounding `x·100` half
/// away from zero gives 102.83. Here `x·10ⁿ` is formed with its exact rounding error (fused
/// multiply-add), so the tie is decided on the exact product.
enum JitterRounding {
    /// `value` rounded to `decimals` places as Python's `round` does; non-finite values as is.
    static func rounded(_ value: Double, decimals: Int) -> Double {
        guard value.isFinite, (0...15).contains(decimals) else { return value }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let product = value * scale
        let error = fma(value, scale, -product)  // value·scale = product + error, exactly
        let floor = product.rounded(.down)
        let fraction = product - floor
        let up: Bool
        if fraction > 0.5 {
            up = true
        } else if fraction < 0.5 {
            up = false
        } else if error != 0 {
            up = error > 0
        } else {
            up = floor.truncatingRemainder(dividingBy: 2) != 0
        }
        return (up ? floor + 1 : floor) / scale
    }
}
