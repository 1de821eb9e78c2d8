using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Wellbeing;

/// <summary>
/// Self-checks end to end on both databases: taken through the page (incomplete: nothing saved, the empty items named) and
/// the API (bad answers: 400 naming the item), kept encrypted and bound to their row, shown with bands and the trend
/// chart with the person's own marks, deleted; nobody else — a member, a focal point, an organization's admin, a server
/// admin — reaches one through pages or API; reminders at the person's rhythm naming no well-being, never SMS; the
/// person's export and account deletion.
/// </summary>
public abstract class SelfCheckTests(AppFixture app)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static Dictionary<string, string> Answers(Func<SelfCheckItem, Frequency> answer) =>
        SelfCheckInstrument.Items.ToDictionary(i => i.Id, i => SelfCheckInstrument.FrequencyName(answer(i)), StringComparer.Ordinal);

    /// <summary>High burnout and stress, low satisfaction: every plain item "very often" on B and T, "never" on S.</summary>
    private static Dictionary<string, string> HeavyMonth() => Answers(i => (i.Scale, i.Reversed) switch
    {
        (WellbeingScale.Satisfaction, false) => Frequency.Never,
        (WellbeingScale.Satisfaction, true) => Frequency.VeryOften,
        (_, false) => Frequency.VeryOften,
        (_, true) => Frequency.Never,
    });

    private Task<int> ChecksOfAsync(Guid userId) => app.WithDbAsync(db => db.WellbeingSelfChecks.CountAsync(c => c.UserId == userId));

    private static async Task<Guid> TakeByPageAsync(TestClient client, Dictionary<string, string> answers)
    {
        var response = await client.PostFormAsync("/wellbeing/check", answers);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var path = OrgKit.PathOf(response.Headers.Location!);
        Assert.StartsWith("/wellbeing/checks/", path, StringComparison.Ordinal);
        return Guid.Parse(path["/wellbeing/checks/".Length..]);
    }

    [Fact]
    public async Task APerson_TakesAndKeepsSelfChecks_ThroughPagesAndApi_EncryptedAndBoundToTheRow()
    {
        var me = await app.PersonAsync("wbself");
        using var client = await app.SignedInAsync(me);

        var (homeStatus, home) = await client.GetAsync("/wellbeing");
        Assert.Equal(HttpStatusCode.OK, homeStatus);
        Assert.Contains("href=\"/wellbeing/check\"", home, StringComparison.Ordinal);
        using (var raw = await client.Http.GetAsync(new Uri("/wellbeing/check", UriKind.Relative)))
        {
            Assert.Equal("no-store", raw.Headers.CacheControl?.ToString());
            var form = await raw.Content.ReadAsStringAsync();
            Assert.Equal(SelfCheckInstrument.Items.Count, CountOf(form, "<fieldset class=\"wb-item"));
            Assert.Equal(SelfCheckInstrument.Items.Count * 5, CountOf(form, "type=\"radio\""));
        }

        // Incomplete: nothing saved; each empty item named beside itself and in the summary; given answers kept.
        var partial = HeavyMonth();
        partial.Remove("B3");
        partial.Remove("W2");
        partial["T1"] = "always";
        var refused = await client.PostFormAsync("/wellbeing/check", partial);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var again = await refused.Content.ReadAsStringAsync();
        Assert.Equal(0, await ChecksOfAsync(me.Id));
        foreach (var id in new[] { "B3", "W2", "T1" })
        {
            Assert.Contains($"id=\"{id}-error\"", again, StringComparison.Ordinal);
            Assert.Contains($"href=\"#{id}-never\"", again, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("id=\"S1-error\"", again, StringComparison.Ordinal);
        Assert.Contains("id=\"S1-never\" name=\"S1\" value=\"never\" checked", again, StringComparison.Ordinal);

        // Whole: saved, shown with bands in words, what helps, support, and "not a diagnosis".
        var id1 = await TakeByPageAsync(client, HeavyMonth());
        var (status, result) = await client.GetAsync($"/wellbeing/checks/{id1}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("not a diagnosis", result, StringComparison.Ordinal);
        // A way to care in the network's directory, by the person's own click (the link only searches).
        Assert.Contains("href=\"/directory?need=Psychosocial\" id=\"find-care-link\"", result, StringComparison.Ordinal);
        Assert.Contains("id=\"band-Burnout\"", result, StringComparison.Ordinal);
        Assert.Contains("wb-band-high", result, StringComparison.Ordinal);
        Assert.Contains("wb-band-low", result, StringComparison.Ordinal);
        Assert.Contains("Where to find support", result, StringComparison.Ordinal);

        // At rest: both fields encrypted with the person's key, bound to their own row (moved to another row they do not open).
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            var row = await db.WellbeingSelfChecks.AsNoTracking().SingleAsync(c => c.Id == id1);
            Assert.Equal(SelfCheckBands.Encode(new Dictionary<WellbeingScale, WellbeingBand>
            {
                [WellbeingScale.Satisfaction] = WellbeingBand.Low, [WellbeingScale.Burnout] = WellbeingBand.High, [WellbeingScale.SecondaryStress] = WellbeingBand.High,
            }), await cipher.DecryptAsync(db, me.User.DataKeyId, row.BandsCipher, SelfCheck.Table, nameof(SelfCheck.BandsCipher), row.Id));
            Assert.StartsWith("1:", await cipher.DecryptAsync(db, me.User.DataKeyId, row.AnswersCipher, SelfCheck.Table, nameof(SelfCheck.AnswersCipher), row.Id), StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, me.User.DataKeyId, row.AnswersCipher, SelfCheck.Table, nameof(SelfCheck.AnswersCipher), Guid.NewGuid()));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, me.User.DataKeyId, row.AnswersCipher, SelfCheck.Table, nameof(SelfCheck.BandsCipher), row.Id));
            return true;
        });

        // The API: the same check listed and read; bad answers are 400 with each item named, and nothing saved.
        var token = await app.TokenAsync(me);
        var (bad, problem) = await app.ApiAsync(token, HttpMethod.Post, "/api/v1/wellbeing/checks", new { answers = new Dictionary<string, string> { ["S1"] = "often", ["S2"] = "loud", ["Z9"] = "never" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        var named = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Contains("answers.S2", named);
        Assert.Contains("answers.Z9", named);
        Assert.Contains("answers.W3", named);
        Assert.DoesNotContain("answers.S1", named);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.ApiAsync(token, HttpMethod.Post, "/api/v1/wellbeing/checks", new { })).Status);
        Assert.Equal(1, await ChecksOfAsync(me.Id));

        app.Clock.Advance(TimeSpan.FromDays(20));
        using var later = await app.SignedInAsync(me); // the first sign-in's session has lapsed meanwhile
        var (made, created) = await app.ApiAsync(token, HttpMethod.Post, "/api/v1/wellbeing/checks", new { answers = Answers(_ => Frequency.Sometimes) });
        Assert.Equal(HttpStatusCode.Created, made);
        var id2 = created.GetProperty("id").GetGuid();
        Assert.Equal("moderate", created.GetProperty("bands").GetProperty("burnout").GetString());
        var (_, list) = await app.ApiAsync(token, HttpMethod.Get, "/api/v1/wellbeing/checks");
        Assert.Equal([id2, id1], list.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        var (_, one) = await app.ApiAsync(token, HttpMethod.Get, $"/api/v1/wellbeing/checks/{id1}");
        Assert.Equal(("high", 32, "veryOften", "veryOften"), (one.GetProperty("bands").GetProperty("secondaryStress").GetString(), one.GetProperty("scores").GetProperty("burnout").GetInt32(),
            one.GetProperty("answers").GetProperty("B1").GetString(), one.GetProperty("beside").GetProperty("W1").GetString()));
        var (_, instrument) = await app.ApiAsync(token, HttpMethod.Get, "/api/v1/wellbeing/instrument");
        Assert.Equal(SelfCheckInstrument.Items.Count, instrument.GetProperty("items").GetArrayLength());

        // The trend: the chart and its table with both checks, and the person's own marked date, never another's.
        var other = await app.PersonAsync("wbother");
        var today = DateOnly.FromDateTime(app.Now());
        await app.WithDbAsync(async db =>
        {
            db.WellbeingMarks.Add(new WellbeingMark { Id = Guid.NewGuid(), UserId = me.Id, Kind = WellbeingMarkKind.HardWeek, On = today.AddDays(-10), Until = today.AddDays(-4), CreatedAt = app.Now() });
            db.WellbeingMarks.Add(new WellbeingMark { Id = Guid.NewGuid(), UserId = other.Id, Kind = WellbeingMarkKind.Incident, On = today.AddDays(-3), CreatedAt = app.Now() });
            return await db.SaveChangesAsync();
        });
        var (trendStatus, trend) = await later.GetAsync("/wellbeing/trend");
        Assert.Equal(HttpStatusCode.OK, trendStatus);
        Assert.Contains("<svg viewBox=", trend, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(trend, "<polyline class=\"wb-line"));
        Assert.Equal(2, CountOf(trend, $"href=\"/wellbeing/checks/"));
        Assert.Contains("A hard week", trend, StringComparison.Ordinal);
        Assert.DoesNotContain("An incident", trend, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(trend, "class=\"wb-mark\""));

        // The home page shows the last result; delete through the page, then the API.
        (_, home) = await later.GetAsync("/wellbeing");
        Assert.Contains($"/wellbeing/checks/{id2}", home, StringComparison.Ordinal);
        var deleted = await later.PostFormAsync($"/wellbeing/checks/{id1}", new Dictionary<string, string>(), $"/wellbeing/checks/{id1}?handler=Delete");
        Assert.Equal("/wellbeing?done=deleted", OrgKit.PathOf(deleted.Headers.Location!));
        Assert.Equal(HttpStatusCode.NotFound, (await later.GetAsync($"/wellbeing/checks/{id1}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.ApiAsync(token, HttpMethod.Delete, $"/api/v1/wellbeing/checks/{id2}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync(token, HttpMethod.Delete, $"/api/v1/wellbeing/checks/{id2}")).Status);
        Assert.Equal(0, await ChecksOfAsync(me.Id));
    }

    [Fact]
    public async Task NobodyElse_ReachesASelfCheck_NotAMember_FocalPoint_OrgAdmin_OrServerAdmin_ThroughPagesOrApi()
    {
        var owner = await app.PersonAsync("wbowner");
        var admin = await app.PersonAsync("wborgadmin");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, owner);
        var focal = await app.PersonAsync("wbfocal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var member = await app.PersonAsync("wbmember");
        await app.AddMemberAsync(org, member);
        var serverAdmin = await app.PersonAsync("wbserveradmin", serverAdmin: true);

        using var ownerClient = await app.SignedInAsync(owner);
        var id = await TakeByPageAsync(ownerClient, HeavyMonth());

        foreach (var other in new[] { member, focal, admin, serverAdmin })
        {
            using var client = await app.SignedInAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/wellbeing/checks/{id}")).Status);
            var delete = await client.PostFormAsync("/wellbeing", new Dictionary<string, string>(), $"/wellbeing/checks/{id}?handler=Delete");
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            var (_, trend) = await client.GetAsync("/wellbeing/trend");
            Assert.DoesNotContain(id.ToString(), trend, StringComparison.Ordinal);
            var (_, home) = await client.GetAsync("/wellbeing");
            Assert.DoesNotContain(id.ToString(), home, StringComparison.Ordinal);

            var token = await app.TokenAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync(token, HttpMethod.Get, $"/api/v1/wellbeing/checks/{id}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync(token, HttpMethod.Delete, $"/api/v1/wellbeing/checks/{id}")).Status);
            var (_, list) = await app.ApiAsync(token, HttpMethod.Get, "/api/v1/wellbeing/checks");
            Assert.Equal(0, list.GetArrayLength());
        }
        // Without a sign-in: the page asks for one, the API refuses.
        using var anonymous = app.NewClient();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/wellbeing/checks/{id}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ApiAsync("not-a-token", HttpMethod.Get, $"/api/v1/wellbeing/checks/{id}")).Status);
        Assert.Equal(1, await ChecksOfAsync(owner.Id));
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync($"/wellbeing/checks/{id}")).Status);
    }

    [Fact]
    public async Task Reminders_ComeAtThePersonsRhythm_ByEmailNamingNoWellbeing_OnceEach_NeverBySms_OrOnlyOnTheHomePage()
    {
        var worker = app.Services.GetRequiredService<SelfCheckReminderWorker>();
        var mailed = await app.PersonAsync("wbmailed");
        var quiet = await app.PersonAsync("wbquiet");
        using var mailedClient = await app.SignedInAsync(mailed);
        using var quietClient = await app.SignedInAsync(quiet);

        // The default: monthly, only inside Amparo. The home page says nothing until a month has passed.
        var (_, page) = await quietClient.GetAsync("/wellbeing/reminders");
        Assert.Contains("id=\"rhythm-monthly\" name=\"Rhythm\" value=\"monthly\" checked", page, StringComparison.Ordinal);
        Assert.Contains("id=\"channel-app\" name=\"Channel\" value=\"app\" checked", page, StringComparison.Ordinal);
        Assert.DoesNotContain("SMS\" ", page, StringComparison.Ordinal);
        Assert.DoesNotContain("self-check-due", (await quietClient.GetAsync("/")).Html, StringComparison.Ordinal);

        // Bad choices are refused beside the field; nothing saved.
        var refused = await mailedClient.PostFormAsync("/wellbeing/reminders", new Dictionary<string, string> { ["Rhythm"] = "daily", ["Channel"] = "sms" });
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"Rhythm-error\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"Channel-error\"", refusedHtml, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.WellbeingReminders.AnyAsync(r => r.UserId == mailed.Id)));
        var saved = await mailedClient.PostFormAsync("/wellbeing/reminders", new Dictionary<string, string> { ["Rhythm"] = "twoWeeks", ["Channel"] = "email" });
        Assert.Equal("/wellbeing/reminders?saved=true", OrgKit.PathOf(saved.Headers.Location!));
        var token = await app.TokenAsync(mailed);
        var (_, choice) = await app.ApiAsync(token, HttpMethod.Get, "/api/v1/wellbeing/reminders");
        Assert.Equal(("twoWeeks", true), (choice.GetProperty("rhythm").GetString(), choice.GetProperty("byEmail").GetBoolean()));
        var (bad, problem) = await app.ApiAsync(token, HttpMethod.Put, "/api/v1/wellbeing/reminders", new { rhythm = "hourly" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["byEmail", "rhythm"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        // Two weeks on: one e-mail, with a subject and text that name nothing, to the home page; a second round sends nothing.
        app.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        await worker.RunOnceAsync(CancellationToken.None);
        await worker.RunOnceAsync(CancellationToken.None);
        await app.RunWorkersAsync();
        var mail = await app.Smtp.WaitForMessageToAsync(mailed.Email);
        Assert.Equal("Amparo: something is waiting for you", mail.Subject);
        Assert.Contains("http://localhost/", mail.TextBody, StringComparison.Ordinal);
        foreach (var word in new[] { "well", "self-check", "burnout", "stress", "wellbeing" })
            Assert.DoesNotContain(word, (mail.Subject + mail.TextBody).ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Single(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == mailed.Email));
        var channels = await app.WithDbAsync(db => db.Outbox.Where(m => m.SourceKind == NotificationSourceKind.Account && m.SourceId == mailed.Id).Select(m => m.Channel).ToListAsync());
        Assert.Equal([ChannelKind.Email], channels);

        // A self-check taken moves the next reminder a whole rhythm on.
        var taken = await app.ApiAsync(token, HttpMethod.Post, "/api/v1/wellbeing/checks", new { answers = Answers(_ => Frequency.Rarely) });
        Assert.Equal(HttpStatusCode.Created, taken.Status);
        var next = await app.WithDbAsync(db => db.WellbeingReminders.Where(r => r.UserId == mailed.Id).Select(r => r.NextEmailAt).SingleAsync());
        Assert.Equal(app.Now().AddDays(14), next!.Value, TimeSpan.FromSeconds(1));

        // Only inside Amparo: after a month the home page has the line, and no e-mail ever goes.
        app.Clock.Advance(TimeSpan.FromDays(17));
        await worker.RunOnceAsync(CancellationToken.None);
        await app.RunWorkersAsync();
        // (a month later the first sign-in has expired: sign in again)
        using var quietLater = await app.SignedInAsync(quiet);
        Assert.Contains("id=\"self-check-due\"", (await quietLater.GetAsync("/")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == quiet.Email));
        Assert.Equal(2, app.Smtp.Messages.Count(m => m.To.Mailboxes.Any(b => b.Address == mailed.Email)));
    }

    [Fact]
    public async Task TheExport_HoldsTheSelfChecksAndMarks_Decrypted_AndDeletingTheAccountRemovesThem()
    {
        var me = await app.PersonAsync("wbexport");
        var token = await app.TokenAsync(me);
        var (made, created) = await app.ApiAsync(token, HttpMethod.Post, "/api/v1/wellbeing/checks", new { answers = HeavyMonth() });
        Assert.Equal(HttpStatusCode.Created, made);
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var mark = new WellbeingMark { Id = Guid.NewGuid(), UserId = me.Id, Kind = WellbeingMarkKind.Incident, On = DateOnly.FromDateTime(app.Now()), CreatedAt = app.Now() };
            mark.NoteCipher = await sp.GetRequiredService<FieldCipher>().EncryptAsync(db, me.User.DataKeyId, "after the raid", WellbeingMark.Table, nameof(WellbeingMark.NoteCipher), mark.Id);
            db.WellbeingMarks.Add(mark);
            db.WellbeingReminders.Add(new SelfCheckReminder { UserId = me.Id, Rhythm = ReminderRhythm.Quarterly, UpdatedAt = app.Now() });
            return await db.SaveChangesAsync();
        });

        var export = await app.WithServicesAsync(async sp =>
        {
            var part = sp.GetServices<IPersonalData>().OfType<WellbeingPersonalData>().Single();
            var user = await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().Users.SingleAsync(u => u.Id == me.Id);
            return JsonSerializer.SerializeToElement(await part.ExportAsync(user, CancellationToken.None), Web);
        });
        var check = export.GetProperty("selfChecks")[0];
        Assert.Equal(created.GetProperty("id").GetGuid(), check.GetProperty("id").GetGuid());
        Assert.Equal(("veryOften", "high", 32), (check.GetProperty("answers").GetProperty("T1").GetString(), check.GetProperty("bands").GetProperty("burnout").GetString(), check.GetProperty("scores").GetProperty("secondaryStress").GetInt32()));
        Assert.Equal("after the raid", export.GetProperty("marks")[0].GetProperty("note").GetString());
        Assert.Equal("quarterly", export.GetProperty("reminders").GetProperty("rhythm").GetString());

        using var client = await app.SignedInAsync(me);
        var deleted = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal((0, 0, 0), await app.WithDbAsync(async db => (
            await db.WellbeingSelfChecks.CountAsync(c => c.UserId == me.Id), await db.WellbeingMarks.CountAsync(m => m.UserId == me.Id), await db.WellbeingReminders.CountAsync(r => r.UserId == me.Id))));
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

[Collection(nameof(SharedHosts.WellbeingOnSqlite))]
public sealed class SelfCheckTestsSqlite(SqliteApp app) : SelfCheckTests(app);
[Collection(nameof(SharedHosts.WellbeingOnPostgres))]
public sealed class SelfCheckTestsPostgres(PostgresApp app) : SelfCheckTests(app);
