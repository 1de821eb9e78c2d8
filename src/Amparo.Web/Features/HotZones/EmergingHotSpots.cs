namespace Amparo.Web.Features.HotZones;

/// <summary>What one cell was in one period: a significant hot spot, a significant cold spot, or neither.</summary>
public enum SpotState { None = 0, Hot = 1, Cold = 2 }

/// <summary>
/// The emerging hot-spot classes (the names crime analysts use, after ESRI's Emerging Hot Spot Analysis), read from a cell's
/// series of significant Gi* results and the Mann–Kendall trend of its Gi* z-scores.
/// </summary>
public enum EmergingClass
{
    NoPattern = 0,
    /// <summary>Hot in the last period, and never before.</summary>
    New = 1,
    /// <summary>One unbroken run of at least two hot periods up to the last, never hot before it, under 90 % of periods hot.</summary>
    Consecutive = 2,
    /// <summary>Hot in at least 90 % of periods, the last included, and the intensity rising (a significant upward trend).</summary>
    Intensifying = 3,
    /// <summary>Hot in at least 90 % of periods, the last included, with no significant trend.</summary>
    Persistent = 4,
    /// <summary>Hot in at least 90 % of periods, the last included, and the intensity falling.</summary>
    Diminishing = 5,
    /// <summary>Hot on and off, the last included, under 90 % of periods, never a cold spot.</summary>
    Sporadic = 6,
    /// <summary>Hot in the last period, a cold spot in some earlier one, under 90 % of periods hot.</summary>
    Oscillating = 7,
    /// <summary>Not hot in the last period, but hot in at least 90 % of them.</summary>
    Historical = 8,
}

public static class EmergingHotSpots
{
    /// <summary>The share of periods that makes a cell "mostly hot".</summary>
    public const double Mostly = 0.9;

    /// <summary>
    /// The class of a cell from its states in time order (the last is the period just closed) and the trend of its Gi*
    /// z-scores, significant at <paramref name="alpha"/>. The hot side only: a hot zone is where attacks concentrate.
    /// </summary>
    public static EmergingClass Classify(IReadOnlyList<SpotState> states, MannKendall trend, double alpha = 0.05)
    {
        var n = states.Count;
        if (n == 0) return EmergingClass.NoPattern;
        var hot = states.Count(s => s == SpotState.Hot);
        var mostly = hot >= Mostly * n;
        var lastHot = states[n - 1] == SpotState.Hot;
        if (!lastHot) return mostly ? EmergingClass.Historical : EmergingClass.NoPattern;
        if (mostly)
        {
            if (trend.P < alpha && trend.Z > 0) return EmergingClass.Intensifying;
            if (trend.P < alpha && trend.Z < 0) return EmergingClass.Diminishing;
            return EmergingClass.Persistent;
        }
        if (hot == 1) return EmergingClass.New;
        // The run of hot periods ending now, and whether any hot period comes before it.
        var run = 0;
        while (run < n && states[n - 1 - run] == SpotState.Hot) run++;
        if (run >= 2 && hot == run) return EmergingClass.Consecutive;
        return states.Any(s => s == SpotState.Cold) ? EmergingClass.Oscillating : EmergingClass.Sporadic;
    }
}
