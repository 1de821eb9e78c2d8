using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

public enum DialogueWriteStatus { Done, NotFound, Invalid, MovedOn }

/// <summary>A write's outcome: done (with the row's id), not found (404), the fields refused (field → resource key), or refused because the dialogue or the row moved on.</summary>
public sealed record DialogueWrite(DialogueWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null, string? Secret = null)
{
    public static readonly DialogueWrite NotFound = new(DialogueWriteStatus.NotFound);
    public static readonly DialogueWrite MovedOn = new(DialogueWriteStatus.MovedOn);
    public static DialogueWrite Invalid(string field, string key) => new(DialogueWriteStatus.Invalid, Errors: new Dictionary<string, string> { [field] = key });
}

/// <summary>The dialogue's settings as a coordinator gives them (times in UTC; the page converts from the dialogue's zone).</summary>
public sealed record DialogueInput(string? Title, string? Purpose, IReadOnlyList<string> Languages, DateTime? StartsAt, DateTime? EndsAt, string? TimeZone,
    bool IsPublic, IReadOnlyList<Guid> OtherNetworks);

/// <summary>A thread as its coordinator writes it; with no times it opens one a day from the start, in order, and closes at the end.</summary>
public sealed record ThreadInput(string? Title, string? Question, string? Prompts, DateTime? OpensAt, DateTime? ClosesAt, bool MembersOnly);

public sealed record JoinInput(string? Pseudonym, string? Invitation, int PostsPromised, bool Digest);

public sealed record PostInput(string? Text, Guid? ParentId, Guid? QuoteId, Guid? ResourceId);

public enum ModerationAct { Approve = 1, Redact = 2, Hide = 3, Restore = 4, DismissReports = 5 }

public enum StageMove { Prepare = 1, Open = 2, PublishSummary = 3, Archive = 4, BackToDraft = 5 }

