using System.Threading.RateLimiting;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>Audit events of the calendar feed (ids only).</summary>
public static class PlanCalendarAudit
{
    /// <summary>A person made a new feed address (the old one, if any, ended).</summary>
    public const string Renewed = "plan.calendar.renewed";
    /// <summary>A person ended their feed.</summary>
    public const string Removed = "plan.calendar.removed";
}

/// <summary>
/// A person's calendar feed of their plans' review dates and the due dates of their actions, as iCalendar
/// (<c>GET /calendar/{token}.ics</c>, read by calendar services from their own servers, without cookies). It holds no
/// plan content: every event is titled only "Plan review" or "Action due" (in the person's language) and carries a
/// link to the page behind sign-in. Its address is a random secret of which only the hash is kept, so it is shown
/// once, when made; renewing makes a new one and ends the old one at once.
/// </summary>
public sealed class PlanCalendar(AmparoDbContext db, MessageTexts texts, AuditLog audit, TimeProvider clock)
{
    public const string RateLimit = "plan-calendar";
    public const string Route = "/calendar/{token}.ics";

    /// <summary>When the person's current feed address was made; null when they have none.</summary>
    public Task<DateTime?> MadeAtAsync(Guid userId, CancellationToken ct = default) =>
        db.PlanCalendarFeeds.Where(f => f.UserId == userId).Select(f => (DateTime?)f.CreatedAt).SingleOrDefaultAsync(ct);

    /// <summary>A new secret address for the person's feed (the old one ends now). The token is returned once and never stored.</summary>
    public async Task<string> RenewAsync(Guid userId, CancellationToken ct = default)
    {
        var token = Tokens.NewUrlSafe();
        var now = clock.GetUtcNow().UtcDateTime;
        var feed = await db.PlanCalendarFeeds.SingleOrDefaultAsync(f => f.UserId == userId, ct);
        if (feed is null) db.PlanCalendarFeeds.Add(new PlanCalendarFeed { UserId = userId, TokenHash = Tokens.Hash(token), CreatedAt = now });
        else
        {
            feed.TokenHash = Tokens.Hash(token);
            feed.CreatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(PlanCalendarAudit.Renewed, userId, userId, ct: ct);
        return token;
    }

    /// <summary>Ends the person's feed; false when they had none.</summary>
    public async Task<bool> RemoveAsync(Guid userId, CancellationToken ct = default)
    {
        if (await db.PlanCalendarFeeds.Where(f => f.UserId == userId).ExecuteDeleteAsync(ct) == 0) return false;
        await audit.WriteAsync(PlanCalendarAudit.Removed, userId, userId, ct: ct);
        return true;
    }

    /// <summary>The feed's full address for a token.</summary>
    public string Address(string token) => texts.Url("/calendar/" + token + ".ics");

    /// <summary>One review event per plan the person may change, one per action of theirs still to do with a due date.</summary>
    public sealed record FeedEvent(string Uid, FeedEventKind Kind, DateTime At, string Path);

    public enum FeedEventKind
    {
        PlanReview = 0,
        ActionDue = 1,
    }

    /// <summary>What the feed of a token lists; null for a token that is unknown or was renewed or removed.</summary>
    public async Task<(User Person, List<FeedEvent> Events)?> EventsAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Tokens.Hash(token);
        var userId = await db.PlanCalendarFeeds.Where(f => f.TokenHash == hash).Select(f => (Guid?)f.UserId).SingleOrDefaultAsync(ct);
        if (userId is not { } me) return null;
        var person = await db.Users.AsNoTracking().SingleAsync(u => u.Id == me, ct);
        var s = AccessSources.Of(db, clock);
        var events = new List<FeedEvent>();

        // Reviews: the plans the person keeps (their own; their organizations' as admin or focal point), asked of the rule each time.
        foreach (var plan in await PlanAccess.ReadableWhole(db.SecurityPlans.AsNoTracking(), me, s).OrderBy(p => p.NextReviewAt).ToListAsync(ct))
            if (PlanAccess.MayEdit(await PlanAccess.RoleAsync(db, s, plan, me, ct)))
                events.Add(new FeedEvent($"plan-review-{plan.Id:N}@amparo", FeedEventKind.PlanReview, plan.NextReviewAt, $"/plans/{plan.Id}"));

        // Actions: the person's own to do, on plans they may still see (the same rule as the overdue list on the home page).
        var whole = PlanAccess.ReadableWhole(db.SecurityPlans, me, s).Select(p => p.Id);
        var assigned = PlanAccess.AssignedActions(db.PlanActions, db.SecurityPlans, me, s).Select(a => a.Id);
        var own = db.SecurityPlans.Where(p => p.OwnerUserId == me).Select(p => p.Id);
        var actions = await db.PlanActions.AsNoTracking()
            .Where(a => a.DueAt != null && (a.Status == PlanActionStatus.Planned || a.Status == PlanActionStatus.InProgress))
            .Where(a => (a.OwnerUserId == me && (whole.Contains(a.PlanId) || assigned.Contains(a.Id))) || (a.OwnerUserId == null && own.Contains(a.PlanId)))
            .OrderBy(a => a.DueAt)
            .Select(a => new { a.Id, a.PlanId, a.DueAt })
            .ToListAsync(ct);
        foreach (var a in actions)
            events.Add(new FeedEvent($"plan-action-{a.Id:N}@amparo", FeedEventKind.ActionDue, a.DueAt!.Value, $"/plans/{a.PlanId}#action-{a.Id}"));
        return (person, events);
    }

