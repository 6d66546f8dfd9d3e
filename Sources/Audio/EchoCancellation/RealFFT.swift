import Glibc

/// A forward and inverse FFT of real signals of one power-of-two length `count`, with its
/// tables and work space allocated once at init, so that transforms allocate nothing.
///
/// The spectrum is kept split, real parts and imaginary parts in two arrays of `count / 2 + 1`
/// bins (0 Hz ... Nyquist). Forward is unscaled, inverse scales by `1 / count`, so
/// `inverse(forward(x)) == x`. Method: a radix-2 complex FFT of half the length over the
/// even/odd samples packed as real/imaginary parts, then the split that separates the two.
/// Not thread-safe: the work space is shared by all calls on one instance.
struct RealFFT: ~Copyable {
    /// Real samples per transform.
    let count: Int
    /// Complex points of the inner FFT (`count / 2`).
    let half: Int
    /// The inner FFT's twiddles, stage after stage from size 8 up: for a stage of size s,
    /// cos(2πk/s) and -sin(2πk/s) for k < s/2, contiguous (sizes 2 and 4 need none).
    private let stageCos: UnsafeMutablePointer<Float>
    private let stageSin: UnsafeMutablePointer<Float>
    /// cos/sin(2πk/count), k <= half: the split's twiddles.
    private let splitCos: UnsafeMutablePointer<Float>
    private let splitSin: UnsafeMutablePointer<Float>
    /// Bit-reversed index of each inner point.
    private let reversed: UnsafeMutablePointer<Int32>
    /// The inner FFT's work space.
    private let workReal: UnsafeMutablePointer<Float>
    private let workImaginary: UnsafeMutablePointer<Float>

    /// A transform of `count` real samples; `count` is a power of two of at least 4.
    init(count: Int) {
        precondition(count >= 4 && count & (count - 1) == 0, "RealFFT length must be a power of two >= 4")
        self.count = count
        let half = count / 2
        self.half = half
        stageCos = .allocate(capacity: max(half, 1))
        stageSin = .allocate(capacity: max(half, 1))
        var offset = 0
        var size = 8
        while size <= half {
            for k in 0..<(size / 2) {
                let angle = 2 * Double.pi * Double(k) / Double(size)
                stageCos[offset + k] = Float(cos(angle))
                stageSin[offset + k] = Float(-sin(angle))
            }
            offset += size / 2
            size *= 2
        }
        splitCos = .allocate(capacity: half + 1)
        splitSin = .allocate(capacity: half + 1)
        for k in 0...half {
            let angle = 2 * Double.pi * Double(k) / Double(count)
            splitCos[k] = Float(cos(angle))
            splitSin[k] = Float(sin(angle))
        }
        reversed = .allocate(capacity: half)
        var bits = 0
        while 1 << bits < half { bits += 1 }
        for i in 0..<half {
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            reversed[i] = Int32(r)
        }
        workReal = .allocate(capacity: half)
        workImaginary = .allocate(capacity: half)
        workReal.initialize(repeating: 0, count: half)
        workImaginary.initialize(repeating: 0, count: half)
    }

    deinit {
        stageCos.deallocate()
        stageSin.deallocate()
        splitCos.deallocate()
        splitSin.deallocate()
        reversed.deallocate()
        workReal.deallocate()
        workImaginary.deallocate()
    }

    /// Bins of the spectrum (`count / 2 + 1`).
    var bins: Int { half + 1 }

    /// The spectrum of `input` (`count` samples) into `real`/`imaginary` (`bins` each).
    func forward(_ input: UnsafePointer<Float>, real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
        let zr = workReal, zi = workImaginary
        for m in 0..<half {
            let r = Int(reversed[m])
            zr[r] = input[2 * m]
            zi[r] = input[2 * m + 1]
        }
        butterflies()
        // Split Z = E + iO (E, O: spectra of the even and odd samples) into X = E + W^k O.
        for k in 0...half {
            let a = k == half ? 0 : k
            let b = k == 0 ? 0 : half - k
            let ar = zr[a], ai = zi[a]
            let cr = zr[b], ci = -zi[b]
            let er = 0.5 * (ar + cr), ei = 0.5 * (ai + ci)
            let dr = ar - cr, di = ai - ci
            let orr = 0.5 * di, oi = -0.5 * dr
            let c = splitCos[k], s = splitSin[k]
            real[k] = er + c * orr + s * oi
            imaginary[k] = ei + c * oi - s * orr
        }
    }

