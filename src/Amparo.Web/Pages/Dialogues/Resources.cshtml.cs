using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// The links and small files contributed during a dialogue. Members read them all; facilitators choose the ones
/// published with the summary (curated), which are all a public reader sees once the dialogue closed.
/// </summary>
[AllowAnonymous]
[RequestSizeLimit(DialogueResource.FileMax + 64 * 1024)]
public sealed class ResourcesModel(Features.Dialogues.Dialogues dialogues, DialogueViews views, Features.Networks.DirectoryLinks links) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty(Name = "Url")] public string? Link { get; set; }
    [BindProperty(Name = "File")] public IFormFile? Upload { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public List<DialogueResource> Resources { get; private set; } = [];
    /// <summary>The addresses already among the network's recommended links (a coordinator's page shows which are in).</summary>
    public HashSet<string> InDirectory { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);
    public bool MayAdd => (Access.Me is not null || Access.IsFacilitator)
        && Access.Phase is DialoguePhase.Preparation or DialoguePhase.Upcoming or DialoguePhase.Live or DialoguePhase.WrappingUp;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        (string, string, byte[])? file = null;
        if (Upload is { Length: > 0 } f)
        {
            if (f.Length > DialogueResource.FileMax) Errors["File"] = "Dialogues.Error.FileSize";
            else
            {
                using var buffer = new MemoryStream();
                await f.CopyToAsync(buffer, HttpContext.RequestAborted);
                file = (f.FileName, f.ContentType, buffer.ToArray());
            }
        }
        var result = Errors.Count > 0 ? null : await dialogues.AddResourceAsync(me, Id, Title, Link, file, HttpContext.RequestAborted);
        if (result?.Status == DialogueWriteStatus.NotFound) return NotFound();
        if (result?.Status == DialogueWriteStatus.Done) return Redirect($"/dialogues/{Id}/resources?done=1");
        if (!await LoadAsync()) return NotFound();
        if (result?.Errors is { } errors) foreach (var (k, v) in errors) Errors[k] = v;
        else if (result is not null) Errors["Title"] = "Dialogues.Error.MovedOn";
        return Page();
    }

    public async Task<IActionResult> OnPostCurateAsync(Guid resource, bool curated)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.CurateAsync(me, resource, curated, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.NotFound) return NotFound();
        return Redirect($"/dialogues/{Id}/resources?done=1");
    }

    /// <summary>A coordinator puts a curated link into the network's directory ("links the network recommends").</summary>
    public async Task<IActionResult> OnPostDirectoryAsync(Guid resource)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.AddToDirectoryAsync(me, resource, links, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.NotFound) return NotFound();
        if (result.Status == DialogueWriteStatus.Done) return Redirect($"/dialogues/{Id}/resources?done=1");
        if (!await LoadAsync()) return NotFound();
        Errors["Title"] = result.Errors?.Values.FirstOrDefault() ?? "Dialogues.Error.MovedOn";
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (await dialogues.AccessAsync(Id, DialoguePages.Viewer(User), HttpContext.RequestAborted) is not { } access) return false;
        if (!access.IsMember && access.Phase is not (DialoguePhase.Closed or DialoguePhase.Archived) && !access.Dialogue.IsPublic) return false;
        Access = access;
        Resources = await views.ResourcesAsync(access, HttpContext.RequestAborted);
        if (access.Coordinator)
            InDirectory = [.. (await links.ForAsync(access.UserId, access.Dialogue.NetworkId, HttpContext.RequestAborted)).Select(l => l.Url)];
        return true;
    }
}
