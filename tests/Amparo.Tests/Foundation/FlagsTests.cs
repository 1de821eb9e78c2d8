using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure;

namespace Amparo.Tests.Foundation;

public sealed class FlagsTests
{
    [Fact]
    public void Each_NamesEverySingleChoiceOnce_InDeclarationOrder_WithoutNoneOrAll()
    {
        // KeptFacts has an "All" that combines the three: a list of what a program keeps names each fact once.
        Assert.Equal([KeptFacts.Amount, KeptFacts.Region, KeptFacts.Categories], Flags.Each(KeptFacts.All));
        Assert.Equal([KeptFacts.Amount, KeptFacts.Categories], Flags.Each(KeptFacts.Categories | KeptFacts.Amount));
        Assert.Empty(Flags.Each(KeptFacts.None));
        Assert.Equal([CostCategories.Relocation], Flags.Each(CostCategories.Relocation));
        Assert.Equal(Enum.GetValues<IncidentActs>().Length - 1, Flags.Each(Enum.GetValues<IncidentActs>().Aggregate((a, b) => a | b)).Count());
    }
}
