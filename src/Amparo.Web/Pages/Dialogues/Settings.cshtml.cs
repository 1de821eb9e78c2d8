using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Pages.CheckIns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// A coordinator starts a dialogue in one of their networks (<c>?network=</c>) or changes its settings while it is drafted
/// or prepared. Times are entered in the dialogue's own zone.
/// </summary>
public sealed class SettingsModel(Features.Dialogues.Dialogues dialogues, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [FromQuery(Name = "network")] public Guid? NetworkId { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Purpose { get; set; }
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty] public string? StartsAt { get; set; }
    [BindProperty] public string? EndsAt { get; set; }
    [BindProperty] public string TimeZone { get; set; } = "UTC";
    [BindProperty] public bool IsPublic { get; set; }
    [BindProperty] public List<Guid> OtherNetworks { get; set; } = [];
    public List<(Guid Id, string Name)> Networks { get; private set; } = [];
    public string NetworkName { get; private set; } = "";
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (Id is { } id && await dialogues.AccessAsync(id, User.UserId(), HttpContext.RequestAborted) is { Coordinator: true } access)
        {
            var d = access.Dialogue;
            (Title, Purpose, Languages, TimeZone, IsPublic) = (d.Title, d.Purpose, [.. d.LanguageList], d.TimeZone, d.IsPublic);
            StartsAt = CheckInPages.LocalInputValue(d.StartsAt, d.TimeZone);
            EndsAt = CheckInPages.LocalInputValue(d.EndsAt, d.TimeZone);
            OtherNetworks = await db.DialogueNetworks.Where(n => n.DialogueId == id).Select(n => n.NetworkId).ToListAsync(HttpContext.RequestAborted);
        }
        else
        {
            TimeZone = LocalTimes.ZoneName(User.TimeZoneOf());
            Languages = [System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName];
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync()) return NotFound();
        var zone = LocalTimes.ZoneName(TimeZone);
        DateTime? starts = CheckInPages.ParseLocalInput(StartsAt) is { Year: >= 2000 and <= 2200 } s ? CheckInPages.LocalToUtc(s, zone, out _) : null;
        DateTime? ends = CheckInPages.ParseLocalInput(EndsAt) is { Year: >= 2000 and <= 2200 } e ? CheckInPages.LocalToUtc(e, zone, out _) : null;
        var input = new DialogueInput(Title, Purpose, Languages, starts, ends, TimeZone, IsPublic, OtherNetworks);
        var me = User.UserId();
        var result = Id is { } id
            ? await dialogues.UpdateAsync(me, id, input, HttpContext.RequestAborted)
            : await dialogues.CreateAsync(me, NetworkId ?? Guid.Empty, input, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case DialogueWriteStatus.NotFound:
                return NotFound();
            case DialogueWriteStatus.MovedOn:
                Errors["Title"] = "Dialogues.Error.MovedOn";
                return Page();
            case DialogueWriteStatus.Invalid:
                foreach (var (k, v) in result.Errors!) Errors[k] = v;
                return Page();
            case DialogueWriteStatus.Done:
                return Redirect(DialoguePages.Dialogue(result.Id!.Value) + "?done=saved");
        }
        return NotFound();
    }

    /// <summary>The network it is held by (and the other networks its coordinator may add); false when the viewer coordinates none of it.</summary>
    private async Task<bool> LoadAsync()
    {
        var me = User.UserId();
        Guid network;
        if (Id is { } id)
        {
            if (await dialogues.AccessAsync(id, me, HttpContext.RequestAborted) is not { Coordinator: true } access) return false;
            network = access.Dialogue.NetworkId;
        }
        else if (NetworkId is { } n && await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == n && c.UserId == me, HttpContext.RequestAborted)) network = n;
        else return false;
        NetworkName = await db.Networks.Where(x => x.Id == network).Select(x => x.Name).SingleAsync(HttpContext.RequestAborted);
        Networks = [.. (await (from c in db.NetworkCoordinators where c.UserId == me && c.NetworkId != network join x in db.Networks on c.NetworkId equals x.Id orderby x.Name select new { x.Id, x.Name })
            .ToListAsync(HttpContext.RequestAborted)).Select(x => (x.Id, x.Name))];
        return true;
    }
}
