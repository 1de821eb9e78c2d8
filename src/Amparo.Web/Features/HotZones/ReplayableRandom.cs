namespace Amparo.Web.Features.HotZones;

/// <summary>
/// A seeded generator for the hot zones' permutation tests (SplitMix64, Steele, Lea &amp; Flood 2014): the same seed gives
/// the same draws on every machine and .NET version, so a period's classification can be replayed and tested. It is
/// predictable by design — statistics only, never for a secret, a code or a token (those use RandomNumberGenerator).
/// </summary>
public sealed class ReplayableRandom(ulong seed)
{
    private ulong _state = seed;

    private ulong NextBits()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A whole number in [0, <paramref name="bound"/>), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int Next(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var b = (ulong)bound;
        var threshold = (0UL - b) % b;
        while (true)
        {
            var product = Math.BigMul(NextBits(), b, out var low);
            if (low >= threshold) return (int)product;
        }
    }
}
