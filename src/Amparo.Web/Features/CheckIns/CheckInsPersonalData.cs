using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

// The check-in module's three parts of "export my data" / "delete my account". Visits, contacts and alerts go with
// the account row (cascading keys); what does not is the queued mail and SMS about them, which holds addresses and links.

/// <summary>The person's visits, decrypted.</summary>
public sealed class VisitsPersonalData(AmparoDbContext db, CheckInService checkIns) : IPersonalData
{
    public string Section => "visits";

    // Visits keep the names the API gives them ("active", "checked-in-late"); other enums are written as declared.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter<VisitState>(JsonNamingPolicy.KebabCaseLower), new JsonStringEnumConverter<VisitOutcome>(JsonNamingPolicy.KebabCaseLower), new JsonStringEnumConverter() },
    };

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        JsonSerializer.SerializeToElement(await checkIns.ListAsync(person.Id, null, int.MaxValue, ct), Json);

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        var visits = db.Visits.Where(v => v.OwnerId == person.Id).Select(v => (Guid?)v.Id);
        await db.Outbox.Where(m => m.SourceKind == NotificationSourceKind.Visit && visits.Contains(m.SourceId)).ExecuteDeleteAsync(ct);
    }
}

/// <summary>The person's trusted contacts, decrypted.</summary>
public sealed class ContactsPersonalData(AmparoDbContext db, ContactService contacts) : IPersonalData
{
    public sealed record ContactData(string Name, string Language, string Consent, DateTime? ConfirmedAt, List<ChannelData> Channels);
    public sealed record ChannelData(string Kind, string Address);

    public string Section => "trustedContacts";

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        (await contacts.ListAsync(person.Id, ct))
            .Select(c => new ContactData(c.Name, c.Language, ContactService.ConsentName(c.Consent), c.ConfirmedAt, c.Channels.Select(ch => new ChannelData(ch.Kind.ToString(), ch.Address)).ToList()))
            .ToList();

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        // Consent requests are keyed by contact, not by visit or alert.
        var contacts = db.TrustedContacts.Where(c => c.OwnerId == person.Id).Select(c => (Guid?)c.Id);
        await db.Outbox.Where(m => m.SourceKind == NotificationSourceKind.Contact && contacts.Contains(m.SourceId)).ExecuteDeleteAsync(ct);
        // Rows queued before notifications had a source carry the contact only in their key.
        foreach (var contactId in await db.TrustedContacts.Where(c => c.OwnerId == person.Id).Select(c => c.Id).ToListAsync(ct))
        {
            var key = $"consent:{contactId:N}:";
            await db.Outbox.Where(m => m.NotificationKey.Contains(key)).ExecuteDeleteAsync(ct);
        }
    }
}

/// <summary>
/// The person's alerts, never a duress alert: an export made under pressure must not show it, nor the trace
/// responders leave in the audit trail when they read or answer one (docs/adr/0002-duress-rule.md).
/// </summary>
public sealed class AlertsPersonalData(AmparoDbContext db) : IPersonalData, IWithheldFromOwner
{
    public sealed record AlertData(Guid Id, string Kind, string State, string? Outcome, bool Drill, DateTime CreatedAt, DateTime? ResolvedAt);

    public string Section => "alerts";

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        (await db.Alerts.AsNoTracking().Where(a => a.OwnerId == person.Id && a.Kind != AlertKind.Duress).OrderBy(a => a.CreatedAt).ToListAsync(ct))
            .Select(a => new AlertData(a.Id, AlertService.KindName(a.Kind), a.State.ToString().ToLowerInvariant(),
                a.Outcome is { } o ? AlertService.OutcomeName(o) : null, a.IsDrill, a.CreatedAt, a.ResolvedAt))
            .ToList();

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        var alerts = db.Alerts.Where(a => a.OwnerId == person.Id).Select(a => (Guid?)a.Id);
        await db.Outbox.Where(m => alerts.Contains(m.AlertId)).ExecuteDeleteAsync(ct);
    }

    public async Task<IReadOnlyCollection<string>> AuditDetailPrefixesAsync(Guid ownerId, CancellationToken ct) =>
        (await db.Alerts.AsNoTracking().Where(a => a.OwnerId == ownerId && a.Kind == AlertKind.Duress).Select(a => a.Id).ToListAsync(ct))
            .Select(id => "alert:" + id.ToString("N")).ToList();
}
