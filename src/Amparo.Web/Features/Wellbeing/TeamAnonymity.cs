namespace Amparo.Web.Features.Wellbeing;

/// <summary>Adjacent bands shown together (From..To, From == To for one band) and how many people are in them.</summary>
public sealed record BandGroup(WellbeingBand From, WellbeingBand To, int Count);

/// <summary>One scale of a month: the groups to show, or null when only the month's count may be shown.</summary>
public sealed record TeamScaleView(WellbeingScale Scale, IReadOnlyList<BandGroup>? Groups);

/// <summary>
/// One closed month as the team view may show it: the number of responses, and the distributions only when
/// <see cref="Enough"/> (else "not enough responses to protect anonymity" and nothing else).
/// </summary>
public sealed record TeamMonthView(DateOnly Month, int Responses, bool Enough, IReadOnlyList<TeamScaleView> Scales);

/// <summary>How many people were in each band of each scale in one closed month (what the anonymous rows sum to).</summary>
public sealed record TeamMonthCounts(DateOnly Month, IReadOnlyDictionary<WellbeingScale, int[]> PerScale)
{
    public int Responses => PerScale.Count == 0 ? 0 : PerScale.Values.First().Sum();
}

/// <summary>
/// The anonymity rules of the team view, as pure functions (docs/wellbeing.md, "The team view"):
/// <list type="bullet">
/// <item>only closed months (the caller passes only those: the open month has no rows at all);</item>
/// <item>fewer than <see cref="Threshold"/> responses: the count only ("not enough responses");</item>
/// <item>a distribution in which a band holds fewer than <see cref="SmallestBand"/> people (zero included) or one band
/// holds everyone is merged, adjacent bands together, until neither is true; if that leaves one group, only the count
/// is shown for that scale.</item>
/// </list>
/// There is no filter: a month is shown whole or not at all.
/// </summary>
public static class TeamAnonymity
{
    public const int Threshold = 5;
    public const int SmallestBand = 2;

    public static TeamMonthView View(TeamMonthCounts counts)
    {
        var responses = counts.Responses;
        if (responses < Threshold) return new TeamMonthView(counts.Month, responses, false, []);
        return new TeamMonthView(counts.Month, responses, true,
            [.. Enum.GetValues<WellbeingScale>().Select(s => new TeamScaleView(s, Distribution(counts.PerScale[s])))]);
    }

    /// <summary>
    /// The groups to show for one scale's counts (index = band: Low, Moderate, High), or null for the count only.
    /// Repeatedly the smallest group under <see cref="SmallestBand"/> joins its smaller neighbour (the lower one on a tie),
    /// so merging keeps as much as it safely can and always ends.
    /// </summary>
    public static IReadOnlyList<BandGroup>? Distribution(IReadOnlyList<int> perBand)
    {
        ArgumentNullException.ThrowIfNull(perBand);
        var bands = Enum.GetValues<WellbeingBand>();
        if (perBand.Count != bands.Length) throw new ArgumentException("One count per band.", nameof(perBand));
        var groups = bands.Select(b => new BandGroup(b, b, perBand[(int)b])).ToList();
        while (groups.Count > 1)
        {
            var small = Enumerable.Range(0, groups.Count).Where(i => groups[i].Count < SmallestBand)
                .OrderBy(i => groups[i].Count).ThenBy(i => i).Cast<int?>().FirstOrDefault();
            if (small is not { } i) break;
            int neighbour;
            if (i == 0) neighbour = 1;
            else if (i == groups.Count - 1) neighbour = i - 1;
            else neighbour = groups[i - 1].Count <= groups[i + 1].Count ? i - 1 : i + 1;
            var (lo, hi) = (Math.Min(i, neighbour), Math.Max(i, neighbour));
            groups[lo] = new BandGroup(groups[lo].From, groups[hi].To, groups[lo].Count + groups[hi].Count);
            groups.RemoveAt(hi);
        }
        // One group holds everyone: showing it would tell each person's band.
        return groups.Count > 1 ? groups : null;
    }

    /// <summary>Sums anonymous rows into counts per scale and band (the rows carry nothing else).</summary>
    public static TeamMonthCounts Count(DateOnly month, IEnumerable<(WellbeingBand Satisfaction, WellbeingBand Burnout, WellbeingBand SecondaryStress)> rows)
    {
        var per = Enum.GetValues<WellbeingScale>().ToDictionary(s => s, _ => new int[Enum.GetValues<WellbeingBand>().Length]);
        foreach (var (satisfaction, burnout, stress) in rows)
        {
            per[WellbeingScale.Satisfaction][(int)satisfaction]++;
            per[WellbeingScale.Burnout][(int)burnout]++;
            per[WellbeingScale.SecondaryStress][(int)stress]++;
        }
        return new TeamMonthCounts(month, per);
    }
}
