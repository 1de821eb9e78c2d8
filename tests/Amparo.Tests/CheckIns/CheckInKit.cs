using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// A defender with everyone the ladder can reach: a trusted contact who agreed through the consent link, a focal
/// point and an admin of their organization, a coordinator of their network. <see cref="Token"/> is the owner's API token.
/// </summary>
public sealed record World(Person Owner, string Token, string ContactEmail, Guid ContactId, Person Focal, Person OrgAdmin, Person Coordinator, Guid OrgId, Guid NetworkId);

public static partial class CheckInKit
{
    public const string Pin = "2468", DuressPin = "1357";
    public const string AlertSubject = "Amparo alert";
    /// <summary>Setting PINs in a test's setup: as if the person had typed their passphrase with the change.</summary>
    public static readonly PinChangeProof ByPassphrase = new(null, PassphraseChecked: true, FreshSession: false);

    public static CheckInExtras Extras(this AppFixture app) => ((ICheckInApp)app).Extras;

    public static async Task<World> WorldAsync(this AppFixture app, bool orgRule = true, bool networkRule = true)
    {
        var admin = await app.PersonAsync("orgadmin");
        var owner = await app.PersonAsync("owner");
        var focal = await app.PersonAsync("focal");
        var coordinator = await app.PersonAsync("coord");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, owner);
        await app.AddMemberAsync(orgId, focal, OrgRole.FocalPoint);
        var otherOrg = await app.OrganizationAsync(coordinator);
        var networkId = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = await networks.CreateAsync("Net " + Guid.NewGuid().ToString("N")[..6], null);
            Assert.True(await networks.AddOrganizationAsync(network!.Id, orgId, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, otherOrg, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            return network.Id;
        });
        await app.SharingAsync(owner, orgRule, networkRule);
        await app.SetPinsAsync(owner);
        var contactEmail = TestData.Email("contact");
        var contactId = await app.ConfirmedContactAsync(owner, "Kim Contact", (ChannelKind.Email, contactEmail));
        return new World(owner, await app.TokenAsync(owner), contactEmail, contactId, focal, admin, coordinator, orgId, networkId);
    }

    public static Task SharingAsync(this AppFixture app, Person owner, bool orgRule, bool networkRule) =>
        app.WithServicesAsync(async sp =>
        {
            var set = new HashSet<(DataCategory, Audience)>();
            if (orgRule) set.Add((DataCategory.VisitsAndAlerts, Audience.OrgFocalPoints));
            if (networkRule) set.Add((DataCategory.VisitsAndAlerts, Audience.NetworkCoordinators));
            return await sp.GetRequiredService<SharingSettings>().SaveAsync(owner.Id, set);
        });

    public static Task SetPinsAsync(this AppFixture app, Person person, string pin = Pin, string? duress = DuressPin) =>
        app.WithServicesAsync(async sp =>
        {
            var errors = await sp.GetRequiredService<CheckInService>().SetPinsAsync(person.Id, pin, duress, ByPassphrase);
            Assert.Empty(errors);
            return true;
        });

    public static async Task<string> TokenAsync(this AppFixture app, Person person)
    {
        using var client = app.NewClient();
        using var response = await client.PostJsonAsync("/api/v1/auth/token", new { email = person.Email, password = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AccountsApi.TokenResponse>())!.AccessToken;
    }

    /// <summary>Adds a contact; they receive the request by e-mail (when they have an address) and agree through its link.</summary>
    public static Task<Guid> ConfirmedContactAsync(this AppFixture app, Person owner, string name, params (ChannelKind Kind, string Address)[] channels) =>
        app.ConfirmedContactInAsync(owner, name, "en", channels);

    /// <summary>A trusted contact who reads <paramref name="language"/>, confirmed by their link.</summary>
    public static async Task<Guid> ConfirmedContactInAsync(this AppFixture app, Person owner, string name, string language, params (ChannelKind Kind, string Address)[] channels)
    {
        var id = await app.WithServicesAsync(async sp =>
        {
            var (contactId, errors) = await sp.GetRequiredService<ContactService>().AddAsync(owner.Id, new ContactInput(name, language, channels.Select(c => (c.Kind, (string?)c.Address)).ToList()));
            Assert.Empty(errors);
            return contactId!.Value;
        });
        string token;
        if (channels.FirstOrDefault(c => c.Kind == ChannelKind.Email) is { Address: not null } mail)
        {
            await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
            var invitation = await app.Smtp.WaitForMessageToAsync(mail.Address);
            token = ConsentLink().Match(invitation.TextBody ?? "").Groups[1].Value;
        }
        else token = await app.ConsentTokenAsync(id);
        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<ContactService>().ConfirmByLinkAsync(token)));
        return id;
    }

    public static Task<string> ConsentTokenAsync(this AppFixture app, Guid contactId) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<CheckInSecrets>().LinkTokenAsync(sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>(), LinkPurposes.Consent, contactId));

    [GeneratedRegex(@"http://localhost/c/([A-Za-z0-9_\-]+)")]
    public static partial Regex ConsentLink();

    // ---- API ----

    public static async Task<(HttpStatusCode Status, JsonElement Body)> ApiAsync(this AppFixture app, string token, HttpMethod method, string url, object? body = null)
    {
        using var client = app.NewClient();
        using var content = body is null ? null : JsonContent.Create(body);
        using var response = await client.SendAsync(method, url, token, content);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true;
        return (response.StatusCode, text.Length == 0 || !json ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(this AppFixture app, string token, string url, object? body = null) =>
        app.ApiAsync(token, HttpMethod.Post, url, body ?? new { });

    /// <summary>Plans a visit through the API due <paramref name="dueIn"/> from now; returns its id.</summary>
    public static async Task<Guid> PlanAsync(this AppFixture app, string token, TimeSpan dueIn, object? extra = null)
    {
        var due = app.Now() + dueIn;
        var body = new Dictionary<string, object?> { ["place"] = "Barrio Norte", ["dueAt"] = new DateTimeOffset(due, TimeSpan.Zero) };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var (status, visit) = await app.PostAsync(token, "/api/v1/visits", body);
        Assert.Equal(HttpStatusCode.Created, status);
        return visit.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> VisitAsync(this AppFixture app, string token, Guid visitId)
    {
        var (status, visit) = await app.ApiAsync(token, HttpMethod.Get, $"/api/v1/visits/{visitId}");
        Assert.Equal(HttpStatusCode.OK, status);
        return visit;
    }

    public static async Task<string> StateAsync(this AppFixture app, string token, Guid visitId) =>
        (await app.VisitAsync(token, visitId)).GetProperty("state").GetString()!;

    public static Task<Alert?> AlertOfVisitAsync(this AppFixture app, Guid visitId) =>
        app.WithDbAsync(db => db.Alerts.AsNoTracking().Where(a => a.VisitId == visitId).OrderBy(a => a.CreatedAt).FirstOrDefaultAsync());

    // ---- time ----

    /// <summary>The app's UTC now (the FakeTimeProvider plus any backward shift).</summary>
    public static DateTime Now(this AppFixture app) => app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;

    /// <summary>Moves time on and runs the engine and the dispatcher once, as their loops would.</summary>
    public static async Task StepAsync(this AppFixture app, TimeSpan by)
    {
        app.Clock.Advance(by);
        await app.RunWorkersAsync();
    }

    /// <summary>Moves time to <paramref name="utc"/> (app time) and runs the workers.</summary>
    public static async Task StepToAsync(this AppFixture app, DateTime utc)
    {
        var by = utc - app.Now();
        Assert.True(by >= TimeSpan.Zero, $"cannot move back to {utc:O}");
        await app.StepAsync(by);
    }

    // ---- mail ----

    public static List<MimeMessage> MailTo(this AppFixture app, string address) =>
        app.Smtp.Messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>An alert e-mail (English): its subject says what happened and about whom, then "(Amparo alert)".</summary>
    public static bool IsAlert(MimeMessage m) => (m.Subject ?? "").EndsWith("(" + AlertSubject + ")", StringComparison.Ordinal);

    /// <summary>Alert e-mails to <paramref name="address"/>, in any language (subject and body).</summary>
    public static List<MimeMessage> AlertMailsTo(this AppFixture app, string address) =>
        app.MailTo(address).Where(m => m.Subject is { } s && s.Contains(" — ", StringComparison.Ordinal) && s.EndsWith(')')).ToList();

    /// <summary>Alert messages (everything sent to responders) to <paramref name="address"/>, optionally only those about <paramref name="ownerName"/>.</summary>
    public static List<string> AlertsTo(this AppFixture app, string address, string? ownerName = null) =>
        app.MailTo(address).Where(IsAlert).Select(m => (m.TextBody ?? "").Trim())
            .Where(t => ownerName is null || t.Contains(ownerName, StringComparison.Ordinal)).ToList();

    public static string Name(this Person person) => person.User.DisplayName;
}
