using System.Net;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Networks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Wellbeing;

// Referrals started from an alert's context (issue 16), on the well-being care classes' hosts (they close alerts as
// "needs help" already, with a clock and the duress twins).
public abstract partial class WellbeingCareTests
{
    [Fact]
    public async Task AnAlertClosedAsNeedsHelp_SuggestsHelpOnTheDefendersHomePage_AndLetsTheirFocalPointReferThem_WithTheirConsent()
    {
        var w = await app.WorldAsync();
        // A provider of protection in the defender's network.
        var providerAdmin = await app.PersonAsync("escudoadmin");
        var provider = await app.OrganizationAsync(providerAdmin, "Escudo " + Guid.NewGuid().ToString("N")[..6]);
        var service = await app.WithServicesAsync(async sp =>
        {
            Assert.True(await sp.GetRequiredService<NetworkService>().AddOrganizationAsync(w.NetworkId, provider, null));
            var directory = sp.GetRequiredService<NetworkDirectory>();
            var entry = (await directory.SaveEntryAsync(providerAdmin.Id, w.NetworkId, provider, new EntryInput("Acompañamiento.", EntryVisibility.Network, "Signal: escudo"), [])).Id!.Value;
            return (await directory.SaveServiceAsync(providerAdmin.Id, entry, null, new ServiceInput(ServiceKind.PhysicalProtection, ["en", "es"], [], Eligibility.None, 2, ""))).Id!.Value;
        });

        var panic = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await ResolveAsync(w, panic, "needs-help");
        await app.DeliverFactsUntilAsync(db => db.HelpSuggestions.AnyAsync(s => s.PersonId == w.Owner.Id));

        // The defender's home page suggests the kinds of help that fit, and searching sends nothing.
        using var owner = await app.SignedInAsync(w.Owner);
        var home = (await owner.GetAsync("/")).Html;
        Assert.Contains("id=\"help-suggestions\"", home, StringComparison.Ordinal);
        Assert.Contains("/directory?need=PhysicalProtection", home, StringComparison.Ordinal);
        Assert.Contains("/directory?need=Psychosocial", home, StringComparison.Ordinal);
        Assert.Contains("id=\"help-suggestions\"", (await owner.GetAsync("/referrals")).Html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Referrals.CountAsync(r => r.DefenderId == w.Owner.Id)));

        // Their focal point, on the closed alert's page, may refer them: the directory carries whom to the form, preselected.
        using var focal = await app.SignedInAsync(w.Focal);
        var alertPage = (await focal.GetAsync($"/alerts/{panic}")).Html;
        Assert.Contains($"/directory?for={w.Owner.Id}", alertPage, StringComparison.Ordinal);
        Assert.Contains($"/referrals/new/{service}?for={w.Owner.Id}", (await focal.GetAsync($"/directory?for={w.Owner.Id}")).Html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{w.Owner.Id}\" selected", (await focal.GetAsync($"/referrals/new/{service}?for={w.Owner.Id}")).Html, StringComparison.Ordinal);
        // A network coordinator told about the alert is not a focal point of the defender's organization: no link.
        using (var coordinator = await app.SignedInAsync(w.Coordinator))
        {
            var (status, html) = await coordinator.GetAsync($"/alerts/{panic}");
            Assert.True(status != HttpStatusCode.OK || !html.Contains("id=\"refer-from-alert\"", StringComparison.Ordinal));
        }
        // "for" names nobody the viewer may refer: ignored, the form starts on the viewer themself.
        using (var stranger = await app.SignedInAsync(providerAdmin))
            Assert.DoesNotContain($"value=\"{w.Owner.Id}\"", (await stranger.GetAsync($"/referrals/new/{service}?for={w.Owner.Id}")).Html, StringComparison.Ordinal);

        // An alert closed as safe suggests nothing; a repeated delivery of the fact adds nothing.
        var safe = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await ResolveAsync(w, safe, "safe");
        await app.DeliverFactsUntilAsync(db => db.Set<Amparo.Web.Infrastructure.Events.StoredFact>().AllAsync(f => f.OwnerId != w.Owner.Id || f.DeliveredAt != null));
        await app.WithServicesAsync(async sp =>
        {
            var handler = sp.GetServices<Amparo.Web.Infrastructure.Events.IDurableFactHandler>().OfType<SuggestHelpAfterAlert>().Single();
            await handler.HandleAsync(new Amparo.Web.Infrastructure.Events.AlertResolved(w.Owner.Id, app.Now(), panic, Amparo.Web.Features.CheckIns.AlertKind.Panic,
                Amparo.Web.Features.CheckIns.AlertOutcome.NeedsHelp, false), CancellationToken.None);
            return true;
        });
        Assert.Equal([panic], await app.WithDbAsync(db => db.HelpSuggestions.Where(s => s.PersonId == w.Owner.Id).Select(s => s.SourceId).ToListAsync()));
    }
}
