using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Plans;

/// <summary>The scales a register entry is rated on. Each step of each scale has its own words (resx).</summary>
public enum PlanScale
{
    Threat = 0,
    Vulnerability = 1,
    Capacity = 2,
    Likelihood = 3,
    Impact = 4,
}

/// <summary>A sentence to show: a resx key and arguments that are themselves resx keys (localized before formatting).</summary>
public sealed record PlanText(string Key, IReadOnlyList<string> ArgumentKeys)
{
    public PlanText(string key) : this(key, []) { }

    /// <summary>The sentence in the localizer's language.</summary>
    public string Render(IStringLocalizer t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var args = ArgumentKeys.Select(k => (object)t[k].Value).ToArray();
        return args.Length == 0 ? t[Key].Value : string.Format(CultureInfo.CurrentCulture, t[Key].Value, args);
    }
}

/// <summary>
/// A step that acts on the threat itself (not on vulnerabilities or capacities), suggested first when a threat is
/// direct and present. <see cref="Domain"/> pre-fills the action's domain when the person adds it to the plan.
/// </summary>
public sealed record ThreatFirstStep(string Key, SecurityDomains Domain);

/// <summary>What the rule says about one register entry: its band, why, and whether actions on the threat come first.</summary>
/// <param name="Band">The band to show: the table's band, raised to at least High for a direct threat.</param>
/// <param name="TableBand">The band from the table alone (threat × vulnerability ÷ capacity).</param>
/// <param name="ThreatFirst">A direct, present threat: show <see cref="ThreatFirstSteps"/> before any other action.</param>
/// <param name="Reasons">Why the band is what it is, one sentence per factor (and one for a direct threat).</param>
/// <param name="ThreatFirstSteps">Empty unless <see cref="ThreatFirst"/>.</param>
public sealed record RiskAssessment(
    RiskBand Band,
    RiskBand TableBand,
    bool ThreatFirst,
    IReadOnlyList<PlanText> Reasons,
    IReadOnlyList<ThreatFirstStep> ThreatFirstSteps);

/// <summary>
/// The risk-band rule of a security plan (issue 10; explained in docs/security-plans.md). Pure: no I/O, no clock.
/// The band follows risk = threat × vulnerability ÷ capacity, read from one table rather than computed, so that
/// trainers can check every cell in the guide and a test can hold the guide and the code equal.
/// </summary>
public static class RiskBands
{
    private const RiskBand L = RiskBand.Low;
    private const RiskBand M = RiskBand.Moderate;
    private const RiskBand H = RiskBand.High;
    private const RiskBand S = RiskBand.Severe;

    // The one table. A row is (threat, vulnerability); its four cells are capacity 1, 2, 3, 4.
    // Every cell is the ratio r = threat × vulnerability ÷ capacity cut at doublings: Low below 2, Moderate from 2,
    // High from 4, Severe from 8. So a higher threat or vulnerability never lowers a band and a higher capacity never
    // raises it (RiskBandTests walks all 64 cells). The same table is in docs/security-plans.md; a test compares them.
    private static readonly RiskBand[][] Table =
    [
        //        C1 C2 C3 C4
        /* T1 V1 */ [L, L, L, L],
        /* T1 V2 */ [M, L, L, L],
        /* T1 V3 */ [M, L, L, L],
        /* T1 V4 */ [H, M, L, L],
        /* T2 V1 */ [M, L, L, L],
        /* T2 V2 */ [H, M, L, L],
        /* T2 V3 */ [H, M, M, L],
        /* T2 V4 */ [S, H, M, M],
        /* T3 V1 */ [M, L, L, L],
        /* T3 V2 */ [H, M, M, L],
        /* T3 V3 */ [S, H, M, M],
        /* T3 V4 */ [S, H, H, M],
        /* T4 V1 */ [H, M, L, L],
        /* T4 V2 */ [S, H, M, M],
        /* T4 V3 */ [S, H, H, M],
        /* T4 V4 */ [S, S, H, H],
    ];

    /// <summary>What acts on the threat itself, in the order a plan shows it.</summary>
    public static IReadOnlyList<ThreatFirstStep> ThreatFirstSteps { get; } =
    [
        new("Plans.ThreatFirst.AlertNetwork", SecurityDomains.Political),
        new("Plans.ThreatFirst.LegalAction", SecurityDomains.Legal),
        new("Plans.ThreatFirst.Relocation", SecurityDomains.Physical),
    ];

