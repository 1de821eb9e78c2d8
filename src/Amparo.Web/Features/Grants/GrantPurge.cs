using System.Globalization;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// Keeps grantee data to the minimum (issue 15): a request that has ended — closed, declined or withdrawn — is purged
/// its program's <see cref="GrantProgram.PurgeAfterMonths"/> later. Its data key is destroyed and recorded in the
/// destroyed-key ledger, so what was encrypted with it (the answers, files, comments, reviews, the report) is unreadable
/// in every backup too, and a restore of an older backup purges it again (<see cref="GrantPurgeRestored"/>). What stays in
/// the clear is the skeleton the portfolio counts: program, state, dates, tracking reference and what the program keeps
/// (<see cref="KeptFacts"/>: the amount approved, the coarse region, the kinds of cost). Who asked goes too.
/// The applicant's side is told <see cref="NoticeDays"/> days before, with the day; a request is never purged sooner
/// than that after the notice, even when its program shortens its months.
/// </summary>
public sealed class GrantPurge(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<GrantPurge> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "grant-purge";
    public const int NoticeDays = 30;
    private const int Batch = 100;

    public override string Name => WorkerName;
    // Months and days: an hour late is fine.
    protected override TimeSpan MaxSleep => TimeSpan.FromHours(1);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);


    /// <summary>When a request that ended at <paramref name="endedAt"/> is purged: its program's months later, and never before <see cref="NoticeDays"/> after the notice.</summary>
    public static DateTime PurgeAt(DateTime endedAt, int months, DateTime? noticeAt)
    {
        var due = endedAt.AddMonths(months);
        return noticeAt is { } told && told.AddDays(NoticeDays) > due ? told.AddDays(NoticeDays) : due;
    }

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var programs = await db.GrantPrograms.AsNoTracking().Select(p => new { p.Id, p.OrganizationId, p.PurgeAfterMonths, p.RestrictedYears }).ToListAsync(ct);
        var (told, purged) = (0, 0);
        foreach (var program in programs)
        {
            // A program's months make one cut-off per round, so that each query is a plain comparison on an index.
            var noticeFrom = now.AddDays(NoticeDays).AddMonths(-program.PurgeAfterMonths);
            var toTell = await db.GrantRequests.AsNoTracking()
                .Where(r => r.ProgramId == program.Id && r.EndedAt != null && r.EndedAt <= noticeFrom && r.PurgedAt == null && r.PurgeNoticeAt == null)
                .Select(r => r.Id).Take(Batch).ToListAsync(ct);
            foreach (var id in toTell)
                if (await TellAsync(db, services, id, program.PurgeAfterMonths, now, ct)) told++;
            var purgeFrom = now.AddMonths(-program.PurgeAfterMonths);
            var toldBy = now.AddDays(-NoticeDays);
            var toPurge = await db.GrantRequests.AsNoTracking()
                .Where(r => r.ProgramId == program.Id && r.EndedAt != null && r.EndedAt <= purgeFrom && r.PurgedAt == null && r.PurgeNoticeAt <= toldBy)
                .Select(r => r.Id).Take(Batch).ToListAsync(ct);
            foreach (var id in toPurge)
                if (await PurgeAsync(services, id, now, ct)) purged++;
            // Restricted records keep their own time (years, for a regulator), whether or not the request was purged.
            var restrictedFrom = now.AddYears(-program.RestrictedYears);
            var deleted = await db.GrantRestrictedRecords.Where(x => db.GrantRequests.Any(r => r.Id == x.RequestId && r.ProgramId == program.Id
                && r.EndedAt != null && r.EndedAt <= restrictedFrom)).ExecuteDeleteAsync(ct);
            if (deleted > 0)
                await services.GetRequiredService<AuditLog>().WriteAsync(AuditEvents.GrantRestrictedRecordsDeleted, null, program.Id, program.OrganizationId,
                    deleted.ToString(CultureInfo.InvariantCulture), ct);
        }
        if (told > 0) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        return told + purged >= Batch ? now : null;
    }

    /// <summary>Tells the applicant's side, in one commit with the mark that they were told: the day and the tracking reference, nothing else.</summary>
    private static async Task<bool> TellAsync(AmparoDbContext db, IServiceProvider services, Guid requestId, int months, DateTime now, CancellationToken ct)
    {
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is not { EndedAt: { } ended, PurgedAt: null, PurgeNoticeAt: null }) return false;
            request.PurgeNoticeAt = now;
            var day = DateOnly.FromDateTime(PurgeAt(ended, months, now));
            var people = await GrantReportReminders.ApplicantSideAsync(db, request, ct);
            if (request.BehalfOfId is { } behalf && await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == behalf && u.Email != null && u.Email != "", ct) is { } defender)
                people.Add(defender);
            foreach (var person in people.DistinctBy(p => p.Id))
            {
                var culture = CultureInfo.GetCultureInfo(Infrastructure.Localization.Cultures.IsSupported(person.Language) ? person.Language : "en");
                // The defender a request was made for reads it on their own page.
                var link = person.Id == request.BehalfOfId && person.Id != request.ApplicantId ? GrantRoutes.Behalf(request.Id) : GrantRoutes.Request(request.Id);
                await notifier.EnqueueAsync(db, new Notification($"grant-purge:{request.Id:N}:{person.Id:N}", new(NotificationSourceKind.Account, person.Id),
                    NotificationPriority.Normal, person.Language, [new Destination(ChannelKind.Email, person.Email!)],
                    texts.Text(person.Language, false, "Grants.Mail.PurgeSubject"),
                    texts.Text(person.Language, false, "Grants.Msg.Purge", request.Reference ?? "", day.ToString("D", culture), texts.Url(link))), ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            services.GetRequiredService<ILogger<GrantPurge>>().LogInformation("Purge notice for grant request {RequestId} was sent by another worker", requestId);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Purges one request in one transaction on a scope of its own: the kept facts are written, everything else is
    /// deleted or made unreadable, the key is destroyed last (into the ledger just before the commit, as an account's).
    /// </summary>
    private static async Task<bool> PurgeAsync(IServiceProvider root, Guid requestId, DateTime now, CancellationToken ct)
    {
        await using var scope = root.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var cipher = scope.ServiceProvider.GetRequiredService<FieldCipher>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is not { PurgedAt: null }) return false;
        var program = await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct);
        decimal? amount = null;
        if (program.Kept.HasFlag(KeptFacts.Amount) && await db.GrantRequestEntries.AsNoTracking()
                .Where(e => e.RequestId == requestId && e.Kind == RequestEntryKind.Moved && e.To == RequestState.Approved && e.AmountCipher != null)
                .OrderByDescending(e => e.At).FirstOrDefaultAsync(ct) is { } approval
            && await cipher.DecryptAsync(db, request.DataKeyId, approval.AmountCipher, GrantRequestEntry.Table, GrantRequests.AmountColumn, approval.Id, ct) is { } text)
            amount = decimal.Parse(text, CultureInfo.InvariantCulture);
        await ScrubAsync(db, [request.Id], now, ct);
        request.KeptAmount = amount;
        if (!program.Kept.HasFlag(KeptFacts.Region)) request.Region = null;
        if (!program.Kept.HasFlag(KeptFacts.Categories)) request.Categories = CostCategories.None;
        request.PurgedAt = now;
        request.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed meanwhile (another instance purging it, a consent given): the next round looks again.
            root.GetRequiredService<ILogger<GrantPurge>>().LogInformation("Grant request {RequestId} changed while being purged; retried next round", requestId);
            return false;
        }
        // The key last, just before the commit (into the ledger then), as an account's deletion does.
        await cipher.DestroyAsync(db, request.DataKeyId, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(AuditEvents.GrantRequestPurged, null, request.Id, program.OrganizationId, ct: ct);
        return true;
    }

    /// <summary>
    /// Everything of the requests beyond their kept facts, in the caller's transaction: files, reviews, declarations,
    /// reminders and queued messages about them deleted; the history's words, amounts, files and people erased (its
    /// moves and dates stay); the answers and who asked erased; a shared plan summary ended and its frozen copy erased.
    /// Also what a restore does again for a request whose key is in the ledger (<see cref="GrantPurgeRestored"/>).
    /// </summary>
    public static async Task ScrubAsync(AmparoDbContext db, IReadOnlyCollection<Guid> requestIds, DateTime now, CancellationToken ct)
    {
        await db.GrantRequestFiles.Where(f => requestIds.Contains(f.RequestId)).ExecuteDeleteAsync(ct);
        await db.GrantRequestReviews.Where(r => requestIds.Contains(r.RequestId)).ExecuteDeleteAsync(ct);
        // A declared conflict stays (staff ids only): it keeps its author out of the request and its restricted record.
        await db.GrantRequestDeclarations.Where(d => requestIds.Contains(d.RequestId) && !d.HasConflict).ExecuteDeleteAsync(ct);
        await db.GrantReportReminders.Where(r => requestIds.Contains(r.RequestId)).ExecuteDeleteAsync(ct);
        await db.GrantClockReminders.Where(r => requestIds.Contains(r.RequestId)).ExecuteDeleteAsync(ct);
        var reports = await db.GrantRequestEntries.Where(e => requestIds.Contains(e.RequestId) && e.Kind == RequestEntryKind.Report).Select(e => e.Id).ToListAsync(ct);
        foreach (var prefix in requestIds.SelectMany(OutboxPrefixes).Concat(reports.Select(e => $"grant-report-arrived:{e:N}:")))
            await db.Outbox.Where(m => m.IdempotencyKey.StartsWith(prefix)).ExecuteDeleteAsync(ct);
        await db.GrantRequestEntries.Where(e => requestIds.Contains(e.RequestId)).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.TextCipher, (byte[]?)null).SetProperty(e => e.AmountCipher, (byte[]?)null)
            .SetProperty(e => e.FileId, (Guid?)null).SetProperty(e => e.ActorId, (Guid?)null), ct);
        var shares = await db.GrantRequests.Where(r => requestIds.Contains(r.Id) && r.PlanShareId != null).Select(r => r.PlanShareId!.Value).ToListAsync(ct);
        if (shares.Count > 0)
        {
            await db.AccessGrants.Where(g => shares.Contains(g.Id) && g.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, now), ct);
            await db.PlanShares.Where(p => shares.Contains(p.Id)).ExecuteUpdateAsync(s => s.SetProperty(p => p.SnapshotCipher, (byte[]?)null), ct);
        }
        await db.GrantRequests.Where(r => requestIds.Contains(r.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.AnswersCipher, (byte[]?)null).SetProperty(r => r.ApplicantId, (Guid?)null)
            .SetProperty(r => r.OrganizationId, (Guid?)null).SetProperty(r => r.BehalfOfId, (Guid?)null)
            .SetProperty(r => r.BehalfNamedAt, (DateTime?)null).SetProperty(r => r.PlanShareId, (Guid?)null), ct);
    }

    /// <summary>The keys of every message about a request (each notification's key starts with one).</summary>
    private static IEnumerable<string> OutboxPrefixes(Guid requestId) => MessageKinds.Select(kind => $"{kind}:{requestId:N}:");

    private static readonly string[] MessageKinds = ["grant-behalf", "grant-clock", "grant-report", "grant-sms", "grant-purge"];
}

