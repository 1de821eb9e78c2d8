using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>Plan a visit: the escalation plan first (who is told what, when), then the form. Times are typed in the person's own zone.</summary>
public sealed class NewModel(
    AmparoDbContext db, CheckInService checkIns, ContactService contacts, Escalation escalation, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed record Companion(Guid Id, string Name);

    [BindProperty] public string? Place { get; set; }
    [BindProperty] public string? Purpose { get; set; }
    [BindProperty] public string? Needs { get; set; }
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? StartsAt { get; set; }
    /// <summary>"in": back in hours and minutes; "at": back at a local date and time.</summary>
    [BindProperty] public string? ReturnMode { get; set; } = "in";
    [BindProperty] public int? InHours { get; set; } = 1;
    [BindProperty] public int? InMinutes { get; set; } = 0;
    [BindProperty] public string? ReturnAt { get; set; }
    [BindProperty] public int? CheckInEvery { get; set; }
    [BindProperty] public int? Grace { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public List<Guid> Companions { get; set; } = [];

    public List<PlanLevel> Levels { get; private set; } = [];
    public bool HasConfirmedContact { get; private set; }
    public bool HasPin { get; private set; }
    public List<Companion> People { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string Now { get; private set; } = "";

    public async Task OnGetAsync()
    {
        await LoadAsync();
        Grace ??= (await checkIns.SettingsAsync(User.UserId(), HttpContext.RequestAborted)).DefaultGraceMinutes;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var me = User.UserId();
        if (!ModelState.IsValid) Errors["Form"] = "Validation.Invalid";
        var zone = User.TimeZoneOf();
        var now = clock.GetUtcNow().UtcDateTime;
        var adjusted = false;

        DateTime? starts = null;
        if (!string.IsNullOrWhiteSpace(StartsAt))
        {
            if (CheckInPages.ParseLocalInput(StartsAt) is { } local)
            {
                starts = CheckInPages.LocalToUtc(local, zone, out var a1);
                adjusted |= a1;
            }
            else Errors["StartsAt"] = "Visit.Error.StartsAt";
        }
        DateTime due = default;
        if (ReturnMode == "at")
        {
            if (CheckInPages.ParseLocalInput(ReturnAt) is { } local)
            {
                due = CheckInPages.LocalToUtc(local, zone, out var a2);
                adjusted |= a2;
            }
            else Errors["ReturnAt"] = "Visit.Error.DueAt";
        }
        else
        {
            var minutes = (long)(InHours ?? 0) * 60 + (InMinutes ?? 0);
            if (InHours is < 0 or > 24 * 14 || InMinutes is < 0 or > 59 || minutes <= 0) Errors["InHours"] = "Visit.Error.DueAt";
            else due = (starts is { } s && s > now ? s : now).AddMinutes(minutes);
        }
        if (!CheckInPages.TryParseCoordinate(Latitude, out var lat) | !CheckInPages.TryParseCoordinate(Longitude, out var lon)) Errors["Coordinates"] = "Visit.Error.Coordinates";

        if (Errors.Count == 0)
        {
            var plan = new VisitPlan(Place, Purpose, Needs, lat, lon, starts, due, CheckInEvery, Grace, Message, Companions.Count > 0 ? Companions : null);
            var (visit, errors) = await checkIns.PlanAsync(me, plan, drill: false, HttpContext.RequestAborted);
            if (visit is not null) return Redirect($"/visits/{visit.Id}" + (adjusted ? "?adjusted=true" : ""));
            foreach (var (field, key) in errors) Errors[field == "DueAt" && ReturnMode == "at" ? "ReturnAt" : field == "DueAt" ? "InHours" : field] = key;
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDrillAsync()
    {
        var (visit, _) = await checkIns.PlanAsync(User.UserId(), new VisitPlan(null, null, null, null, null, null, default, null, null, null), drill: true, HttpContext.RequestAborted);
        return visit is null ? BadRequest() : Redirect($"/visits/{visit.Id}");
    }

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    private async Task LoadAsync()
    {
        var me = User.UserId();
        var ct = HttpContext.RequestAborted;
        Now = CheckInPages.LocalInputValue(clock.GetUtcNow().UtcDateTime, User.TimeZoneOf());
        var owner = await db.Users.SingleAsync(u => u.Id == me, ct);
        var settings = await checkIns.SettingsAsync(me, ct);
        // "Not shared" and the names come from the same rule escalation uses: what this page promises is what happens.
        Levels = await WhoIsTold.LevelsAsync(db, escalation, clock, owner, settings.Level2DelayMinutes, settings.Level3DelayMinutes, ct);
        HasConfirmedContact = await contacts.HasConfirmedAsync(me, ct);
        HasPin = await checkIns.HasPinAsync(me, ct);
        var myOrgs = db.Memberships.Where(m => m.UserId == me).Select(m => m.OrganizationId);
        People = await (from m in db.Memberships
                        join u in db.Users on m.UserId equals u.Id
                        where myOrgs.Contains(m.OrganizationId) && m.UserId != me
                        select new { u.Id, u.DisplayName }).Distinct().OrderBy(x => x.DisplayName)
            .Select(x => new Companion(x.Id, x.DisplayName)).ToListAsync(ct);
    }
}