    /// <summary>Heading over <see cref="ThreatFirstSteps"/>.</summary>
    public const string ThreatFirstTitleKey = "Plans.ThreatFirst.Title";

    /// <summary>The band from the table alone.</summary>
    public static RiskBand BandOf(PlanLevel threat, PlanLevel vulnerability, PlanLevel capacity)
    {
        Check(threat);
        Check(vulnerability);
        Check(capacity);
        return Table[((int)threat - 1) * 4 + (int)vulnerability - 1][(int)capacity - 1];
    }

    /// <summary>
    /// The band of one register entry with its reasons. A direct, present threat is at least High and puts the
    /// threat-first steps before everything else: building capacity takes longer than such a threat leaves.
    /// </summary>
    public static RiskAssessment Assess(PlanLevel threat, PlanLevel vulnerability, PlanLevel capacity, bool directThreat)
    {
        var table = BandOf(threat, vulnerability, capacity);
        var band = directThreat && table < RiskBand.High ? RiskBand.High : table;
        List<PlanText> reasons =
        [
            new(threat >= PlanLevel.Three ? "Plans.Reason.ThreatHigh" : "Plans.Reason.ThreatLow", [WordsKey(PlanScale.Threat, threat)]),
            new(vulnerability >= PlanLevel.Three ? "Plans.Reason.VulnerabilityHigh" : "Plans.Reason.VulnerabilityLow", [WordsKey(PlanScale.Vulnerability, vulnerability)]),
            new(capacity <= PlanLevel.Two ? "Plans.Reason.CapacityLow" : "Plans.Reason.CapacityHigh", [WordsKey(PlanScale.Capacity, capacity)]),
        ];
        if (directThreat) reasons.Add(new PlanText("Plans.Reason.DirectThreat"));
        return new RiskAssessment(band, table, directThreat, reasons, directThreat ? ThreatFirstSteps : []);
    }

    /// <summary>The resx key of a step's words on a scale, e.g. Plans.Scale.Threat.Four ("It is happening now").</summary>
    public static string WordsKey(PlanScale scale, PlanLevel level)
    {
        Check(level);
        return "Plans.Scale." + ScaleName(scale) + "." + level.ToString();
    }

    /// <summary>The resx key of a scale's name (its label on a form).</summary>
    public static string ScaleKey(PlanScale scale) => "Plans.Scale." + ScaleName(scale);

    /// <summary>The resx key of a band's name.</summary>
    public static string BandKey(RiskBand band) => band switch
    {
        RiskBand.Low => "Plans.Band.Low",
        RiskBand.Moderate => "Plans.Band.Moderate",
        RiskBand.High => "Plans.Band.High",
        RiskBand.Severe => "Plans.Band.Severe",
    };

    /// <summary>Every key this rule can hand to a page (the tests check each exists in all five languages).</summary>
    public static IEnumerable<string> AllKeys()
    {
        foreach (var scale in Enum.GetValues<PlanScale>())
        {
            yield return ScaleKey(scale);
            foreach (var level in Enum.GetValues<PlanLevel>()) yield return WordsKey(scale, level);
        }
        foreach (var band in Enum.GetValues<RiskBand>()) yield return BandKey(band);
        foreach (var reason in ReasonKeys) yield return reason;
        yield return ThreatFirstTitleKey;
        foreach (var step in ThreatFirstSteps) yield return step.Key;
    }

    private static readonly string[] ReasonKeys =
    [
        "Plans.Reason.ThreatHigh", "Plans.Reason.ThreatLow", "Plans.Reason.VulnerabilityHigh", "Plans.Reason.VulnerabilityLow",
        "Plans.Reason.CapacityLow", "Plans.Reason.CapacityHigh", "Plans.Reason.DirectThreat",
    ];

    private static string ScaleName(PlanScale scale) => scale switch
    {
        PlanScale.Threat => "Threat",
        PlanScale.Vulnerability => "Vulnerability",
        PlanScale.Capacity => "Capacity",
        PlanScale.Likelihood => "Likelihood",
        PlanScale.Impact => "Impact",
    };

    private static void Check(PlanLevel level)
    {
        if (!Enum.IsDefined(level)) throw new ArgumentOutOfRangeException(nameof(level), level, "A plan level is 1 to 4.");
    }
}
