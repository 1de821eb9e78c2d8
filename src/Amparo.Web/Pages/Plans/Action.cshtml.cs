using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>Add or change an action: what, who, by when, its status, cost and currency, domains, the threats it addresses.</summary>
public sealed class ActionModel(AmparoDbContext db, PlanService plans, IStringLocalizer<SharedResource> t) : PlanFormPage(plans, t)
{
    public sealed record Person(Guid Id, string Name);

    [BindProperty] public string? What { get; set; }
    [BindProperty] public Guid? OwnerUserId { get; set; }
    [BindProperty] public string? Due { get; set; }
    [BindProperty] public PlanActionStatus Status { get; set; }
    [BindProperty] public string? EstimatedCost { get; set; }
    [BindProperty] public string? Currency { get; set; }
    [BindProperty] public List<SecurityDomains> Domains { get; set; } = [];
    [BindProperty] public List<Guid> EntryIds { get; set; } = [];
    public Guid? PartId { get; private set; }
    /// <summary>Who may be given it: the organization's members, or the plan's person.</summary>
    public List<Person> People { get; private set; } = [];
    public SecurityDomains DomainValue => PlanPages.Fold(Domains);

    public async Task<IActionResult> OnGetAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        Version = Plan.Version;
        if (partId is { } a)
        {
            if (Plan.Actions.FirstOrDefault(x => x.Id == a) is not { } action) return NotFound();
            (What, OwnerUserId, Status, Currency) = (action.What, action.OwnerUserId, action.Status, action.Currency);
            Due = PlanPages.DayValue(action.DueAt, User.TimeZoneOf());
            EstimatedCost = action.EstimatedCost?.ToString(CultureInfo.InvariantCulture);
            Domains = [.. PlanPages.Domains.Where(d => action.Domains.HasFlag(d))];
            EntryIds = [.. action.EntryIds];
        }
        await LoadPeopleAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        await LoadPeopleAsync();
        ReadBindingErrors();
        if (!PlanPages.TryParseDay(Due, User.TimeZoneOf(), out var due)) Errors["DueAt"] = "Plans.Error.DueDate";
        decimal? cost = null;
        if (!string.IsNullOrWhiteSpace(EstimatedCost))
        {
            if (Amounts.TryParse(EstimatedCost, out var c)) cost = c;
            else Errors["EstimatedCost"] = "Plans.Error.Cost";
        }
        if (Errors.Count > 0 || Stale()) return Page();
        var currency = string.IsNullOrWhiteSpace(Currency) ? null : Currency.Trim().ToUpperInvariant();
        var input = new ActionInput(What, OwnerUserId, due, Status, cost, currency, DomainValue, EntryIds);
        var result = partId is { } a ? await Plans.UpdateActionAsync(Me, id, a, input, Version, Ct) : await Plans.AddActionAsync(Me, id, input, Ct);
        return await OutcomeAsync(result, "actions");
    }

    private async Task LoadPeopleAsync()
    {
        People = Plan.OwnerOrganizationId is { } org
            ? await (from m in db.Memberships where m.OrganizationId == org join u in db.Users on m.UserId equals u.Id orderby u.DisplayName select new Person(u.Id, u.DisplayName)).ToListAsync(Ct)
            : await db.Users.Where(u => u.Id == Plan.OwnerUserId).Select(u => new Person(u.Id, u.DisplayName)).ToListAsync(Ct);
    }
}
