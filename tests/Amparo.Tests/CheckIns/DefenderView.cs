using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>One thing the defender can see: where (a page, an API answer, a message, a fact a module heard) and what, normalized.</summary>
public sealed record ViewEntry(string Where, string What);

/// <summary>
/// "The defender's view": everything the owner's account reaches — home, my visits, each visit page, the page of each
/// alert those pages link to, the whereabouts board (whatever it answers them), their security plans (list, each plan
/// and its printable view), the API's visits, the data export,
/// the messages sent to the owner's own address, and the facts owner-side handlers heard about them. Ids, tokens and
/// the names of the world's people are replaced by placeholders, so two twin worlds acting at the same instants
/// compare entry by entry.
/// </summary>
public static partial class DefenderView
{
    public static async Task<List<ViewEntry>> CaptureAsync(AppFixture app, World w)
    {
        var names = await NamesAsync(app, w);
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var view = new List<ViewEntry>();
        void Add(string where, HttpStatusCode status, string text) => view.Add(new ViewEntry(Normalize(where, names, ids), $"{(int)status} {Normalize(text, names, ids)}"));

        using var client = await app.SignedInAsync(w.Owner);
        var pages = new List<string> { "/", "/visits", "/whereabouts", "/plans", "/wellbeing/marks" };
        var (listStatus, list) = await app.ApiAsync(w.Token, HttpMethod.Get, "/api/v1/visits");
        Add("GET /api/v1/visits", listStatus, list.GetRawText());
        foreach (var visit in list.EnumerateArray())
        {
            var id = visit.GetProperty("id").GetGuid();
            var (status, body) = await app.ApiAsync(w.Token, HttpMethod.Get, $"/api/v1/visits/{id}");
            Add($"GET /api/v1/visits/{id}", status, body.GetRawText());
            pages.Add($"/visits/{id}");
        }
        for (var i = 0; i < pages.Count; i++)
        {
            var (status, html) = await client.GetAsync(pages[i]);
            Add("GET " + pages[i], status, html);
            // Every alert page the owner's pages link to, in the order they appear.
            foreach (Match m in AlertLink().Matches(html))
                if (!pages.Contains(m.Value)) pages.Add(m.Value);
            // Security plans (issue 10): each plan page the list links to, and its printable view.
            foreach (Match m in PlanLink().Matches(html))
                foreach (var page in new[] { m.Value, m.Value + "/print" })
                    if (!pages.Contains(page)) pages.Add(page);
        }
        // A token's "last used" is written by a background round every 30 s: write it now in both worlds alike, or the
        // export compares one world's flushed time with the other's not yet flushed one.
        await app.Services.GetRequiredService<Amparo.Web.Features.Accounts.ApiTokenUsage>().RunOnceAsync(CancellationToken.None);
        using (var export = await client.PostFormAsync("/account/export", new Dictionary<string, string>()))
            Add("POST /account/export", export.StatusCode, await export.Content.ReadAsStringAsync());
        foreach (var mail in app.MailTo(w.Owner.Email))
            Add("mail to owner", HttpStatusCode.OK, mail.Subject + "\n" + (mail.TextBody ?? "") + "\n" + (mail.HtmlBody ?? ""));
        foreach (var fact in app.Services.GetRequiredService<FactRecorder>().Heard(Side.Owner, w.Owner.Id))
            Add("fact heard on the owner's side", HttpStatusCode.OK, fact.ToString());
        return view;
    }

    /// <summary>Asserts two views are the same, entry by entry (the message says which page differs).</summary>
    public static void AssertSame(List<ViewEntry> normal, List<ViewEntry> duress)
    {
        Assert.Equal(normal.Select(e => e.Where), duress.Select(e => e.Where));
        for (var i = 0; i < normal.Count; i++)
            Assert.True(normal[i].What == duress[i].What, $"The defender's view differs at {normal[i].Where}:\n{Difference(normal[i].What, duress[i].What)}");
    }

