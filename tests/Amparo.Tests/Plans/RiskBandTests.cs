using System.Globalization;
using System.Text;
using Amparo.Tests.Localization;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Tests.Plans;

/// <summary>The risk-band rule: one table, monotone, following threat × vulnerability ÷ capacity, equal to the guide.</summary>
public sealed class RiskBandTests
{
    private static readonly PlanLevel[] Levels = Enum.GetValues<PlanLevel>();

    private static IEnumerable<(PlanLevel T, PlanLevel V, PlanLevel C)> All() =>
        from t in Levels from v in Levels from c in Levels select (t, v, c);

    /// <summary>The cut the guide describes: the ratio r = T·V/C, Low below 2, Moderate from 2, High from 4, Severe from 8.</summary>
    private static RiskBand ByRatio(PlanLevel t, PlanLevel v, PlanLevel c)
    {
        var product = (int)t * (int)v; // r >= k  ⇔  T·V >= k·C (integers, no rounding)
        var capacity = (int)c;
        return product >= 8 * capacity ? RiskBand.Severe
            : product >= 4 * capacity ? RiskBand.High
            : product >= 2 * capacity ? RiskBand.Moderate
            : RiskBand.Low;
    }

    [Fact]
    public void EveryCombination_FollowsTheRatio_AndIsMonotoneInEachDirection()
    {
        var cells = All().ToList();
        Assert.Equal(64, cells.Count);
        foreach (var (t, v, c) in cells)
        {
            var band = RiskBands.BandOf(t, v, c);
            Assert.True(ByRatio(t, v, c) == band, $"T{(int)t} V{(int)v} C{(int)c}: table says {band}, the ratio says {ByRatio(t, v, c)}");
            if (t < PlanLevel.Four) Assert.True(RiskBands.BandOf(t + 1, v, c) >= band, $"a higher threat lowered T{(int)t} V{(int)v} C{(int)c}");
            if (v < PlanLevel.Four) Assert.True(RiskBands.BandOf(t, v + 1, c) >= band, $"a higher vulnerability lowered T{(int)t} V{(int)v} C{(int)c}");
            if (c < PlanLevel.Four) Assert.True(RiskBands.BandOf(t, v, c + 1) <= band, $"a higher capacity raised T{(int)t} V{(int)v} C{(int)c}");
        }

        // Follows the ratio across the whole table: a larger T·V/C is never a lower band, an equal one the same band.
        foreach (var a in cells)
        {
            foreach (var b in cells)
            {
                var ra = (int)a.T * (int)a.V * (int)b.C; // r_a compared with r_b, multiplied out
                var rb = (int)b.T * (int)b.V * (int)a.C;
                var (ba, bb) = (RiskBands.BandOf(a.T, a.V, a.C), RiskBands.BandOf(b.T, b.V, b.C));
                if (ra < rb) Assert.True(ba <= bb);
                if (ra == rb) Assert.Equal(ba, bb);
            }
        }

        // All four bands are reachable, from the calmest cell to the worst.
        Assert.Equal(RiskBand.Low, RiskBands.BandOf(PlanLevel.One, PlanLevel.One, PlanLevel.Four));
        Assert.Equal(RiskBand.Severe, RiskBands.BandOf(PlanLevel.Four, PlanLevel.Four, PlanLevel.One));
        Assert.Equal(Enum.GetValues<RiskBand>().Order(), cells.Select(x => RiskBands.BandOf(x.T, x.V, x.C)).Distinct().Order());
    }

    [Fact]
    public void RaisingCapacity_LowersOrKeepsTheBand_AndLowersEveryBandAboveLow()
    {
        foreach (var t in Levels)
        {
            foreach (var v in Levels)
            {
                var bands = Levels.Select(c => RiskBands.Assess(t, v, c, directThreat: false).Band).ToList();
                for (var i = 1; i < bands.Count; i++) Assert.True(bands[i] <= bands[i - 1], $"T{(int)t} V{(int)v}: capacity {i + 1} raised the band");
                // Capacities matter: whatever is above Low with almost no capacity comes down when they are strong.
                if (bands[0] > RiskBand.Low) Assert.True(bands[^1] < bands[0], $"T{(int)t} V{(int)v}: strong capacities changed nothing");
            }
        }
    }

