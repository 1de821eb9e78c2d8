using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "Export my data": everything Amparo holds about the signed-in person, as JSON, with the encrypted
/// fields decrypted. Only the person's own rows; other people appear at most as internal ids of
/// organizations and networks the person belongs to.
/// </summary>
public sealed class DataExport(AmparoDbContext db, AccountService accounts, CheckInService checkIns, ContactService contacts, AuditLog audit, TimeProvider clock)
{
    public sealed record Export(
        DateTime ExportedAt, ProfileData Profile, List<MembershipData> Memberships, List<NetworkData> NetworksCoordinated,
        List<SharingData> SharingRules, List<SessionData> Sessions, List<TokenData> ApiTokens, List<AuditData> AuditEvents,
        List<VisitDetails> Visits, List<ContactData> TrustedContacts, List<AlertData> Alerts);

    public sealed record ContactData(string Name, string Language, string Consent, DateTime? ConfirmedAt, List<ChannelData> Channels);
    public sealed record ChannelData(string Kind, string Address);
    public sealed record AlertData(Guid Id, string Kind, string State, string? Outcome, bool Drill, DateTime CreatedAt, DateTime? ResolvedAt);

    public sealed record ProfileData(
        Guid Id, string? Email, string DisplayName, string Language, string TimeZone, string? Phone, string? Signal,
        bool TwoFactorEnabled, bool ServerAdmin, DateTime CreatedAt);

    public sealed record MembershipData(Guid OrganizationId, string OrganizationName, string Role, DateTime JoinedAt);
    public sealed record NetworkData(Guid NetworkId, string NetworkName);
    public sealed record SharingData(string Category, string Audience, bool Enabled, DateTime ChangedAt);
    public sealed record SessionData(string Device, DateTime CreatedAt, DateTime LastSeenAt);
    public sealed record TokenData(string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

    /// <summary>An event where the person acted or was acted upon. Who else acted is left out.</summary>
    public sealed record AuditData(DateTime At, string Type, bool ByMe, Guid? OrganizationId, string Detail);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Visits keep the names the API gives them ("active", "checked-in-late"); other enums are written as declared.
        Converters = { new JsonStringEnumConverter<VisitState>(JsonNamingPolicy.KebabCaseLower), new JsonStringEnumConverter<VisitOutcome>(JsonNamingPolicy.KebabCaseLower), new JsonStringEnumConverter() },
    };

    public async Task<Export> CollectAsync(User user, CancellationToken ct = default)
    {
        var me = user.Id;
        var (phone, signal) = await accounts.ContactDetailsAsync(user, ct);
        var memberships = await (
            from m in db.Memberships.AsNoTracking()
            where m.UserId == me
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new { o.Id, o.Name, m.Role, m.JoinedAt }).ToListAsync(ct);
        var networks = await (
            from c in db.NetworkCoordinators.AsNoTracking()
            where c.UserId == me
            join n in db.Networks on c.NetworkId equals n.Id
            orderby n.Name
            select new NetworkData(n.Id, n.Name)).ToListAsync(ct);
        var rules = await db.SharingRules.AsNoTracking().Where(r => r.OwnerId == me).ToListAsync(ct);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.UserId == me).OrderBy(s => s.CreatedAt)
            .Select(s => new SessionData(s.Device, s.CreatedAt, s.LastSeenAt)).ToListAsync(ct);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == me).OrderBy(t => t.CreatedAt)
            .Select(t => new TokenData(t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt)).ToListAsync(ct);
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.ActorId == me || e.SubjectId == me)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new AuditData(e.At, e.Type, e.ActorId == me, e.OrganizationId, e.Detail)).ToListAsync(ct);
        // Nor the trace responders leave when they read or answer a duress alert.
        var duress = (await db.Alerts.AsNoTracking().Where(a => a.OwnerId == me && a.Kind == AlertKind.Duress).Select(a => a.Id).ToListAsync(ct))
            .Select(id => "alert:" + id.ToString("N")).ToList();
        events = events.Where(e => !duress.Any(d => e.Detail.StartsWith(d, StringComparison.Ordinal))).ToList();
        var visits = await checkIns.ListAsync(me, null, int.MaxValue, ct);
        var myContacts = (await contacts.ListAsync(me, ct))
            .Select(c => new ContactData(c.Name, c.Language, ContactService.ConsentName(c.Consent), c.ConfirmedAt, c.Channels.Select(ch => new ChannelData(ch.Kind.ToString(), ch.Address)).ToList())).ToList();
        // Never a duress alert: an export made under pressure must not show it.
        var alerts = (await db.Alerts.AsNoTracking().Where(a => a.OwnerId == me && a.Kind != AlertKind.Duress).OrderBy(a => a.CreatedAt).ToListAsync(ct))
            .Select(a => new AlertData(a.Id, AlertService.KindName(a.Kind), a.State.ToString().ToLowerInvariant(), a.Outcome is { } o ? AlertService.OutcomeName(o) : null, a.IsDrill, a.CreatedAt, a.ResolvedAt)).ToList();

        return new Export(
            clock.GetUtcNow().UtcDateTime,
            new ProfileData(me, user.Email, user.DisplayName, user.Language, user.TimeZone, phone, signal, user.TwoFactorEnabled, user.IsServerAdmin, user.CreatedAt),
            memberships.Select(m => new MembershipData(m.Id, m.Name, m.Role.ToString(), m.JoinedAt)).ToList(),
            networks,
            rules.OrderBy(r => r.Category).ThenBy(r => r.Audience)
                .Select(r => new SharingData(r.Category.ToString(), r.Audience.ToString(), r.Enabled, r.ChangedAt)).ToList(),
            sessions, tokens, events, visits, myContacts, alerts);
    }

    /// <summary>The export as UTF-8 JSON; the export itself is audited.</summary>
    public async Task<byte[]> JsonAsync(User user, CancellationToken ct = default)
    {
        var export = await CollectAsync(user, ct);
        await audit.WriteAsync(AuditEvents.DataExported, user.Id, user.Id, ct: ct);
        return JsonSerializer.SerializeToUtf8Bytes(export, Json);
    }
}