    /// <summary>The lines around the first difference, from both sides.</summary>
    private static string Difference(string a, string b)
    {
        var x = a.Split('\n');
        var y = b.Split('\n');
        var first = 0;
        while (first < x.Length && first < y.Length && x[first] == y[first]) first++;
        string Around(string[] lines) => string.Join('\n', lines.Skip(Math.Max(0, first - 4)).Take(12));
        return $"--- normal, from line {first - 3}\n{Around(x)}\n--- duress\n{Around(y)}";
    }

    private static async Task<List<(string Value, string Placeholder)>> NamesAsync(AppFixture app, World w)
    {
        var orgNames = await app.WithDbAsync(db => db.Organizations.Where(o => db.Memberships.Any(m => m.OrganizationId == o.Id
            && (m.UserId == w.Owner.Id || m.UserId == w.Coordinator.Id || m.UserId == w.OrgAdmin.Id))).OrderBy(o => o.Id == w.OrgId ? 0 : 1).Select(o => o.Name).ToListAsync());
        var networkName = await app.WithDbAsync(db => db.Networks.Where(n => n.Id == w.NetworkId).Select(n => n.Name).SingleAsync());
        var list = new List<(string, string)>
        {
            (w.Owner.Name(), "OWNER"), (w.Owner.Email, "owner@mail"), (w.Focal.Name(), "FOCAL"), (w.Focal.Email, "focal@mail"),
            (w.OrgAdmin.Name(), "ORGADMIN"), (w.OrgAdmin.Email, "orgadmin@mail"), (w.Coordinator.Name(), "COORD"), (w.Coordinator.Email, "coord@mail"),
            (w.ContactEmail, "contact@mail"), (networkName, "NETWORK"),
        };
        list.AddRange(orgNames.Select((n, i) => (n, "ORG" + i)));
        return list.OrderByDescending(p => p.Item1.Length).ToList();
    }

    private static string Normalize(string text, List<(string Value, string Placeholder)> names, Dictionary<string, string> ids)
    {
        foreach (var (value, placeholder) in names)
        {
            text = text.Replace(value, placeholder, StringComparison.Ordinal);
            text = text.Replace(WebUtility.HtmlEncode(value), placeholder, StringComparison.Ordinal);
        }
        text = Antiforgery().Replace(text, "FORM-TOKEN");
        text = SameInstantRowsSorted(text);
        text = LinkToken().Replace(text, m => m.Groups[1].Value + "LINK-TOKEN");
        // The same id gets the same placeholder throughout one capture: structure is compared, not the random values.
        return Id().Replace(text, m =>
        {
            var key = m.Value.Replace("-", "", StringComparison.Ordinal);
            if (!ids.TryGetValue(key, out var placeholder)) ids[key] = placeholder = "ID" + (ids.Count + 1);
            return placeholder;
        });
    }

    /// <summary>
    /// Timeline rows of the same instant and the same event ("message delivered · email") in name order: the
    /// dispatcher sends in parallel, so their order varies from run to run for everyone alike — it tells nothing.
    /// </summary>
    private static string SameInstantRowsSorted(string html)
    {
        var rows = TimelineRow().Matches(html).ToList();
        if (rows.Count < 2) return html;
        var result = new System.Text.StringBuilder();
        var last = 0;
        for (var i = 0; i < rows.Count;)
        {
            var j = i + 1;
            while (j < rows.Count && rows[j].Index == rows[j - 1].Index + rows[j - 1].Length + Gap(html, rows[j - 1], rows[j])
                   && rows[j].Groups["when"].Value == rows[i].Groups["when"].Value && rows[j].Groups["what"].Value == rows[i].Groups["what"].Value) j++;
            var group = rows.Skip(i).Take(j - i).ToList();
            result.Append(html, last, group[0].Index - last);
            var between = j - i > 1 ? html.Substring(group[0].Index + group[0].Length, group[1].Index - group[0].Index - group[0].Length) : "";
            result.Append(string.Join(between, group.Select(r => r.Value).Order(StringComparer.Ordinal)));
            last = group[^1].Index + group[^1].Length;
            i = j;
        }
        result.Append(html, last, html.Length - last);
        return result.ToString();
    }

