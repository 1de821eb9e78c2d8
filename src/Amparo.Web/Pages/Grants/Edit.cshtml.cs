using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A grantmaker's admin creates a program (<c>?org=</c>) or changes one; anyone else: 404. Every field keeps what was
/// typed when something needs fixing, and each problem is named next to its field.
/// </summary>
public sealed class EditModel(GrantPrograms programs) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [FromQuery(Name = "org")] public Guid? Org { get; set; }
    public string Organization { get; private set; } = "";

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public ProgramKind? Kind { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Eligibility { get; set; }
    [BindProperty] public string? Currency { get; set; }
    [BindProperty] public string? Ceiling { get; set; }
    [BindProperty] public List<CostCategories> Categories { get; set; } = [];
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty] public string? Regions { get; set; }
    [BindProperty] public ProgramStatus? Status { get; set; }
    [BindProperty] public int? ResponseHours { get; set; }
    /// <summary>The scoring rubric, one criterion per line.</summary>
    [BindProperty] public string? Rubric { get; set; }

    public Dictionary<string, string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is { } id)
        {
            if (await programs.GetAsync(User.UserId(), id, HttpContext.RequestAborted) is not { CanEdit: true } view) return NotFound();
            var p = view.Program;
            (Organization, Name, Kind, Description, Eligibility, Currency) = (view.Organization, p.Name, p.Kind, p.Description, p.Eligibility, p.Currency);
            Ceiling = p.Ceiling?.ToString(CultureInfo.CurrentCulture);
            Categories = [.. GrantRules.Each(p.Categories)];
            Languages = [.. p.Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            (Regions, Status, ResponseHours, Rubric) = (p.Regions, p.Status, p.ResponseHours, p.Rubric);
            return Page();
        }
        if (await OrganizationNameAsync() is not { } name) return NotFound();
        Organization = name;
        Status = ProgramStatus.Rolling;
        Languages = [CultureInfo.CurrentUICulture.TwoLetterISOLanguageName];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // A value the binder could not read is that field's problem, never silently dropped (only the parsed fields can fail).
        foreach (var field in FormErrors.Unreadable(ModelState)) Errors.TryAdd(field, "Grants.Error." + field);
        decimal? ceiling = null;
        if (!string.IsNullOrWhiteSpace(Ceiling))
        {
            if (Amounts.TryParse(Ceiling, out var c)) ceiling = c;
            else Errors["Ceiling"] = "Grants.Error.Ceiling";
        }
        var input = new ProgramInput(Name, Kind, Description, Eligibility, Currency?.Trim().ToUpperInvariant(), ceiling, Categories, Languages, Regions, Status, ResponseHours, Rubric ?? "");
        var me = User.UserId();
        if (Id is null && Org is null) return NotFound();
        if (Errors.Count > 0)
        {
            // The ceiling could not be read: nothing is saved; the other fields' problems are named too (countries are checked on saving).
            if (Id is { } editing ? await programs.GetAsync(me, editing, HttpContext.RequestAborted) is not { CanEdit: true } : await OrganizationNameAsync() is null) return NotFound();
            foreach (var (field, key) in GrantRules.Check(input, _ => true)) Errors.TryAdd(field, key);
            return await InvalidAsync(me);
        }
        var result = Id is { } id ? await programs.UpdateAsync(me, id, input, HttpContext.RequestAborted)
            : await programs.CreateAsync(me, Org!.Value, input, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case ProgramWriteStatus.Done:
                return Redirect(GrantRoutes.Program(result.Id!.Value) + "?done=saved");
            case ProgramWriteStatus.NotFound:
                return NotFound();
            case ProgramWriteStatus.Invalid:
                Errors = new(result.Errors!);
                return await InvalidAsync(me);
        }
        return NotFound();
    }

    private async Task<IActionResult> InvalidAsync(Guid me)
    {
        Organization = Id is { } existing && await programs.GetAsync(me, existing, HttpContext.RequestAborted) is { } view ? view.Organization : await OrganizationNameAsync() ?? "";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<string?> OrganizationNameAsync() =>
        Org is { } org ? (await programs.GrantmakersAsync(User.UserId(), HttpContext.RequestAborted)).Where(g => g.Id == org).Select(g => g.Name).FirstOrDefault() : null;

    /// <summary>The form's problems for the summary at its top, each linked to its field.</summary>
    public List<FormError> Summary(Func<string, string> text) => [.. Errors.Select(e => new FormError(text(e.Value), e.Key))];
}
