using System.Net;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Networks;

/// <summary>
/// Referrals (issue 16), on both databases: consent first — the provider learns of a referral only once the defender
/// agrees (or a focal point overrides with a reason the defender reads), reads the need and language until it accepts,
/// the details after, and nothing once it ends (declined, revoked, withdrawn, done); every state, every role, and the
/// people who have no part in it answered "not found".
/// </summary>
public abstract partial class ReferralTests(AppFixture app)
{
    private Task<T> Referrals<T>(Func<Referrals, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<Referrals>()));
    private Task<T> Directory<T>(Func<NetworkDirectory, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<NetworkDirectory>()));

    private sealed record World(Guid NetworkId, Guid EntryId, Guid ServiceId, Guid Provider, Guid DefenderOrg, OrgKit.Person ProviderAdmin, OrgKit.Person ProviderFocal,
        OrgKit.Person ProviderStaff, OrgKit.Person Defender, OrgKit.Person Focal, OrgKit.Person Coordinator, OrgKit.Person Elsewhere, OrgKit.Person Loner);

    private const string Story = "Me siguen desde la marcha del martes.";
    private const string MeetingPoint = "Punto de encuentro: parque central";

    /// <summary>
    /// A network with a provider (admin, focal point, member) offering psychosocial care in Spanish and English, and the
    /// defender's organization (the defender, a focal point); a coordinator; someone in another network; someone in none.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var providerAdmin = await app.PersonAsync("refpadmin");
        var providerFocal = await app.PersonAsync("refpfocal");
        var providerStaff = await app.PersonAsync("refpstaff");
        var defender = await app.PersonAsync("refdefender");
        var focal = await app.PersonAsync("reffocal");
        var coordinator = await app.PersonAsync("refcoord");
        var elsewhere = await app.PersonAsync("refelsewhere");
        var loner = await app.PersonAsync("refloner");
        var provider = await app.OrganizationAsync(providerAdmin, "Acompañar " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(provider, providerFocal, OrgRole.FocalPoint);
        await app.AddMemberAsync(provider, providerStaff);
        var defenderOrg = await app.OrganizationAsync(focal);
        await app.AddMemberAsync(defenderOrg, defender);
        await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == defenderOrg && m.UserId == focal.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, OrgRole.FocalPoint)));
        var elsewhereOrg = await app.OrganizationAsync(elsewhere);
        var coordinatorsOrg = await app.OrganizationAsync(coordinator); // a coordinator is someone of an organization of the network
        var networkId = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Andina " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, provider, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, defenderOrg, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, coordinatorsOrg, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            var other = (await networks.CreateAsync("Red Sahel " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(other.Id, elsewhereOrg, null));
            return network.Id;
        });
        var entryId = (await Directory(d => d.SaveEntryAsync(providerAdmin.Id, networkId, provider,
            new EntryInput("Acompañamiento psicosocial.", EntryVisibility.Network, "Signal: acompanar"),
            [new(ContactKind.Address, Confidentiality.AfterReferral, MeetingPoint)]))).Id!.Value;
        var serviceId = (await Directory(d => d.SaveServiceAsync(providerAdmin.Id, entryId, null,
            new ServiceInput(ServiceKind.Psychosocial, ["es", "en"], [], Eligibility.None, 48, "")))).Id!.Value;
        return new World(networkId, entryId, serviceId, provider, defenderOrg, providerAdmin, providerFocal, providerStaff, defender, focal, coordinator, elsewhere, loner);
    }

    private static ReferralInput Input(World w, Guid defender, string? overrideReason = null, string language = "es", string name = "Ana") =>
        new(w.ServiceId, defender, language, name, "+57 300 111 2222", Story, overrideReason);

    private Task<DirectoryWrite> ActAsync(OrgKit.Person who, Guid referral, ReferralAct act, Referrals.ActInput? input = null) =>
        Referrals(r => r.ActAsync(who.Id, referral, act, input));

    private Task<ReferralView?> ViewAsync(OrgKit.Person who, Guid referral) => Referrals(r => r.ViewAsync(who.Id, referral));

    private async Task<bool> ReadsMeetingPointAsync(OrgKit.Person who, World w) =>
        (await Directory(d => d.ViewAsync(who.Id, w.EntryId)))!.Contacts.Any(c => c.Value == MeetingPoint);

    /// <summary>The notifications about a referral: (recipient, text) for each.</summary>
    private Task<List<(Guid To, string Key, string Text)>> NotificationsAsync(Guid referral) => app.WithServicesAsync(async sp =>
    {
        var db = sp.GetRequiredService<AmparoDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.NotificationKey.Contains(referral.ToString("N"))).ToListAsync();
        var result = new List<(Guid, string, string)>();
        foreach (var row in rows) result.Add((row.SourceId ?? Guid.Empty, row.NotificationKey, (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, row)).Text));
        return result;
    });

    [Fact]
    public async Task ASelfReferral_IsSentAtOnce_TheProviderReadsNeedAndLanguage_ThenTheDetailsOnceAccepted_AndNothingOnceDone()
    {
        var w = await WorldAsync();
        Assert.False(await ReadsMeetingPointAsync(w.Defender, w));
        var created = await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id)));
        Assert.Equal(DirectoryWriteStatus.Done, created.Status);
        var id = created.Id!.Value;

        // Sent: the provider's admin and focal point see it, without the details; its plain member does not see it at all.
        var seen = (await ViewAsync(w.ProviderFocal, id))!;
        Assert.Equal((ReferralState.Sent, ConsentWay.Page, ReferralRole.Provider), (seen.Referral.State, seen.Referral.Consent, seen.Role));
        Assert.Null(seen.Details);
        Assert.Null((await ViewAsync(w.ProviderAdmin, id))!.Details);
        Assert.Null(await ViewAsync(w.ProviderStaff, id));
        // They were told with the need and a link only — no name, no story, no number.
        var told = await NotificationsAsync(id);
        Assert.Equal(2, told.Count(n => n.Key.Contains(":waiting:", StringComparison.Ordinal)));
        Assert.All(told, n =>
        {
            Assert.Contains("Psychosocial and trauma care", n.Text, StringComparison.Ordinal);
            Assert.Contains(ReferralRoutes.Referral(id), n.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Ana", n.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("marcha", n.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("111", n.Text, StringComparison.Ordinal);
        });
        // The details are never in the clear in the database.
        var cipher = await app.WithDbAsync(db => db.Referrals.Where(r => r.Id == id).Select(r => r.DetailsCipher).SingleAsync());
        Assert.DoesNotContain("marcha", Encoding.UTF8.GetString(cipher), StringComparison.Ordinal);

        // Steps out of turn are refused: the defender cannot accept, the provider cannot finish before accepting.
        Assert.Equal(DirectoryWriteStatus.NotFound, (await ActAsync(w.ProviderStaff, id, ReferralAct.Accept)).Status);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.Defender, id, ReferralAct.Accept)).Status);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.ProviderFocal, id, ReferralAct.Start)).Status);

        // Accepted: the details, for the provider; the meeting point ("after a referral is accepted"), for the defender.
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderFocal, id, ReferralAct.Accept)).Status);
        Assert.Equal(new ReferralDetails("Ana", "+57 300 111 2222", Story), (await ViewAsync(w.ProviderAdmin, id))!.Details);
        Assert.True(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.False(await ReadsMeetingPointAsync(w.Focal, w));
        Assert.Contains(await NotificationsAsync(id), n => n.To == w.Defender.Id && n.Key.Contains(":Accept:", StringComparison.Ordinal));

        // In progress, then done: a done without an outcome is refused; once done, the details and the meeting point close.
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderFocal, id, ReferralAct.Start)).Status);
        Assert.NotNull((await ViewAsync(w.ProviderFocal, id))!.Details);
        var noOutcome = await ActAsync(w.ProviderFocal, id, ReferralAct.Done);
        Assert.Equal("Referral.Error.Outcome", noOutcome.Errors!["Outcome"]);
        Assert.Equal(ReferralState.InProgress, (await ViewAsync(w.Defender, id))!.Referral.State);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderFocal, id, ReferralAct.Done, new(Outcome: DoneReason.NeedMet))).Status);
        var after = (await ViewAsync(w.ProviderAdmin, id))!;
        Assert.Equal((ReferralState.Done, DoneReason.NeedMet), (after.Referral.State, after.Referral.Outcome));
        Assert.Null(after.Details);
        Assert.False(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.NotNull((await ViewAsync(w.Defender, id))!.Details); // the defender's own words stay theirs

        // Closed by the defender with their answer; the provider cannot close it, and nothing moves after.
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.ProviderAdmin, id, ReferralAct.Close)).Status);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, id, ReferralAct.Close, new(Helped: true))).Status);
        var closed = await app.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal((ReferralState.Closed, true), (closed.State, closed.Helped));
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.Defender, id, ReferralAct.Withdraw)).Status);
        // The audit trail has each step and none of the words.
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.SubjectId == id).Select(e => e.Detail).ToListAsync());
        Assert.Equal(5, audit.Count);
        Assert.DoesNotContain(audit, d => d.Contains("Ana", StringComparison.Ordinal) || d.Contains("marcha", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReferralForSomeoneElse_WaitsForTheirConsent_UnseenByTheProvider_AndEndsWhenDeclinedWithdrawnOrRevoked()
    {
        var w = await WorldAsync();
        var asked = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        var waiting = (await ViewAsync(w.Defender, asked))!;
        Assert.Equal((ReferralState.AwaitingConsent, ReferralRole.Defender), (waiting.Referral.State, waiting.Role));
        Assert.True(waiting.Can(ReferralAct.Consent));
        Assert.Equal(w.Focal.Id, waiting.Referral.SenderId);
        // The provider does not know of it: not on its page, not in its list, not told.
        Assert.Null(await ViewAsync(w.ProviderAdmin, asked));
        Assert.Empty((await Referrals(r => r.ListAsync(w.ProviderAdmin.Id))).Incoming);
        Assert.Equal(DirectoryWriteStatus.NotFound, (await ActAsync(w.ProviderAdmin, asked, ReferralAct.Accept)).Status);
        var consentAsk = Assert.Single(await NotificationsAsync(asked));
        Assert.Equal(w.Defender.Id, consentAsk.To);
        Assert.Contains(ReferralRoutes.Referral(asked), consentAsk.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("marcha", consentAsk.Text, StringComparison.Ordinal);
        // Only the defender consents, and may change what is shared first.
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.Focal, asked, ReferralAct.Consent)).Status);
        var edited = new ReferralDetails("Ana M.", "", "Prefiero contarlo en persona.");
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, asked, ReferralAct.Consent, new(Details: edited))).Status);
        Assert.Equal(ConsentWay.Page, (await ViewAsync(w.Defender, asked))!.Referral.Consent);
        Assert.Contains(await NotificationsAsync(asked), n => n.To == w.ProviderAdmin.Id);

        // Declined: a reason is required; then the details are closed to the provider and the defender reads why.
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderAdmin, asked, ReferralAct.Accept)).Status);
        Assert.Equal(edited, (await ViewAsync(w.ProviderAdmin, asked))!.Details);
        var second = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, second, ReferralAct.Consent)).Status);
        Assert.Equal("Referral.Error.DeclineReason", (await ActAsync(w.ProviderFocal, second, ReferralAct.Decline)).Errors!["Declined"]);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderFocal, second, ReferralAct.Decline, new(Declined: DeclineReason.NoCapacity))).Status);
        Assert.Null((await ViewAsync(w.ProviderFocal, second))!.Details);
        Assert.Equal(DeclineReason.NoCapacity, (await ViewAsync(w.Defender, second))!.Referral.Declined);

        // Withdrawn by the defender while the provider works on the first: its access ends, and the sender is told.
        Assert.True(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, asked, ReferralAct.Withdraw)).Status);
        Assert.Null((await ViewAsync(w.ProviderAdmin, asked))!.Details);
        Assert.False(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.Contains(await NotificationsAsync(asked), n => n.To == w.Focal.Id && n.Key.Contains(":ended:", StringComparison.Ordinal));

        // Withdrawn before consent: the provider never hears of it.
        var unseen = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, unseen, ReferralAct.Withdraw)).Status);
        Assert.DoesNotContain(await NotificationsAsync(unseen), n => n.To != w.Defender.Id && n.To != w.Focal.Id);
        Assert.Null(await ViewAsync(w.ProviderAdmin, unseen));

        // Revoked by the sender after acceptance: access ends; the defender cannot "revoke" (they withdraw).
        var revoked = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, revoked, ReferralAct.Consent)).Status);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderAdmin, revoked, ReferralAct.Accept)).Status);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.Defender, revoked, ReferralAct.Revoke)).Status);
        Assert.True(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Focal, revoked, ReferralAct.Revoke)).Status);
        Assert.Null((await ViewAsync(w.ProviderAdmin, revoked))!.Details);
        Assert.False(await ReadsMeetingPointAsync(w.Defender, w));
        Assert.Equal(ReferralState.Revoked, (await ViewAsync(w.Defender, revoked))!.Referral.State);

        // Done and closed by the sender: their "it helped" is not the defender's answer, and is not counted.
        var finished = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, finished, ReferralAct.Consent)).Status);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderAdmin, finished, ReferralAct.Accept)).Status);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderAdmin, finished, ReferralAct.Done, new(Outcome: DoneReason.CouldNotHelp))).Status);
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Focal, finished, ReferralAct.Close, new(Helped: true))).Status);
        var closed = await app.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.Id == finished));
        Assert.Equal((ReferralState.Closed, (bool?)null), (closed.State, closed.Helped));
    }

    [Fact]
    public async Task WhenTheProviderOrganizationIsDeleted_TheReferralStaysTheDefendersRecord_AndNobodyThereReadsIt()
    {
        var w = await WorldAsync();
        var id = (await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.ProviderFocal, id, ReferralAct.Accept)).Status);
        var waiting = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().DeleteAsync(w.Provider, w.ProviderAdmin.Id)));
        // One still waiting for consent cannot be sent to nobody: agreeing is refused (and not offered), withdrawing is not.
        Assert.Equal(DirectoryWriteStatus.Invalid, (await ActAsync(w.Defender, waiting, ReferralAct.Consent)).Status);
        Assert.False((await ViewAsync(w.Defender, waiting))!.Can(ReferralAct.Consent));
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, waiting, ReferralAct.Withdraw)).Status);

        // The defender still reads it, with their own words, on the page, the list and the export.
        var kept = (await ViewAsync(w.Defender, id))!;
        Assert.Equal((null, new ReferralDetails("Ana", "+57 300 111 2222", Story)), (kept.Organization, kept.Details));
        using var defender = await app.SignedInAsync(w.Defender);
        Assert.Contains("id=\"provider-gone\"", (await defender.GetAsync(ReferralRoutes.Referral(id))).Html, StringComparison.Ordinal);
        Assert.Contains(ReferralRoutes.Referral(id), (await defender.GetAsync(ReferralRoutes.List)).Html, StringComparison.Ordinal);
        var export = await app.WithServicesAsync(async sp => await new ReferralsPersonalData(sp.GetRequiredService<AmparoDbContext>(),
            sp.GetRequiredService<Amparo.Web.Infrastructure.Security.FieldCipher>()).ExportAsync(w.Defender.User, CancellationToken.None));
        Assert.Contains(Assert.IsType<List<ReferralsPersonalData.ReferralData>>(export), r => r.Id == id && r.Provider == null && r.Details!.Story == Story);
        // The provider's former people have no part in it any more, and cannot act on it.
        Assert.Null(await ViewAsync(w.ProviderFocal, id));
        Assert.Null(await ViewAsync(w.ProviderAdmin, id));
        Assert.Equal(DirectoryWriteStatus.NotFound, (await ActAsync(w.ProviderFocal, id, ReferralAct.Start)).Status);
        // The defender may still end it.
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, id, ReferralAct.Withdraw)).Status);
    }

    [Fact]
    public async Task TwoPeopleActingAtOnce_OneWins_AndAWithdrawnReferralIsNeverAccepted()
    {
        var w = await WorldAsync();
        for (var round = 0; round < 4; round++)
        {
            var id = (await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id)))).Id!.Value;
            var results = await Task.WhenAll(ActAsync(w.Defender, id, ReferralAct.Withdraw), ActAsync(w.ProviderFocal, id, ReferralAct.Accept),
                ActAsync(w.ProviderAdmin, id, ReferralAct.Decline, new(Declined: DeclineReason.Other)));
            var r = await app.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(x => x.Id == id));
            var (withdrew, accepted, declined) = (results[0].Status == DirectoryWriteStatus.Done, results[1].Status == DirectoryWriteStatus.Done,
                results[2].Status == DirectoryWriteStatus.Done);
            // Each act either happened whole or was refused: a withdrawal that succeeded is the end (it may follow an
            // acceptance, never precede one); a decline and an acceptance never both; what the provider reads follows.
            Assert.True(withdrew || accepted || declined, $"round {round}: every act refused");
            Assert.False(accepted && declined, $"round {round}: accepted and declined");
            var expected = withdrew ? ReferralState.Withdrawn : declined ? ReferralState.Declined : ReferralState.Accepted;
            Assert.Equal(expected, r.State);
            Assert.Equal(expected != ReferralState.Accepted, r.EndedAt is not null);
            Assert.Equal(expected == ReferralState.Accepted, (await ViewAsync(w.ProviderAdmin, id))!.Details is not null);
        }
    }

    [Fact]
    public async Task AnOverride_NeedsAFocalPointOfTheDefendersOrganization_AndAWrittenReason_WhichTheDefenderReads()
    {
        var w = await WorldAsync();
        const string reason = "Detenida esta mañana; no puede responder y el acompañamiento no puede esperar.";
        // No reason: refused, nothing written. A coordinator, or the defender for themself, cannot override at all.
        var empty = await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id, overrideReason: "  ")));
        Assert.Equal("Referral.Error.OverrideReason", empty.Errors!["OverrideReason"]);
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(w.Coordinator.Id, Input(w, w.Defender.Id, overrideReason: reason)))).Status);
        Assert.Equal("Referral.Error.OverrideNotYours", (await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id, overrideReason: reason)))).Errors!["OverrideReason"]);
        Assert.Equal(0, await app.WithDbAsync(db => db.Referrals.CountAsync(r => r.DefenderId == w.Defender.Id)));

        var id = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id, overrideReason: reason)))).Id!.Value;
        var defenderView = (await ViewAsync(w.Defender, id))!;
        Assert.Equal((ReferralState.Sent, ConsentWay.Override, reason), (defenderView.Referral.State, defenderView.Referral.Consent, defenderView.OverrideReason));
        Assert.Equal(w.Focal.User.DisplayName, defenderView.SenderName);
        // The defender is told at once, with a link and nothing else.
        var told = Assert.Single(await NotificationsAsync(id), n => n.To == w.Defender.Id);
        Assert.Contains(ReferralRoutes.Referral(id), told.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Detenida", told.Text, StringComparison.Ordinal);
        // The provider reads neither the reason nor who sent it.
        var providerView = (await ViewAsync(w.ProviderAdmin, id))!;
        Assert.Null(providerView.OverrideReason);
        Assert.Null(providerView.SenderName);
        // In the audit trail of the sender's organization, without the reason's words.
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.SubjectId == id && e.Type == AuditEvents.ReferralChanged));
        Assert.Equal(w.DefenderOrg, audit.OrganizationId);
        Assert.Contains("consent=Override", audit.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Detenida", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoOneWithoutAPart_ReadsOrActsOnAReferral_OrRefersSomeoneWhoIsNotTheirs()
    {
        var w = await WorldAsync();
        // A service they cannot find: someone in another network, someone in none — and a service that does not exist.
        foreach (var outsider in new[] { w.Elsewhere, w.Loner })
        {
            Assert.Null(await Referrals(r => r.ServiceForAsync(outsider.Id, w.ServiceId)));
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(outsider.Id, Input(w, outsider.Id)))).Status);
        }
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id) with { ServiceId = Guid.NewGuid() }))).Status);
        // Someone who is not theirs to refer: a member of another organization, for a focal point; anyone, for a member.
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.ProviderStaff.Id)))).Status);
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Focal.Id)))).Status);
        Assert.Equal([w.Defender.Id], (await Referrals(r => r.ReferableListAsync(w.Defender.Id))).Select(p => p.Id));
        // Bad input: a language the service does not offer, no name.
        var bad = await Referrals(r => r.CreateAsync(w.Defender.Id, Input(w, w.Defender.Id, language: "ar", name: " ")));
        Assert.Equal(["Language", "Name"], bad.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(db => db.Referrals.CountAsync(r => r.DefenderId == w.Defender.Id)));

        // A coordinator refers only through their own organization's role: the network's members are not theirs to list.
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Referrals(r => r.CreateAsync(w.Coordinator.Id, Input(w, w.Defender.Id)))).Status);
        Assert.Equal([w.Coordinator.Id], (await Referrals(r => r.ReferableListAsync(w.Coordinator.Id))).Select(p => p.Id));
        // The focal point reads what they wrote as its sender until the defender agrees; then the words are the defender's.
        var id = (await Referrals(r => r.CreateAsync(w.Focal.Id, Input(w, w.Defender.Id)))).Id!.Value;
        var asSender = (await ViewAsync(w.Focal, id))!;
        Assert.Equal((ReferralRole.Sender, Story), (asSender.Role, asSender.Details?.Story));
        Assert.Equal(DirectoryWriteStatus.Done, (await ActAsync(w.Defender, id, ReferralAct.Consent)).Status);
        Assert.Null((await ViewAsync(w.Focal, id))!.Details);
        foreach (var outsider in new[] { w.ProviderStaff, w.Coordinator, w.Elsewhere, w.Loner })
        {
            Assert.Null(await ViewAsync(outsider, id));
            foreach (var act in Enum.GetValues<ReferralAct>())
                Assert.Equal(DirectoryWriteStatus.NotFound, (await ActAsync(outsider, id, act, new(DeclineReason.Other, DoneReason.Other))).Status);
            var lists = await Referrals(r => r.ListAsync(outsider.Id));
            Assert.DoesNotContain(lists.ForMe.Concat(lists.Sent).Concat(lists.Incoming), l => l.Id == id);
        }
        Assert.Equal(ReferralState.Sent, (await ViewAsync(w.Defender, id))!.Referral.State);

        // "Did it help?": for the network's coordinators only, and a figure only from five answers on.
        Assert.Null(await Referrals(r => r.FeedbackAsync(w.Focal.Id, w.NetworkId)));
        async Task AnswersAsync(params bool[] helped) => await app.WithDbAsync(async db =>
        {
            var template = await db.Referrals.AsNoTracking().SingleAsync(r => r.Id == id);
            foreach (var h in helped)
                db.Referrals.Add(new Referral
                {
                    Id = Guid.NewGuid(), DefenderId = w.Defender.Id, ProviderOrganizationId = w.Provider, NetworkId = w.NetworkId, Kind = template.Kind,
                    Language = "es", State = ReferralState.Closed, Helped = h, DetailsCipher = template.DetailsCipher, CreatedAt = template.CreatedAt, UpdatedAt = template.CreatedAt,
                });
            return await db.SaveChangesAsync();
        });
        await AnswersAsync(true, true, true, false);
        Assert.Equal(new ReferralFeedback(null, null), await Referrals(r => r.FeedbackAsync(w.Coordinator.Id, w.NetworkId)));
        await AnswersAsync(true);
        // Five answers, one "no": the count shows, the split does not (it would show what the one said).
        Assert.Equal(new ReferralFeedback(5, null), await Referrals(r => r.FeedbackAsync(w.Coordinator.Id, w.NetworkId)));
        await AnswersAsync(false, false, false, false, true);
        Assert.Equal(new ReferralFeedback(10, 5), await Referrals(r => r.FeedbackAsync(w.Coordinator.Id, w.NetworkId)));
        // One more answer moves nothing (a sender cannot watch their one referral's answer arrive): figures go by fives.
        await AnswersAsync(true);
        Assert.Equal(new ReferralFeedback(10, 5), await Referrals(r => r.FeedbackAsync(w.Coordinator.Id, w.NetworkId)));
        await AnswersAsync(true, false, false, false);
        Assert.Equal(new ReferralFeedback(15, 5), await Referrals(r => r.FeedbackAsync(w.Coordinator.Id, w.NetworkId)));
    }

    [Fact]
    public async Task Pages_ReferWithTheFactsShownFirst_ConsentAcceptAndClose_EachForWhomItIs()
    {
        var w = await WorldAsync();
        using var focal = await app.SignedInAsync(w.Focal);
        var (status, form) = await focal.GetAsync(ReferralRoutes.New(w.ServiceId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("What the provider will read", form, StringComparison.Ordinal);
        Assert.Contains("Sending without consent", form, StringComparison.Ordinal); // a focal point refers others
        // An override ticked without a reason: the page says why and nothing is sent.
        var fields = new Dictionary<string, string>
        {
            ["Defender"] = w.Defender.Id.ToString(), ["Language"] = "es", ["Name"] = "Ana", ["Reach"] = "", ["Story"] = Story,
            ["Override"] = "true", ["OverrideReason"] = "",
        };
        using (var refused = await focal.PostFormAsync(ReferralRoutes.New(w.ServiceId), fields))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Write why the referral must go without consent", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        fields.Remove("Override");
        Guid id;
        using (var sent = await focal.PostFormAsync(ReferralRoutes.New(w.ServiceId), fields))
        {
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            id = Guid.Parse(sent.Headers.Location!.OriginalString.Split('/')[2].Split('?')[0]);
        }
        var page = ReferralRoutes.Referral(id);
        Assert.Contains("The person was asked for consent", (await focal.GetAsync(page + "?done=created")).Html, StringComparison.Ordinal);

        // The defender reads the facts and agrees on the page.
        using var defender = await app.SignedInAsync(w.Defender);
        var consent = (await defender.GetAsync(page)).Html;
        Assert.Contains("Do you agree to this referral?", consent, StringComparison.Ordinal);
        Assert.Contains(Story, consent, StringComparison.Ordinal);
        using (var agreed = await defender.PostFormAsync(page, new Dictionary<string, string> { ["act"] = "Consent", ["Name"] = "Ana", ["Reach"] = "", ["Story"] = Story }))
            Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Contains("Referrals for you", (await defender.GetAsync(ReferralRoutes.List)).Html, StringComparison.Ordinal);

        // The provider's focal point: the need, not the story, until accepting; a decline without a reason says why.
        using var provider = await app.SignedInAsync(w.ProviderFocal);
        var before = (await provider.GetAsync(page)).Html;
        Assert.Contains("Psychosocial and trauma care", before, StringComparison.Ordinal);
        Assert.DoesNotContain(Story, before, StringComparison.Ordinal);
        Assert.Contains(page, (await provider.GetAsync(ReferralRoutes.List)).Html, StringComparison.Ordinal);
        using (var noReason = await provider.PostFormAsync(page, new Dictionary<string, string> { ["act"] = "Decline", ["declined"] = "" }))
            Assert.Contains("Choose a reason for declining.", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var accepted = await provider.PostFormAsync(page, new Dictionary<string, string> { ["act"] = "Accept" }))
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Contains(Story, (await provider.GetAsync(page)).Html, StringComparison.Ordinal);

        // Nobody else reaches it, nor the form for a service they cannot find.
        foreach (var outsider in new[] { w.ProviderStaff, w.Elsewhere })
        {
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(page)).Status);
            // With a valid form token (from a page they may open): the referral's answer is "not found", not a token error.
            using var post = await client.PostFormAsync("/", new Dictionary<string, string> { ["act"] = "Accept" }, page);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        using (var elsewhere = await app.SignedInAsync(w.Elsewhere))
            Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync(ReferralRoutes.New(w.ServiceId))).Status);
        Assert.Equal(ReferralState.Accepted, await app.WithDbAsync(db => db.Referrals.Where(r => r.Id == id).Select(r => r.State).SingleAsync()));

        // The coordinators' page shows the feedback section.
        using var coordinator = await app.SignedInAsync(w.Coordinator);
        Assert.Contains("Did referrals help?", (await coordinator.GetAsync(DirectoryRoutes.Gaps(w.NetworkId))).Html, StringComparison.Ordinal);
    }
}

