namespace Amparo.Web.Infrastructure;

/// <summary>Sets of choices stored as one flags enum (cost categories, kinds of act, facts kept).</summary>
public static class Flags
{
    /// <summary>
    /// The single flags of <paramref name="set"/>, in the order the enum declares them: its zero ("none") and any
    /// combined names ("all") are left out, so a list or a wire array names each choice once.
    /// </summary>
    public static IEnumerable<T> Each<T>(T set) where T : struct, Enum =>
        Enum.GetValues<T>().Where(flag => IsSingle(flag) && set.HasFlag(flag));

    private static bool IsSingle<T>(T flag) where T : struct, Enum
    {
        var bits = Convert.ToUInt64(flag, System.Globalization.CultureInfo.InvariantCulture);
        return bits != 0 && (bits & (bits - 1)) == 0;
    }
}