/// <summary>
/// Dialogues (issue 17): a network's coordinators draft them and their threads, invite leaders, facilitators and
/// moderators by link, and move them along; people join under a pseudonym and post while a thread is open; moderators
/// let posts through, take out location hints, hide; facilitators review threads and write the summary. What a caller
/// may not see is <see cref="DialogueWrite.NotFound"/>, as for every owner-scoped record.
/// </summary>
/// <remarks>
/// Nothing a participant does is written to the audit trail or anywhere else under their account id: the pseudonym's
/// link to the person is only in <see cref="DialoguePseudonyms"/>. Coordinators act under their own name (audited).
/// </remarks>
public sealed class Dialogues(AmparoDbContext db, DialoguePseudonyms pseudonyms, FieldCipher cipher, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan InvitationLasts = TimeSpan.FromDays(30);
    /// <summary>Posts at the top of a thread per page (each with its replies): a page stays within its weight budget on a phone.</summary>
    public const int PageSize = 20;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ----- who the viewer is ------------------------------------------------------------------------------------

    /// <summary>The viewer's access to the dialogue; null when it does not exist or they may not see it.</summary>
    public async Task<DialogueAccess?> AccessAsync(Guid dialogueId, Guid? userId, CancellationToken ct = default)
    {
        var dialogue = await db.Dialogues.SingleOrDefaultAsync(d => d.Id == dialogueId, ct);
        if (dialogue is null) return null;
        var access = await AccessToAsync(dialogue, userId, ct);
        return access.SeesDialogue ? access : null;
    }

    public async Task<DialogueAccess> AccessToAsync(Dialogue dialogue, Guid? userId, CancellationToken ct = default)
    {
        if (userId is not { } user) return new DialogueAccess(dialogue, Now, null, false, false, null);
        var coordinator = await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == dialogue.NetworkId && c.UserId == user, ct);
        var networks = db.DialogueNetworks.Where(n => n.DialogueId == dialogue.Id).Select(n => n.NetworkId);
        var inAudience = await (
            from m in db.Memberships
            where m.UserId == user
            join no in db.NetworkOrganizations on m.OrganizationId equals no.OrganizationId
            where no.NetworkId == dialogue.NetworkId || networks.Contains(no.NetworkId)
            select m).AnyAsync(ct)
            || await db.NetworkCoordinators.AnyAsync(c => c.UserId == user && networks.Contains(c.NetworkId), ct);
        var me = await pseudonyms.MineAsync(dialogue.Id, user, ct);
        // Someone who joined from the audience and has since left it (their organization left the network, or they left
        // their organization) keeps nothing: their pseudonym stays on what they wrote, but they no longer read or post.
        if (me is { Invited: false } && !inAudience && !coordinator) me = null;
        return new DialogueAccess(dialogue, Now, user, coordinator, inAudience, me);
    }

    /// <summary>The dialogues a person may see: of their networks (not drafts, unless they coordinate), the public ones, and those they joined by invitation.</summary>
    public async Task<List<(Dialogue Dialogue, DialoguePhase Phase)>> ListAsync(Guid? userId, CancellationToken ct = default)
    {
        var all = await db.Dialogues.AsNoTracking().OrderByDescending(d => d.StartsAt).Take(500).ToListAsync(ct);
        var shown = new List<(Dialogue, DialoguePhase)>();
        foreach (var d in all)
        {
            // Public dialogues need no question; the rest are asked one by one (few dialogues: a network holds a handful a year).
            var access = d.IsPublic && d.Stage >= DialogueStage.Open && userId is null
                ? new DialogueAccess(d, Now, null, false, false, null)
                : await AccessToAsync(d, userId, ct);
            if (access.SeesDialogue) shown.Add((d, access.Phase));
        }
        return shown;
    }

    // ----- the coordinator's side -------------------------------------------------------------------------------

    public async Task<DialogueWrite> CreateAsync(Guid coordinatorId, Guid networkId, DialogueInput input, CancellationToken ct = default)
    {
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == coordinatorId, ct)) return DialogueWrite.NotFound;
        var errors = Check(input);
        if (errors.Count > 0) return new DialogueWrite(DialogueWriteStatus.Invalid, Errors: errors);
        var key = cipher.NewDataKey("dialogue");
        db.DataKeys.Add(key);
        var now = Now;
        var dialogue = new Dialogue
        {
            Id = Guid.NewGuid(), NetworkId = networkId, Stage = DialogueStage.Draft, KeyId = key.Id, CreatedAt = now, UpdatedAt = now,
        };
        Apply(dialogue, input);
        db.Dialogues.Add(dialogue);
        await SetNetworksAsync(dialogue, coordinatorId, input.OtherNetworks, ct);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.DialogueChanged, coordinatorId, dialogue.Id, detail: "created", ct: ct);
        return new DialogueWrite(DialogueWriteStatus.Done, dialogue.Id);
    }

    /// <summary>Settings change while it is drafted or prepared; dates also while open and before it starts.</summary>
    public async Task<DialogueWrite> UpdateAsync(Guid coordinatorId, Guid dialogueId, DialogueInput input, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, coordinatorId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Draft or DialoguePhase.Preparation)) return DialogueWrite.MovedOn;
        var errors = Check(input);
        if (errors.Count > 0) return new DialogueWrite(DialogueWriteStatus.Invalid, Errors: errors);
        Apply(access.Dialogue, input);
        await SetNetworksAsync(access.Dialogue, coordinatorId, input.OtherNetworks, ct);
        return await SaveDialogueAsync(access.Dialogue, coordinatorId, "updated", ct);
    }

    public async Task<DialogueWrite> AddThreadAsync(Guid coordinatorId, Guid dialogueId, ThreadInput input, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, coordinatorId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Draft or DialoguePhase.Preparation)) return DialogueWrite.MovedOn;
        var count = await db.DialogueThreads.CountAsync(t => t.DialogueId == dialogueId, ct);
        var thread = new DialogueThread { Id = Guid.NewGuid(), DialogueId = dialogueId, Position = count + 1 };
        var errors = ApplyThread(access.Dialogue, thread, input);
        if (errors.Count > 0) return new DialogueWrite(DialogueWriteStatus.Invalid, Errors: errors);
        db.DialogueThreads.Add(thread);
        return await SaveDialogueAsync(access.Dialogue, coordinatorId, "thread-added", ct, thread.Id);
    }

    /// <summary>A thread changes only before the dialogue opens; a change takes back its review (the facilitators read it again).</summary>
    public async Task<DialogueWrite> UpdateThreadAsync(Guid coordinatorId, Guid threadId, ThreadInput input, CancellationToken ct = default)
    {
        var thread = await db.DialogueThreads.SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await AccessAsync(thread.DialogueId, coordinatorId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Draft or DialoguePhase.Preparation)) return DialogueWrite.MovedOn;
        var errors = ApplyThread(access.Dialogue, thread, input);
        if (errors.Count > 0) return new DialogueWrite(DialogueWriteStatus.Invalid, Errors: errors);
        thread.ReviewedAt = null;
        return await SaveDialogueAsync(access.Dialogue, coordinatorId, "thread-changed", ct, thread.Id);
    }

    public async Task<DialogueWrite> RemoveThreadAsync(Guid coordinatorId, Guid threadId, CancellationToken ct = default)
    {
        var thread = await db.DialogueThreads.SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await AccessAsync(thread.DialogueId, coordinatorId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Draft or DialoguePhase.Preparation)) return DialogueWrite.MovedOn;
        db.DialogueThreads.Remove(thread);
        foreach (var later in await db.DialogueThreads.Where(t => t.DialogueId == thread.DialogueId && t.Position > thread.Position).ToListAsync(ct)) later.Position--;
        return await SaveDialogueAsync(access.Dialogue, coordinatorId, "thread-removed", ct, thread.Id);
    }

    /// <summary>A facilitator (or a coordinator) read the draft thread; every thread must be before the dialogue opens.</summary>
    public async Task<DialogueWrite> ReviewThreadAsync(Guid userId, Guid threadId, CancellationToken ct = default)
    {
        var thread = await db.DialogueThreads.SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await AccessAsync(thread.DialogueId, userId, ct) is not { } access || !access.SeesThread(thread)) return DialogueWrite.NotFound;
        // A facilitator's review, not the coordinator's own: a coordinator who would review joins as a facilitator.
        if (access.Me?.Role != DialogueRole.Facilitator) return DialogueWrite.NotFound;
        if (access.Phase != DialoguePhase.Preparation) return DialogueWrite.MovedOn;
        thread.ReviewedAt ??= Now;
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, thread.Id);
    }

    /// <summary>
    /// The coordinator moves the dialogue on: to preparation (it has threads), open (every thread reviewed by a
    /// facilitator), back to draft from preparation; a facilitator publishes the summary once it is over (closed); the
    /// coordinator archives a closed one. <paramref name="version"/>: the version the page showed (a summary saved
    /// meanwhile is not published unread).
    /// </summary>
    public async Task<DialogueWrite> MoveAsync(Guid userId, Guid dialogueId, StageMove move, int? version, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, userId, ct) is not { } access) return DialogueWrite.NotFound;
        if (!Enum.IsDefined(move)) return DialogueWrite.Invalid("move", "Dialogues.Error.MovedOn");
        var d = access.Dialogue;
        if (move == StageMove.PublishSummary ? !access.IsFacilitator : !access.Coordinator) return DialogueWrite.NotFound;
        if (version is { } v && v != d.Version) return DialogueWrite.MovedOn;
        var threads = await db.DialogueThreads.Where(t => t.DialogueId == dialogueId).ToListAsync(ct);
        var phase = access.Phase;
        switch (move)
        {
            case StageMove.Prepare:
                if (phase != DialoguePhase.Draft) return DialogueWrite.MovedOn;
                if (threads.Count == 0) return DialogueWrite.Invalid("threads", "Dialogues.Error.NoThreads");
                d.Stage = DialogueStage.Preparation;
                break;
            case StageMove.BackToDraft:
                if (phase != DialoguePhase.Preparation) return DialogueWrite.MovedOn;
                d.Stage = DialogueStage.Draft;
                break;
            case StageMove.Open:
                if (phase != DialoguePhase.Preparation) return DialogueWrite.MovedOn;
                if (threads.Any(t => t.ReviewedAt is null)) return DialogueWrite.Invalid("threads", "Dialogues.Error.NotReviewed");
                // The dates may have moved since the threads were written: each must still open and close inside them.
                if (threads.Any(t => t.OpensAt < d.StartsAt || t.OpensAt >= d.EndsAt || t.ClosesAt <= t.OpensAt || t.ClosesAt > d.EndsAt))
                    return DialogueWrite.Invalid("threads", "Dialogues.Error.ThreadTimes");
                if (d.EndsAt <= Now) return DialogueWrite.Invalid("EndsAt", "Dialogues.Error.EndsPast");
                d.Stage = DialogueStage.Open;
                break;
            case StageMove.PublishSummary:
                if (phase != DialoguePhase.WrappingUp) return DialogueWrite.MovedOn;
                if (string.IsNullOrWhiteSpace(d.Summary)) return DialogueWrite.Invalid("summary", "Dialogues.Error.SummaryEmpty");
                d.Stage = DialogueStage.Closed;
                d.SummaryPublishedAt = Now;
                break;
            case StageMove.Archive:
                if (phase != DialoguePhase.Closed) return DialogueWrite.MovedOn;
                d.Stage = DialogueStage.Archived;
                break;
        }
        // A facilitator publishing is a pseudonym: the trail says it happened, not by whom.
        return await SaveDialogueAsync(d, access.Coordinator ? userId : null, "stage:" + d.Stage.ToString().ToLowerInvariant(), ct);
    }

    /// <summary>An invitation link for a role; the secret is returned once, only its hash kept.</summary>
    public async Task<DialogueWrite> InviteAsync(Guid coordinatorId, Guid dialogueId, DialogueRole role, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, coordinatorId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (!Enum.IsDefined(role)) return DialogueWrite.Invalid("role", "Dialogues.Error.Role");
        if (access.Phase is not (DialoguePhase.Draft or DialoguePhase.Preparation or DialoguePhase.Upcoming or DialoguePhase.Live)) return DialogueWrite.MovedOn;
        var secret = Tokens.NewUrlSafe();
        var invitation = new DialogueInvitation
        {
            Id = Guid.NewGuid(), DialogueId = dialogueId, Role = role, TokenHash = Tokens.Hash(secret), CreatedAt = Now, ExpiresAt = Now + InvitationLasts,
        };
        db.DialogueInvitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.DialogueChanged, coordinatorId, dialogueId, detail: "invitation:" + role.ToString().ToLowerInvariant(), ct: ct);
        return new DialogueWrite(DialogueWriteStatus.Done, invitation.Id, Secret: secret);
    }

    public async Task<DialogueWrite> RevokeInvitationAsync(Guid coordinatorId, Guid invitationId, CancellationToken ct = default)
    {
        var invitation = await db.DialogueInvitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is null || await AccessAsync(invitation.DialogueId, coordinatorId, ct) is not { Coordinator: true }) return DialogueWrite.NotFound;
        invitation.RevokedAt ??= Now;
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, invitation.Id);
    }

    /// <summary>The invitation a link carries, if it is this dialogue's and still good.</summary>
    public async Task<DialogueInvitation?> InvitationAsync(Guid dialogueId, string? secret, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length > 100) return null;
        var hash = Tokens.Hash(secret);
        var now = Now;
        return await db.DialogueInvitations.AsNoTracking()
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.DialogueId == dialogueId && i.RevokedAt == null && i.UsedAt == null && i.ExpiresAt > now, ct);
    }

    // ----- joining and posting ----------------------------------------------------------------------------------

    /// <summary>
    /// Joins under a pseudonym: unique in the dialogue, and not the person's account name or e-mail (a slip that would
    /// undo it). By invitation in its role; from the audience as a participant. Written with no trace of the account
    /// outside <see cref="DialoguePseudonyms"/>.
    /// </summary>
    public async Task<DialogueWrite> JoinAsync(Guid userId, Guid dialogueId, JoinInput input, CancellationToken ct = default)
    {
        var dialogue = await db.Dialogues.SingleOrDefaultAsync(d => d.Id == dialogueId, ct);
        if (dialogue is null) return DialogueWrite.NotFound;
        var access = await AccessToAsync(dialogue, userId, ct);
        var invitation = await InvitationAsync(dialogueId, input.Invitation, ct);
        if (!access.SeesDialogue && invitation is null) return DialogueWrite.NotFound;
        if (input.Invitation is { Length: > 0 } && invitation is null) return DialogueWrite.Invalid("invitation", "Dialogues.Error.Invitation");
        if (access.Me is not null) return DialogueWrite.MovedOn;
        if (!access.MayJoin(invitation is not null)) return DialogueWrite.MovedOn;
        var role = invitation?.Role ?? DialogueRole.Participant;

        var name = (input.Pseudonym ?? "").Trim();
        if (name.Length is < 2 or > DialogueParticipant.PseudonymMax || name.Any(char.IsControl)) return DialogueWrite.Invalid("Pseudonym", "Dialogues.Error.Pseudonym");
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        if (string.Equals(name, user.DisplayName.Trim(), StringComparison.OrdinalIgnoreCase)
            || (user.Email is { } email && (string.Equals(name, email, StringComparison.OrdinalIgnoreCase) || string.Equals(name, email.Split('@')[0], StringComparison.OrdinalIgnoreCase))))
            return DialogueWrite.Invalid("Pseudonym", "Dialogues.Error.PseudonymIsName");
        // Letters, digits, spaces and ordinary punctuation: no invisible or direction-changing characters that make a near-copy of another's name.
        if (name.Any(c => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Control
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned))
            return DialogueWrite.Invalid("Pseudonym", "Dialogues.Error.Pseudonym");
        var key = DialogueParticipant.KeyOf(name);
        if (await db.DialogueParticipants.AnyAsync(p => p.DialogueId == dialogueId && p.PseudonymKey == key, ct)) return DialogueWrite.Invalid("Pseudonym", "Dialogues.Error.PseudonymTaken");
        if (role == DialogueRole.Leader && input.PostsPromised is < 1 or > 10) return DialogueWrite.Invalid("PostsPromised", "Dialogues.Error.Promise");

        var participant = new DialogueParticipant
        {
            Id = Guid.NewGuid(), DialogueId = dialogueId, Pseudonym = name, PseudonymKey = key, Role = role, PostsPromised = role == DialogueRole.Leader ? input.PostsPromised : 0,
            Digest = input.Digest, JoinedAt = Now, OwnerTag = await pseudonyms.TagAsync(dialogueId, userId, ct), Invited = invitation is not null,
        };
        participant.OwnerCipher = await pseudonyms.SealAsync(participant.Id, userId, ct);
        db.DialogueParticipants.Add(participant);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // A role's link is spent in the same transaction as the join: of two people opening it at once, one joins.
            if (invitation is not null
                && await db.DialogueInvitations.Where(i => i.Id == invitation.Id && i.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(i => i.UsedAt, Now), ct) == 0)
            {
                db.ChangeTracker.Clear();
                return DialogueWrite.Invalid("invitation", "Dialogues.Error.Invitation");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same name, or the same person twice, saved at once by another request.
            db.ChangeTracker.Clear();
            return DialogueWrite.Invalid("Pseudonym", "Dialogues.Error.PseudonymTaken");
        }
        return new DialogueWrite(DialogueWriteStatus.Done, participant.Id);
    }

    public async Task<DialogueWrite> SetDigestAsync(Guid userId, Guid dialogueId, bool digest, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, userId, ct) is not { Me: { } me }) return DialogueWrite.NotFound;
        me.Digest = digest;
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, me.Id);
    }

    /// <summary>
    /// A post (live, in an open thread) or a comment on a draft thread (preparation). A reply answers a post at the top
    /// of the thread (one level); a quote and a resource must be of the same thread and dialogue and readable by the
    /// author. On a thread the public reads, the post waits for a moderator.
    /// </summary>
    public async Task<DialogueWrite> PostAsync(Guid userId, Guid threadId, PostInput input, CancellationToken ct = default)
    {
        var thread = await db.DialogueThreads.AsNoTracking().SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await AccessAsync(thread.DialogueId, userId, ct) is not { } access || !access.SeesThread(thread)) return DialogueWrite.NotFound;
        var preparation = access.Phase == DialoguePhase.Preparation;
        if (preparation ? !access.MayComment : !access.MayPost(thread)) return DialogueWrite.MovedOn;
        var text = (input.Text ?? "").Trim();
        if (text.Length == 0) return DialogueWrite.Invalid("Text", "Dialogues.Error.TextEmpty");
        if (Validation.IsUnacceptableText(text, DialoguePost.TextMax)) return DialogueWrite.Invalid("Text", "Dialogues.Error.TextLong");

        if (input.ParentId is { } parentId)
        {
            var parent = await db.DialoguePosts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == parentId && p.ThreadId == threadId && p.Preparation == preparation, ct);
            if (parent is null || !access.ListsPost(parent)) return DialogueWrite.Invalid("ParentId", "Dialogues.Error.Reply");
            // One level: a reply to a reply answers the post it replied to.
            if (parent.ParentId is { } top) input = input with { ParentId = top };
        }
        if (input.QuoteId is { } quoteId)
        {
            var quoted = await db.DialoguePosts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == quoteId && p.ThreadId == threadId && p.Preparation == preparation, ct);
            if (quoted is null || quoted.State != PostState.Shown) return DialogueWrite.Invalid("QuoteId", "Dialogues.Error.Quote");
        }
        if (input.ResourceId is { } resourceId && !await db.DialogueResources.AnyAsync(r => r.Id == resourceId && r.DialogueId == thread.DialogueId, ct))
            return DialogueWrite.Invalid("ResourceId", "Dialogues.Error.Resource");

        var now = Now;
        var pending = !preparation && access.PreModerated(thread);
        var post = new DialoguePost
        {
            Id = Guid.NewGuid(), DialogueId = thread.DialogueId, ThreadId = threadId, AuthorId = access.Me!.Id, ParentId = input.ParentId, QuoteId = input.QuoteId,
            ResourceId = input.ResourceId, Preparation = preparation, State = pending ? PostState.Pending : PostState.Shown, CreatedAt = now, ShownAt = pending ? null : now,
        };
        post.TextCipher = (await cipher.EncryptAsync(db, access.Dialogue.KeyId, text, DialoguePost.Table, "Text", post.Id, ct))!;
        db.DialoguePosts.Add(post);
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, post.Id);
    }

    public async Task<DialogueWrite> ReportAsync(Guid userId, Guid postId, ReportReason reason, CancellationToken ct = default)
    {
        var post = await db.DialoguePosts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null || await ThreadAccessAsync(post.ThreadId, userId, ct) is not { Me: { } me } access || !access.ReadsPost(post)
            || (post.Preparation && !access.Prepares)) return DialogueWrite.NotFound;
        if (!Enum.IsDefined(reason)) return DialogueWrite.Invalid("reason", "Dialogues.Error.ReportReason");
        if (post.AuthorId == me.Id || access.Phase == DialoguePhase.Archived) return DialogueWrite.MovedOn;
        if (await db.DialogueReports.AnyAsync(r => r.PostId == postId && r.ReporterId == me.Id, ct)) return new DialogueWrite(DialogueWriteStatus.Done, postId);
        db.DialogueReports.Add(new DialogueReport { Id = Guid.NewGuid(), DialogueId = post.DialogueId, PostId = postId, ReporterId = me.Id, Reason = reason, CreatedAt = Now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // reported twice at once: once is enough
        }
        return new DialogueWrite(DialogueWriteStatus.Done, postId);
    }

    /// <summary>
    /// A moderator's act on a post: let it through, let it through with location hints taken out (the text replaced;
    /// the author is told), hide it with a reason the author reads, show a hidden one again, or set its reports aside.
    /// Every act settles the post's open reports.
    /// </summary>
    public async Task<DialogueWrite> ModerateAsync(Guid userId, Guid postId, ModerationAct act, HideReason? reason, string? redactedText, CancellationToken ct = default)
    {
        var post = await db.DialoguePosts.SingleOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null || await ThreadAccessAsync(post.ThreadId, userId, ct) is not { IsModerator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is DialoguePhase.Archived) return DialogueWrite.MovedOn;
        var now = Now;
        switch (act)
        {
            case ModerationAct.Approve:
                if (post.State != PostState.Pending) return DialogueWrite.MovedOn;
                post.State = PostState.Shown;
                post.ShownAt = now;
                break;
            case ModerationAct.Redact:
                if (post.State is not (PostState.Pending or PostState.Shown)) return DialogueWrite.MovedOn;
                var text = (redactedText ?? "").Trim();
                if (text.Length == 0) return DialogueWrite.Invalid("Redacted", "Dialogues.Error.TextEmpty");
                if (Validation.IsUnacceptableText(text, DialoguePost.TextMax)) return DialogueWrite.Invalid("Redacted", "Dialogues.Error.TextLong");
                post.TextCipher = (await cipher.EncryptAsync(db, access.Dialogue.KeyId, text, DialoguePost.Table, "Text", post.Id, ct))!;
                post.Redacted = true;
                post.ShownAt ??= now;
                post.State = PostState.Shown;
                break;
            case ModerationAct.Hide:
                if (post.State is not (PostState.Pending or PostState.Shown)) return DialogueWrite.MovedOn;
                if (reason is not { } why || !Enum.IsDefined(why)) return DialogueWrite.Invalid("reason", "Dialogues.Error.HideReason");
                post.State = PostState.Hidden;
                post.Hidden = why;
                break;
            case ModerationAct.Restore:
                if (post.State != PostState.Hidden) return DialogueWrite.MovedOn;
                post.State = PostState.Shown;
                post.Hidden = null;
                post.ShownAt ??= now;
                break;
            case ModerationAct.DismissReports:
                break;
        }
        post.Version++;
        foreach (var report in await db.DialogueReports.Where(r => r.PostId == postId && r.ResolvedAt == null).ToListAsync(ct)) report.ResolvedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another moderator acted on it meanwhile: theirs stands, this one is told.
            db.ChangeTracker.Clear();
            return DialogueWrite.MovedOn;
        }
        return new DialogueWrite(DialogueWriteStatus.Done, post.Id);
    }

    // ----- summary and resources --------------------------------------------------------------------------------

    /// <summary>The facilitators' summary, edited while the dialogue is prepared, live or wrapping up; <paramref name="version"/> guards two editors.</summary>
    public async Task<DialogueWrite> SaveSummaryAsync(Guid userId, Guid dialogueId, string? summary, int version, CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, userId, ct) is not { IsFacilitator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Preparation or DialoguePhase.Upcoming or DialoguePhase.Live or DialoguePhase.WrappingUp)) return DialogueWrite.MovedOn;
        var text = (summary ?? "").Trim();
        if (Validation.IsUnacceptableText(text, Dialogue.SummaryMax)) return DialogueWrite.Invalid("Summary", "Dialogues.Error.SummaryLong");
        if (access.Dialogue.Version != version) return DialogueWrite.MovedOn;
        access.Dialogue.Summary = text;
        return await SaveDialogueAsync(access.Dialogue, access.Coordinator ? userId : null, "summary", ct);
    }

    /// <summary>A link or a small file (PDF, image, plain text), contributed by a participant while the dialogue is open, or by a facilitator until it closes.</summary>
    public async Task<DialogueWrite> AddResourceAsync(Guid userId, Guid dialogueId, string? title, string? url, (string Name, string ContentType, byte[] Bytes)? file,
        CancellationToken ct = default)
    {
        if (await AccessAsync(dialogueId, userId, ct) is not { } access || (access.Me is null && !access.IsFacilitator)) return DialogueWrite.NotFound;
        if (access.Phase is not (DialoguePhase.Preparation or DialoguePhase.Upcoming or DialoguePhase.Live or DialoguePhase.WrappingUp)) return DialogueWrite.MovedOn;
        title = (title ?? "").Trim();
        url = string.IsNullOrWhiteSpace(url) ? null : url.Trim();
        if (title.Length == 0 || Validation.IsUnacceptableText(title, DialogueResource.TitleMax) || title.Any(char.IsControl)) return DialogueWrite.Invalid("Title", "Dialogues.Error.ResourceTitle");
        if ((url is null) == (file is null)) return DialogueWrite.Invalid("Url", "Dialogues.Error.LinkOrFile");
        if (url is not null && !IsWebLink(url)) return DialogueWrite.Invalid("Url", "Dialogues.Error.Url");
        var resource = new DialogueResource { Id = Guid.NewGuid(), DialogueId = dialogueId, ContributorId = access.Me?.Id, Title = title, Url = url, CreatedAt = Now };
        if (file is { } f)
        {
            if (f.Bytes.Length is 0 or > DialogueResource.FileMax) return DialogueWrite.Invalid("File", "Dialogues.Error.FileSize");
            if (FileKind(f.Bytes) is not { } kind) return DialogueWrite.Invalid("File", "Dialogues.Error.FileType");
            resource.ContentType = kind.ContentType;
            resource.FileName = SafeFileName(f.Name, kind.Extension);
            resource.FileCipher = await cipher.EncryptBytesAsync(db, access.Dialogue.KeyId, f.Bytes, DialogueResource.Table, "File", resource.Id, ct);
        }
        // A facilitator's own contribution is curated at once; a participant's waits for them.
        resource.Curated = access.IsFacilitator;
        db.DialogueResources.Add(resource);
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, resource.Id);
    }

    public async Task<DialogueWrite> CurateAsync(Guid userId, Guid resourceId, bool curated, CancellationToken ct = default)
    {
        var resource = await db.DialogueResources.SingleOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null || await AccessAsync(resource.DialogueId, userId, ct) is not { IsFacilitator: true } access) return DialogueWrite.NotFound;
        if (access.Phase is DialoguePhase.Closed or DialoguePhase.Archived) return DialogueWrite.MovedOn;
        resource.Curated = curated;
        await db.SaveChangesAsync(ct);
        return new DialogueWrite(DialogueWriteStatus.Done, resource.Id);
    }

    /// <summary>
    /// A curated link of the dialogue into its network's directory (its "links the network recommends"), by a coordinator.
    /// Files stay in the dialogue: the directory holds addresses, not uploads.
    /// </summary>
    public async Task<DialogueWrite> AddToDirectoryAsync(Guid userId, Guid resourceId, Networks.DirectoryLinks links, CancellationToken ct = default)
    {
        var resource = await db.DialogueResources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null || await AccessAsync(resource.DialogueId, userId, ct) is not { Coordinator: true } access) return DialogueWrite.NotFound;
        if (!resource.Curated || resource.Url is null) return DialogueWrite.Invalid("resource", "Dialogues.Error.DirectoryLink");
        return await links.AddAsync(userId, access.Dialogue.NetworkId, resource.Title, resource.Url, access.Dialogue.Id, ct)
            ? new DialogueWrite(DialogueWriteStatus.Done, resource.Id) : DialogueWrite.NotFound;
    }

    public async Task<(DialogueResource Resource, byte[] Bytes)?> FileAsync(Guid? userId, Guid resourceId, CancellationToken ct = default)
    {
        var resource = await db.DialogueResources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource?.FileCipher is null || await AccessAsync(resource.DialogueId, userId, ct) is not { } access) return null;
        if (!ReadsResource(access, resource)) return null;
        var bytes = await cipher.DecryptBytesAsync(db, access.Dialogue.KeyId, resource.FileCipher, DialogueResource.Table, "File", resource.Id, ct);
        return bytes is null ? null : (resource, bytes);
    }

    /// <summary>Members read every resource contributed; the public reads the curated ones once the summary is published.</summary>
    public static bool ReadsResource(DialogueAccess access, DialogueResource resource) =>
        access.IsMember || (resource.Curated && access.Phase is DialoguePhase.Closed or DialoguePhase.Archived);

    public static bool IsWebLink(string url) =>
        url.Length <= DialogueResource.UrlMax && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"')
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && !string.IsNullOrEmpty(uri.Host);

    /// <summary>What the file's first bytes say it is (never the name or the browser's word): PDF, PNG, JPEG, or plain UTF-8 text.</summary>
    public static (string ContentType, string Extension)? FileKind(byte[] bytes)
    {
        ReadOnlySpan<byte> b = bytes;
        if (b.StartsWith("%PDF-"u8)) return ("application/pdf", ".pdf");
        if (b.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return ("image/png", ".png");
        if (b.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })) return ("image/jpeg", ".jpg");
        if (!b.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(b)) return ("text/plain; charset=utf-8", ".txt");
        return null;
    }

    private static string SafeFileName(string name, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(name ?? "");
        var safe = new string([.. stem.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').Take(80)]).Trim();
        return (safe.Length == 0 ? "resource" : safe) + extension;
    }

    // ----- helpers ----------------------------------------------------------------------------------------------

    public async Task<DialogueAccess?> ThreadAccessAsync(Guid threadId, Guid? userId, CancellationToken ct)
    {
        var thread = await db.DialogueThreads.AsNoTracking().SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || await AccessAsync(thread.DialogueId, userId, ct) is not { } access || !access.SeesThread(thread)) return null;
        return access;
    }

    private async Task<DialogueWrite> SaveDialogueAsync(Dialogue d, Guid? actorId, string what, CancellationToken ct, Guid? id = null)
    {
        d.UpdatedAt = Now;
        d.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return DialogueWrite.MovedOn;
        }
        await audit.WriteAsync(AuditEvents.DialogueChanged, actorId, d.Id, detail: what, ct: ct);
        return new DialogueWrite(DialogueWriteStatus.Done, id ?? d.Id);
    }

    private static Dictionary<string, string> Check(DialogueInput input)
    {
        var errors = new Dictionary<string, string>();
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0 || Validation.IsUnacceptableText(title, Dialogue.TitleMax) || title.Any(char.IsControl)) errors["Title"] = "Dialogues.Error.Title";
        var purpose = input.Purpose?.Trim() ?? "";
        if (purpose.Length == 0 || Validation.IsUnacceptableText(purpose, Dialogue.PurposeMax)) errors["Purpose"] = "Dialogues.Error.Purpose";
        if (input.Languages.Count == 0 || input.Languages.Any(l => !Cultures.IsSupported(l))) errors["Languages"] = "Dialogues.Error.Languages";
        if (!Validation.IsTimeZone(input.TimeZone)) errors["TimeZone"] = "Dialogues.Error.TimeZone";
        if (input.StartsAt is not { Year: >= 2000 and <= 2200 }) errors["StartsAt"] = "Dialogues.Error.StartsAt";
        if (input.EndsAt is not { Year: >= 2000 and <= 2200 }) errors["EndsAt"] = "Dialogues.Error.EndsAt";
        else if (input.StartsAt is { } s && (input.EndsAt <= s || input.EndsAt - s > Dialogue.LongestRun)) errors["EndsAt"] = "Dialogues.Error.EndsAt";
        return errors;
    }

    private static void Apply(Dialogue d, DialogueInput input)
    {
        d.Title = input.Title!.Trim();
        d.Purpose = input.Purpose!.Trim();
        d.Languages = string.Join(',', input.Languages.Distinct(StringComparer.Ordinal));
        d.StartsAt = input.StartsAt!.Value;
        d.EndsAt = input.EndsAt!.Value;
        d.TimeZone = input.TimeZone!;
        d.IsPublic = input.IsPublic;
    }

    /// <summary>Other networks in the audience: only those the coordinator also coordinates (they answer for who is in them).</summary>
    private async Task SetNetworksAsync(Dialogue d, Guid coordinatorId, IReadOnlyList<Guid> others, CancellationToken ct)
    {
        var valid = await db.NetworkCoordinators
            .Where(c => c.UserId == coordinatorId && others.Contains(c.NetworkId) && c.NetworkId != d.NetworkId)
            .Select(c => c.NetworkId).Distinct().ToListAsync(ct);
        var current = await db.DialogueNetworks.Where(n => n.DialogueId == d.Id).ToListAsync(ct);
        db.DialogueNetworks.RemoveRange(current.Where(c => !valid.Contains(c.NetworkId)));
        foreach (var id in valid.Where(id => current.All(c => c.NetworkId != id)))
            db.DialogueNetworks.Add(new DialogueNetwork { DialogueId = d.Id, NetworkId = id });
    }

    private static Dictionary<string, string> ApplyThread(Dialogue d, DialogueThread thread, ThreadInput input)
    {
        var errors = new Dictionary<string, string>();
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0 || Validation.IsUnacceptableText(title, DialogueThread.TitleMax) || title.Any(char.IsControl)) errors["ThreadTitle"] = "Dialogues.Error.ThreadTitle";
        var question = input.Question?.Trim() ?? "";
        if (question.Length == 0 || Validation.IsUnacceptableText(question, DialogueThread.QuestionMax)) errors["Question"] = "Dialogues.Error.Question";
        var prompts = input.Prompts?.Trim() ?? "";
        if (Validation.IsUnacceptableText(prompts, DialogueThread.PromptsMax)) errors["Prompts"] = "Dialogues.Error.Prompts";
        var opens = input.OpensAt ?? DefaultOpening(d, thread.Position);
        var closes = input.ClosesAt ?? d.EndsAt;
        if (opens < d.StartsAt || opens >= d.EndsAt) errors["OpensAt"] = "Dialogues.Error.OpensAt";
        if (closes <= opens || closes > d.EndsAt) errors["ClosesAt"] = "Dialogues.Error.ClosesAt";
        if (errors.Count > 0) return errors;
        (thread.Title, thread.Question, thread.Prompts, thread.OpensAt, thread.ClosesAt, thread.MembersOnly) = (title, question, prompts, opens, closes, input.MembersOnly);
        return errors;
    }

    /// <summary>One thread a day from the start, in order; those past the last day open on it.</summary>
    public static DateTime DefaultOpening(Dialogue d, int position)
    {
        var opens = d.StartsAt.AddDays(Math.Max(0, position - 1));
        return opens < d.EndsAt ? opens : d.StartsAt.AddDays(Math.Max(0, Math.Floor((d.EndsAt - d.StartsAt).TotalDays - 0.001)));
    }
}
