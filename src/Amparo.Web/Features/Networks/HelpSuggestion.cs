using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Grants;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Networks;

/// <summary>What put a suggestion on the person's home page: one of their alerts closed as "needs help", or a grantmaker's decline that suggested help.</summary>
public enum SuggestionOrigin { Alert = 1, GrantDecline = 2 }

/// <summary>
/// "You may want help from the network": a line on the person's own home page and referrals page, with links to the
/// directory (issue 16, "started from context"). Written by the fact handlers below, never by the module that acted; the
/// person follows it (a search, then a self-referral with their own consent) or puts it away. Only the origin's kind and
/// id are kept — nothing of the alert or the request.
/// </summary>
public sealed class HelpSuggestion
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public SuggestionOrigin Origin { get; set; }
    /// <summary>The alert or grant request it came from: one suggestion per origin (a repeated delivery adds nothing).</summary>
    public Guid SourceId { get; set; }
    /// <summary>The kind of help suggested (a grant officer's choice); null after an alert (the page offers the kinds that fit one).</summary>
    public ServiceKind? Need { get; set; }
    /// <summary>When what it came from happened (the alert's closing, the decline), not when the handler ran: the page says that day.</summary>
    public DateTime CreatedAt { get; set; }
    /// <summary>Put away by the person ("not now"): no longer shown.</summary>
    public DateTime? DismissedAt { get; set; }
}

public sealed class HelpSuggestionConfiguration : IEntityTypeConfiguration<HelpSuggestion>
{
    public void Configure(EntityTypeBuilder<HelpSuggestion> builder)
    {
        builder.ToTable("HelpSuggestions");
        builder.HasIndex(s => new { s.PersonId, s.Origin, s.SourceId }).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A suggestion as its person reads it.</summary>
public sealed record SuggestionView(Guid Id, SuggestionOrigin Origin, ServiceKind? Need, DateTime CreatedAt);

/// <summary>The person's own suggestions: listed, put away, and added (once per origin) by the fact handlers.</summary>
public sealed class HelpSuggestions(AmparoDbContext db, TimeProvider clock)
{
    /// <summary>The kinds of help a page offers after an alert closed as "needs help", in this order.</summary>
    public static readonly ServiceKind[] AfterAlert = [ServiceKind.PhysicalProtection, ServiceKind.RapidResponse, ServiceKind.Psychosocial, ServiceKind.Legal];

    /// <summary>Shown for this long, then left out (an old alert's suggestion is no longer news).</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromDays(30);

    public async Task<List<SuggestionView>> OpenAsync(Guid viewer, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().UtcDateTime - ShownFor;
        return await db.HelpSuggestions.AsNoTracking()
            .Where(s => s.PersonId == viewer && s.DismissedAt == null && s.CreatedAt >= since)
            .OrderByDescending(s => s.CreatedAt).Take(5)
            .Select(s => new SuggestionView(s.Id, s.Origin, s.Need, s.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>Puts the viewer's suggestion away (again: a double click changes nothing); false for anyone else's (or none).</summary>
    public async Task<bool> DismissAsync(Guid viewer, Guid id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.HelpSuggestions.Where(s => s.Id == id && s.PersonId == viewer)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DismissedAt, x => x.DismissedAt ?? now), ct) == 1;
    }

    /// <summary>Adds a suggestion unless this origin already gave one (or the account is gone): idempotent, for durable handlers.</summary>
    public async Task AddOnceAsync(Guid person, SuggestionOrigin origin, Guid sourceId, ServiceKind? need, DateTime at, CancellationToken ct)
    {
        if (await db.HelpSuggestions.AnyAsync(s => s.PersonId == person && s.Origin == origin && s.SourceId == sourceId, ct)) return;
        if (!await db.Users.AnyAsync(u => u.Id == person, ct)) return;
        db.Add(new HelpSuggestion { Id = Guid.NewGuid(), PersonId = person, Origin = origin, SourceId = sourceId, Need = need, CreatedAt = at });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// An alert about the person was closed as "needs help": their home page suggests finding protection, rapid response,
/// psychosocial or legal help in the network. Heard through the fact seam, never called by check-ins.
/// </summary>
/// <remarks>
/// Owner side (ADR 0002): the suggestion is on the person's own pages, so it hears only what their side is told. A duress
/// alert's closing never reaches this side, and a duress action tells it exactly what the action it imitates tells — so
/// after a duress action the person sees exactly what they would after the normal one. Drills are left out (read through
/// the owner-scoped view, as the well-being debrief offer after an alert does).
/// </remarks>
public sealed class SuggestHelpAfterAlert(AlertService alerts, HelpSuggestions suggestions) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (fact is not AlertResolved { Outcome: AlertOutcome.NeedsHelp } resolved) return;
        var drill = await alerts.OwnAlerts(resolved.OwnerId).Where(a => a.Id == resolved.AlertId).Select(a => (bool?)a.IsDrill).SingleOrDefaultAsync(ct);
        if (drill is not false) return;
        await suggestions.AddOnceAsync(resolved.OwnerId, SuggestionOrigin.Alert, resolved.AlertId, null, resolved.At, ct);
    }
}

/// <summary>
/// A grant request was declined and its officer suggested a kind of help from the network: the person it is for (the
/// defender it was made on behalf of, else the applicant) gets the suggestion on their home page. Owner side: it writes to
/// that person's pages.
/// </summary>
public sealed class SuggestHelpAfterDecline(HelpSuggestions suggestions) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (fact is not GrantRequestDeclined { SuggestedHelp: { } need } declined) return;
        await suggestions.AddOnceAsync(declined.OwnerId, SuggestionOrigin.GrantDecline, declined.RequestId, need, declined.At, ct);
    }
}

/// <summary>The person's suggestions to find help (their origin's kind and day, never more); they go with the account row.</summary>
public sealed class HelpSuggestionsPersonalData(AmparoDbContext db) : Infrastructure.IPersonalData
{
    public sealed record SuggestionData(SuggestionOrigin Origin, ServiceKind? Need, DateTime CreatedAt, DateTime? DismissedAt);

    public string Section => "helpSuggestions";

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        await db.HelpSuggestions.AsNoTracking().Where(s => s.PersonId == person.Id).OrderBy(s => s.CreatedAt)
            .Select(s => new SuggestionData(s.Origin, s.Need, s.CreatedAt, s.DismissedAt)).ToListAsync(ct);

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
