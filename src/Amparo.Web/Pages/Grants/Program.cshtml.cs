using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// One program: what it funds and for whom (anyone signed in while it takes requests); its staff (its grantmaker's admins
/// and the program's staff); giving and taking back roles (the admins). Anyone else, or a closed program: 404.
/// </summary>
public sealed class ProgramModel(GrantPrograms programs) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public ProgramView View { get; private set; } = null!;
    public string? Error { get; private set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAssignAsync(Guid userId, ProgramRole role, bool? on)
    {
        if (on is null || !ModelState.IsValid)
        {
            // A form this page did not send: say so rather than guess whether to give or take back.
            if (!await LoadAsync() || !View.CanEdit) return NotFound();
            Error = "Grants.Error.Assignment";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        switch (await programs.AssignAsync(User.UserId(), Id, userId, role, on.Value, HttpContext.RequestAborted))
        {
            case AssignmentResult.Done:
                return Redirect(GrantRoutes.Program(Id) + "?done=" + (on.Value ? "assigned" : "unassigned"));
            case AssignmentResult.NotFound:
                return NotFound();
            case AssignmentResult.NotAMember:
                Error = "Grants.Error.NotAMember";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await LoadAsync() ? Page() : NotFound();
        }
        return NotFound();
    }

    private async Task<bool> LoadAsync()
    {
        if (await programs.GetAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return false;
        View = view;
        return true;
    }
}
