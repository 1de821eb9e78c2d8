using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Security;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Dialogues (issue 17): a live thread with 2,000 posts (four in five at the top, one in five a reply) by 200
/// pseudonyms, as a participant reads it — its first page (50 posts with their replies), a page in the middle and its
/// last — p95 of sequential warm requests over loopback, beside the same page of an empty thread of the same dialogue
/// (the page, the sign-in, the access rule and the queries' shape without the rows). The app runs as a child process on
/// SQLite; every post is encrypted, as in use.
/// </summary>
internal static class DialoguesBench
{
    private const string Passphrase = "bench passphrase for the dialogues";
    private const string Email = "reader@bench.invalid";

    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var posts = options.Int("posts", 2000);
        var dataDir = ChildApp.NewDataDirectory("amparo-dialogues-");
        Guid thread, emptyThread;
        try
        {
            await using (var host = CommandHost.Create([$"--Amparo:DataDirectory={dataDir}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"]))
            {
                await host.MigrateAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
                (thread, emptyThread) = await SeedAsync(host, posts);
                Console.WriteLine($"dialogues: seeded {posts:N0} posts in one thread, none in the other");
            }

            await using var smtp = new TestSmtpServer { KeepMessages = false };
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            using var reader = new HttpClient(handler, disposeHandler: true) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await PlansBench.SignInAsync(reader, Email, Passphrase);
            // The page must show the seeded posts (and the peer none): a bench of an empty page measures nothing.
            var shown = System.Text.RegularExpressions.Regex.Count(await reader.GetStringAsync($"dialogues/threads/{thread}"), "<article class=\"post");
            var shownEmpty = System.Text.RegularExpressions.Regex.Count(await reader.GetStringAsync($"dialogues/threads/{emptyThread}"), "<article class=\"post");
            if (shown < Dialogues.PageSize || shownEmpty != 0) throw new InvalidOperationException($"the thread pages show {shown} and {shownEmpty} posts");
            var pages = (posts * 4 / 5 + Dialogues.PageSize - 1) / Dialogues.PageSize;
            var first = await PlansBench.PageAsync(reader, $"dialogues/threads/{thread}", requests);
            var middle = await PlansBench.PageAsync(reader, $"dialogues/threads/{thread}?page={pages / 2}", requests);
            var last = await PlansBench.PageAsync(reader, $"dialogues/threads/{thread}?page={pages}", requests);
            var empty = await PlansBench.PageAsync(reader, $"dialogues/threads/{emptyThread}", requests);
            var figures = new List<BenchRow>
            {
                Row($"thread of {posts:N0} posts, first page, p95", first.P95, 100, "ms", empty.P95, "empty thread"),
                Row($"thread of {posts:N0} posts, first page, p50", first.P50, null, "ms", empty.P50, "empty thread"),
                Row($"thread of {posts:N0} posts, page {pages / 2} of {pages}, p95", middle.P95, 100, "ms", empty.P95, "empty thread"),
                Row($"thread of {posts:N0} posts, last page, p95", last.P95, 100, "ms", empty.P95, "empty thread"),
                Row($"thread page weight, {shown} posts", first.Bytes / 1024.0, 60, "KB", empty.Bytes / 1024.0, "empty thread"),
            };
            Print($"Dialogue thread page over loopback (SQLite, {requests} sequential warm requests), {Environment.ProcessorCount} cores", figures);
            await WriteAsync("dialogues", new { requests, posts }, figures);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>
    /// A network with the reader's organization, a live dialogue (opened straight in its table: the stages are the
    /// tests' part) with two threads, the reader joined under a pseudonym, 199 other pseudonyms and the posts.
    /// </summary>
    private static async Task<(Guid Thread, Guid Empty)> SeedAsync(CommandHost host, int count)
    {
        var accounts = host.Get<AccountService>();
        var readerUser = (await accounts.CreateAsync(Email, "Reader", Passphrase, serverAdmin: false)).User!;
        var coordinator = (await accounts.CreateAsync("coordinator@bench.invalid", "Coordinator", Passphrase, serverAdmin: false)).User!;
        var orgs = host.Get<OrganizationService>();
        var networks = host.Get<NetworkService>();
        var org = (await orgs.CreateAsync("Reader's collective", OrganizationKind.CivilSociety, null))!;
        await orgs.AddMemberAsync(org.Id, readerUser.Id, OrgRole.Member, null);
        await orgs.AddMemberAsync(org.Id, coordinator.Id, OrgRole.OrgAdmin, null);
        var network = (await networks.CreateAsync("Bench Network", null))!;
        await networks.AddOrganizationAsync(network.Id, org.Id, null);
        await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null);
        var dialogues = host.Get<Dialogues>();
        var now = DateTime.UtcNow;
        var id = (await dialogues.CreateAsync(coordinator.Id, network.Id, new DialogueInput("Bench dialogue", "Measure a long thread.", ["en"], now.AddHours(-1),
            now.AddDays(7), "UTC", false, []))).Id!.Value;
        var thread = (await dialogues.AddThreadAsync(coordinator.Id, id, new ThreadInput("A long thread", "What works?", "", null, null, false))).Id!.Value;
        var empty = (await dialogues.AddThreadAsync(coordinator.Id, id, new ThreadInput("An empty thread", "And what does not?", "", now.AddHours(-1), null, false))).Id!.Value;
        var db = host.Db;
        var dialogue = await db.Dialogues.FindAsync(id);
        dialogue!.Stage = DialogueStage.Open;
        await db.SaveChangesAsync();
        if ((await dialogues.JoinAsync(readerUser.Id, id, new JoinInput("Reading Heron", null, 0, false))).Status != DialogueWriteStatus.Done)
            throw new InvalidOperationException("the reader could not join");

        var cipher = host.Get<FieldCipher>();
        var authors = new List<Guid>();
        for (var i = 0; i < 199; i++)
        {
            var p = new DialogueParticipant
            {
                Id = Guid.NewGuid(), DialogueId = id, Pseudonym = $"Pseudonym {i:D3}", PseudonymKey = DialogueParticipant.KeyOf($"Pseudonym {i:D3}"), Role = i < 10 ? DialogueRole.Leader : DialogueRole.Participant,
                PostsPromised = i < 10 ? 3 : 0, OwnerTag = RandomBytes(), JoinedAt = now.AddHours(-1),
            };
            db.DialogueParticipants.Add(p);
            authors.Add(p.Id);
        }
        await db.SaveChangesAsync();
        var random = new Random(17);
        var tops = new List<Guid>();
        const string words = "We change our route every week and tell a trusted colleague when we arrive. It helps to write the plan down, and to rest. ";
        for (var i = 0; i < count; i++)
        {
            var isReply = i % 5 == 4 && tops.Count > 0;
            var post = new DialoguePost
            {
                Id = Guid.NewGuid(), DialogueId = id, ThreadId = thread, AuthorId = authors[random.Next(authors.Count)],
                ParentId = isReply ? tops[random.Next(tops.Count)] : null, State = PostState.Shown, CreatedAt = now.AddMinutes(-50).AddMilliseconds(i * 100),
            };
            post.ShownAt = post.CreatedAt;
            post.TextCipher = (await cipher.EncryptAsync(db, dialogue.KeyId, words[..(40 + random.Next(words.Length - 40))] + $"(post {i})", DialoguePost.Table, "Text", post.Id))!;
            if (!isReply) tops.Add(post.Id);
            db.DialoguePosts.Add(post);
            if (i % 500 == 499)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return (thread, empty);
    }

    private static byte[] RandomBytes() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
}
