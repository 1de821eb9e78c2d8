using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// Refers someone (or oneself) to a service the viewer can find (anyone else's service: 404). The page shows, before
/// anything is sent, exactly what the provider reads before it accepts and what after.
/// </summary>
public sealed class ReferralNewModel(Referrals referrals, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Service { get; set; }
    [BindProperty] public Guid Defender { get; set; }
    /// <summary>Whom to refer, chosen before (the directory carries it from a responder's alert page); ignored unless the viewer may refer them.</summary>
    [FromQuery(Name = "for")] public Guid? For { get; set; }
    [BindProperty] public string Language { get; set; } = "";
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Reach { get; set; }
    [BindProperty] public string? Story { get; set; }
    [BindProperty] public bool Override { get; set; }
    [BindProperty] public string? OverrideReason { get; set; }

    public DirectoryService Found { get; private set; } = null!;
    public string Organization { get; private set; } = "";
    public List<Referable> People { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);
    public IEnumerable<string> ServiceLanguages => Found.Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        var me = People.Find(p => p.Id == For) ?? People[0];
        Defender = me.Id;
        Language = ServiceLanguages.Contains(me.Language) ? me.Language : ServiceLanguages.First();
        // Prefilled only when the viewer can refer no one but themself: for someone else, the sender writes it.
        if (People.Count == 1) Name = People[0].Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync()) return NotFound();
        // A reason written without ticking the box: ask, rather than send it off quietly waiting for consent.
        if (!Override && !string.IsNullOrWhiteSpace(OverrideReason))
        {
            Errors = new Dictionary<string, string>(StringComparer.Ordinal) { ["OverrideReason"] = "Referral.Error.OverrideUnticked" };
            return Page();
        }
        var input = new ReferralInput(Service, Defender, Language ?? "", Name ?? "", Reach ?? "", Story ?? "", Override ? OverrideReason ?? "" : null);
        var created = await referrals.CreateAsync(User.UserId(), input, HttpContext.RequestAborted);
        if (created.Status == DirectoryWriteStatus.NotFound) return NotFound();
        if (created.Status == DirectoryWriteStatus.Invalid)
        {
            Errors = created.Errors!;
            return Page();
        }
        return Redirect(ReferralRoutes.Referral(created.Id!.Value) + "?done=created");
    }

    private async Task<bool> LoadAsync()
    {
        if (await referrals.ServiceForAsync(User.UserId(), Service, HttpContext.RequestAborted) is not var (service, entry)) return false;
        Found = service;
        Organization = await db.Organizations.Where(o => o.Id == entry.OrganizationId).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        People = await referrals.ReferableListAsync(User.UserId(), HttpContext.RequestAborted);
        return true;
    }
}
