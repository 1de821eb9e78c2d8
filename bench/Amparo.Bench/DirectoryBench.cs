using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Security;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// The network directory (issue 16): the search page over 10,000 services of 1,000 organizations' entries in one
/// network, as a member of the network sees it — no filter (the first page of 20, those taking cases first), filtered by
/// need, language, region and group, and a page deep in the list — p95 of sequential warm requests over loopback,
/// beside the same page for a member of a network whose directory is empty (the page, the sign-in and the query's
/// shape without the rows). The app runs as a child process on SQLite.
/// </summary>
internal static class DirectoryBench
{
    private const string Passphrase = "bench passphrase for the directory";
    private const string Email = "searcher@bench.invalid", EmptyEmail = "alone@bench.invalid";

    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var services = options.Int("services", 10_000);
        var organizations = Math.Max(1, services / 10);
        var dataDir = ChildApp.NewDataDirectory("amparo-directory-");
        try
        {
            await using (var host = CommandHost.Create([$"--Amparo:DataDirectory={dataDir}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"]))
            {
                await host.MigrateAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
                var accounts = host.Get<AccountService>();
                var searcher = (await accounts.CreateAsync(Email, "Searcher", Passphrase, serverAdmin: false)).User!;
                var alone = (await accounts.CreateAsync(EmptyEmail, "Alone", Passphrase, serverAdmin: false)).User!;
                var orgs = host.Get<OrganizationService>();
                var networks = host.Get<NetworkService>();
                var network = (await networks.CreateAsync("Bench Network", null))!;
                var emptyNetwork = (await networks.CreateAsync("Empty Network", null))!;
                var home = (await orgs.CreateAsync("Searcher's collective", OrganizationKind.CivilSociety, null))!;
                await orgs.AddMemberAsync(home.Id, searcher.Id, OrgRole.Member, null);
                await networks.AddOrganizationAsync(network.Id, home.Id, null);
                var lonely = (await orgs.CreateAsync("Alone's collective", OrganizationKind.CivilSociety, null))!;
                await orgs.AddMemberAsync(lonely.Id, alone.Id, OrgRole.Member, null);
                await networks.AddOrganizationAsync(emptyNetwork.Id, lonely.Id, null);
                await SeedAsync(host, orgs, networks, network.Id, organizations, services);
                Console.WriteLine($"directory: seeded {services:N0} services of {organizations:N0} entries in one network, none in the other");
            }

            await using var smtp = new TestSmtpServer { KeepMessages = false };
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            async Task<HttpClient> SignedInAsync(string email)
            {
                var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
                var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                await PlansBench.SignInAsync(http, email, Passphrase);
                return http;
            }
            using var member = await SignedInAsync(Email);
            using var lonelyMember = await SignedInAsync(EmptyEmail);
            // The member's search must list the seeded services (and the peer's nothing): a bench of an empty page measures nothing.
            var listed = System.Text.RegularExpressions.Regex.Count(await member.GetStringAsync("directory"), "<h3><a href=\"/directory/");
            var listedAlone = System.Text.RegularExpressions.Regex.Count(await lonelyMember.GetStringAsync("directory"), "<h3><a href=\"/directory/");
            if (listed != SearchResult.PageSize || listedAlone != 0) throw new InvalidOperationException($"the searches list {listed} and {listedAlone} services");
            const string filtered = "directory?need=Legal&language=es&region=419&group=Journalists";
            var deepPage = services / 2 / SearchResult.PageSize;
            var all = await PlansBench.PageAsync(member, "directory", requests);
            var allEmpty = await PlansBench.PageAsync(lonelyMember, "directory", requests);
            var need = await PlansBench.PageAsync(member, filtered, requests);
            var needEmpty = await PlansBench.PageAsync(lonelyMember, filtered, requests);
            var deep = await PlansBench.PageAsync(member, $"directory?page={deepPage}", requests);
            var figures = new List<BenchRow>
            {
                Row($"search, no filter, {services:N0} services, first 20, p95", all.P95, 100, "ms", allEmpty.P95, "empty directory"),
                Row($"search, no filter, {services:N0} services, first 20, p50", all.P50, null, "ms", allEmpty.P50, "empty directory"),
                Row("search by need, language, region and group, p95", need.P95, 100, "ms", needEmpty.P95, "empty directory"),
                Row($"search, no filter, page {deepPage:N0}, p95", deep.P95, 100, "ms", allEmpty.P95, "empty directory"),
                Row("search page weight, 20 services", all.Bytes / 1024.0, 60, "KB", allEmpty.Bytes / 1024.0, "empty directory"),
            };
            Print($"Directory search over loopback (SQLite, {requests} sequential warm requests), {Environment.ProcessorCount} cores", figures);
            await WriteAsync("directory", new { requests, services, organizations }, figures);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>
    /// Organizations joined to the network through the services (as an operator would), then entries (for this network
    /// only: the peer, in another network, must find none) and services straight into the tables.
    /// </summary>
    private static async Task SeedAsync(CommandHost host, OrganizationService orgs, NetworkService networks, Guid networkId, int organizations, int services)
    {
        var db = host.Db;
        string[] languages = ["es", "en", "fr", "ar", "ru"];
        string[] regions = ["", "419", "202", "145", "035", "034", "419 005"];
        var kinds = Enum.GetValues<ServiceKind>();
        var groups = NetworkDirectory.Groups;
        var random = new Random(16);
        var now = DateTime.UtcNow;
        var entries = new List<Guid>();
        for (var i = 0; i < organizations; i++)
        {
            var org = (await orgs.CreateAsync($"Provider {i:D4}", OrganizationKind.Practitioner, null))!;
            await networks.AddOrganizationAsync(networkId, org.Id, null);
            var entry = new DirectoryEntry
            {
                Id = Guid.NewGuid(), NetworkId = networkId, OrganizationId = org.Id, Description = "Help for defenders at risk.",
                Visibility = EntryVisibility.Network, FrontGate = $"Signal: provider-{i}", UpdatedAt = now,
            };
            db.DirectoryEntries.Add(entry);
            entries.Add(entry.Id);
        }
        await db.SaveChangesAsync();
        for (var i = 0; i < services; i++)
        {
            var capacity = (Capacity)(1 + random.Next(3));
            db.DirectoryServices.Add(new DirectoryService
            {
                Id = Guid.NewGuid(), EntryId = entries[i % entries.Count], Kind = kinds[random.Next(kinds.Length)],
                Languages = string.Join(' ', languages.Where(_ => random.Next(3) == 0).DefaultIfEmpty("es")),
                Regions = regions[random.Next(regions.Length)], Eligible = random.Next(3) == 0 ? groups[random.Next(groups.Count)] : Eligibility.None,
                ResponseHours = random.Next(2) == 0 ? 24 : null, Capacity = capacity,
                FullUntil = capacity == Capacity.FullUntil ? DateOnly.FromDateTime(now).AddDays(random.Next(-10, 60)) : null,
                CapacityConfirmedAt = now.AddDays(-random.Next(30)),
            });
            if (i % 5000 == 4999)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }
}
