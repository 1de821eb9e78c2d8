using System.Text.RegularExpressions;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Tests.Plans;

/// <summary>The six plan templates: they load in all five languages, with one shape, complete, and in their own words.</summary>
public sealed partial class PlanTemplateTests
{
    [Fact]
    public void EveryTemplate_LoadsInEveryLanguage_WithTheShapeOfTheEnglishOne()
    {
        var english = PlanTemplates.All("en");
        Assert.Equal(Enum.GetValues<PlanTemplateKind>(), english.Select(t => t.Kind));
        foreach (var language in Cultures.Supported)
        {
            Assert.True(PlanTemplates.HasTexts(language), $"texts-{language}.json is not shipped");
            var templates = PlanTemplates.All(language);
            Assert.Equal(english.Count, templates.Count);
            for (var i = 0; i < english.Count; i++)
            {
                var (en, t) = (english[i], templates[i]);
                var at = $"{language} {t.Kind}";
                Assert.Equal(en.Kind, t.Kind);
                Assert.Equal(language, t.Language);
                Assert.Equal(en.Threats.Select(x => (x.Key, x.Domains, x.Threat, x.Vulnerability, x.Capacity, x.IsDirect)),
                    t.Threats.Select(x => (x.Key, x.Domains, x.Threat, x.Vulnerability, x.Capacity, x.IsDirect)));
                Assert.Equal(en.Actions.Select(x => (x.Key, x.Domains, string.Join(' ', x.Addresses))),
                    t.Actions.Select(x => (x.Key, x.Domains, string.Join(' ', x.Addresses))));
                Assert.Equal(en.Protocols.Select(x => (x.Key, x.Situation, x.Steps.Count)), t.Protocols.Select(x => (x.Key, x.Situation, x.Steps.Count)));
                Assert.Equal(en.WellBeing.KeepsWell.Count, t.WellBeing.KeepsWell.Count);
                Assert.Equal(en.WellBeing.ExhaustionRisks.Count, t.WellBeing.ExhaustionRisks.Count);
                if (language != "en") Assert.True(en.Title != t.Title && en.Summary != t.Summary, $"{at}: title or summary still in English");
                Assert.All(Words(t), w => Assert.False(string.IsNullOrWhiteSpace(w), $"{at}: an empty text"));
            }
        }
        Assert.Same(PlanTemplates.All("fr"), PlanTemplates.All("fr")); // loaded once per language
    }

    [Fact]
    public void EveryTemplate_IsComplete_AndItsActionsAddressItsThreats()
    {
        foreach (var t in PlanTemplates.All("en"))
        {
            Assert.True(t.Threats.Count >= 3 && t.Actions.Count >= 3, $"{t.Kind}: too thin to start from");
            Assert.NotEmpty(t.Protocols);
            Assert.NotEmpty(t.WellBeing.KeepsWell);
            Assert.NotEmpty(t.WellBeing.ExhaustionRisks);
            Assert.Equal(t.Threats.Count, t.Threats.Select(x => x.Key).Distinct().Count());
            Assert.Equal(t.Actions.Count, t.Actions.Select(x => x.Key).Distinct().Count());
            var threatKeys = t.Threats.Select(x => x.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var threat in t.Threats)
            {
                Assert.NotEqual(SecurityDomains.None, threat.Domains);
                // Templates suggest; a direct threat is for the person to declare, never pre-filled.
                Assert.False(threat.IsDirect, $"{t.Kind}.{threat.Key}");
                Assert.Contains(t.Actions, a => a.Addresses.Contains(threat.Key));
            }
            foreach (var action in t.Actions)
            {
                Assert.NotEqual(SecurityDomains.None, action.Domains);
                Assert.NotEmpty(action.Addresses);
                Assert.All(action.Addresses, key => Assert.Contains(key, threatKeys));
            }
            Assert.All(t.Protocols, p =>
            {
                Assert.True(Enum.IsDefined(p.Situation));
                Assert.True(p.Steps.Count >= 3, $"{t.Kind}.{p.Key}: a protocol is an ordered list of steps");
            });
        }
    }

    [Fact]
    public void GenderAndIdentity_AreWhereTheyBelong_AndTheTemplatesCoverEveryDomain()
    {
        var all = PlanTemplates.All("en").ToDictionary(t => t.Kind);
        foreach (var kind in new[] { PlanTemplateKind.WomanDefender, PlanTemplateKind.LgbtiDefender })
        {
            Assert.True(all[kind].Threats.Count(x => x.Domains.HasFlag(SecurityDomains.GenderIdentity)) >= 2, $"{kind}: gender and identity are at the heart of its threats");
        }
        Assert.Contains(all[PlanTemplateKind.LandDefender].Threats, x => x.Domains.HasFlag(SecurityDomains.Environmental));
        Assert.Contains(all[PlanTemplateKind.HealthWorker].Threats, x => x.Domains.HasFlag(SecurityDomains.Health));
        Assert.Contains(all[PlanTemplateKind.Journalist].Protocols, p => p.Situation == ProtocolSituation.DigitalCompromise);
        Assert.Contains(all[PlanTemplateKind.SmallOffice].Protocols, p => p.Situation == ProtocolSituation.BreakIn);

        var used = all.Values.SelectMany(t => t.Threats.Select(x => x.Domains).Concat(t.Actions.Select(a => a.Domains)))
            .Aggregate(SecurityDomains.None, (a, b) => a | b);
        var every = Enum.GetValues<SecurityDomains>().Aggregate(SecurityDomains.None, (a, b) => a | b);
        Assert.Equal(every, used);
    }

    [Fact]
    public void Loader_PicksTheLanguage_AndFallsBackToEnglishOnlyForAnUnknownOne()
    {
        Assert.Equal("es", PlanTemplates.Get(PlanTemplateKind.Journalist, "es-MX").Language);
        Assert.Equal("Periodista", PlanTemplates.Get(PlanTemplateKind.Journalist, "es").Title);
        Assert.Equal("ar", PlanTemplates.Get(PlanTemplateKind.SmallOffice, "AR").Language);
        Assert.Equal("en", PlanTemplates.Get(PlanTemplateKind.Journalist, "de").Language);
        Assert.Equal("en", PlanTemplates.Get(PlanTemplateKind.Journalist, null).Language);
        Assert.Equal("en", PlanTemplates.Get(PlanTemplateKind.Journalist, "").Language);
        Assert.Throws<ArgumentOutOfRangeException>(() => PlanTemplates.Get((PlanTemplateKind)99, "en"));
    }

    [Fact]
    public void Spanish_AddressesThePersonAsUsted()
    {
        var tu = PlanTemplates.All("es").SelectMany(Words).Where(w => TuWord().IsMatch(w)).ToList();
        Assert.True(tu.Count == 0, "Spanish templates speak as tú in:\n" + string.Join('\n', tu));
    }

    private static IEnumerable<string> Words(PlanTemplate t) =>
        new[] { t.Title, t.Summary }
            .Concat(t.Threats.Select(x => x.What))
            .Concat(t.Actions.Select(x => x.What))
            .Concat(t.Protocols.SelectMany(p => p.Steps.Prepend(p.Name)))
            .Concat(t.WellBeing.KeepsWell)
            .Concat(t.WellBeing.ExhaustionRisks);

    [GeneratedRegex(@"\b(?:tú|tu|tus|te|ti|contigo|puedes|tienes|quieres|eres|estás|necesitas|debes|haz|ten)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TuWord();
}
