using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

/// <summary>A post as the viewer reads it: <see cref="Text"/> null when they may not read its words (waiting, hidden from others, removed).</summary>
public sealed record PostView(Guid Id, Guid AuthorId, string Author, DialogueRole AuthorRole, Guid? ParentId, string? Text, PostState State, HideReason? Hidden,
    bool Redacted, DateTime CreatedAt, QuoteView? Quote, ResourceLink? Resource, bool Mine, int OpenReports)
{
    public List<PostView> Replies { get; } = [];
}

public sealed record QuoteView(Guid PostId, string Author, string Text);

public sealed record ResourceLink(Guid Id, string Title, string? Url, bool IsFile);

public sealed record ThreadPage(DialogueAccess Access, DialogueThread Thread, List<PostView> Posts, int Page, int Pages, int Total, List<ResourceLink> Resources);

public sealed record ParticipantLine(Guid Id, string Pseudonym, DialogueRole Role, int Posts);

/// <summary>A leader on one live day: their promise and how many posts they wrote that day (in the dialogue's zone).</summary>
public sealed record LeaderDay(Guid Id, string Pseudonym, int Promised, int Posted);

public sealed record ModerationItem(PostView Post, Guid ThreadId, string ThreadTitle, IReadOnlyList<ReportReason> Reports);

/// <summary>The reads of a dialogue's pages, API and exports, each through <see cref="DialogueAccess"/>.</summary>
public sealed class DialogueViews(AmparoDbContext db, Dialogues dialogues, FieldCipher cipher)
{
    public async Task<List<DialogueThread>> ThreadsAsync(DialogueAccess access, CancellationToken ct = default) =>
        [.. (await db.DialogueThreads.AsNoTracking().Where(t => t.DialogueId == access.Dialogue.Id).OrderBy(t => t.Position).ToListAsync(ct)).Where(access.SeesThread)];

    /// <summary>
    /// One page of a thread: up to 20 posts at its top, oldest first, each with its replies.
    /// In preparation (or <paramref name="preparation"/>), the comments on the draft thread instead.
    /// </summary>
    public async Task<ThreadPage?> ThreadAsync(Guid threadId, Guid? userId, int page, bool preparation, CancellationToken ct = default)
    {
        var thread = await db.DialogueThreads.AsNoTracking().SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await dialogues.AccessAsync(thread.DialogueId, userId, ct) is not { } access || !access.SeesThread(thread)) return null;
        preparation = access.Phase == DialoguePhase.Preparation || (preparation && access.Prepares);
        var listed = db.DialoguePosts.AsNoTracking().Where(p => p.ThreadId == threadId && p.Preparation == preparation);
        if (!access.IsMember) listed = listed.Where(p => p.State == PostState.Shown);
        var top = listed.Where(p => p.ParentId == null);
        var total = await top.CountAsync(ct);
        var pages = Math.Max(1, (total + Dialogues.PageSize - 1) / Dialogues.PageSize);
        page = Math.Clamp(page, 1, pages);
        var heads = await top.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Skip((page - 1) * Dialogues.PageSize).Take(Dialogues.PageSize).ToListAsync(ct);
        var headIds = heads.Select(h => h.Id).ToList();
        var replies = await listed.Where(p => p.ParentId != null && headIds.Contains(p.ParentId.Value)).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(ct);
        var all = heads.Concat(replies).ToList();
        var quoteIds = all.Where(p => p.QuoteId is not null).Select(p => p.QuoteId!.Value).Distinct().ToList();
        var quoted = await db.DialoguePosts.AsNoTracking().Where(p => quoteIds.Contains(p.Id)).ToListAsync(ct);
        var resources = await db.DialogueResources.AsNoTracking().Where(r => r.DialogueId == access.Dialogue.Id)
            .OrderBy(r => r.CreatedAt).Select(r => new { r.Id, r.Title, r.Url, IsFile = r.FileCipher != null, r.Curated }).ToListAsync(ct);
        var links = resources.Where(r => access.IsMember || r.Curated).ToDictionary(r => r.Id, r => new ResourceLink(r.Id, r.Title, r.Url, r.IsFile));
        var reports = access.IsModerator
            ? await db.DialogueReports.Where(r => r.DialogueId == access.Dialogue.Id && r.ResolvedAt == null && headIds.Contains(r.PostId)).GroupBy(r => r.PostId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct)
            : [];
        var authors = await AuthorsAsync(access.Dialogue.Id, all.Concat(quoted).Select(p => p.AuthorId), ct);