    /// The `count` real samples whose spectrum is `real`/`imaginary` (`bins` each; the
    /// imaginary parts of bins 0 and `count / 2` are ignored) into `output`.
    func inverse(real: UnsafePointer<Float>, imaginary: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let zr = workReal, zi = workImaginary
        for k in 0..<half {
            let ar = real[k], ai = k == 0 ? 0 : imaginary[k]
            let br = real[half - k], bi = k == 0 ? 0 : -imaginary[half - k]
            let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
            let dr = 0.5 * (ar - br), di = 0.5 * (ai - bi)
            let c = splitCos[k], s = splitSin[k]
            let orr = dr * c - di * s, oi = dr * s + di * c
            // Conjugated, so that the forward butterflies compute the inverse transform.
            let r = Int(reversed[k])
            zr[r] = er - oi
            zi[r] = -(ei + orr)
        }
        butterflies()
        let scale = 1 / Float(half)
        for m in 0..<half {
            output[2 * m] = zr[m] * scale
            output[2 * m + 1] = -zi[m] * scale
        }
    }

    /// In-place radix-2 decimation-in-time butterflies over the bit-reversed work space; the
    /// first two stages (twiddles 1 and -i) without multiplications.
    private func butterflies() {
        let zr = workReal, zi = workImaginary
        if half >= 2 {
            var a = 0
            while a < half {
                let br = zr[a + 1], bi = zi[a + 1], ar = zr[a], ai = zi[a]
                zr[a] = ar + br
                zi[a] = ai + bi
                zr[a + 1] = ar - br
                zi[a + 1] = ai - bi
                a += 2
            }
        }
        if half >= 4 {
            var a = 0
            while a < half {
                var br = zr[a + 2], bi = zi[a + 2], ar = zr[a], ai = zi[a]
                zr[a] = ar + br
                zi[a] = ai + bi
                zr[a + 2] = ar - br
                zi[a + 2] = ai - bi
                // Twiddle -i: (br, bi)·(-i) = (bi, -br).
                br = zr[a + 3]
                bi = zi[a + 3]
                ar = zr[a + 1]
                ai = zi[a + 1]
                zr[a + 1] = ar + bi
                zi[a + 1] = ai - br
                zr[a + 3] = ar - bi
                zi[a + 3] = ai + br
                a += 4
            }
        }
        var size = 8
        var offset = 0
        while size <= half {
            let halfSize = size / 2
            let wr = stageCos + offset, wi = stageSin + offset
            var start = 0
            while start < half {
                let ra = zr + start, ia = zi + start
                let rb = ra + halfSize, ib = ia + halfSize
                if halfSize >= SIMDMemory.lanes {
                    // Eight butterflies at a time (halfSize is a multiple of eight from here on).
                    var k = 0
                    while k < halfSize {
                        let cr = SIMDMemory.load(wr, k), ci = SIMDMemory.load(wi, k)
                        let br = SIMDMemory.load(rb, k), bi = SIMDMemory.load(ib, k)
                        let tr = br * cr - bi * ci
                        let ti = br * ci + bi * cr
                        let ar = SIMDMemory.load(ra, k), ai = SIMDMemory.load(ia, k)
                        SIMDMemory.store(ar - tr, rb, k)
                        SIMDMemory.store(ai - ti, ib, k)
                        SIMDMemory.store(ar + tr, ra, k)
                        SIMDMemory.store(ai + ti, ia, k)
                        k += SIMDMemory.lanes
                    }
                } else {
                    for k in 0..<halfSize {
                        let br = rb[k], bi = ib[k]
                        let tr = br * wr[k] - bi * wi[k]
                        let ti = br * wi[k] + bi * wr[k]
                        let ar = ra[k], ai = ia[k]
                        rb[k] = ar - tr
                        ib[k] = ai - ti
                        ra[k] = ar + tr
                        ia[k] = ai + ti
                    }
                }
                start += size
            }
            offset += halfSize
            size *= 2
        }
    }
}
