using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// A plan as a plain Markdown document, as the viewer may see it, in their language: to read, print, or take to a
/// meeting. Texts people wrote are escaped so that they print as written and never turn into links or headings.
/// </summary>
public static class PlanMarkdown
{
    /// <summary>Every key this document can use, after "Plans.Export." (the translation tests check each in every language).</summary>
    public static IEnumerable<string> KeySuffixes() =>
    [
        "Exported", "NextReview", "Context", "WellBeing", "ExhaustionRisks", "Actors", "Register", "Actions", "Budget", "Protocols",
        "Interests", "Capacity", "Band", "ByWhom", "Indicators", "Vulnerabilities", "Capacities", "Domains", "Due", "Addresses",
        "Domain", "Open", "Spent", "Total", "Domain.None",
        .. Enum.GetNames<ActorStance>().Select(n => "Stance." + n),
        .. Enum.GetNames<PlanActionStatus>().Select(n => "Status." + n),
        .. Enum.GetNames<ProtocolSituation>().Select(n => "Situation." + n),
        .. Enum.GetValues<SecurityDomains>().Where(d => d != SecurityDomains.None).Select(d => "Domain." + d),
    ];

    public static string Write(PlanView plan, DateTime now, IStringLocalizer t)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(t);
        var md = new StringBuilder();
        string L(string key) => t["Plans.Export." + key].Value;
        string F(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, L(key), args);
        void Line(string text = "") => md.Append(text).Append('\n');
        void Field(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) Line($"- **{L(key)}:** {Inline(value)}");
        }
        void Section(string key, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            Line($"## {L(key)}");
            Line();
            Line(Block(text));
            Line();
        }

        Line($"# {Inline(plan.Title ?? "—")}");
        Line();
        Line(F("Exported", Date(now)));
        Line();
        Line(F("NextReview", Date(plan.NextReviewAt)));
        Line();
        Section("Context", plan.Context);
        Section("WellBeing", plan.WellBeing);
        Section("ExhaustionRisks", plan.ExhaustionRisks);

        if (plan.Actors.Count > 0)
        {
            Line($"## {L("Actors")}");
            Line();
            foreach (var a in plan.Actors)
            {
                Line($"### {Inline(a.Name ?? "—")} ({L("Stance." + a.Stance)})");
                Line();
                Field("Interests", a.Interests);
                Field("Capacity", a.Capacity);
                Line();
            }
        }

        var numbers = new Dictionary<Guid, int>();
        if (plan.Entries.Count > 0)
        {
            Line($"## {L("Register")}");
            Line();
            foreach (var e in plan.Entries)
            {
                numbers[e.Id] = numbers.Count + 1;
                var risk = RiskBands.Assess(e.ThreatLevel, e.VulnerabilityLevel, e.CapacityLevel, e.IsDirectThreat);
                Line($"### {numbers[e.Id]}. {Inline(e.Threat ?? "—")}");
                Line();
                Line($"- **{L("Band")}:** {t[RiskBands.BandKey(risk.Band)].Value}");
                foreach (var reason in risk.Reasons) Line($"  - {reason.Render(t)}");
                Field("ByWhom", e.ByWhom);
                Field("Indicators", e.Indicators);
                Field("Vulnerabilities", e.Vulnerabilities);
                Field("Capacities", e.Capacities);
                Field("Domains", Domains(e.Domains, L));
                Line();
            }
        }

        if (plan.Actions.Count > 0)
        {
            Line($"## {L("Actions")}");
            Line();
            foreach (var a in plan.Actions)
            {
                var addresses = string.Join(", ", a.EntryIds.Where(numbers.ContainsKey).Select(id => numbers[id].ToString(CultureInfo.CurrentCulture)));
                Line($"- [{(a.Status == PlanActionStatus.Done ? "x" : " ")}] {Inline(a.What ?? "—")} — {L("Status." + a.Status)}"
                    + (a.DueAt is { } due ? $"; {F("Due", Date(due))}" : "")
                    + (a.EstimatedCost is { } cost ? $"; {Money(cost, a.Currency)}" : "")
                    + (addresses.Length > 0 ? $"; {F("Addresses", addresses)}" : ""));
            }
            Line();
        }

        var budget = PlanBudget.Of(plan.Actions);
        if (budget.Lines.Count > 0)
        {
            Line($"## {L("Budget")}");
            Line();
            Line($"| {L("Domain")} | {L("Open")} | {L("Spent")} |");
            Line("| --- | ---: | ---: |");
            foreach (var l in budget.Lines)
                Line($"| {(l.Domain == SecurityDomains.None ? L("Domain.None") : L("Domain." + l.Domain))} | {Money(l.Open, l.Currency)} | {Money(l.Done, l.Currency)} |");
            foreach (var total in budget.Totals)
                Line($"| **{L("Total")}** | **{Money(total.Open, total.Currency)}** | **{Money(total.Done, total.Currency)}** |");
            Line();
        }

        if (plan.Protocols.Count > 0)
        {
            Line($"## {L("Protocols")}");
            Line();
            foreach (var p in plan.Protocols)
            {
                Line($"### {Inline(p.Name ?? "—")} ({L("Situation." + p.Situation)})");
                Line();
                for (var i = 0; i < p.Steps.Count; i++) Line($"{i + 1}. {Inline(p.Steps[i])}");
                Line();
            }
        }
        return md.ToString();
    }

    private static string Date(DateTime at) => at.ToString("d MMMM yyyy", CultureInfo.CurrentCulture);

    private static string Money(decimal amount, string? currency) => $"{amount.ToString("N2", CultureInfo.CurrentCulture)} {currency}";

    private static string Domains(SecurityDomains domains, Func<string, string> label) =>
        string.Join(", ", Enum.GetValues<SecurityDomains>().Where(d => d != SecurityDomains.None && domains.HasFlag(d)).Select(d => label("Domain." + d)));

    /// <summary>One line of someone's text: Markdown's marks escaped, line breaks folded, so it prints as written.</summary>
    private static string Inline(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' '))
        {
            if ("\\`*_{}[]()<>#+-.!|~".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Paragraphs of someone's text, each escaped as <see cref="Inline"/>.</summary>
    private static string Block(string text) =>
        string.Join("\n\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).Select(Inline));
}
