using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// One program: what it funds and for whom (anyone signed in while it takes requests); its staff (its grantmaker's admins
/// and the program's staff); giving and taking back roles (the admins). Anyone else, or a closed program: 404.
/// </summary>
public sealed class ProgramModel(GrantPrograms programs, GrantRequests requests, TimeProvider clock, SecurityAssessments assessments) : PageModel
{
    /// <summary>Now (UTC): a report is overdue once its day has ended everywhere.</summary>
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The program's submitted requests for its staff (first page); null for anyone else.</summary>
    public List<RequestSummary>? Requests { get; private set; }
    /// <summary>Grants whose report came or is overdue (the first page only).</summary>
    public List<RequestSummary>? FollowUp { get; private set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;
    [FromRoute] public Guid Id { get; set; }
    public ProgramView View { get; private set; } = null!;
    public string? Error { get; private set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    /// <summary>Whom the viewer may ask for besides themself (the apply form's choice); empty: only themself.</summary>
    public AskingChoices Choices { get; private set; } = new([], []);
    /// <summary>Whether the grantmaker published how it protects grantees' data (the page links to it).</summary>
    public bool HasPractices { get; private set; }

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

    /// <summary>Start a request to this program: a draft, opened at once.</summary>
    /// <param name="as">"me", "org:{id}" or "for:{userId}", as the form offers them.</param>
    public async Task<IActionResult> OnPostApplyAsync(string? @as)
    {
        ApplyingAs? applying = @as switch
        {
            null or "" or "me" => ApplyingAs.Myself,
            _ when @as.StartsWith("org:", StringComparison.Ordinal) && Guid.TryParse(@as.AsSpan(4), out var org) => new ApplyingAs(OrganizationId: org),
            _ when @as.StartsWith("for:", StringComparison.Ordinal) && Guid.TryParse(@as.AsSpan(4), out var person) => new ApplyingAs(BehalfOfId: person),
            _ => null,
        };
        var started = applying is null ? new RequestWrite(RequestWriteStatus.Invalid)
            : await requests.StartAsync(User.UserId(), Id, applying, HttpContext.RequestAborted);
        switch (started.Status)
        {
            case RequestWriteStatus.Done:
                return Redirect(GrantRoutes.Request(started.Id!.Value));
            case RequestWriteStatus.Refused:
                // The program's own staff: they would review their own request.
                if (!await LoadAsync()) return NotFound();
                Error = "Grants.Request.Error.OwnProgram";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case RequestWriteStatus.Invalid:
                // Someone or something this person may not ask for (or a value the form did not offer): nothing started.
                if (!await LoadAsync()) return NotFound();
                Error = "Grants.Request.Error.As";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case RequestWriteStatus.NotFound:
            case RequestWriteStatus.Conflict:
                return NotFound();
        }
        return NotFound();
    }

    private async Task<bool> LoadAsync()
    {
        var me = User.UserId();
        if (await programs.GetAsync(me, Id, HttpContext.RequestAborted) is not { } view) return false;
        View = view;
        HasPractices = await assessments.HasPublishedAsync(view.Program.OrganizationId, HttpContext.RequestAborted);
        Requests = await requests.ForProgramAsync(me, Id, Math.Max(1, PageNumber), GrantRequestsApi.RequestPageSize, HttpContext.RequestAborted);
        if (Requests is not null && PageNumber <= 1) FollowUp = await requests.FollowUpAsync(me, Id, GrantRequestsApi.RequestPageSize, HttpContext.RequestAborted);
        if (!view.IsStaff) Choices = await requests.AskingChoicesAsync(me, HttpContext.RequestAborted);
        return true;
    }
}
