using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning.Packs;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// Imports a training pack (server admin only), in two steps without JavaScript: the upload is checked and what it would
/// change is shown (nothing changes yet); Confirm checks it again and applies it. Between the two the file waits under
/// the data directory (PackUploads), for an hour at most.
/// </summary>
[Authorize(Policy = WebSetup.ServerAdminPolicy)]
[RequestSizeLimit(PackFormat.MaxUploadBytes + (256 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = PackFormat.MaxUploadBytes + (256 * 1024))]
public sealed class PacksImportModel(PackImporter importer, PackUploads uploads, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The upload waiting for confirmation.</summary>
    [BindProperty(Name = "upload")] public string? Upload { get; set; }

    public PackPreview? Preview { get; private set; }
    public List<FormError> Errors { get; } = [];
    public bool Done { get; private set; }

    public void OnGet(string? done)
    {
        Response.Headers.CacheControl = "no-store";
        Done = done == "imported";
    }

    public async Task<IActionResult> OnPostReadAsync(IFormFile? file)
    {
        Response.Headers.CacheControl = "no-store";
        Upload = null;
        if (file is null || file.Length == 0) return Refuse(t["Packs.Import.Error.Empty"]);
        if (file.Length > PackFormat.MaxUploadBytes) return Refuse(t["Packs.Import.Error.TooLarge"]);
        string id;
        await using (var stream = file.OpenReadStream()) id = await uploads.SaveAsync(stream, HttpContext.RequestAborted);
        PackImportOutcome outcome;
        await using (var zip = System.IO.File.OpenRead(uploads.Find(id)!)) outcome = await importer.PreviewAsync(zip, HttpContext.RequestAborted);
        if (outcome.Problem is { } problem)
        {
            uploads.Remove(id);
            return Refuse(t[PackRefusals.Key(problem.Refusal), problem.Detail]);
        }
        Preview = outcome.Preview;
        if (Preview!.ChangesAnything) Upload = id;
        else uploads.Remove(id);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        Response.Headers.CacheControl = "no-store";
        var id = Upload;
        Upload = null;
        if (uploads.Find(id) is not { } path) return Refuse(t["Packs.Import.Error.Expired"]);
        PackImportOutcome outcome;
        await using (var zip = System.IO.File.OpenRead(path)) outcome = await importer.ApplyAsync(zip, User.UserId(), HttpContext.RequestAborted);
        uploads.Remove(id!);
        if (outcome.Problem is { } problem) return Refuse(t[PackRefusals.Key(problem.Refusal), problem.Detail]);
        return Redirect("/learn/packs/import?done=imported");
    }

    private PageResult Refuse(string message)
    {
        Errors.Add(new(message, "file"));
        return Page();
    }
}