public abstract partial class ReferralTests
{
    private static async Task<System.Text.Json.Nodes.JsonNode?> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return body.Length == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(body);
    }

    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task TheApi_SearchesReferActsAndAnswers404_AsThePagesDo()
    {
        var w = await WorldAsync();
        using var client = app.NewClient();
        var defender = await app.ApiTokenAsync(w.Defender);
        var provider = await app.ApiTokenAsync(w.ProviderFocal);
        var outsider = await app.ApiTokenAsync(w.Elsewhere);

        // Search and the entry, at the caller's level: the meeting point is left out until a referral is accepted.
        using (var found = await client.SendAsync(HttpMethod.Get, "/api/v1/directory?need=psychosocial&language=es", defender))
        {
            var json = (await JsonAsync(found, HttpStatusCode.OK))!;
            var service = json["services"]!.AsArray().Single(x => (Guid)x!["serviceId"]! == w.ServiceId)!;
            Assert.Equal(("psychosocial", "taking"), ((string)service["kind"]!, (string)service["capacity"]!));
        }
        using (var none = await client.SendAsync(HttpMethod.Get, "/api/v1/directory?need=psychosocial", outsider))
            Assert.DoesNotContain((await JsonAsync(none, HttpStatusCode.OK))!["services"]!.AsArray(), x => (Guid)x!["serviceId"]! == w.ServiceId);
        using (var entry = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/{w.EntryId}", defender))
            Assert.Empty((await JsonAsync(entry, HttpStatusCode.OK))!["contacts"]!.AsArray());
        using (var hidden = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/{w.EntryId}", outsider))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        // Refer: a language the service does not offer is a named field; then sent.
        using (var bad = await client.SendAsync(HttpMethod.Post, "/api/v1/referrals", defender,
            Json(new { serviceId = w.ServiceId, defenderId = w.Defender.Id, language = "ru", name = "Ana", story = Story })))
            Assert.NotNull((await JsonAsync(bad, HttpStatusCode.BadRequest))!["errors"]!["language"]);
        Guid id;
        using (var created = await client.SendAsync(HttpMethod.Post, "/api/v1/referrals", defender,
            Json(new { serviceId = w.ServiceId, defenderId = w.Defender.Id, language = "es", name = "Ana", story = Story })))
            id = (Guid)(await JsonAsync(created, HttpStatusCode.Created))!["id"]!;

        // The provider: no details before accepting, an act out of turn is 400, then accept and read them.
        using (var before = await client.SendAsync(HttpMethod.Get, $"/api/v1/referrals/{id}", provider))
        {
            var json = (await JsonAsync(before, HttpStatusCode.OK))!;
            Assert.Equal(("sent", (string?)null), ((string)json["state"]!, json["details"]?.ToJsonString()));
            Assert.Equal(["accept", "decline"], json["acts"]!.AsArray().Select(a => (string)a!));
        }
        using (var early = await client.SendAsync(HttpMethod.Post, $"/api/v1/referrals/{id}/acts", provider, Json(new { act = "start" })))
            Assert.NotNull((await JsonAsync(early, HttpStatusCode.BadRequest))!["errors"]!["state"]);
        using (var noReason = await client.SendAsync(HttpMethod.Post, $"/api/v1/referrals/{id}/acts", provider, Json(new { act = "decline", declined = "tired" })))
            Assert.NotNull((await JsonAsync(noReason, HttpStatusCode.BadRequest))!["errors"]!["declined"]);
        using (var accepted = await client.SendAsync(HttpMethod.Post, $"/api/v1/referrals/{id}/acts", provider, Json(new { act = "accept" })))
            await JsonAsync(accepted, HttpStatusCode.NoContent);
        using (var after = await client.SendAsync(HttpMethod.Get, $"/api/v1/referrals/{id}", provider))
            Assert.Equal(Story, (string)(await JsonAsync(after, HttpStatusCode.OK))!["details"]!["story"]!);
        using (var opened = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/{w.EntryId}", defender))
            Assert.Equal(MeetingPoint, (string)(await JsonAsync(opened, HttpStatusCode.OK))!["contacts"]![0]!["value"]!);

        // Someone without a part: 404 to read and to act; the list does not show it.
        using (var read = await client.SendAsync(HttpMethod.Get, $"/api/v1/referrals/{id}", outsider))
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var act = await client.SendAsync(HttpMethod.Post, $"/api/v1/referrals/{id}/acts", outsider, Json(new { act = "withdraw" })))
            Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
        using (var list = await client.SendAsync(HttpMethod.Get, "/api/v1/referrals", outsider))
            Assert.Empty((await JsonAsync(list, HttpStatusCode.OK))!["forMe"]!.AsArray());
        // The defender withdraws through the API; the provider's details are gone.
        using (var withdrawn = await client.SendAsync(HttpMethod.Post, $"/api/v1/referrals/{id}/acts", defender, Json(new { act = "withdraw" })))
            await JsonAsync(withdrawn, HttpStatusCode.NoContent);
        using (var ended = await client.SendAsync(HttpMethod.Get, $"/api/v1/referrals/{id}", provider))
            Assert.Null((await JsonAsync(ended, HttpStatusCode.OK))!["details"]);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class ReferralTestsSqlite(SqliteApp app) : ReferralTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class ReferralTestsPostgres(PostgresApp app) : ReferralTests(app);