        var views = new Dictionary<Guid, PostView>();
        foreach (var p in all)
            views[p.Id] = await ViewAsync(access, p, authors, quoted, links, reports.GetValueOrDefault(p.Id), ct);
        var result = heads.Select(h => views[h.Id]).ToList();
        foreach (var r in replies) views[r.ParentId!.Value].Replies.Add(views[r.Id]);
        return new ThreadPage(access, thread, result, page, pages, total, [.. links.Values]);
    }

    public async Task<List<ParticipantLine>> ParticipantsAsync(DialogueAccess access, CancellationToken ct = default)
    {
        var counts = await db.DialoguePosts.Where(p => p.DialogueId == access.Dialogue.Id && p.State == PostState.Shown && !p.Preparation)
            .GroupBy(p => p.AuthorId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. (await db.DialogueParticipants.AsNoTracking().Where(p => p.DialogueId == access.Dialogue.Id).ToListAsync(ct))
            .OrderBy(p => p.Role == DialogueRole.Participant).ThenBy(p => p.Pseudonym, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new ParticipantLine(p.Id, p.Pseudonym, p.Role, counts.GetValueOrDefault(p.Id)))];
    }

    /// <summary>A pseudonym's page: its name, role and the posts the viewer may read — nothing of the person behind it.</summary>
    public async Task<(DialogueParticipant Participant, List<(DialogueThread Thread, PostView Post)> Posts)?> ProfileAsync(DialogueAccess access, Guid participantId,
        CancellationToken ct = default)
    {
        var participant = await db.DialogueParticipants.AsNoTracking().SingleOrDefaultAsync(p => p.Id == participantId && p.DialogueId == access.Dialogue.Id, ct);
        if (participant is null || !access.IsMember) return null;
        var threads = (await ThreadsAsync(access, ct)).ToDictionary(t => t.Id);
        var posts = await db.DialoguePosts.AsNoTracking()
            .Where(p => p.AuthorId == participantId && !p.Preparation && p.State == PostState.Shown).OrderByDescending(p => p.CreatedAt).Take(100).ToListAsync(ct);
        var authors = new Dictionary<Guid, DialogueParticipant> { [participant.Id] = participant };
        var list = new List<(DialogueThread, PostView)>();
        foreach (var p in posts.Where(p => threads.ContainsKey(p.ThreadId)))
            list.Add((threads[p.ThreadId], await ViewAsync(access, p, authors, [], [], 0, ct)));
        return (participant, list);
    }

    /// <summary>The coordinator's daily page: each leader's promise and their posts on that day (the dialogue's zone).</summary>
    public async Task<List<LeaderDay>> LeadersOnAsync(DialogueAccess access, DateOnly day, CancellationToken ct = default)
    {
        if (!access.Coordinator) return [];
        var zone = TimeZoneInfo.FindSystemTimeZoneById(LocalTimes.ZoneName(access.Dialogue.TimeZone));
        var from = StartOfDayUtc(day, zone);
        var to = StartOfDayUtc(day.AddDays(1), zone);
        var leaders = await db.DialogueParticipants.AsNoTracking().Where(p => p.DialogueId == access.Dialogue.Id && p.Role == DialogueRole.Leader).ToListAsync(ct);
        var ids = leaders.Select(l => l.Id).ToList();
        var counts = await db.DialoguePosts
            .Where(p => p.DialogueId == access.Dialogue.Id && !p.Preparation && ids.Contains(p.AuthorId) && p.CreatedAt >= from && p.CreatedAt < to && p.State != PostState.Removed)
            .GroupBy(p => p.AuthorId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. leaders.Select(l => new LeaderDay(l.Id, l.Pseudonym, l.PostsPromised, counts.GetValueOrDefault(l.Id)))
            .OrderBy(l => l.Posted >= l.Promised).ThenBy(l => l.Pseudonym, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>When a local day starts, in UTC: its midnight, or — where clocks jump forward at midnight (Santiago, Beirut, Cairo) — the first time that exists.</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        for (var i = 0; i < 8 && zone.IsInvalidTime(local); i++) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>The live days of a dialogue, in its zone.</summary>
    public static List<DateOnly> Days(Dialogue d)
    {
        var zone = LocalTimes.ZoneName(d.TimeZone);
        var first = DateOnly.FromDateTime(LocalTimes.ToLocal(d.StartsAt, zone));
        var last = DateOnly.FromDateTime(LocalTimes.ToLocal(d.EndsAt.AddTicks(-1), zone));
        var days = new List<DateOnly>();
        for (var day = first; day <= last && days.Count < 40; day = day.AddDays(1)) days.Add(day);
        return days;
    }

    /// <summary>What waits for the moderators: posts not yet let through, and posts reported and not yet looked at.</summary>
    public async Task<List<ModerationItem>> ModerationAsync(DialogueAccess access, CancellationToken ct = default)
    {
        if (!access.IsModerator) return [];
        var id = access.Dialogue.Id;
        var reported = db.DialogueReports.Where(r => r.DialogueId == id && r.ResolvedAt == null).Select(r => r.PostId);
        var posts = await db.DialoguePosts.AsNoTracking().Where(p => p.DialogueId == id && (p.State == PostState.Pending || reported.Contains(p.Id)))
            .OrderBy(p => p.CreatedAt).Take(200).ToListAsync(ct);
        var postIds = posts.Select(p => p.Id).ToList();
        var reasons = (await db.DialogueReports.AsNoTracking().Where(r => postIds.Contains(r.PostId) && r.ResolvedAt == null).ToListAsync(ct))
            .GroupBy(r => r.PostId).ToDictionary(g => g.Key, g => (IReadOnlyList<ReportReason>)[.. g.Select(r => r.Reason)]);
        var threads = await db.DialogueThreads.AsNoTracking().Where(t => t.DialogueId == id).ToDictionaryAsync(t => t.Id, ct);
        var authors = await AuthorsAsync(id, posts.Select(p => p.AuthorId), ct);
        var items = new List<ModerationItem>();
        foreach (var p in posts)
        {
            var view = await ViewAsync(access, p, authors, [], [], reasons.GetValueOrDefault(p.Id)?.Count ?? 0, ct);
            items.Add(new ModerationItem(view, p.ThreadId, threads[p.ThreadId].Title, reasons.GetValueOrDefault(p.Id) ?? []));
        }
        return items;
    }

    /// <summary>One post as the viewer reads it, with its thread (the report page); null when they may not read its words.</summary>
    public async Task<(DialogueAccess Access, ModerationItem Item)?> PostAsync(Guid postId, Guid? userId, CancellationToken ct = default)
    {
        var p = await db.DialoguePosts.AsNoTracking().SingleOrDefaultAsync(x => x.Id == postId, ct);
        if (p is null || await dialogues.ThreadAccessAsync(p.ThreadId, userId, ct) is not { } access || !access.ReadsPost(p)) return null;
        if (p.Preparation && !access.Prepares) return null; // a comment on the draft is for those who prepared it
        var title = await db.DialogueThreads.Where(t => t.Id == p.ThreadId).Select(t => t.Title).SingleAsync(ct);
        var authors = await AuthorsAsync(access.Dialogue.Id, [p.AuthorId], ct);
        return (access, new ModerationItem(await ViewAsync(access, p, authors, [], [], 0, ct), p.ThreadId, title, []));
    }

    /// <summary>One post a moderator opens from a thread: to let it through, take details out of it, hide it or show it again.</summary>
    public async Task<ModerationItem?> ModerationPostAsync(DialogueAccess access, Guid postId, CancellationToken ct = default)
    {
        if (!access.IsModerator) return null;
        var p = await db.DialoguePosts.AsNoTracking()
            .SingleOrDefaultAsync(x => x.Id == postId && x.DialogueId == access.Dialogue.Id && x.State != PostState.Removed, ct);
        if (p is null) return null;
        var title = await db.DialogueThreads.Where(t => t.Id == p.ThreadId).Select(t => t.Title).SingleAsync(ct);
        var authors = await AuthorsAsync(access.Dialogue.Id, [p.AuthorId], ct);
        return new ModerationItem(await ViewAsync(access, p, authors, [], [], 0, ct), p.ThreadId, title, []);
    }

    /// <summary>One post found by a search: its thread, its author's pseudonym, and the words around what was asked.</summary>
    public sealed record Found(Guid PostId, Guid ThreadId, string ThreadTitle, string Author, DateTime CreatedAt, string Excerpt);

    /// <summary>
    /// The posts of a dialogue that hold <paramref name="query"/> in their words or their author's pseudonym, among those
    /// the viewer reads (shown posts of the threads they see), newest first. The words are encrypted, so this reads the
    /// dialogue's posts and looks in memory: a dialogue holds thousands, not millions. Nothing but pseudonyms is searched
    /// or shown.
    /// </summary>
    public async Task<List<Found>> SearchAsync(DialogueAccess access, string query, int max = 50, CancellationToken ct = default)
    {
        query = query.Trim();
        if (query.Length < 2 || !access.IsMember) return [];
        var threads = (await ThreadsAsync(access, ct)).ToDictionary(t => t.Id);
        var ids = threads.Keys.ToList();
        var authors = await db.DialogueParticipants.AsNoTracking().Where(p => p.DialogueId == access.Dialogue.Id).ToDictionaryAsync(p => p.Id, p => p.Pseudonym, ct);
        var posts = await db.DialoguePosts.AsNoTracking()
            .Where(p => p.DialogueId == access.Dialogue.Id && ids.Contains(p.ThreadId) && !p.Preparation && p.State == PostState.Shown)
            .OrderByDescending(p => p.CreatedAt).Take(20_000).ToListAsync(ct);
        var found = new List<Found>();
        foreach (var p in posts)
        {
            var text = await TextAsync(access, p, ct) ?? "";
            var author = authors.GetValueOrDefault(p.AuthorId, "");
            var at = text.IndexOf(query, StringComparison.CurrentCultureIgnoreCase);
            if (at < 0 && !author.Contains(query, StringComparison.CurrentCultureIgnoreCase)) continue;
            var start = Math.Max(0, at - 80);
            var excerpt = text.Length <= 200 ? text
                : string.Concat(start > 0 ? "…" : "", text.AsSpan(start, Math.Min(200, text.Length - start)), start + 200 < text.Length ? "…" : "");
            found.Add(new Found(p.Id, p.ThreadId, threads[p.ThreadId].Title, author, p.CreatedAt, excerpt));
            if (found.Count == max) break;
        }
        return found;
    }

    /// <summary>The resources the viewer reads: members all (curated first), the public the curated ones after the dialogue closed.</summary>
    public async Task<List<DialogueResource>> ResourcesAsync(DialogueAccess access, CancellationToken ct = default) =>
        [.. (await db.DialogueResources.AsNoTracking().Where(r => r.DialogueId == access.Dialogue.Id).OrderByDescending(r => r.Curated).ThenBy(r => r.CreatedAt).ToListAsync(ct))
            .Where(r => Dialogues.ReadsResource(access, r))];

    public async Task<string?> TextAsync(DialogueAccess access, DialoguePost post, CancellationToken ct = default) =>
        await cipher.DecryptAsync(db, access.Dialogue.KeyId, post.TextCipher, DialoguePost.Table, "Text", post.Id, ct);

    private async Task<Dictionary<Guid, DialogueParticipant>> AuthorsAsync(Guid dialogueId, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return await db.DialogueParticipants.AsNoTracking().Where(p => p.DialogueId == dialogueId && wanted.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
    }

    private async Task<PostView> ViewAsync(DialogueAccess access, DialoguePost p, Dictionary<Guid, DialogueParticipant> authors, List<DialoguePost> quoted,
        Dictionary<Guid, ResourceLink> links, int reports, CancellationToken ct)
    {
        var author = authors.GetValueOrDefault(p.AuthorId);
        var text = access.ReadsPost(p) ? await TextAsync(access, p, ct) : null;
        QuoteView? quote = null;
        if (p.QuoteId is { } q && quoted.FirstOrDefault(x => x.Id == q) is { State: PostState.Shown } source)
        {
            var quotedText = await TextAsync(access, source, ct) ?? "";
            quote = new QuoteView(source.Id, authors.GetValueOrDefault(source.AuthorId)?.Pseudonym ?? "", quotedText.Length > 300 ? quotedText[..300] + "…" : quotedText);
        }
        var resource = p.ResourceId is { } r ? links.GetValueOrDefault(r) : null;
        return new PostView(p.Id, p.AuthorId, author?.Pseudonym ?? "", author?.Role ?? DialogueRole.Participant, p.ParentId, text, p.State, p.Hidden, p.Redacted,
            p.CreatedAt, quote, resource, access.Me?.Id == p.AuthorId, reports);
    }
}
