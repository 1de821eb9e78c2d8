using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "Export my data": everything Amparo holds about the signed-in person, as JSON, with the encrypted fields
/// decrypted. Accounts writes its own sections (profile, sessions, API tokens); every other section comes from a
/// feature's <see cref="IPersonalData"/> part. Only the person's own rows; other people appear at most as internal
/// ids of organizations and networks the person belongs to.
/// </summary>
public sealed class DataExport(AmparoDbContext db, AccountService accounts, IEnumerable<IPersonalData> parts, AuditLog audit, TimeProvider clock)
{
    public sealed record ProfileData(
        Guid Id, string? Email, string DisplayName, string Language, string TimeZone, string? Phone, string? Signal,
        bool TwoFactorEnabled, bool ServerAdmin, DateTime CreatedAt);

    public sealed record SessionData(string Device, DateTime CreatedAt, DateTime LastSeenAt);
    public sealed record TokenData(string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The export's sections by name, in the order they are written.</summary>
    public async Task<Dictionary<string, object?>> CollectAsync(User user, CancellationToken ct = default)
    {
        var me = user.Id;
        var (phone, signal) = await accounts.ContactDetailsAsync(user, ct);
        var export = new Dictionary<string, object?>
        {
            ["exportedAt"] = clock.GetUtcNow().UtcDateTime,
            ["profile"] = new ProfileData(me, user.Email, user.DisplayName, user.Language, user.TimeZone, phone, signal, user.TwoFactorEnabled, user.IsServerAdmin, user.CreatedAt),
            ["sessions"] = await db.Sessions.AsNoTracking().Where(s => s.UserId == me).OrderBy(s => s.CreatedAt)
                .Select(s => new SessionData(s.Device, s.CreatedAt, s.LastSeenAt)).ToListAsync(ct),
            ["apiTokens"] = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == me).OrderBy(t => t.CreatedAt)
                .Select(t => new TokenData(t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt)).ToListAsync(ct),
        };
        foreach (var part in parts)
        {
            // Add, not the indexer: two parts claiming one section is a mistake that must not lose either silently.
            if (await part.ExportAsync(user, ct) is { } section) export.Add(part.Section, section);
        }
        return export;
    }

    /// <summary>The export as UTF-8 JSON; the export itself is audited.</summary>
    public async Task<byte[]> JsonAsync(User user, CancellationToken ct = default)
    {
        var export = await CollectAsync(user, ct);
        await audit.WriteAsync(AuditEvents.DataExported, user.Id, user.Id, ct: ct);
        return JsonSerializer.SerializeToUtf8Bytes(export, Json);
    }
}
