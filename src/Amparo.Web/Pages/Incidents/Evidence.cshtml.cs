using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// Adds a photo, document or recording to a report (a plain file field: no JavaScript), and serves one back. The upload is
/// the one request here allowed past the 1-MB body limit, up to <see cref="Features.Incidents.Evidence.MaxBytes"/>.
/// </summary>
[RequestSizeLimit(Features.Incidents.Evidence.MaxBytes + (256 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = Features.Incidents.Evidence.MaxBytes + (256 * 1024))]
public sealed class EvidenceModel(IncidentService incidents) : PageModel
{
    public Guid Id { get; private set; }
    /// <summary>Resource key of the reason a file was refused, shown next to the field.</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? file)
    {
        Response.Headers.CacheControl = "no-store";
        Id = id;
        if (file is { } fileId)
        {
            if (await incidents.ReadEvidenceAsync(User.UserId(), id, fileId, HttpContext.RequestAborted) is not { } found) return NotFound();
            // Always a download, never shown inline: a file someone sent must not run as a page of this site.
            return File(found.Bytes, found.ContentType, found.FileName);
        }
        return await incidents.MayAddEvidenceAsync(User.UserId(), id, HttpContext.RequestAborted) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, IFormFile? upload)
    {
        Response.Headers.CacheControl = "no-store";
        Id = id;
        if (upload is null || upload.Length == 0) Error = "Incidents.Evidence.Error.None";
        else if (upload.Length > Features.Incidents.Evidence.MaxBytes) Error = "Incidents.Evidence.Error.TooLarge";
        else
        {
            using var buffer = new MemoryStream((int)upload.Length);
            await upload.CopyToAsync(buffer, HttpContext.RequestAborted);
            var result = await incidents.AddEvidenceAsync(User.UserId(), id, upload.FileName, buffer.ToArray(), HttpContext.RequestAborted);
            switch (result.Status)
            {
                case IncidentWriteStatus.Done: return Redirect($"/incidents/{id}?done=evidence#evidence");
                case IncidentWriteStatus.NotFound:
                case IncidentWriteStatus.NotAllowed:
                case IncidentWriteStatus.Conflict:
                    return NotFound();
                case IncidentWriteStatus.Invalid:
                    Error = "Incidents.Evidence.Error." + result.Refusal;
                    break;
            }
        }
        return await incidents.MayAddEvidenceAsync(User.UserId(), id, HttpContext.RequestAborted) ? Page() : NotFound();
    }
}
