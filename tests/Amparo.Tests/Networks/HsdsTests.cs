using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Networks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Networks;

/// <summary>
/// The directory in Open Referral HSDS 3.0 (issue 16), on both databases: the export carries the services in HSDS's fields
/// and Amparo's taxonomies, and never a contact "after a referral" or "never shown" — not for an outsider, a network member,
/// nor the organization's own admin; <c>audience=public</c> narrows it to what anyone may read; an export imported into
/// another organization's entry gives the same services and levels; an import without Amparo's levels takes the safer
/// defaults; only the organization's admins import, and bad input is a 400 that writes nothing.
/// </summary>
public abstract class HsdsTests(AppFixture app) : IAsyncDisposable
{
    private const string Street = "Calle 45 # 12-30, barrio La Candelaria";
    private const string MeetingPoint = "Punto de encuentro: parque central";

    /// <summary>
    /// The public entries this test made, made network-only again after it: the host is shared with other directory
    /// tests, whose searches (and "nothing found" checks) would otherwise find them.
    /// </summary>
    private readonly List<Guid> _publicEntries = [];

    public async ValueTask DisposeAsync()
    {
        if (_publicEntries.Count > 0)
            await app.WithDbAsync(db => db.DirectoryEntries.Where(e => _publicEntries.Contains(e.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Visibility, EntryVisibility.Network)));
        GC.SuppressFinalize(this);
    }