    private static int Gap(string html, Match previous, Match next)
    {
        var gap = next.Index - previous.Index - previous.Length;
        return string.IsNullOrWhiteSpace(html.Substring(previous.Index + previous.Length, gap)) ? gap : -1;
    }

    [GeneratedRegex(@"<tr>\s*<td>(?<when>[^<]*)</td>\s*<td>(?<what>[^<]*)</td>\s*<td>[^<]*</td>\s*</tr>")]
    private static partial Regex TimelineRow();

    [GeneratedRegex(@"/alerts/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex AlertLink();

    [GeneratedRegex(@"/plans/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?=[""#])")]
    private static partial Regex PlanLink();

    [GeneratedRegex(@"CfDJ8[A-Za-z0-9_\-]+")]
    private static partial Regex Antiforgery();

    [GeneratedRegex(@"(/[vrc]/)[A-Za-z0-9_\-]{54}")]
    private static partial Regex LinkToken();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")]
    private static partial Regex Id();
}

/// <summary>Every fact the dispatcher handed to a side, as the recording handlers heard it.</summary>
public sealed class FactRecorder
{
    private readonly ConcurrentQueue<(Side Side, Fact Fact)> _heard = new();

    public void Add(Side side, Fact fact) => _heard.Enqueue((side, fact));

    public List<Fact> Heard(Side side, Guid ownerId) => _heard.Where(h => h.Side == side && h.Fact.OwnerId == ownerId).Select(h => h.Fact).ToList();
}

public sealed class OwnerSideRecorder(FactRecorder recorder) : IFactHandler
{
    public Side Side => Side.Owner;

    public Task HandleAsync(Fact fact, CancellationToken ct)
    {
        recorder.Add(Side, fact);
        return Task.CompletedTask;
    }
}

public sealed class ResponderSideRecorder(FactRecorder recorder) : IFactHandler
{
    public Side Side => Side.Responders;

    public Task HandleAsync(Fact fact, CancellationToken ct)
    {
        recorder.Add(Side, fact);
        return Task.CompletedTask;
    }
}

public sealed class DurableFactRecorder
{
    public FactRecorder Heard { get; } = new();
}

public sealed class OwnerSideDurableRecorder(DurableFactRecorder recorder) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    public Task HandleAsync(Fact fact, CancellationToken ct)
    {
        recorder.Heard.Add(Side, fact);
        return Task.CompletedTask;
    }
}

public sealed class ResponderSideDurableRecorder(DurableFactRecorder recorder) : IDurableFactHandler
{
    public Side Side => Side.Responders;

    public Task HandleAsync(Fact fact, CancellationToken ct)
    {
        recorder.Heard.Add(Side, fact);
        return Task.CompletedTask;
    }
}

/// <summary>The check-in test app plus a recording handler on each side of the fact seam, immediate and durable.</summary>
public abstract class DuressAppBase : AppFixture, ICheckInApp
{
    protected DuressAppBase() => Extras = new CheckInExtras(this);
    public CheckInExtras Extras { get; }

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        Extras.Configure(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<FactRecorder>();
            services.AddScoped<IFactHandler, OwnerSideRecorder>();
            services.AddScoped<IFactHandler, ResponderSideRecorder>();
            // The same recorders on the durable path, delivered when the test runs the fact worker.
            services.AddSingleton<DurableFactRecorder>();
            services.AddScoped<IDurableFactHandler, OwnerSideDurableRecorder>();
            services.AddScoped<IDurableFactHandler, ResponderSideDurableRecorder>();
        });
        builder.UseSetting("Events:RunWorker", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Extras.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class DuressSqliteApp : DuressAppBase
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
}

public sealed class DuressPostgresApp : DuressAppBase
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
}
