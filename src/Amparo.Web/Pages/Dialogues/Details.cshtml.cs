using Amparo.Web.Features.Dialogues;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Pages.CheckIns;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// A dialogue's page, for whoever may see it (a public one: anyone, signed in or not): its purpose, dates and threads;
/// joining under a pseudonym; the coordinator's threads, invitation links and stage moves; the published summary.
/// </summary>
[AllowAnonymous]
public sealed class DetailsModel(Features.Dialogues.Dialogues dialogues, DialogueViews views, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "invite")] public string? Invite { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Pseudonym { get; set; }
    [BindProperty] public int PostsPromised { get; set; } = 2;
    [BindProperty] public bool Digest { get; set; } = true;
    [BindProperty] public string? ThreadTitle { get; set; }
    [BindProperty] public string? Question { get; set; }
    [BindProperty] public string? Prompts { get; set; }
    [BindProperty] public string? OpensAt { get; set; }
    [BindProperty] public string? ClosesAt { get; set; }
    [BindProperty] public bool MembersOnly { get; set; }

    public DialogueAccess Access { get; private set; } = null!;
    public List<DialogueThread> Threads { get; private set; } = [];
    public DialogueInvitation? Invitation { get; private set; }
    public List<DialogueInvitation> Invitations { get; private set; } = [];
    public string? NewInvitationLink { get; private set; }
    public string NetworkName { get; private set; } = "";
    public int Pending { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);
    public string DoneKey => Done switch
    {
        "saved" => "Dialogues.Done.Saved",
        "joined" => "Dialogues.Done.Joined",
        "moved" => "Dialogues.Done.Moved",
        "thread" => "Dialogues.Done.Thread",
        _ => "",
    };

    public async Task<IActionResult> OnGetAsync()
    {
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostJoinAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.JoinAsync(me, Id, new JoinInput(Pseudonym, Invite, PostsPromised, Digest), HttpContext.RequestAborted);
        return await AfterAsync(result, "joined", "Pseudonym");
    }

    public async Task<IActionResult> OnPostMoveAsync(StageMove move, int version)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.MoveAsync(me, Id, move, version, HttpContext.RequestAborted);
        return await AfterAsync(result, "moved", "threads");
    }

    public async Task<IActionResult> OnPostInviteAsync(DialogueRole role)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.InviteAsync(me, Id, role, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.NotFound || !await LoadAsync()) return NotFound();
        if (result.Secret is { } secret) NewInvitationLink = $"{Request.Scheme}://{Request.Host}{DialoguePages.Dialogue(Id)}?invite={secret}";
        else Errors["role"] = "Dialogues.Error.MovedOn";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid invitation)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        return await AfterAsync(await dialogues.RevokeInvitationAsync(me, invitation, HttpContext.RequestAborted), "saved", "role");
    }

    public async Task<IActionResult> OnPostDigestAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        return await AfterAsync(await dialogues.SetDigestAsync(me, Id, Digest, HttpContext.RequestAborted), "saved", "digest");
    }

    public async Task<IActionResult> OnPostAddThreadAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        if (await dialogues.AccessAsync(Id, me, HttpContext.RequestAborted) is not { Coordinator: true } access) return NotFound();
        var zone = LocalTimes.ZoneName(access.Dialogue.TimeZone);
        DateTime? opens = null, closes = null;
        if (!string.IsNullOrWhiteSpace(OpensAt))
        {
            if (CheckInPages.ParseLocalInput(OpensAt) is { Year: >= 2000 and <= 2200 } o) opens = CheckInPages.LocalToUtc(o, zone, out _);
            else Errors["OpensAt"] = "Dialogues.Error.OpensAt";
        }
        if (!string.IsNullOrWhiteSpace(ClosesAt))
        {
            if (CheckInPages.ParseLocalInput(ClosesAt) is { Year: >= 2000 and <= 2200 } c) closes = CheckInPages.LocalToUtc(c, zone, out _);
            else Errors["ClosesAt"] = "Dialogues.Error.ClosesAt";
        }
        if (Errors.Count > 0)
        {
            await LoadAsync();
            return Page();
        }
        var result = await dialogues.AddThreadAsync(me, Id, new ThreadInput(ThreadTitle, Question, Prompts, opens, closes, MembersOnly), HttpContext.RequestAborted);
        return await AfterAsync(result, "thread", "ThreadTitle");
    }

    public async Task<IActionResult> OnPostRemoveThreadAsync(Guid thread)
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        return await AfterAsync(await dialogues.RemoveThreadAsync(me, thread, HttpContext.RequestAborted), "saved", "threads");
    }

    /// <summary>Back to the page with the done notice, or the page again with why it was refused.</summary>
    private async Task<IActionResult> AfterAsync(DialogueWrite result, string done, string field)
    {
        if (result.Status == DialogueWriteStatus.NotFound) return NotFound();
        if (result.Status == DialogueWriteStatus.Done) return Redirect(DialoguePages.Dialogue(Id) + "?done=" + done);
        if (!await LoadAsync()) return NotFound();
        if (result.Errors is { } errors) foreach (var (k, v) in errors) Errors[k] = v;
        else Errors[field] = "Dialogues.Error.MovedOn";
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var me = DialoguePages.Viewer(User);
        Invitation = await dialogues.InvitationAsync(Id, Invite, HttpContext.RequestAborted);
        var dialogue = await db.Dialogues.AsNoTracking().SingleOrDefaultAsync(d => d.Id == Id, HttpContext.RequestAborted);
        if (dialogue is null) return false;
        Access = await dialogues.AccessToAsync(dialogue, me, HttpContext.RequestAborted);
        // An invitation link shows the dialogue to the one it was sent to, even outside its networks.
        if (!Access.SeesDialogue && Invitation is null) return false;
        Threads = await views.ThreadsAsync(Access, HttpContext.RequestAborted);
        Pseudonym ??= DialoguePages.SuggestPseudonym();
        NetworkName = await db.Networks.Where(n => n.Id == dialogue.NetworkId).Select(n => n.Name).SingleAsync(HttpContext.RequestAborted);
        if (Access.Coordinator)
        {
            var now = Access.Now;
            Invitations = await db.DialogueInvitations.AsNoTracking().Where(i => i.DialogueId == Id && i.RevokedAt == null && i.ExpiresAt > now)
                .OrderBy(i => i.CreatedAt).ToListAsync(HttpContext.RequestAborted);
        }
        if (Access.IsModerator)
        {
            Pending = await db.DialoguePosts.CountAsync(p => p.DialogueId == Id && p.State == PostState.Pending, HttpContext.RequestAborted)
                + await db.DialogueReports.CountAsync(r => r.DialogueId == Id && r.ResolvedAt == null, HttpContext.RequestAborted);
        }
        return true;
    }
}
