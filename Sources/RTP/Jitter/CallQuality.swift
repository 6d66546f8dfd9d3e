/// The simplified ITU-T G.107 E-model: the rating factor R of a call from its mouth-to-ear delay
/// and its packet loss, for G.711 with packet loss concealment.
///
/// R is 93.2 for a perfect call, above 90 "very satisfied", below 70 "many dissatisfied". The
/// jitter buffer chooses its playout delay by trading ``delayImpairment(meanDelayMs:)`` against
/// ``lossImpairment(lossPercent:)``, and the `Benchmarks jitter` report ranks buffers by
/// ``rFactor(meanDelayMs:lossPercent:)``.
public enum CallQuality {
    /// R with no delay and no loss.
    public static let maximumRating = 93.2
    /// The slope of the delay impairment below the knee [R points per ms].
    public static let delayImpairmentPerMs = 0.024
    /// The delay above which each extra ms costs ``kneeImpairmentPerMs`` more [ms].
    public static let delayKneeMs = 177.3
    /// The extra slope of the delay impairment above the knee [R points per ms].
    public static let kneeImpairmentPerMs = 0.11
    /// The packet-loss robustness factor Bpl of G.711 with concealment, random loss.
    public static let lossRobustness = 25.1
    /// The impairment loss tends to as it approaches 100 %.
    public static let lossImpairmentLimit = 95.0

    /// Id: the impairment from a mean one-way delay of `meanDelayMs` ms.
    public static func delayImpairment(meanDelayMs: Double) -> Double {
        let knee = meanDelayMs > delayKneeMs ? kneeImpairmentPerMs * (meanDelayMs - delayKneeMs) : 0
        return delayImpairmentPerMs * meanDelayMs + knee
    }

    /// Ie,eff: the impairment from losing `lossPercent` % of the packets (network and late
    /// losses alike).
    public static func lossImpairment(lossPercent: Double) -> Double {
        lossImpairmentLimit * lossPercent / (lossPercent + lossRobustness)
    }

    /// The slope of ``lossImpairment(lossPercent:)`` at `lossPercent` [R points per %].
    public static func lossImpairmentSlope(lossPercent: Double) -> Double {
        let denominator = lossPercent + lossRobustness
        return lossImpairmentLimit * lossRobustness / (denominator * denominator)
    }

    /// R = 93.2 − Id − Ie,eff.
    public static func rFactor(meanDelayMs: Double, lossPercent: Double) -> Double {
        maximumRating - delayImpairment(meanDelayMs: meanDelayMs) - lossImpairment(lossPercent: lossPercent)
    }
}