/// <summary>
/// After a restore: a request whose data key is in the destroyed-key ledger was purged after the backup was made, so
/// it is scrubbed again and marked purged (its kept facts are those of the backup: the amount, which only the destroyed
/// key could read, stays unknown).
/// </summary>
public sealed class GrantPurgeRestored(AmparoDbContext db) : IRestoredKeys
{
    public async Task<int> DestroyedAgainAsync(IReadOnlyCollection<Guid> destroyedKeyIds, DateTime now, CancellationToken ct)
    {
        var rows = await (from r in db.GrantRequests
                          where destroyedKeyIds.Contains(r.DataKeyId) && (r.PurgedAt == null || r.AnswersCipher != null)
                          join p in db.GrantPrograms on r.ProgramId equals p.Id
                          select new { r.Id, p.Kept }).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        var ids = rows.Select(r => r.Id).ToList();
        await GrantPurge.ScrubAsync(db, ids, now, ct);
        // What the program does not keep goes as in the purge; a request the backup caught before it ended ends now
        // (nothing can be written to it any more, and its restricted record's years start counting).
        var noRegion = rows.Where(r => !r.Kept.HasFlag(KeptFacts.Region)).Select(r => r.Id).ToList();
        var noCategories = rows.Where(r => !r.Kept.HasFlag(KeptFacts.Categories)).Select(r => r.Id).ToList();
        await db.GrantRequests.Where(r => noRegion.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Region, (string?)null), ct);
        await db.GrantRequests.Where(r => noCategories.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Categories, CostCategories.None), ct);
        await db.GrantRequests.Where(r => ids.Contains(r.Id) && r.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.EndedAt, now), ct);
        await db.GrantRequests.Where(r => ids.Contains(r.Id) && r.PurgedAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.PurgedAt, now), ct);
        return ids.Count;
    }
}