    [Fact]
    public void DirectThreat_IsAtLeastHigh_AndPointsFirstToActionsOnTheThreat()
    {
        foreach (var (t, v, c) in All())
        {
            var table = RiskBands.BandOf(t, v, c);
            var direct = RiskBands.Assess(t, v, c, directThreat: true);
            Assert.True(direct.Band >= RiskBand.High);
            Assert.Equal(table > RiskBand.High ? table : RiskBand.High, direct.Band);
            Assert.Equal(table, direct.TableBand);
            Assert.True(direct.ThreatFirst);
            Assert.Equal(["Plans.ThreatFirst.AlertNetwork", "Plans.ThreatFirst.LegalAction", "Plans.ThreatFirst.Relocation"], direct.ThreatFirstSteps.Select(s => s.Key));
            Assert.Equal("Plans.Reason.DirectThreat", direct.Reasons[^1].Key);

            var ordinary = RiskBands.Assess(t, v, c, directThreat: false);
            Assert.Equal(table, ordinary.Band);
            Assert.False(ordinary.ThreatFirst);
            Assert.Empty(ordinary.ThreatFirstSteps);
            Assert.DoesNotContain(ordinary.Reasons, r => r.Key == "Plans.Reason.DirectThreat");
        }
        Assert.Equal([SecurityDomains.Political, SecurityDomains.Legal, SecurityDomains.Physical], RiskBands.ThreatFirstSteps.Select(s => s.Domain));
    }

    [Fact]
    public void Reasons_NameEachFactorInWords_NeverANumber()
    {
        var a = RiskBands.Assess(PlanLevel.Four, PlanLevel.Two, PlanLevel.One, directThreat: false);
        Assert.Equal(RiskBand.Severe, a.Band);
        Assert.Equal(["Plans.Reason.ThreatHigh", "Plans.Reason.VulnerabilityLow", "Plans.Reason.CapacityLow"], a.Reasons.Select(r => r.Key));
        Assert.Equal(["Plans.Scale.Threat.Four", "Plans.Scale.Vulnerability.Two", "Plans.Scale.Capacity.One"], a.Reasons.Select(r => Assert.Single(r.ArgumentKeys)));

        var calm = RiskBands.Assess(PlanLevel.One, PlanLevel.Three, PlanLevel.Four, directThreat: false);
        Assert.Equal(["Plans.Reason.ThreatLow", "Plans.Reason.VulnerabilityHigh", "Plans.Reason.CapacityHigh"], calm.Reasons.Select(r => r.Key));

        Assert.Throws<ArgumentOutOfRangeException>(() => RiskBands.BandOf((PlanLevel)0, PlanLevel.One, PlanLevel.One));
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskBands.Assess(PlanLevel.One, PlanLevel.One, (PlanLevel)5, directThreat: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskBands.WordsKey(PlanScale.Impact, (PlanLevel)0));
    }

    [Fact]
    public void EveryKeyTheRuleHandsOut_HasWordsInEveryLanguage()
    {
        var keys = RiskBands.AllKeys().ToList();
        Assert.Equal(5 * 5 + 4 + 7 + 1 + 3, keys.Count); // 5 scales with 4 steps and a name, 4 bands, 7 reasons, the title, 3 steps
        foreach (var language in Cultures.Supported)
        {
            var resx = Repo.Load(language);
            var missing = keys.Where(k => !resx.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
            Assert.True(missing.Count == 0, $"{language}: {string.Join(", ", missing)}");
            // Every reason with a level carries the level's words as its one argument.
            Assert.All(keys.Where(k => k.StartsWith("Plans.Reason.", StringComparison.Ordinal) && k != "Plans.Reason.DirectThreat"),
                k => Assert.Contains("{0}", resx[k], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheGuidesTable_IsTheCodesTable()
    {
        var guide = File.ReadAllText(Path.Combine(Repo.Root, "docs", "security-plans.md")).ReplaceLineEndings("\n");
        const string start = "<!-- risk-band-table:start -->\n", end = "<!-- risk-band-table:end -->";
        var from = guide.IndexOf(start, StringComparison.Ordinal);
        var to = guide.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "docs/security-plans.md lost the risk-band table markers");
        var written = guide[(from + start.Length)..to];
        var expected = TableAsMarkdown();
        Assert.True(expected == written, "docs/security-plans.md differs from RiskBands; the table the code follows is:\n" + expected);

        // The guide's table of steps quotes the words people see for threat, vulnerability and capacity.
        var english = Repo.Load("en");
        foreach (var scale in new[] { PlanScale.Threat, PlanScale.Vulnerability, PlanScale.Capacity })
        {
            foreach (var level in Levels)
            {
                var words = english[RiskBands.WordsKey(scale, level)];
                Assert.True(guide.Contains($" {words} |", StringComparison.Ordinal), $"docs/security-plans.md does not quote \"{words}\"");
            }
        }
    }

    /// <summary>The table as the guide writes it: one row per threat and vulnerability, one column per capacity.</summary>
    private static string TableAsMarkdown()
    {
        var md = new StringBuilder();
        md.Append("| Threat | Vulnerability | Capacity 1 | Capacity 2 | Capacity 3 | Capacity 4 |\n");
        md.Append("|:-:|:-:|:-:|:-:|:-:|:-:|\n");
        foreach (var t in Levels)
        {
            foreach (var v in Levels)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {(int)t} | {(int)v} |");
                foreach (var c in Levels) md.Append(CultureInfo.InvariantCulture, $" {RiskBands.BandOf(t, v, c)} |");
                md.Append('\n');
            }
        }
        return md.ToString();
    }
}
