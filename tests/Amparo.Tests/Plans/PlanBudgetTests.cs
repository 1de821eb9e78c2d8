using Amparo.Web.Features.Plans;

namespace Amparo.Tests.Plans;

/// <summary>The budget roll-up: per currency (never added across), under each action's primary domain, dropped left out, done apart.</summary>
public sealed class PlanBudgetTests
{
    private static ActionView Action(decimal? cost, string? currency, SecurityDomains domains, PlanActionStatus status = PlanActionStatus.Planned) =>
        new(Guid.NewGuid(), "x", null, null, status, cost, currency, domains, []);

    [Fact]
    public void Currencies_AreNeverAddedTogether_AndEachActionCountsOnceUnderItsPrimaryDomain()
    {
        var budget = PlanBudget.Of(
        [
            Action(100m, "USD", SecurityDomains.Digital | SecurityDomains.Physical),   // primary: physical (the first domain)
            Action(50m, "USD", SecurityDomains.Physical, PlanActionStatus.InProgress),
            Action(80m, "EUR", SecurityDomains.Physical),
            Action(30m, "USD", SecurityDomains.Physical, PlanActionStatus.Done),
            Action(999m, "USD", SecurityDomains.Physical, PlanActionStatus.Dropped),     // dropped: left out
            Action(20m, "COP", SecurityDomains.None),                                    // no domain: its own line, last
            Action(null, null, SecurityDomains.Legal),                                   // no cost: left out
            Action(12.5m, "USD", SecurityDomains.Legal | SecurityDomains.GenderIdentity),
        ]);

        Assert.Equal(
        [
            new BudgetLine(SecurityDomains.Physical, "EUR", 80m, 0m, 1, 0),
            new BudgetLine(SecurityDomains.Physical, "USD", 150m, 30m, 2, 1),
            new BudgetLine(SecurityDomains.Legal, "USD", 12.5m, 0m, 1, 0),
            new BudgetLine(SecurityDomains.None, "COP", 20m, 0m, 1, 0),
        ], budget.Lines);
        Assert.Equal([new BudgetTotal("COP", 20m, 0m), new BudgetTotal("EUR", 80m, 0m), new BudgetTotal("USD", 162.5m, 30m)], budget.Totals);
        Assert.Equal(SecurityDomains.Digital, PlanBudget.PrimaryDomain(SecurityDomains.Digital | SecurityDomains.Health));
    }

    [Fact]
    public void Sums_AreExactDecimals()
    {
        var budget = PlanBudget.Of([Action(0.1m, "USD", SecurityDomains.Digital), Action(0.2m, "USD", SecurityDomains.Digital),
            Action(33.33m, "USD", SecurityDomains.Digital), Action(33.33m, "USD", SecurityDomains.Digital), Action(33.33m, "USD", SecurityDomains.Digital)]);
        Assert.Equal(100.29m, Assert.Single(budget.Lines).Open);
        Assert.Equal(100.29m, Assert.Single(budget.Totals).Open);
    }

    [Fact]
    public void APlanWithoutCostedActions_HasNoLines()
    {
        Assert.Empty(PlanBudget.Of([]).Lines);
        var none = PlanBudget.Of([Action(null, null, SecurityDomains.Physical), Action(5m, "USD", SecurityDomains.Physical, PlanActionStatus.Dropped)]);
        Assert.Empty(none.Lines);
        Assert.Empty(none.Totals);
    }
}
