namespace Amparo.Web.Features.Plans;

/// <summary>
/// What the costed actions of one domain cost in one currency. <see cref="Open"/>: actions planned or in progress (money
/// still to find); <see cref="Done"/>: actions done (money already spent), shown apart so neither hides the other.
/// </summary>
/// <param name="Domain">The action's primary domain (see <see cref="PlanBudget"/>); <see cref="SecurityDomains.None"/> when it has none.</param>
/// <param name="Currency">ISO 4217 code: amounts of two currencies are never added together.</param>
public sealed record BudgetLine(SecurityDomains Domain, string Currency, decimal Open, decimal Done, int OpenActions, int DoneActions);

/// <summary>One currency's total over every line: exactly the sum of its lines.</summary>
public sealed record BudgetTotal(string Currency, decimal Open, decimal Done);

/// <summary>A plan's budget: its lines (by domain, then currency) and a total per currency.</summary>
public sealed record PlanBudgetView(IReadOnlyList<BudgetLine> Lines, IReadOnlyList<BudgetTotal> Totals);

/// <summary>
/// Rolls a plan's costed actions up into budget lines (issue 10; explained in docs/security-plans.md). Pure: no I/O.
/// <list type="bullet">
/// <item>Per currency, never converted: an exchange rate is a guess that changes every day, and a grant proposal needs the
/// amounts as quoted.</item>
/// <item>An action with several domains is counted whole under its <em>primary</em> domain: the first of its domains in the
/// order of <see cref="SecurityDomains"/> (physical, digital, psychosocial, economic, legal, political, environmental,
/// health, gender identity). Counting it under each domain would show more money than the plan needs; splitting it would
/// invent fractions nobody quoted (a 100 USD lock is not 50 USD of physical and 50 USD of digital security). One home per
/// action keeps every line a real sum of real quotes, and the totals equal to the sum of the lines.</item>
/// <item>Dropped actions are left out (nobody will pay for them); actions without a cost are left out (nothing to add).
/// Done actions are kept, in their own column: what was spent is part of the story a funder asks about.</item>
/// <item>Sums are exact decimals (costs carry at most two decimals, <see cref="PlanRules"/>): no rounding is applied.</item>
/// </list>
/// </summary>
public static class PlanBudget
{
    public static PlanBudgetView Of(IEnumerable<ActionView> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var costed = actions.Where(a => a.EstimatedCost is not null && a.Currency is not null && Counts(a.Status)).ToList();
        var lines = costed
            .GroupBy(a => (Domain: PrimaryDomain(a.Domains), Currency: a.Currency!))
            .Select(g => new BudgetLine(g.Key.Domain, g.Key.Currency,
                g.Where(a => !IsDone(a.Status)).Sum(a => a.EstimatedCost!.Value),
                g.Where(a => IsDone(a.Status)).Sum(a => a.EstimatedCost!.Value),
                g.Count(a => !IsDone(a.Status)), g.Count(a => IsDone(a.Status))))
            .OrderBy(l => l.Domain == SecurityDomains.None ? int.MaxValue : (int)l.Domain)
            .ThenBy(l => l.Currency, StringComparer.Ordinal)
            .ToList();
        var totals = lines.GroupBy(l => l.Currency)
            .Select(g => new BudgetTotal(g.Key, g.Sum(l => l.Open), g.Sum(l => l.Done)))
            .OrderBy(t => t.Currency, StringComparer.Ordinal)
            .ToList();
        return new PlanBudgetView(lines, totals);
    }

    /// <summary>The lowest domain flag set; <see cref="SecurityDomains.None"/> for none.</summary>
    public static SecurityDomains PrimaryDomain(SecurityDomains domains) => domains & (SecurityDomains)(-(int)domains);

    private static bool Counts(PlanActionStatus status) => status switch
    {
        PlanActionStatus.Planned or PlanActionStatus.InProgress or PlanActionStatus.Done => true,
        PlanActionStatus.Dropped => false,
    };

    private static bool IsDone(PlanActionStatus status) => status switch
    {
        PlanActionStatus.Done => true,
        PlanActionStatus.Planned or PlanActionStatus.InProgress or PlanActionStatus.Dropped => false,
    };
}