    private Task<T> Hsds<T>(Func<DirectoryHsds, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<DirectoryHsds>()));
    private Task<T> Directory<T>(Func<NetworkDirectory, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<NetworkDirectory>()));

    private sealed record World(Guid NetworkId, Guid Provider, Guid NeighbourOrg, Guid EntryId, Guid PublicEntryId, OrgKit.Person Admin, OrgKit.Person Staff,
        OrgKit.Person Neighbour, OrgKit.Person Elsewhere, OrgKit.Person Loner);

    /// <summary>
    /// A network with a shelter (an "all networks" entry with contacts at every level and two services) and a neighbour
    /// whose entry is public with a public and a network-level contact; another network with one member; a person in none.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var admin = await app.PersonAsync("hsdsadmin");
        var staff = await app.PersonAsync("hsdsstaff");
        var neighbour = await app.PersonAsync("hsdsneighbour");
        var elsewhere = await app.PersonAsync("hsdselsewhere");
        var loner = await app.PersonAsync("hsdsloner");
        var provider = await app.OrganizationAsync(admin, "Casa Refugio " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(provider, staff);
        var neighbourOrg = await app.OrganizationAsync(neighbour, "Abogadas " + Guid.NewGuid().ToString("N")[..6]);
        var elsewhereOrg = await app.OrganizationAsync(elsewhere);
        var networkId = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Andina " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, provider, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, neighbourOrg, null));
            var other = (await networks.CreateAsync("Red Sahel " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(other.Id, elsewhereOrg, null));
            return network.Id;
        });
        var entryId = await Directory(async d =>
        {
            var saved = await d.SaveEntryAsync(admin.Id, networkId, provider, new EntryInput("Temporary safe housing.", EntryVisibility.AllNetworks, "Signal +57 300 000 0000, ask for Marta"),
            [
                new(ContactKind.Phone, Confidentiality.Public, "+57 601 555 0100"),
                new(ContactKind.Email, Confidentiality.NetworkMembers, "casa@example.org"),
                new(ContactKind.Messaging, Confidentiality.NetworkMembers, "Signal: casa.42"),
                new(ContactKind.Website, Confidentiality.Public, "https://casa.example.org"),
                new(ContactKind.Address, Confidentiality.AfterReferral, MeetingPoint),
                new(ContactKind.Address, Confidentiality.Never, Street),
            ]);
            Assert.Equal(DirectoryWriteStatus.Done, saved.Status);
            Assert.Equal(DirectoryWriteStatus.Done, (await d.SaveServiceAsync(admin.Id, saved.Id!.Value, null,
                new ServiceInput(ServiceKind.Relocation, ["es", "en"], ["419"], Eligibility.WomenAndTrans | Eligibility.Journalists, 2, "Up to three weeks."))).Status);
            Assert.Equal(DirectoryWriteStatus.Done, (await d.SaveServiceAsync(admin.Id, saved.Id!.Value, null,
                new ServiceInput(ServiceKind.DigitalHelpLine, ["es"], [], Eligibility.None, null, ""))).Status);
            return saved.Id!.Value;
        });
        var publicEntryId = await Directory(async d =>
        {
            var saved = await d.SaveEntryAsync(neighbour.Id, networkId, neighbourOrg, new EntryInput("Lawyers for defenders.", EntryVisibility.Public, "abogadas@example.org"),
                [new(ContactKind.Phone, Confidentiality.Public, "+57 601 555 0200"), new(ContactKind.Phone, Confidentiality.NetworkMembers, "+57 601 555 0299")]);
            Assert.Equal(DirectoryWriteStatus.Done, (await d.SaveServiceAsync(neighbour.Id, saved.Id!.Value, null, new ServiceInput(ServiceKind.Legal, ["es"], [], Eligibility.None, 24, ""))).Status);
            return saved.Id!.Value;
        });
        _publicEntries.Add(publicEntryId);
        return new World(networkId, provider, neighbourOrg, entryId, publicEntryId, admin, staff, neighbour, elsewhere, loner);
    }

    private static async Task<JsonNode?> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    /// <summary>The raw text with nothing escaped ("+" stays "+"), so a value is found in it as written.</summary>
    private static string Text(JsonNode node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static JsonObject Org(JsonArray export, Guid entryId) => export.Single(o => (string)o!["id"]! == entryId.ToString())!.AsObject();

    private static string[] Codes(JsonNode node) => [.. node["attributes"]!.AsArray().Select(a => (string)a!["taxonomy_term"]!["code"]!)];

    [Fact]
    public async Task TheExport_CarriesTheServicesInHsdsFields_AndNeverAContactAfterAReferralOrNeverShown_WhoeverAsks()
    {
        var w = await WorldAsync();
        var admin = (await Hsds(h => h.ExportAsync(w.Admin.Id, w.NetworkId, false)))!;
        var shelter = Org(admin, w.EntryId);
        Assert.Equal("Temporary safe housing.", (string)shelter["description"]!);
        var relocation = shelter["services"]!.AsArray().Single(s => Codes(s!).Contains("amparo-service-kind:relocation"))!;
        Assert.Equal("active", (string)relocation["status"]!);
        Assert.Equal("Up to three weeks.", (string)relocation["description"]!);
        Assert.Equal("es en", string.Join(' ', relocation["languages"]!.AsArray().Select(l => (string)l!["code"]!)));
        Assert.Equal("419", (string)relocation["service_areas"]![0]!["extent"]!);
        Assert.Contains("Journalists", (string)relocation["eligibility_description"]!, StringComparison.Ordinal);
        Assert.Contains("amparo-eligibility:women-and-trans", Codes(relocation));
        Assert.Contains("amparo-eligibility:journalists", Codes(relocation));
        Assert.Contains("amparo-capacity:taking", Codes(relocation));
        Assert.Equal("2", (string)relocation["attributes"]!.AsArray().Single(a => (string)a!["taxonomy_term"]!["code"]! == "amparo-response-promise:hours")!["value"]!);
        // The front gate (not an e-mail nor a website) is a public phone marked as the front gate.
        var gate = shelter["phones"]!.AsArray().Single(p => Codes(p!).Contains("amparo-contact-role:front-gate"))!;
        Assert.Contains("amparo-confidentiality:public", Codes(gate));
        Assert.Contains("amparo-confidentiality:network-members", Codes(shelter["contacts"]!.AsArray().Single(c => (string?)c!["email"] == "casa@example.org")!));
        // The neighbour's front gate is an e-mail: the organization's email.
        Assert.Equal("abogadas@example.org", (string)Org(admin, w.PublicEntryId)["email"]!);

        // The raw text, for the organization's admin, its staff, a network member, someone of another network: never the two levels.
        foreach (var viewer in new[] { w.Admin, w.Staff, w.Neighbour, w.Elsewhere })
        {
            var text = Text((await Hsds(h => h.ExportAsync(viewer.Id, w.NetworkId, false)))!);
            Assert.DoesNotContain("Candelaria", text, StringComparison.Ordinal);
            Assert.DoesNotContain("parque central", text, StringComparison.Ordinal);
            Assert.DoesNotContain("after-referral", text, StringComparison.Ordinal);
            Assert.DoesNotContain("amparo-confidentiality:never", text, StringComparison.Ordinal);
            Assert.Contains("+57 601 555 0100", text, StringComparison.Ordinal);
        }
        // Another network's member finds the "all networks" entry but reads only its public contacts.
        var outside = Text((await Hsds(h => h.ExportAsync(w.Elsewhere.Id, w.NetworkId, false)))!);
        Assert.DoesNotContain("casa@example.org", outside, StringComparison.Ordinal);
        Assert.DoesNotContain("+57 601 555 0299", outside, StringComparison.Ordinal);
        Assert.Contains("casa@example.org", Text((await Hsds(h => h.ExportAsync(w.Neighbour.Id, w.NetworkId, false)))!), StringComparison.Ordinal);

        // For publishing: public entries and public contacts only, even for the admin.
        var published = (await Hsds(h => h.ExportAsync(w.Admin.Id, w.NetworkId, true)))!;
        Assert.Single(published);
        Assert.Equal(w.PublicEntryId.ToString(), (string)published[0]!["id"]!);
        Assert.DoesNotContain("+57 601 555 0299", Text(published), StringComparison.Ordinal);
        Assert.Contains("+57 601 555 0200", Text(published), StringComparison.Ordinal);

        // The API: someone in no network still finds the public entry; with none, it is 404.
        using var client = app.NewClient();
        var loner = await app.ApiTokenAsync(w.Loner);
        using (var r = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/networks/{w.NetworkId}/hsds", loner))
        {
            var text = Text((await JsonAsync(r, HttpStatusCode.OK))!);
            Assert.Contains("Lawyers for defenders.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Temporary safe housing", text, StringComparison.Ordinal);
        }
        using (var r = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/networks/{Guid.NewGuid()}/hsds", loner))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/networks/{w.NetworkId}/hsds?audience=public", await app.ApiTokenAsync(w.Admin)))
            Assert.Single((await JsonAsync(r, HttpStatusCode.OK))!.AsArray());
        using (var r = await client.SendAsync(HttpMethod.Get, $"/api/v1/directory/networks/{w.NetworkId}/hsds?audience=everyone", loner))
            Assert.NotNull((await JsonAsync(r, HttpStatusCode.BadRequest))!["errors"]!["audience"]);
    }

    [Fact]
    public async Task AnExport_ImportedIntoAnotherEntry_GivesTheSameServicesAndLevels_AndWithoutAmparosLevels_TheSaferDefaults()
    {
        var w = await WorldAsync();
        var export = (await Hsds(h => h.ExportAsync(w.Admin.Id, w.NetworkId, false)))!;
        var shelter = Org(export, w.EntryId);

        // Into the neighbour's entry, by its admin: the shelter's services and exportable contacts, at their levels.
        var result = await Hsds(h => h.ImportAsync(w.Neighbour.Id, w.NetworkId, w.NeighbourOrg, Encoding.UTF8.GetBytes(new JsonArray(shelter.DeepClone()).ToJsonString())));
        Assert.True(result.Status == DirectoryWriteStatus.Done, string.Join(", ", result.Errors?.Select(e => e.Key + "=" + e.Value) ?? []));
        Assert.Equal((2, 0), (result.Report!.ServicesAdded, result.Report.ServicesUpdated));
        var view = (await Directory(d => d.ViewAsync(w.Neighbour.Id, w.PublicEntryId)))!;
        Assert.Equal("Signal +57 300 000 0000, ask for Marta", view.Entry.FrontGate);
        Assert.Equal(EntryVisibility.Public, view.Entry.Visibility); // HSDS does not say who may find it: unchanged
        var relocation = view.Services.Single(s => s.Kind == ServiceKind.Relocation);
        Assert.Equal(("es en", "419", Eligibility.WomenAndTrans | Eligibility.Journalists, (int?)2, "Up to three weeks."),
            (relocation.Languages, relocation.Regions, relocation.Eligible, relocation.ResponseHours, relocation.Notes));
        Assert.Contains(view.Services, s => s.Kind == ServiceKind.DigitalHelpLine && s.Regions == "" && s.ResponseHours == null);
        Assert.Contains(view.Services, s => s.Kind == ServiceKind.Legal); // its own service stays
        (ContactKind, Confidentiality, string)[] expected =
        [
            (ContactKind.Phone, Confidentiality.Public, "+57 601 555 0100"),
            (ContactKind.Email, Confidentiality.NetworkMembers, "casa@example.org"),
            (ContactKind.Messaging, Confidentiality.NetworkMembers, "Signal: casa.42"),
            (ContactKind.Website, Confidentiality.Public, "https://casa.example.org"),
        ];
        Assert.Equal(expected.Order(), view.Contacts.Select(c => (c.Kind, c.Level, c.Value)).Order());

        // The same export back into the shelter's own entry: its services are changed, not doubled, and the addresses the
        // file cannot carry stay.
        var back = await Hsds(h => h.ImportAsync(w.Admin.Id, w.NetworkId, w.Provider, Encoding.UTF8.GetBytes(shelter.ToJsonString())));
        Assert.Equal((0, 2), (back.Report!.ServicesAdded, back.Report.ServicesUpdated));
        var own = (await Directory(d => d.ViewAsync(w.Admin.Id, w.EntryId)))!;
        Assert.Equal(2, own.Services.Count);
        Assert.Contains(own.Contacts, c => c.Level == Confidentiality.Never && c.Value == Street);
        Assert.Contains(own.Contacts, c => c.Level == Confidentiality.AfterReferral && c.Value == MeetingPoint);
        // Another system's listing with the same meeting point and no Amparo level: the entry keeps it "after a referral";
        // only a level the file states changes it.
        var listing = JsonNode.Parse(shelter.ToJsonString())!.AsObject();
        listing["contacts"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "Meeting", ["phones"] = new JsonArray() });
        listing["locations"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["location_type"] = "physical",
            ["addresses"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["address_1"] = MeetingPoint }),
        });
        Assert.Equal(DirectoryWriteStatus.Done, (await Hsds(h => h.ImportAsync(w.Admin.Id, w.NetworkId, w.Provider, Encoding.UTF8.GetBytes(listing.ToJsonString())))).Status);
        own = (await Directory(d => d.ViewAsync(w.Admin.Id, w.EntryId)))!;
        Assert.Equal(Confidentiality.AfterReferral, Assert.Single(own.Contacts, c => c.Value == MeetingPoint).Level);

        // Another system's HSDS, without Amparo's levels: network members for a phone and an e-mail, never for an address.
        var plain = """
            {"id":"d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610","name":"Other","description":"From another system.","email":"hello@example.org",
             "phones":[{"id":"1554f2e2-a373-45db-a3fa-9fc48a61c15e","number":"+1 555 0100"}],
             "contacts":[{"id":"1e7efce3-639b-4880-940c-b95cd30cdb50","name":"Ann","email":"ann@example.org"}],
             "locations":[{"id":"3a19ff88-4620-4d17-9830-ac1d859eb5d5","location_type":"physical","addresses":[{"id":"74706e55-df26-4b84-80fe-ecc30b5befb4",
               "address_1":"1-30 Main Street","city":"MyCity","state_province":"MyState","postal_code":"ABC 1234","country":"US","address_type":"physical"}]}],
             "services":[{"id":"ac148810-d857-441c-9679-408f346de14b","name":"Counselling","status":"active","languages":[{"id":"2989d3ed-c547-48f8-8f9d-432d81c7892e","code":"eng"}],
               "attributes":[{"id":"ae58cc39-8b70-4ab1-8aea-786882e5ac8e","taxonomy_term":{"id":"3f7b145d-84af-42d7-8fae-eaca714b02b2","code":"amparo-service-kind:psychosocial","name":"psychosocial","description":"x"}}]}]}
            """;
        var imported = await Hsds(h => h.ImportAsync(w.Neighbour.Id, w.NetworkId, w.NeighbourOrg, Encoding.UTF8.GetBytes(plain)));
        Assert.True(imported.Status == DirectoryWriteStatus.Done, string.Join(", ", imported.Errors?.Select(e => e.Key + "=" + e.Value) ?? []));
        view = (await Directory(d => d.ViewAsync(w.Neighbour.Id, w.PublicEntryId)))!;
        Assert.Equal("hello@example.org", view.Entry.FrontGate);
        Assert.Contains(view.Contacts, c => (c.Kind, c.Level, c.Value) == (ContactKind.Phone, Confidentiality.NetworkMembers, "+1 555 0100"));
        Assert.Contains(view.Contacts, c => (c.Kind, c.Level, c.Value) == (ContactKind.Email, Confidentiality.NetworkMembers, "ann@example.org"));
        Assert.Contains(view.Contacts, c => c.Kind == ContactKind.Address && c.Level == Confidentiality.Never && c.Value.StartsWith("1-30 Main Street", StringComparison.Ordinal));
        Assert.Contains(view.Services, s => s.Kind == ServiceKind.Psychosocial && s.Languages == "en");
        // And so the address is in no export.
        Assert.DoesNotContain("Main Street", Text((await Hsds(h => h.ExportAsync(w.Neighbour.Id, w.NetworkId, false)))!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImport_ByAnyoneButTheAdmins_Is404_AndBadInputIs400_AndNeitherWritesAnything()
    {
        var w = await WorldAsync();
        var shelter = Org((await Hsds(h => h.ExportAsync(w.Admin.Id, w.NetworkId, false)))!, w.EntryId).ToJsonString();
        using var client = app.NewClient();
        var url = $"/api/v1/directory/networks/{w.NetworkId}/organizations/{w.NeighbourOrg}/hsds";
        Task<string> Snapshot() => app.WithDbAsync(async db =>
            string.Join('|', await db.DirectoryServices.Where(s => s.EntryId == w.PublicEntryId).OrderBy(s => s.Id).Select(s => s.Id + ":" + s.Kind + ":" + s.Notes).ToListAsync())
            + "#" + string.Join('|', await db.DirectoryContacts.Where(c => c.EntryId == w.PublicEntryId).OrderBy(c => c.Order).Select(c => c.Id).ToListAsync())
            + "#" + await db.DirectoryEntries.Where(e => e.Id == w.PublicEntryId).Select(e => e.Description + e.FrontGate).SingleAsync());
        var before = await Snapshot();

        // Not its admin: the shelter's admin and staff, another network's member, someone in no network.
        foreach (var outsider in new[] { w.Admin, w.Staff, w.Elsewhere, w.Loner })
        {
            using var r = await client.SendAsync(HttpMethod.Post, url, await app.ApiTokenAsync(outsider), new StringContent(shelter, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        // An organization outside the network, even by its own admin.
        using (var r = await client.SendAsync(HttpMethod.Post, $"/api/v1/directory/networks/{w.NetworkId}/organizations/{Guid.NewGuid()}/hsds", await app.ApiTokenAsync(w.Elsewhere),
            new StringContent(shelter, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);

        var token = await app.ApiTokenAsync(w.Neighbour);
        var tooMany = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "x", ["services"] = new JsonArray([.. Enumerable.Range(0, DirectoryHsds.MaxServices + 1).Select(_ => (JsonNode)new JsonObject())]) };
        var noKind = JsonNode.Parse(shelter)!.AsObject();
        noKind["services"]![1]!["attributes"] = new JsonArray();
        var badLanguage = JsonNode.Parse(shelter)!.AsObject();
        badLanguage["services"]![0]!["languages"]![0]!["code"] = "xx";
        (string Label, string Body, string Field)[] bad =
        [
            ("not JSON", "{\"services\": [", "body"),
            ("a number", "42", "body"),
            ("two organizations", "[{},{}]", "body"),
            ("deep", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), "body"),
            ("services not an array", "{\"services\": 3}", "services"),
            ("a number where a string goes", "{\"description\": 3}", "description"),
            ("a lone surrogate (parses, cannot be read)", "{\"description\": \"\\udc00\"}", "description"),
            ("over 200 services", tooMany.ToJsonString(), "services"),
            ("over 1 MB", "{\"description\":\"" + new string('a', DirectoryHsds.MaxBytes) + "\"}", "body"),
            ("a service without Amparo's kind", noKind.ToJsonString(), "services[1].kind"),
            ("a language Amparo does not serve", badLanguage.ToJsonString(), "services[0].languages"),
        ];
        foreach (var (label, body, field) in bad)
        {
            using var r = await client.SendAsync(HttpMethod.Post, url, token, new StringContent(body, Encoding.UTF8, "application/json"));
            var json = await JsonAsync(r, HttpStatusCode.BadRequest);
            Assert.True(json!["errors"]![field] is not null, $"{label}: {json.ToJsonString()[..Math.Min(400, json.ToJsonString().Length)]}");
        }
        // The refused service is named by its name in the file.
        using (var r = await client.SendAsync(HttpMethod.Post, url, token, new StringContent(noKind.ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Contains((string)noKind["services"]![1]!["name"]!, (string)(await JsonAsync(r, HttpStatusCode.BadRequest))!["errors"]!["services[1].kind"]![0]!, StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot());

        // And the good file through the API: a report.
        using (var r = await client.SendAsync(HttpMethod.Post, url, token, new StringContent(shelter, Encoding.UTF8, "application/json")))
            Assert.Equal(2, (int)(await JsonAsync(r, HttpStatusCode.OK))!["servicesAdded"]!);
        Assert.NotEqual(before, await Snapshot());
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class HsdsTestsSqlite(SqliteApp app) : HsdsTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class HsdsTestsPostgres(PostgresApp app) : HsdsTests(app);
