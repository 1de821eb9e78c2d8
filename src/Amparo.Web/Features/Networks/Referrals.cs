using System.Text.Json;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

/// <summary>A new referral as its sender writes it. <see cref="OverrideReason"/>: sent without the defender's consent (focal points only).</summary>
public sealed record ReferralInput(Guid ServiceId, Guid DefenderId, string Language, string Name, string Reach, string Story, string? OverrideReason = null);

/// <summary>What one person does to a referral.</summary>
public enum ReferralAct { Consent, Withdraw, Revoke, Accept, Decline, Start, Done, Close }

/// <summary>How the viewer stands to a referral (several at once: a focal point who referred themselves is defender and sender).</summary>
[Flags]
public enum ReferralRole { None = 0, Defender = 1, Sender = 2, Provider = 4 }

/// <summary>A referral as one viewer sees it. <see cref="Details"/>: null when the viewer may not read them (a provider before acceptance or after the end).</summary>
public sealed record ReferralView(Referral Referral, ReferralRole Role, string? Organization, string? Network, Guid? EntryId, ReferralDetails? Details,
    string? OverrideReason, string? SenderName, bool SelfReferral)
{
    public bool Can(ReferralAct act) => Referrals.Allowed(Referral, Role, act) && (Organization is not null || Referrals.EndsIt(act));
}

/// <summary>A line of the referral lists.</summary>
public sealed record ReferralLine(Guid Id, ServiceKind Kind, string? Organization, ReferralState State, DateTime UpdatedAt);

/// <summary>A person the viewer may refer: themselves, or someone of an organization they are a focal point or admin of, or of a network they coordinate.</summary>
public sealed record Referable(Guid Id, string Name, string Language);

/// <summary>Did the referrals of a network help? Counted only when five or more answered (else null: too few to say without pointing at someone).</summary>
public sealed record ReferralFeedback(int? Answered, int? Helped)
{
    public const int K = 5;

    /// <summary>
    /// A count as shown: rounded down to a multiple of <see cref="K"/>, so the figures move in steps of five and a
    /// coordinator who sent one referral cannot watch a count move by one when that person answers.
    /// </summary>
    public static int Shown(int count) => count / K * K;
}

