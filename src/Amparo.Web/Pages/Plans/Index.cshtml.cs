using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>The plans the viewer can see (their own, their organizations', those shared with them), and a new one: blank or from a template.</summary>
public sealed class IndexModel(AmparoDbContext db, PlanService plans, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed record OrgChoice(Guid Id, string Name);

    /// <summary>"" for a blank plan, else a <see cref="PlanTemplateKind"/> name.</summary>
    [BindProperty] public string? Template { get; set; }
    /// <summary>"me" or the id of an organization the viewer is staff of.</summary>
    [BindProperty] public string? Owner { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public bool TitleNotSensitive { get; set; }

    public List<PlanSummary> List { get; private set; } = [];
    public Dictionary<Guid, string> OrganizationNames { get; private set; } = [];
    /// <summary>Organizations whose plans the viewer may start (admins and focal points).</summary>
    public List<OrgChoice> StaffOf { get; private set; } = [];
    public IReadOnlyList<PlanTemplate> Templates { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public DateTime Now { get; private set; }
    /// <summary>The viewer belongs to a grantmaker: the page leads to the plans shared with it.</summary>
    public bool InGrantmaker { get; private set; }

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    /// <summary>"deleted" after a plan was deleted (the page says so).</summary>
    public bool Deleted { get; private set; }

    public Task OnGetAsync(string? done)
    {
        Deleted = done == "deleted";
        return LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var me = User.UserId();
        PlanTemplate? template = null;
        if (!string.IsNullOrEmpty(Template))
        {
            if (!Enum.TryParse<PlanTemplateKind>(Template, ignoreCase: false, out var kind) || !Enum.IsDefined(kind) || int.TryParse(Template, out _))
                Errors["Template"] = "Plans.Error.Choice";
            else template = PlanTemplates.Get(kind, CultureInfo.CurrentUICulture.Name);
        }
        Guid? org = null;
        if (Owner is not (null or "" or "me"))
        {
            if (Guid.TryParse(Owner, out var id)) org = id;
            else Errors["Owner"] = "Plans.Error.Choice";
        }
        if (Errors.Count == 0)
        {
            var title = string.IsNullOrWhiteSpace(Title) && template is not null ? template.Title : Title;
            var made = await PlanPages.CreateAsync(plans, me, org, new PlanInput(title, !TitleNotSensitive, null, null, null), template, HttpContext.RequestAborted);
            switch (made.Status)
            {
                case PlanWriteStatus.Done:
                    return Redirect($"/plans/{made.Id}");
                case PlanWriteStatus.Invalid:
                    foreach (var (field, key) in made.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
                    break;
                case PlanWriteStatus.NotFound:
                case PlanWriteStatus.NotAllowed:
                case PlanWriteStatus.Conflict:
                    Errors["Owner"] = "Plans.Error.Choice";
                    break;
            }
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var me = User.UserId();
        var ct = HttpContext.RequestAborted;
        Now = clock.GetUtcNow().UtcDateTime;
        List = await plans.ListAsync(me, ct);
        var orgIds = List.Where(p => p.OwnerOrganizationId is not null).Select(p => p.OwnerOrganizationId!.Value).Distinct().ToList();
        StaffOf = await (
            from m in db.Memberships
            where m.UserId == me && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint)
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new OrgChoice(o.Id, o.Name)).ToListAsync(ct);
        OrganizationNames = await db.Organizations.Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Templates = PlanTemplates.All(CultureInfo.CurrentUICulture.Name);
        InGrantmaker = await (
            from m in db.Memberships
            where m.UserId == me
            join o in db.Organizations on m.OrganizationId equals o.Id
            where o.Kind == OrganizationKind.Grantmaker
            select m).AnyAsync(ct);
    }
}