    /// <summary>The feed as iCalendar text; null for an unknown or ended token.</summary>
    public async Task<string?> IcsAsync(string token, CancellationToken ct = default)
    {
        if (await EventsAsync(token, ct) is not { } found) return null;
        var (person, events) = found;
        var now = clock.GetUtcNow().UtcDateTime;
        var calendar = new Calendar { ProductId = "-//Amparo//Plans//EN", Method = "PUBLISH" };
        calendar.AddProperty("X-WR-CALNAME", "Amparo");
        foreach (var e in events)
        {
            // A whole day in the person's zone: a review or a due date is a day, not an instant, and it needs no zone data.
            var day = DateOnly.FromDateTime(LocalTimes.ToLocal(e.At, person.TimeZone));
            var link = texts.Url(e.Path);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = e.Uid,
                Summary = texts.Text(person.Language, false, Title(e.Kind)),
                Description = link,
                Url = new Uri(link),
                DtStart = new CalDateTime(day),
                DtEnd = new CalDateTime(day.AddDays(1)),
                DtStamp = new CalDateTime(now, "UTC"),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar);
    }

    public static string Title(FeedEventKind kind) => kind switch
    {
        FeedEventKind.PlanReview => "Plans.Calendar.Review",
        FeedEventKind.ActionDue => "Plans.Calendar.ActionDue",
    };

}

public static class PlanCalendarEndpoint
{
    /// <summary>The anonymous feed endpoint: the token in the path is the credential; no cookies, no session.</summary>
    public static IEndpointRouteBuilder MapPlanCalendar(this IEndpointRouteBuilder app)
    {
        app.MapGet(PlanCalendar.Route, async (string token, HttpContext http, PlanCalendar calendar, CancellationToken ct) =>
            {
                if (await calendar.IcsAsync(token, ct) is not { } ics) return Results.NotFound();
                http.Response.Headers.CacheControl = "private, no-store";
                http.Response.Headers["X-Robots-Tag"] = "noindex";
                return Results.Text(ics, "text/calendar; charset=utf-8");
            })
            .AllowAnonymous()
            .RequireRateLimiting(PlanCalendar.RateLimit)
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    public sealed record FeedDto(DateTime? MadeAt);
    public sealed record NewFeedDto(string Address, DateTime MadeAt);
    /// <summary><paramref name="Confirm"/> must be true (the old address ends): a bare or stray POST makes no new address.</summary>
    public sealed record RenewFeedRequest(bool Confirm);

    /// <summary>
    /// The feed under <c>/api/v1/plans/calendar</c>, as on the page: when the address was made (GET), a new address shown
    /// once (POST; the old one ends), stop it (DELETE). Only the caller's own feed: there is no id to guess.
    /// </summary>
    public static RouteGroupBuilder MapPlanCalendarApi(this RouteGroupBuilder api)
    {
        var feed = api.MapGroup("/plans/calendar").WithTags("Plans").RequireAuthorization(Infrastructure.Web.WebSetup.ApiPolicy)
            .RequireRateLimiting(Infrastructure.Web.WebSetup.ApiRateLimit)
            .AddEndpointFilter(TwoFactorFirstAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        feed.MapGet("/", async Task<Ok<FeedDto>> (HttpContext http, PlanCalendar calendar, CancellationToken ct) =>
                TypedResults.Ok(new FeedDto(await calendar.MadeAtAsync(http.User.UserId(), ct))))
            .WithName("GetPlanCalendar").WithSummary("My calendar feed: when its address was made (null: none)");
        feed.MapPost("/", async Task<Results<Ok<NewFeedDto>, ProblemHttpResult>> (RenewFeedRequest request, HttpContext http, PlanCalendar calendar, CancellationToken ct) =>
            {
                if (!request.Confirm) return TypedResults.Problem(title: "confirm must be true: any earlier address stops working.", statusCode: StatusCodes.Status400BadRequest);
                http.Response.Headers.CacheControl = "no-store";
                var token = await calendar.RenewAsync(http.User.UserId(), ct);
                return TypedResults.Ok(new NewFeedDto(calendar.Address(token), (await calendar.MadeAtAsync(http.User.UserId(), ct))!.Value));
            })
            .WithName("RenewPlanCalendar").WithSummary("A new secret address for my calendar feed")
            .WithDescription("Shown only in this answer (only its hash is kept); any earlier address stops working at once. The body must say {\"confirm\": true}: a request without it makes no new address.");
        feed.MapDelete("/", async Task<Results<NoContent, NotFound>> (HttpContext http, PlanCalendar calendar, CancellationToken ct) =>
                await calendar.RemoveAsync(http.User.UserId(), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("StopPlanCalendar").WithSummary("Stop my calendar feed (its address stops working)");
        return api;
    }

    /// <summary>The organization two-factor rule of the pages, for the API (as the plans API applies it).</summary>
    private static async ValueTask<object?> TwoFactorFirstAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<AmparoDbContext>();
        if (await Organizations.TwoFactorRequirement.AppliesToAsync(db, http.User.UserId(), http.RequestAborted))
        {
            var t = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
            return TypedResults.Problem(title: t["Plans.Error.TwoFactor"].Value, statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }

    /// <summary>Per client address: enough for calendar services polling (several people's feeds from one server), not for hammering.</summary>
    public static void AddRateLimit(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions o) =>
        o.AddPolicy(PlanCalendar.RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            "ics:" + SignInThrottle.ClientKey(ctx.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 120, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
}