/// <summary>
/// Referrals (issue 16): a defender referred to a service, with their consent first. The provider learns of a referral
/// only once it is consented to (or overridden, with a written reason the defender reads), reads the need and the
/// language until it accepts, then the details the defender chose to share, until it declines, finishes, or the
/// referral is revoked or withdrawn. Every read is scoped by <see cref="RoleOf"/>; anything else answers "not found".
/// </summary>
public sealed class Referrals(AmparoDbContext db, NetworkDirectory directory, FieldCipher cipher, AuditLog audit, TimeProvider clock,
    Notifier notifier, MessageTexts texts, WorkSignal signal, ReplyCodes codes, AccountService accounts)
{
    /// <summary>The reply-code purpose of a referral's consent (a code answers one referral and one request for consent).</summary>
    public const string ConsentPurpose = "referral-consent";

    /// <summary>The details sealed with the defender's data key, bound to the referral's row.</summary>
    internal static async Task<byte[]> SealAsync(AmparoDbContext db, FieldCipher cipher, Guid keyId, Guid referralId, ReferralDetails details, CancellationToken ct) =>
        (await cipher.EncryptAsync(db, keyId, JsonSerializer.Serialize(Clean(details.Name, details.Reach, details.Story), JsonSerializerOptions.Web),
            Referral.Table, nameof(Referral.DetailsCipher), referralId, ct))!;

    /// <summary>The details opened (null when the key is gone), and the override's reason, if any.</summary>
    internal static async Task<(ReferralDetails? Details, string? OverrideReason)> OpenAsync(AmparoDbContext db, FieldCipher cipher, Guid keyId, Referral r,
        bool details, bool reason, CancellationToken ct)
    {
        var json = details ? await cipher.DecryptAsync(db, keyId, r.DetailsCipher, Referral.Table, nameof(Referral.DetailsCipher), r.Id, ct) : null;
        var why = reason ? await cipher.DecryptAsync(db, keyId, r.OverrideReasonCipher, Referral.Table, nameof(Referral.OverrideReasonCipher), r.Id, ct) : null;
        return (json is null ? null : JsonSerializer.Deserialize<ReferralDetails>(json, JsonSerializerOptions.Web), why);
    }

    /// <summary>Who may act how, in which state. The provider never sees a referral awaiting consent.</summary>
    public static bool Allowed(Referral r, ReferralRole role, ReferralAct act) => act switch
    {
        ReferralAct.Consent => role.HasFlag(ReferralRole.Defender) && r.State == ReferralState.AwaitingConsent,
        ReferralAct.Withdraw => role.HasFlag(ReferralRole.Defender) && Referral.Open.Contains(r.State),
        ReferralAct.Revoke => role.HasFlag(ReferralRole.Sender) && !role.HasFlag(ReferralRole.Defender) && Referral.Open.Contains(r.State),
        ReferralAct.Accept or ReferralAct.Decline => role.HasFlag(ReferralRole.Provider) && r.State == ReferralState.Sent,
        ReferralAct.Start => role.HasFlag(ReferralRole.Provider) && r.State == ReferralState.Accepted,
        ReferralAct.Done => role.HasFlag(ReferralRole.Provider) && r.State is ReferralState.Accepted or ReferralState.InProgress,
        ReferralAct.Close => (role.HasFlag(ReferralRole.Defender) || role.HasFlag(ReferralRole.Sender)) && r.State == ReferralState.Done,
    };

    /// <summary>
    /// The acts that still make sense once the provider organization is gone (deleted with its people): the defender or the
    /// sender ends the referral, or the defender closes a finished one. Agreeing to send it, or any step of the provider's,
    /// would leave it open with nobody on the other side.
    /// </summary>
    public static bool EndsIt(ReferralAct act) => act is ReferralAct.Withdraw or ReferralAct.Revoke or ReferralAct.Close;

    /// <summary>Where an act leaves a referral.</summary>
    public static ReferralState StateAfter(ReferralAct act) => act switch
    {
        ReferralAct.Consent => ReferralState.Sent,
        ReferralAct.Withdraw => ReferralState.Withdrawn,
        ReferralAct.Revoke => ReferralState.Revoked,
        ReferralAct.Accept => ReferralState.Accepted,
        ReferralAct.Decline => ReferralState.Declined,
        ReferralAct.Start => ReferralState.InProgress,
        ReferralAct.Done => ReferralState.Done,
        ReferralAct.Close => ReferralState.Closed,
    };

    /// <summary>
    /// How <paramref name="viewer"/> stands to a referral: its defender, its sender, or one of the provider's admins or focal
    /// points — once it was sent: one withdrawn or revoked before consent stays unknown to the provider.
    /// </summary>
    private async Task<ReferralRole> RoleOf(Guid viewer, Referral r, CancellationToken ct)
    {
        var role = ReferralRole.None;
        if (r.DefenderId == viewer) role |= ReferralRole.Defender;
        if (r.SenderId == viewer) role |= ReferralRole.Sender;
        if (r.SentAt is not null && await ProviderPeople(r.ProviderOrganizationId).AnyAsync(m => m.UserId == viewer, ct))
            role |= ReferralRole.Provider;
        return role;
    }

    /// <summary>Memberships that handle an organization's referrals: its admins and focal points.</summary>
    private IQueryable<Membership> Leading => db.Memberships.Where(m => m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint);

    /// <summary>The provider's people who handle referrals: its admins and focal points.</summary>
    private IQueryable<Membership> ProviderPeople(Guid organizationId) => Leading.Where(m => m.OrganizationId == organizationId);

    /// <summary>The organizations where <paramref name="viewer"/> is an admin or a focal point.</summary>
    private IQueryable<Guid> LedBy(Guid viewer) => Leading.Where(m => m.UserId == viewer).Select(m => m.OrganizationId);

    /// <summary>
    /// The people <paramref name="viewer"/> may refer: themselves, and the members of the organizations where they are a
    /// focal point or admin. A network's coordinator refers through their own organization's role: listing every member
    /// of every organization of the network would show them names they see nowhere else in Amparo.
    /// </summary>
    public IQueryable<Guid> ReferableBy(Guid viewer)
    {
        var led = LedBy(viewer);
        return db.Users.Where(u => u.Id == viewer || db.Memberships.Any(m => m.UserId == u.Id && led.Contains(m.OrganizationId))).Select(u => u.Id);
    }

    /// <summary>The people <paramref name="viewer"/> may refer, themselves first, then by name.</summary>
    /// <summary>
    /// Whom a responder may refer from an alert's page: the alert's person when the alert was closed as "needs help" (not
    /// "missing": their phone may be in other hands, and the consent request goes to it) and the viewer may refer them (a focal point or admin of their organization). Never for a duress alert:
    /// a referral asks its person's consent by e-mail and SMS, which under duress would show whoever holds their phone that
    /// help was called (the duress rule, ADR 0002); nor for a drill or someone the viewer may not refer (null).
    /// </summary>
    public Task<Guid?> ReferableFromAlertAsync(Guid viewer, Guid alertId, CancellationToken ct = default) =>
        db.Alerts.Where(a => a.Id == alertId && a.OwnerId != viewer && a.Kind != CheckIns.AlertKind.Duress && !a.IsDrill
                && a.Outcome == CheckIns.AlertOutcome.NeedsHelp && ReferableBy(viewer).Contains(a.OwnerId))
            .Select(a => (Guid?)a.OwnerId).SingleOrDefaultAsync(ct);

    public async Task<List<Referable>> ReferableListAsync(Guid viewer, CancellationToken ct = default)
    {
        var ids = ReferableBy(viewer);
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new Referable(u.Id, u.DisplayName, u.Language)).ToListAsync(ct);
        return [.. people.OrderBy(p => p.Id == viewer ? 0 : 1).ThenBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>
    /// The organization in whose name <paramref name="viewer"/> may send without consent for <paramref name="defenderId"/>:
    /// one of the defender's organizations where the viewer is a focal point or admin; null when none.
    /// </summary>
    private Task<Guid?> OverridingOrganizationAsync(Guid viewer, Guid defenderId, CancellationToken ct) =>
        LedBy(viewer).Where(o => db.Memberships.Any(d => d.UserId == defenderId && d.OrganizationId == o))
            .OrderBy(o => o).Select(o => (Guid?)o).FirstOrDefaultAsync(ct);

    /// <summary>The service the viewer may refer to (visible to them), with its entry; null when not.</summary>
    public async Task<(DirectoryService Service, DirectoryEntry Entry)?> ServiceForAsync(Guid viewer, Guid serviceId, CancellationToken ct = default)
    {
        var row = await (from s in db.DirectoryServices.AsNoTracking()
                         join e in directory.VisibleTo(viewer) on s.EntryId equals e.Id
                         where s.Id == serviceId
                         select new { s, e }).SingleOrDefaultAsync(ct);
        return row is null ? null : (row.s, row.e);
    }

    /// <summary>
    /// Creates a referral. A self-referral is sent at once (the defender consents by sending it); one for someone else
    /// waits for their consent, which they are asked for by e-mail and, with a verified phone, by SMS — unless a focal
    /// point of the defender's organization overrides it with a written reason.
    /// </summary>
    public async Task<DirectoryWrite> CreateAsync(Guid viewer, ReferralInput input, CancellationToken ct = default)
    {
        if (await ServiceForAsync(viewer, input.ServiceId, ct) is not var (service, entry)) return DirectoryWrite.NotFound;
        if (!await ReferableBy(viewer).AnyAsync(id => id == input.DefenderId, ct)) return DirectoryWrite.NotFound;
        var self = input.DefenderId == viewer;
        var overrideReason = input.OverrideReason?.Trim() is { Length: > 0 } reason ? reason : null;
        var errors = DetailErrors(input.Name, input.Reach, input.Story);
        if (!service.Languages.Split(' ').Contains(input.Language, StringComparer.Ordinal)) errors["Language"] = "Referral.Error.Language";
        Guid? overridingOrganization = null;
        if (input.OverrideReason is not null)
        {
            // Asking for an override and leaving the reason empty is an error, not a referral that quietly waits for consent;
            // so is an override for oneself, or by someone who is not a focal point of the person's organization.
            overridingOrganization = self ? null : await OverridingOrganizationAsync(viewer, input.DefenderId, ct);
            if (overridingOrganization is null) errors["OverrideReason"] = "Referral.Error.OverrideNotYours";
            else if (overrideReason is null || Validation.IsUnacceptableText(overrideReason, OverrideReasonMax)) errors["OverrideReason"] = "Referral.Error.OverrideReason";
        }
        if (errors.Count > 0) return new(DirectoryWriteStatus.Invalid, null, errors);
        var defender = await db.Users.SingleAsync(u => u.Id == input.DefenderId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var referral = new Referral
        {
            Id = Guid.NewGuid(), DefenderId = defender.Id, SenderId = viewer, ServiceId = service.Id, ProviderOrganizationId = entry.OrganizationId,
            NetworkId = entry.NetworkId, Kind = service.Kind, Language = input.Language, CreatedAt = now, UpdatedAt = now,
            State = self || overrideReason is not null ? ReferralState.Sent : ReferralState.AwaitingConsent,
            Consent = self ? ConsentWay.Page : overrideReason is not null ? ConsentWay.Override : null,
            SentAt = self || overrideReason is not null ? now : null,
            ConsentAsk = 1,
        };
        referral.DetailsCipher = await SealAsync(db, cipher, defender.DataKeyId, referral.Id, new(input.Name, input.Reach, input.Story), ct);
        if (overrideReason is not null)
            referral.OverrideReasonCipher = await cipher.EncryptAsync(db, defender.DataKeyId, overrideReason, Referral.Table, nameof(Referral.OverrideReasonCipher), referral.Id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Referrals.Add(referral);
        await db.SaveChangesAsync(ct);
        if (referral.State == ReferralState.Sent) await TellProviderAsync(referral, ct);
        else await AskConsentAsync(referral, defender, ct);
        // Sent without their consent: the defender hears of it at once (the page says who and why).
        if (referral.Consent == ConsentWay.Override) await TellAsync(referral, db.Users.Where(u => u.Id == defender.Id).Select(u => u.Id), "override", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        // The audit trail names the act and the way, never the details nor the reason. Referral events are the server's,
        // not the provider's (its admins would learn of a referral before consent); an override is also its sender's
        // organization's, whose admins answer for it.
        await audit.WriteAsync(AuditEvents.ReferralChanged, viewer, referral.Id, overrideReason is null ? null : overridingOrganization,
            $"created state={referral.State} consent={referral.Consent?.ToString() ?? "asked"}", ct);
        return new(DirectoryWriteStatus.Done, referral.Id);
    }

    public const int OverrideReasonMax = 1000;

    private static Dictionary<string, string> DetailErrors(string name, string reach, string story)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name.Trim().Length == 0 || Validation.IsUnacceptableText(name.Trim(), ReferralDetails.NameMax) || name.Contains('\n')) errors["Name"] = "Referral.Error.Name";
        if (Validation.IsUnacceptableText(reach.Trim(), ReferralDetails.ReachMax)) errors["Reach"] = "Referral.Error.Reach";
        if (Validation.IsUnacceptableText(story.Trim(), ReferralDetails.StoryMax)) errors["Story"] = "Referral.Error.Story";
        return errors;
    }

    private static ReferralDetails Clean(string name, string reach, string story) => new(name.Trim(), reach.Trim(), story.Trim());

    /// <summary>A referral as the viewer sees it, or null (404) when they have no part in it.</summary>
    public async Task<ReferralView?> ViewAsync(Guid viewer, Guid referralId, CancellationToken ct = default)
    {
        var r = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(x => x.Id == referralId, ct);
        if (r is null) return null;
        var role = await RoleOf(viewer, r, ct);
        if (role == ReferralRole.None) return null;
        // Null once the provider organization or the network was deleted: the referral stays its defender's record.
        var organization = await db.Organizations.Where(o => o.Id == r.ProviderOrganizationId).Select(o => o.Name).SingleOrDefaultAsync(ct);
        var network = await db.Networks.Where(n => n.Id == r.NetworkId).Select(n => n.Name).SingleOrDefaultAsync(ct);
        var entryId = await db.DirectoryEntries.Where(e => e.NetworkId == r.NetworkId && e.OrganizationId == r.ProviderOrganizationId).Select(e => (Guid?)e.Id).SingleOrDefaultAsync(ct);
        var keyId = await db.Users.Where(u => u.Id == r.DefenderId).Select(u => u.DataKeyId).SingleAsync(ct);
        // The defender reads their details always; the sender what they wrote until the defender agrees (then the words are
        // the defender's); the provider while it works on it.
        var readsDetails = role.HasFlag(ReferralRole.Defender)
            || (role.HasFlag(ReferralRole.Sender) && r.State == ReferralState.AwaitingConsent)
            || (role.HasFlag(ReferralRole.Provider) && Referral.Working.Contains(r.State));
        // The override's reason: for the defender (who must be able to see why) and the one who wrote it.
        var (details, reason) = await OpenAsync(db, cipher, keyId, r, readsDetails, (role & (ReferralRole.Defender | ReferralRole.Sender)) != 0, ct);
        var senderName = r.SenderId is { } sid && sid != r.DefenderId && role.HasFlag(ReferralRole.Defender)
            ? await db.Users.Where(u => u.Id == sid).Select(u => u.DisplayName).SingleOrDefaultAsync(ct)
            : null;
        return new ReferralView(r, role, organization, network, entryId, details, reason, senderName, r.SenderId == r.DefenderId);
    }

    /// <summary>
    /// One act on a referral by <paramref name="viewer"/>. Not theirs, or not allowed in its state: not found (a stale
    /// page's button after someone else acted says so on the page it comes back to). Details given with a consent
    /// replace the ones written by the sender (what the defender chooses to share).
    /// </summary>
    public async Task<DirectoryWrite> ActAsync(Guid viewer, Guid referralId, ReferralAct act, ActInput? input = null, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var r = await db.Referrals.SingleOrDefaultAsync(x => x.Id == referralId, ct);
        if (r is null) return DirectoryWrite.NotFound;
        var role = await RoleOf(viewer, r, ct);
        if (role == ReferralRole.None) return DirectoryWrite.NotFound;
        if (!Allowed(r, role, act) || (!EndsIt(act) && !await db.Organizations.AnyAsync(o => o.Id == r.ProviderOrganizationId, ct)))
            return new(DirectoryWriteStatus.Invalid, r.Id, new Dictionary<string, string>(StringComparer.Ordinal) { ["State"] = "Referral.Error.State" });
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (act == ReferralAct.Decline && (input?.Declined is not { } d || !Enum.IsDefined(d))) errors["Declined"] = "Referral.Error.DeclineReason";
        if (act == ReferralAct.Done && (input?.Outcome is not { } o || !Enum.IsDefined(o))) errors["Outcome"] = "Referral.Error.Outcome";
        if (act == ReferralAct.Consent && input?.Details is { } given) foreach (var e in DetailErrors(given.Name, given.Reach, given.Story)) errors[e.Key] = e.Value;
        if (errors.Count > 0) return new(DirectoryWriteStatus.Invalid, r.Id, errors);
        var before = r.State;
        try
        {
            await ApplyAsync(r, act, input, ConsentWay.Page, role.HasFlag(ReferralRole.Defender), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else acted on it at the same moment; theirs stands, and this act is refused as out of turn.
            return new(DirectoryWriteStatus.Invalid, r.Id, new Dictionary<string, string>(StringComparer.Ordinal) { ["State"] = "Referral.Error.State" });
        }
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.ReferralChanged, viewer, r.Id, null, $"{act} {before}->{r.State}", ct);
        return new(DirectoryWriteStatus.Done, r.Id);
    }

    /// <summary>What an act carries: a decline's reason, a done's outcome, a consent's details, the defender's "did it help?".</summary>
    public sealed record ActInput(DeclineReason? Declined = null, DoneReason? Outcome = null, ReferralDetails? Details = null, bool? Helped = null);

    /// <summary>Moves the referral and queues who is told, in one save (the caller's transaction). <paramref name="byDefender"/>: only the defender's "did it help?" counts.</summary>
    private async Task ApplyAsync(Referral r, ReferralAct act, ActInput? input, ConsentWay way, bool byDefender, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        switch (act)
        {
            case ReferralAct.Consent:
                if (input?.Details is { } d)
                {
                    var keyId = await db.Users.Where(u => u.Id == r.DefenderId).Select(u => u.DataKeyId).SingleAsync(ct);
                    r.DetailsCipher = await SealAsync(db, cipher, keyId, r.Id, d, ct);
                }
                (r.State, r.Consent, r.SentAt) = (ReferralState.Sent, way, now);
                break;
            case ReferralAct.Withdraw: (r.State, r.EndedAt) = (ReferralState.Withdrawn, now); break;
            case ReferralAct.Revoke: (r.State, r.EndedAt) = (ReferralState.Revoked, now); break;
            case ReferralAct.Accept: (r.State, r.AcceptedAt) = (ReferralState.Accepted, now); break;
            case ReferralAct.Decline: (r.State, r.Declined, r.EndedAt) = (ReferralState.Declined, input!.Declined, now); break;
            case ReferralAct.Start: r.State = ReferralState.InProgress; break;
            case ReferralAct.Done: (r.State, r.Outcome, r.EndedAt) = (ReferralState.Done, input!.Outcome, now); break;
            case ReferralAct.Close: (r.State, r.Helped) = (ReferralState.Closed, byDefender ? input?.Helped : null); break;
        }
        r.UpdatedAt = now;
        r.Version++;
        // Who hears of it: the provider of a new referral and of its end (when it knew of it); the defender and the
        // sender of the provider's acts. Nobody hears of their own act.
        switch (act)
        {
            case ReferralAct.Consent: await TellProviderAsync(r, ct); break;
            case ReferralAct.Withdraw or ReferralAct.Revoke:
                if (r.SentAt is not null) await TellAsync(r, ProviderPeople(r.ProviderOrganizationId).Select(m => m.UserId), "ended", ct);
                if (act == ReferralAct.Withdraw && r.SenderId is { } sender && sender != r.DefenderId) await TellAsync(r, db.Users.Where(u => u.Id == sender).Select(u => u.Id), "ended", ct);
                if (act == ReferralAct.Revoke) await TellAsync(r, db.Users.Where(u => u.Id == r.DefenderId).Select(u => u.Id), "ended", ct);
                break;
            case ReferralAct.Accept or ReferralAct.Decline or ReferralAct.Done:
                await TellAsync(r, db.Users.Where(u => u.Id == r.DefenderId || u.Id == r.SenderId).Select(u => u.Id), act.ToString(), ct);
                break;
            case ReferralAct.Start or ReferralAct.Close:
                break; // nobody is told: the page shows it
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The consent by SMS: "AGREE code" from the defender's verified number; the code answers one referral and one request.
    /// Every try counts against the sender's reply-code limit. Null when it matched nothing (the handler says so in one sentence).
    /// </summary>
    public async Task<Referral?> ConsentBySmsAsync(Guid defenderId, string senderLookup, string code, CancellationToken ct = default)
    {
        if (!await codes.TryAsync(SmsSenders.TriesKey(senderLookup), ct)) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var waiting = await db.Referrals.Where(r => r.DefenderId == defenderId && r.State == ReferralState.AwaitingConsent
            && db.Organizations.Any(o => o.Id == r.ProviderOrganizationId)).ToListAsync(ct);
        Referral? match = null;
        foreach (var r in waiting)
            if (match is null && ReplyCodes.Same(code, await ConsentCodeAsync(r, ct))) match = r;
        if (match is null) return null;
        try
        {
            await ApplyAsync(match, ReferralAct.Consent, null, ConsentWay.Sms, byDefender: true, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null; // withdrawn or revoked at the same moment: it stays ended
        }
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.ReferralChanged, defenderId, match.Id, null, "Consent sms AwaitingConsent->Sent", ct);
        return match;
    }

    /// <summary>The reply code that consents to <paramref name="r"/> by SMS (shown on the consent page too, for a phone without data).</summary>
    public Task<string> ConsentCodeAsync(Referral r, CancellationToken ct = default) =>
        codes.CodeAsync(ConsentPurpose, r.Id, r.ConsentAsk.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);

    /// <summary>Asks the defender for consent: by e-mail, and by SMS with the reply code when their phone is verified. No name of the sender, no story.</summary>
    private async Task AskConsentAsync(Referral r, User defender, CancellationToken ct)
    {
        var language = defender.Language;
        var kind = texts.Text(language, false, "Directory.Kind." + r.Kind);
        var link = texts.Url(ReferralRoutes.Referral(r.Id));
        var subject = texts.Text(language, false, "Referral.Mail.ConsentSubject");
        // Two notifications, not two channels of one: the dispatcher stops at the first channel that delivers a notice,
        // and the SMS carries what the e-mail cannot — the code to agree from a phone without data.
        if (!string.IsNullOrEmpty(defender.Email))
            await notifier.EnqueueAsync(db, new Notification($"referral-consent:{r.Id:N}:{r.ConsentAsk}:email", new(NotificationSourceKind.Account, defender.Id),
                NotificationPriority.Normal, language, [new Destination(ChannelKind.Email, defender.Email)], subject, texts.Text(language, false, "Referral.Msg.Consent", kind, link)), ct);
        var (phone, _) = await accounts.ContactDetailsAsync(defender, ct);
        if (phone is not null && defender.VerifiedPhoneLookup is not null && defender.VerifiedPhoneLookup == defender.PhoneLookup)
        {
            var text = texts.Text(language, false, "Referral.Msg.ConsentSms", kind, ReferralSmsHandler.WordFor(language), await ConsentCodeAsync(r, ct), link);
            await notifier.EnqueueAsync(db, new Notification($"referral-consent:{r.Id:N}:{r.ConsentAsk}:sms", new(NotificationSourceKind.Account, defender.Id),
                NotificationPriority.Normal, language, [new Destination(ChannelKind.Sms, phone)], subject, text), ct);
        }
    }

    /// <summary>Tells the provider's admins and focal points that a referral waits: the service's kind and a link, nothing else.</summary>
    private Task TellProviderAsync(Referral r, CancellationToken ct) =>
        TellAsync(r, ProviderPeople(r.ProviderOrganizationId).Select(m => m.UserId), "waiting", ct);

    private async Task TellAsync(Referral r, IQueryable<Guid> who, string what, CancellationToken ct)
    {
        var people = await db.Users.AsNoTracking().Where(u => who.Contains(u.Id)).ToListAsync(ct);
        var link = texts.Url(ReferralRoutes.Referral(r.Id));
        foreach (var u in people)
        {
            // By e-mail; by SMS to a verified number when the e-mail cannot be delivered (or there is none): a fallback,
            // not a copy — the text is the same short notice either way.
            var to = new List<Destination>();
            if (!string.IsNullOrEmpty(u.Email)) to.Add(new Destination(ChannelKind.Email, u.Email));
            // Not the override's notice: sent without the person's consent, it goes where they read their e-mail only.
            if (what != "override" && u.VerifiedPhoneLookup is not null && u.VerifiedPhoneLookup == u.PhoneLookup
                && (await accounts.ContactDetailsAsync(u, ct)).Phone is { } phone)
                to.Add(new Destination(ChannelKind.Sms, phone));
            if (to.Count == 0) continue;
            var kind = texts.Text(u.Language, false, "Directory.Kind." + r.Kind);
            var (subject, body) = what == "waiting" ? ("Referral.Mail.WaitingSubject", "Referral.Msg.Waiting") : ("Referral.Mail.ChangedSubject", "Referral.Msg.Changed");
            await notifier.EnqueueAsync(db, new Notification($"referral:{r.Id:N}:{what}:{r.State}:{u.Id:N}", new(NotificationSourceKind.Account, u.Id),
                NotificationPriority.Normal, u.Language, to, texts.Text(u.Language, false, subject),
                texts.Text(u.Language, false, body, kind, link)) { OnlyOnce = true }, ct);
        }
    }

    /// <summary>
    /// The referrals a person has a part in, newest first: for them, sent by them, and to their organizations (once sent).
    /// </summary>
    public async Task<(List<ReferralLine> ForMe, List<ReferralLine> Sent, List<ReferralLine> Incoming)> ListAsync(Guid viewer, CancellationToken ct = default)
    {
        var handled = LedBy(viewer);
        IQueryable<ReferralLine> Lines(IQueryable<Referral> q) =>
            from r in q
            orderby r.UpdatedAt descending
            select new ReferralLine(r.Id, r.Kind, db.Organizations.Where(o => o.Id == r.ProviderOrganizationId).Select(o => o.Name).FirstOrDefault(), r.State, r.UpdatedAt);
        var forMe = await Lines(db.Referrals.Where(r => r.DefenderId == viewer)).Take(200).ToListAsync(ct);
        var sent = await Lines(db.Referrals.Where(r => r.SenderId == viewer && r.DefenderId != viewer)).Take(200).ToListAsync(ct);
        var incoming = await Lines(db.Referrals.Where(r => handled.Contains(r.ProviderOrganizationId) && r.SentAt != null)).Take(200).ToListAsync(ct);
        return (forMe, sent, incoming);
    }

    /// <summary>
    /// "Did this help?" over a network's closed referrals, for its coordinators only (anyone else: null); each figure is
    /// shown only when <see cref="ReferralFeedback.K"/> or more answered.
    /// </summary>
    public async Task<ReferralFeedback?> FeedbackAsync(Guid viewer, Guid networkId, CancellationToken ct = default)
    {
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == viewer, ct)) return null;
        var answers = await db.Referrals.Where(r => r.NetworkId == networkId && r.Helped != null).GroupBy(_ => 1)
            .Select(g => new { Answered = g.Count(), Helped = g.Count(r => r.Helped == true) }).SingleOrDefaultAsync(ct);
        if (answers is null || answers.Answered < ReferralFeedback.K) return new(null, null);
        // The "helped" figure and its complement are both at least K apart from zero, or the answer of a few could be read.
        var helped = answers.Helped >= ReferralFeedback.K && answers.Answered - answers.Helped >= ReferralFeedback.K ? ReferralFeedback.Shown(answers.Helped) : (int?)null;
        return new(ReferralFeedback.Shown(answers.Answered), helped);
    }

    /// <summary>
    /// The contact levels a referral opens on a provider's entry: "after a referral is accepted" for the defender of a
    /// referral the provider is working on, and only while it works on it.
    /// </summary>
    public static IQueryable<Referral> OpeningContacts(AmparoDbContext db, Guid viewer, DirectoryEntry entry) =>
        db.Referrals.Where(r => r.DefenderId == viewer && r.ProviderOrganizationId == entry.OrganizationId && r.NetworkId == entry.NetworkId
            && (r.State == ReferralState.Accepted || r.State == ReferralState.InProgress));
}
