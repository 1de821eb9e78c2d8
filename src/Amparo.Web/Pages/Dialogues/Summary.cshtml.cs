using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// The facilitators' summary: one document across all threads, written day by day and published when the dialogue is
/// over — which closes it. Two facilitators saving at once: the second is told, and their text is kept in the form.
/// </summary>
public sealed class SummaryModel(Features.Dialogues.Dialogues dialogues) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public int Version { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await dialogues.AccessAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { IsFacilitator: true } access) return NotFound();
        Access = access;
        (Text, Version) = (access.Dialogue.Summary, access.Dialogue.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool publish)
    {
        var me = User.UserId();
        var result = await dialogues.SaveSummaryAsync(me, Id, Text, Version, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.Done && publish)
        {
            var version = (await dialogues.AccessAsync(Id, me, HttpContext.RequestAborted))?.Dialogue.Version;
            result = await dialogues.MoveAsync(me, Id, StageMove.PublishSummary, version, HttpContext.RequestAborted);
            if (result.Status == DialogueWriteStatus.Done) return Redirect(DialoguePages.Dialogue(Id) + "?done=moved#summary");
        }
        else if (result.Status == DialogueWriteStatus.Done) return Redirect($"/dialogues/{Id}/summary?done=saved");
        if (result.Status == DialogueWriteStatus.NotFound || await dialogues.AccessAsync(Id, me, HttpContext.RequestAborted) is not { IsFacilitator: true } access) return NotFound();
        Access = access;
        if (result.Errors is { } errors) foreach (var (k, v) in errors) Errors[k == "summary" ? "Text" : k] = v;
        else Errors["Text"] = "Dialogues.Error.SummaryMovedOn";
        Version = access.Dialogue.Version;
        return Page();
    }
}
