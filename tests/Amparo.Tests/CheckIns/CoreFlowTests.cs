using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>The life-safety path end to end over the API: plan, miss the deadline, the ladder, acknowledge, late check-in.</summary>
public abstract class CoreFlowTests(AppFixture app)
{
    private async Task<string> TokenAsync(OrgKit.Person person)
    {
        using var client = app.NewClient();
        var response = await client.PostJsonAsync("/api/v1/auth/token", new { email = person.Email, password = TestData.Passphrase });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    [Fact]
    public async Task MissedDeadline_ReachesContact_ThenFocalPoint_AndLateCheckIn_SendsAllClear()
    {
        var owner = await app.PersonAsync("owner");
        var focal = await app.PersonAsync("focal");
        var org = await app.OrganizationAsync(focal);
        await app.AddMemberAsync(org, owner);
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var contactEmail = TestData.Email("contact");
        await app.WithServicesAsync(async sp =>
        {
            var contacts = sp.GetRequiredService<ContactService>();
            var (id, errors) = await contacts.AddAsync(owner.Id, new ContactInput("Rosa", "es", [(ChannelKind.Email, contactEmail)]));
            Assert.Empty(errors);
            var secrets = sp.GetRequiredService<CheckInSecrets>();
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            Assert.True(await contacts.ConfirmByLinkAsync(await secrets.LinkTokenAsync(db, LinkPurposes.Consent, id!.Value)));
            Assert.Empty(await sp.GetRequiredService<CheckInService>().SetPinsAsync(owner.Id, "2468", "1357", CheckInKit.ByPassphrase));
            return true;
        });
        await app.RunWorkersAsync();
        await app.Smtp.WaitForMessageToAsync(contactEmail); // the consent request

        var token = await TokenAsync(owner);
        using var client = app.NewClient();
        var due = app.Clock.GetUtcNow().AddMinutes(30);
        var created = await client.PostJsonAsync("/api/v1/visits", new { place = "Casa de la vecina", purpose = "testimony", dueAt = due }, token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var visit = await created.Content.ReadFromJsonAsync<JsonElement>();
        var visitId = visit.GetProperty("id").GetString();
        Assert.Equal("active", visit.GetProperty("state").GetString());

        app.Clock.Advance(TimeSpan.FromMinutes(21));
        await app.RunWorkersAsync();
        var reminder = await app.Smtp.WaitForMessageToAsync(owner.Email);
        Assert.Contains("/v/", reminder.TextBody, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(18)); // 1 minute before dueAt + grace
        await app.RunWorkersAsync();
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains(contactEmail, StringComparison.Ordinal) && (m.TextBody ?? "").Contains("/r/", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.RunWorkersAsync();
        var alertMail = await app.Smtp.WaitForMessageToAsync(contactEmail, "/r/");
        Assert.DoesNotContain("Casa de la vecina", alertMail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains(focal.Email, StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        await app.RunWorkersAsync();
        await app.Smtp.WaitForMessageToAsync(focal.Email);

        var late = await client.PostJsonAsync($"/api/v1/visits/{visitId}/check-ins", new { pin = "2468" }, token);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var after = await late.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", after.GetProperty("state").GetString());
        Assert.Equal("checked-in-late", after.GetProperty("outcome").GetString());
        await app.RunWorkersAsync();
        // The all-clear, in the contact's language (Spanish falls back to English until translated).
        var clear = await app.Smtp.WaitForMessageToAsync(contactEmail, "owner");
        Assert.Equal(3, app.Smtp.Messages.Count(m => m.To.Mailboxes.Any(b => b.Address == contactEmail)));
        Assert.NotNull(clear);
    }
}

[Collection(nameof(SharedHosts.CheckInsOnSqlite))]
public sealed class CoreFlowTestsSqlite(SqliteApp app) : CoreFlowTests(app);
[Collection(nameof(SharedHosts.CheckInsOnPostgres))]
public sealed class CoreFlowTestsPostgres(PostgresApp app) : CoreFlowTests(app);
