using System.Net;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Networks;

/// <summary>
/// A network's directory (issue 16, first part), on both databases: an entry is found only at its visibility and each
/// contact read only at its level (a safe house's address by nobody outside its organization, and never in the clear in
/// the database); an entry is changed by its organization's admins only and its capacity also by its focal points;
/// search filters by need, language, region and group; a search that finds nothing tells the network's coordinators,
/// once a day, without saying who searched.
/// </summary>
public abstract class DirectoryTests(AppFixture app)
{
    private Task<T> Directory<T>(Func<NetworkDirectory, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<NetworkDirectory>()));

    private sealed record World(Guid NetworkId, Guid OtherNetworkId, Guid Provider, Guid ElsewhereOrg, OrgKit.Person Admin, OrgKit.Person Focal, OrgKit.Person Staff,
        OrgKit.Person Neighbour, OrgKit.Person Coordinator, OrgKit.Person Elsewhere, OrgKit.Person Loner);

    /// <summary>A network with a provider (admin, focal point, member) and a neighbour organization; another network with one member; a person in none.</summary>
    private async Task<World> WorldAsync()
    {
        var admin = await app.PersonAsync("diradmin");
        var focal = await app.PersonAsync("dirfocal");
        var staff = await app.PersonAsync("dirstaff");
        var neighbour = await app.PersonAsync("dirneighbour");
        var coordinator = await app.PersonAsync("dircoord");
        var elsewhere = await app.PersonAsync("direlsewhere");
        var loner = await app.PersonAsync("dirloner");
        var provider = await app.OrganizationAsync(admin, "Casa Refugio " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(provider, focal, OrgRole.FocalPoint);
        await app.AddMemberAsync(provider, staff);
        var neighbourOrg = await app.OrganizationAsync(neighbour);
        await app.AddMemberAsync(neighbourOrg, coordinator);
        var elsewhereOrg = await app.OrganizationAsync(elsewhere);
        var (networkId, otherId) = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Andina " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, provider, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, neighbourOrg, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            var other = (await networks.CreateAsync("Red Sahel " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(other.Id, elsewhereOrg, null));
            return (network.Id, other.Id);
        });
        return new World(networkId, otherId, provider, elsewhereOrg, admin, focal, staff, neighbour, coordinator, elsewhere, loner);
    }

    private static ServiceInput Service(ServiceKind kind, string languages, string regions = "", Eligibility eligible = Eligibility.None, int? hours = 2) =>
        new(kind, languages.Split(' '), regions.Split(' ', StringSplitOptions.RemoveEmptyEntries), eligible, hours, "");

    private async Task<Guid> EntryAsync(World w, EntryVisibility visibility)
    {
        var saved = await Directory(d => d.SaveEntryAsync(w.Admin.Id, w.NetworkId, w.Provider, new EntryInput("Temporary safe housing for defenders and their families.", visibility, "Signal +57 300 000 0000, ask for Marta")));
        Assert.Equal(DirectoryWriteStatus.Done, saved.Status);
        return saved.Id!.Value;
    }

    [Fact]
    public async Task AnEntry_IsFoundOnlyAtItsVisibility_AndEachContactIsReadOnlyAtItsLevel_AndNeverStoredInTheClear()
    {
        var w = await WorldAsync();
        var entryId = await EntryAsync(w, EntryVisibility.Network);
        Assert.Equal(DirectoryWriteStatus.Done, (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Relocation, "es en", "419")))).Status);
        const string street = "Calle 45 # 12-30, barrio La Candelaria";
        Assert.Equal(DirectoryWriteStatus.Done, (await Directory(d => d.SaveContactsAsync(w.Admin.Id, entryId,
        [
            new(ContactKind.Phone, Confidentiality.Public, "+57 601 555 0100"),
            new(ContactKind.Email, Confidentiality.NetworkMembers, "casa@example.org"),
            new(ContactKind.Address, Confidentiality.AfterReferral, "Punto de encuentro: parque central"),
            new(ContactKind.Address, Confidentiality.Never, street),
        ]))).Status);

        async Task<string[]?> Seen(Guid? viewer) => (await Directory(d => d.ViewAsync(viewer, entryId)))?.Contacts.Select(c => c.Value).ToArray();
        string[] all = ["+57 601 555 0100", "casa@example.org", "Punto de encuentro: parque central", street];
        string[] network = ["+57 601 555 0100", "casa@example.org"];
        string[] outside = ["+57 601 555 0100"];

        // This network: its members (another organization, the coordinator) read the network level; the organization reads all.
        Assert.Equal(all, await Seen(w.Staff.Id));
        Assert.Equal(all, await Seen(w.Focal.Id));
        Assert.Equal(network, await Seen(w.Neighbour.Id));
        Assert.Equal(network, await Seen(w.Coordinator.Id));
        Assert.Null(await Seen(w.Elsewhere.Id));
        Assert.Null(await Seen(w.Loner.Id));
        Assert.Null(await Seen(null));

        // All networks: a member of another network finds it and reads only the public level; someone in no network, nothing.
        await EntryVisibilityAsync(w, EntryVisibility.AllNetworks);
        Assert.Equal(outside, await Seen(w.Elsewhere.Id));
        Assert.Equal(network, await Seen(w.Neighbour.Id));
        Assert.Null(await Seen(w.Loner.Id));
        Assert.Null(await Seen(null));

        // Public: anyone, signed in or not, and only the public contact.
        await EntryVisibilityAsync(w, EntryVisibility.Public);
        Assert.Equal(outside, await Seen(w.Loner.Id));
        Assert.Equal(outside, await Seen(null));
        Assert.Equal(all, await Seen(w.Staff.Id));

        // The same rule in a search: the front gate is there for everyone who finds the entry; the contacts are not.
        var found = await Directory(d => d.SearchAsync(null, new DirectorySearch(ServiceKind.Relocation), 1));
        Assert.Contains(found.Services, s => s.EntryId == entryId && s.FrontGate.Contains("ask for Marta", StringComparison.Ordinal));

        // No contact is kept in the clear: not the street, not its parts.
        var stored = await app.WithDbAsync(db => db.DirectoryContacts.Where(c => c.EntryId == entryId).Select(c => c.ValueCipher).ToListAsync());
        Assert.Equal(4, stored.Count);
        foreach (var bytes in stored)
            Assert.DoesNotContain("Candelaria", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    private Task<DirectoryWrite> EntryVisibilityAsync(World w, EntryVisibility visibility) =>
        Directory(d => d.SaveEntryAsync(w.Admin.Id, w.NetworkId, w.Provider, new EntryInput("Temporary safe housing.", visibility, "Signal, ask for Marta")));

    [Fact]
    public async Task OnlyItsAdmins_ChangeAnEntry_ItsFocalPointsAlsoItsCapacity_AndBadInputWritesNothing()
    {
        var w = await WorldAsync();
        var entryId = await EntryAsync(w, EntryVisibility.Network);
        var serviceId = (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Legal, "es")))).Id!.Value;

        // Not its admin: a member, a focal point (for the entry itself), another organization's admin, another network, nobody.
        foreach (var outsider in new[] { w.Staff, w.Focal, w.Neighbour, w.Coordinator, w.Elsewhere, w.Loner })
        {
            Assert.Null(await Directory(d => d.EntryForEditAsync(outsider.Id, w.NetworkId, w.Provider)));
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveEntryAsync(outsider.Id, w.NetworkId, w.Provider, new EntryInput("x", EntryVisibility.Public, "x")))).Status);
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveServiceAsync(outsider.Id, entryId, null, Service(ServiceKind.Medical, "en")))).Status);
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveServiceAsync(outsider.Id, entryId, serviceId, Service(ServiceKind.Medical, "en")))).Status);
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveContactsAsync(outsider.Id, entryId, [new(ContactKind.Phone, Confidentiality.Public, "+1 555 0100")]))).Status);
            Assert.False(await Directory(d => d.RemoveServiceAsync(outsider.Id, entryId, serviceId)));
        }
        // An organization outside the network has no entry in it, even for its own admin.
        Assert.Null(await Directory(d => d.EntryForEditAsync(w.Elsewhere.Id, w.NetworkId, w.ElsewhereOrg)));
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveEntryAsync(w.Elsewhere.Id, w.NetworkId, w.ElsewhereOrg, new EntryInput("", EntryVisibility.Public, "x")))).Status);
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveEntryAsync(w.Admin.Id, w.OtherNetworkId, w.Provider, new EntryInput("", EntryVisibility.Public, "x")))).Status);

        // Capacity: the focal point's one click; a member, a neighbour or another network may not.
        foreach (var outsider in new[] { w.Staff, w.Neighbour, w.Coordinator, w.Elsewhere })
            Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SetCapacityAsync(outsider.Id, serviceId, Capacity.EmergenciesOnly, null))).Status);
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await Directory(d => d.SetCapacityAsync(w.Focal.Id, serviceId, Capacity.FullUntil, null))).Status);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await Directory(d => d.SetCapacityAsync(w.Focal.Id, serviceId, Capacity.FullUntil, today.AddDays(-2)))).Status);
        Assert.Equal(DirectoryWriteStatus.Invalid, (await Directory(d => d.SetCapacityAsync(w.Focal.Id, serviceId, (Capacity)99, null))).Status);
        app.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(DirectoryWriteStatus.Done, (await Directory(d => d.SetCapacityAsync(w.Focal.Id, serviceId, Capacity.FullUntil, today.AddDays(10)))).Status);
        var service = await app.WithDbAsync(db => db.DirectoryServices.SingleAsync(s => s.Id == serviceId));
        Assert.Equal((Capacity.FullUntil, today.AddDays(10)), (service.Capacity, service.FullUntil));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, service.CapacityConfirmedAt, TimeSpan.FromSeconds(1));

        // Refused input names its field and changes nothing.
        var before = await app.WithDbAsync(db => db.DirectoryServices.AsNoTracking().SingleAsync(s => s.Id == serviceId));
        var bad = await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, serviceId, new ServiceInput((ServiceKind)42, ["xx"], ["999"], (Eligibility)1024, 0, "a\0b")));
        Assert.Equal(DirectoryWriteStatus.Invalid, bad.Status);
        Assert.Equal(["Eligible", "Kind", "Languages", "Notes", "Regions", "ResponseHours"], bad.Errors!.Keys.Order(StringComparer.Ordinal));
        var after = await app.WithDbAsync(db => db.DirectoryServices.AsNoTracking().SingleAsync(s => s.Id == serviceId));
        Assert.Equal((before.Kind, before.Languages, before.Regions, before.Eligible), (after.Kind, after.Languages, after.Regions, after.Eligible));
        var noGate = await Directory(d => d.SaveEntryAsync(w.Admin.Id, w.NetworkId, w.Provider, new EntryInput("New words", EntryVisibility.Public, "  ")));
        Assert.Equal(["FrontGate"], noGate.Errors!.Keys);
        Assert.Equal(EntryVisibility.Network, await app.WithDbAsync(db => db.DirectoryEntries.Where(e => e.Id == entryId).Select(e => e.Visibility).SingleAsync()));
        Assert.Equal(DirectoryWriteStatus.Done, (await Directory(d => d.SaveContactsAsync(w.Admin.Id, entryId, [new(ContactKind.Phone, Confidentiality.Public, "+57 601 555 0100")]))).Status);
        foreach (var broken in new[] { "line one\nline two", "+57 \u202E0010 555", "a\uD800b", "a\u2028b" })
        {
            var badContact = await Directory(d => d.SaveContactsAsync(w.Admin.Id, entryId, [new(ContactKind.Phone, Confidentiality.Public, "+57 1"), new(ContactKind.Address, Confidentiality.Never, broken)]));
            Assert.Equal(["Contacts[1]"], badContact.Errors!.Keys);
        }
        // The entry and its contacts together: a refused contact leaves the entry's words as they were too.
        var both = await Directory(d => d.SaveEntryAsync(w.Admin.Id, w.NetworkId, w.Provider, new EntryInput("Other words", EntryVisibility.Public, "Signal"),
            [new(ContactKind.Email, Confidentiality.Public, "a@example.org"), new(ContactKind.Address, Confidentiality.Never, "")]));
        Assert.Equal(["Contacts[1]"], both.Errors!.Keys);
        Assert.Equal(["+57 601 555 0100"], (await Directory(d => d.ViewAsync(w.Admin.Id, entryId)))!.Contacts.Select(c => c.Value));
        Assert.Equal(EntryVisibility.Network, await app.WithDbAsync(db => db.DirectoryEntries.Where(e => e.Id == entryId).Select(e => e.Visibility).SingleAsync()));

        // The admin removes the service.
        Assert.True(await Directory(d => d.RemoveServiceAsync(w.Admin.Id, entryId, serviceId)));
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectoryServices.CountAsync(s => s.EntryId == entryId)));

        // The organization leaves the network: its entry goes with it — nobody finds it, nobody changes it.
        var again = (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Legal, "es")))).Id!.Value;
        await app.WithDbAsync(db => db.NetworkOrganizations.Where(n => n.NetworkId == w.NetworkId && n.OrganizationId == w.Provider).ExecuteDeleteAsync());
        Assert.Null(await Directory(d => d.ViewAsync(w.Admin.Id, entryId)));
        Assert.Null(await Directory(d => d.ViewAsync(w.Neighbour.Id, entryId)));
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SetCapacityAsync(w.Focal.Id, again, Capacity.EmergenciesOnly, null))).Status);
        Assert.Equal(DirectoryWriteStatus.NotFound, (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Legal, "es")))).Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectoryContacts.CountAsync(c => c.EntryId == entryId)));
    }

    [Fact]
    public async Task Search_ByNeedLanguageRegionAndGroup_TakingFirst_AndNothingFound_TellsTheCoordinatorsOnceADay_NotWhoSearched()
    {
        var w = await WorldAsync();
        var entryId = await EntryAsync(w, EntryVisibility.Network);
        var legal = (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Legal, "es", "419", Eligibility.Journalists)))).Id!.Value;
        var care = (await Directory(d => d.SaveServiceAsync(w.Admin.Id, entryId, null, Service(ServiceKind.Psychosocial, "en es")))).Id!.Value;
        var care2Entry = await app.WithServicesAsync(async sp =>
        {
            // A second provider in the network, also psychosocial, full for now: listed after the one taking cases.
            var d = sp.GetRequiredService<NetworkDirectory>();
            var id = (await d.SaveEntryAsync(w.Neighbour.Id, w.NetworkId, (await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>()
                .Memberships.Where(m => m.UserId == w.Neighbour.Id).Select(m => m.OrganizationId).SingleAsync()), new EntryInput("", EntryVisibility.Network, "help@example.org"))).Id!.Value;
            var s = (await d.SaveServiceAsync(w.Neighbour.Id, id, null, Service(ServiceKind.Psychosocial, "es"))).Id!.Value;
            Assert.Equal(DirectoryWriteStatus.Done, (await d.SetCapacityAsync(w.Neighbour.Id, s, Capacity.EmergenciesOnly, null)).Status);
            return s;
        });

        async Task<Guid[]> Find(Guid? viewer, DirectorySearch search) => [.. (await Directory(d => d.SearchAsync(viewer, search, 1))).Services.Select(s => s.ServiceId)];
        var coordinator = w.Coordinator.Id;
        Assert.Equal([legal], await Find(coordinator, new(ServiceKind.Legal, "es", "419", Eligibility.Journalists)));
        Assert.Equal([care, care2Entry], await Find(coordinator, new(ServiceKind.Psychosocial, "es")));
        // Full until a day that has passed: taking cases again, first in the list.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(db => db.DirectoryServices.Where(x => x.Id == care).ExecuteUpdateAsync(u => u.SetProperty(x => x.Capacity, Capacity.FullUntil).SetProperty(x => x.FullUntil, today.AddDays(-2))));
        var listed = (await Directory(d => d.SearchAsync(coordinator, new DirectorySearch(ServiceKind.Psychosocial, "es"), 1))).Services;
        Assert.Equal([(care, Capacity.Taking), (care2Entry, Capacity.EmergenciesOnly)], listed.Select(x => (x.ServiceId, x.Capacity)));
        Assert.Equal([care], await Find(coordinator, new(ServiceKind.Psychosocial, "en", "145", Eligibility.Lgbti))); // for anyone, anywhere
        Assert.Empty(await Find(coordinator, new(ServiceKind.Legal, "es", "419", Eligibility.Lgbti)));
        Assert.Empty(await Find(coordinator, new(ServiceKind.Legal, "es", "145")));
        Assert.Empty(await Find(w.Elsewhere.Id, new(ServiceKind.Legal)));
        Assert.Empty(await Find(null, new(ServiceKind.Legal)));

        // Nothing found for a need: the coordinators are told, once that day for the same search, and not who looked.
        var gapKey = $"directory-gap:{w.NetworkId:N}:";
        // The searches above that found nothing wrote nothing: a search is a GET.
        Assert.Equal(0, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.NotificationKey.StartsWith(gapKey))));
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectoryGaps.CountAsync(g => g.NetworkId == w.NetworkId)));
        Assert.True(await Directory(d => d.TellGapAsync(w.Staff.Id, new DirectorySearch(ServiceKind.Medical, "ar"))));
        Assert.True(await Directory(d => d.TellGapAsync(w.Neighbour.Id, new DirectorySearch(ServiceKind.Medical, "ar"))));
        Assert.True(await Directory(d => d.TellGapAsync(w.Staff.Id, new DirectorySearch(ServiceKind.Relocation, "ar"))));
        // One e-mail that day to the one coordinator, whatever was looked for; each search is a line of the gaps page.
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.NotificationKey.StartsWith(gapKey))));
        var gaps = (await Directory(d => d.GapsAsync(coordinator, w.NetworkId)))!;
        Assert.Equal([(ServiceKind.Medical, "ar"), (ServiceKind.Relocation, "ar")], gaps.Select(g => (g.Kind, g.Language)).Order());
        Assert.Null(await Directory(d => d.GapsAsync(w.Admin.Id, w.NetworkId)));
        // A search by someone in no network, or with no need named, tells nobody.
        // Nobody is told when there is nothing to tell: someone in no network, no need named, or a need that has a provider.
        Assert.False(await Directory(d => d.TellGapAsync(null, new DirectorySearch(ServiceKind.Medical))));
        Assert.False(await Directory(d => d.TellGapAsync(w.Loner.Id, new DirectorySearch(ServiceKind.Medical))));
        Assert.False(await Directory(d => d.TellGapAsync(w.Staff.Id, new DirectorySearch(Language: "ru"))));
        Assert.False(await Directory(d => d.TellGapAsync(w.Staff.Id, new DirectorySearch(ServiceKind.Legal, "es"))));
        Assert.False(await Directory(d => d.TellGapAsync(w.Staff.Id, new DirectorySearch((ServiceKind)99))));
        Assert.Equal(2, (await Directory(d => d.GapsAsync(coordinator, w.NetworkId)))!.Count);
        // The next day, the same search is a new gap and a new e-mail.
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await Directory(d => d.TellGapAsync(w.Neighbour.Id, new DirectorySearch(ServiceKind.Medical, "ar"))));
        Assert.Equal(3, (await Directory(d => d.GapsAsync(coordinator, w.NetworkId)))!.Count);
        Assert.Equal(2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.NotificationKey.StartsWith(gapKey))));
    }

    /// <summary>
    /// The pages, without JavaScript: anyone searches and reads a public entry (and its public contacts only); the admin
    /// writes the entry and its contacts (a refused contact is named at its row and nothing is saved) and adds a
    /// service; the focal point sets the capacity; a member, another organization or nobody gets 404 on every form;
    /// "tell the coordinators" after an empty search; the gaps page for the coordinator only.
    /// </summary>
    [Fact]
    public async Task Pages_SearchReadWriteCapacityAndGaps_EachForWhomItIs()
    {
        var w = await WorldAsync();
        var edit = DirectoryRoutes.Edit(w.NetworkId, w.Provider);
        using var admin = await app.SignedInAsync(w.Admin);
        var form = new Dictionary<string, string>
        {
            ["Description"] = "Casa segura temporal.",
            ["Visibility"] = "Network",
            ["FrontGate"] = "Signal: casa-refugio",
            ["Contacts[0].Kind"] = "Phone", ["Contacts[0].Level"] = "Public", ["Contacts[0].Value"] = "+57 601 555 0100",
            ["Contacts[1].Kind"] = "Phone", ["Contacts[1].Level"] = "Public", ["Contacts[1].Value"] = "", // an empty row, as the form sends it
            ["Contacts[2].Kind"] = "Address", ["Contacts[2].Level"] = "Never", ["Contacts[2].Value"] = "Calle 45 # 12-30",
            ["Contacts[3].Kind"] = "Email", ["Contacts[3].Level"] = "NetworkMembers", ["Contacts[3].Value"] = "line\u2028two",
        };
        using (var bad = await admin.PostFormAsync(edit, form))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            var html = await bad.Content.ReadAsStringAsync();
            Assert.Contains("id=\"Contacts_3__Value\"", html, StringComparison.Ordinal);
            Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectoryEntries.CountAsync(e => e.OrganizationId == w.Provider)));
        form["Contacts[3].Value"] = "casa@example.org";
        Guid entryId;
        using (var ok = await admin.PostFormAsync(edit, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            entryId = Guid.Parse(ok.Headers.Location!.OriginalString.Split('/')[2].Split('?')[0]);
        }
        using (var service = await admin.PostFormAsync(DirectoryRoutes.Service(entryId, null), new Dictionary<string, string>
            { ["Kind"] = "Relocation", ["Languages"] = "es", ["Regions"] = "419", ["ResponseHours"] = "2", ["Notes"] = "" }))
            Assert.Equal(HttpStatusCode.Redirect, service.StatusCode);
        var serviceId = await app.WithDbAsync(db => db.DirectoryServices.Where(x => x.EntryId == entryId).Select(x => x.Id).SingleAsync());

        // Nobody else reaches the forms: a member, another organization's admin, someone in another network.
        foreach (var outsider in new[] { w.Staff, w.Neighbour, w.Elsewhere })
        {
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(edit)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(DirectoryRoutes.Service(entryId, serviceId))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(DirectoryRoutes.Service(entryId, null))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(DirectoryRoutes.Gaps(w.NetworkId))).Status);
        }
        // The capacity form: the focal point's; a member's post is refused.
        using (var focal = await app.SignedInAsync(w.Focal))
        using (var set = await focal.PostFormAsync(DirectoryRoutes.Entry(entryId), new Dictionary<string, string> { ["service"] = serviceId.ToString(), ["capacity"] = "EmergenciesOnly" },
            DirectoryRoutes.Entry(entryId) + "?handler=Capacity"))
            Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(Capacity.EmergenciesOnly, await app.WithDbAsync(db => db.DirectoryServices.Where(x => x.Id == serviceId).Select(x => x.Capacity).SingleAsync()));
        using (var staff = await app.SignedInAsync(w.Staff))
        {
            var (_, page) = await staff.GetAsync(DirectoryRoutes.Entry(entryId));
            Assert.Contains("Calle 45", page, StringComparison.Ordinal); // its own organization reads every level
            Assert.DoesNotContain("?handler=Capacity", page, StringComparison.Ordinal);
        }

        // Signed out: the search page answers; the entry is not found until it is public, and then shows the public contact only.
        var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(DirectoryRoutes.Search + "?need=Relocation")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(DirectoryRoutes.Entry(entryId))).Status);
        await EntryVisibilityAsync(w, EntryVisibility.Public);
        var (status, publicPage) = await anonymous.GetAsync(DirectoryRoutes.Entry(entryId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("601 555 0100", publicPage, StringComparison.Ordinal);
        Assert.DoesNotContain("casa@example.org", publicPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Calle 45", publicPage, StringComparison.Ordinal);
        Assert.Contains(DirectoryRoutes.Entry(entryId), (await anonymous.GetAsync(DirectoryRoutes.Search + "?need=Relocation")).Html, StringComparison.Ordinal);

        // An empty search by someone in the network: one click tells the coordinator, who reads it on the gaps page.
        using (var neighbour = await app.SignedInAsync(w.Neighbour))
        using (var tell = await neighbour.PostFormAsync(DirectoryRoutes.Search + "?need=Medical&language=ar", new Dictionary<string, string>(),
            DirectoryRoutes.Search + "?need=Medical&language=ar&handler=Tell"))
        {
            Assert.Equal(HttpStatusCode.Redirect, tell.StatusCode);
            Assert.Contains("told=true", tell.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        using var coordinator = await app.SignedInAsync(w.Coordinator);
        var (gapsStatus, gaps) = await coordinator.GetAsync(DirectoryRoutes.Gaps(w.NetworkId));
        Assert.Equal(HttpStatusCode.OK, gapsStatus);
        Assert.Contains("العربية", gaps, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class DirectoryTestsSqlite(SqliteApp app) : DirectoryTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class DirectoryTestsPostgres(PostgresApp app) : DirectoryTests(app);
