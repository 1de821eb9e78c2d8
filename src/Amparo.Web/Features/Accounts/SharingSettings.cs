using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// The "who can see what" page's work: a person's own sharing rules, one per data category and audience.
/// Always scoped to the owner passed in by the caller (the signed-in person), never to an id from the form.
/// </summary>
public sealed class SharingSettings(AmparoDbContext db, AuditLog audit, TimeProvider clock)
{
    public sealed record Choice(DataCategory Category, Audience Audience, bool Enabled)
    {
        public string Key => SharingSettings.Key(Category, Audience);
    }

    public static string Key(DataCategory category, Audience audience) => $"{category}/{audience}";

    /// <summary>Every combination, in a stable order.</summary>
    public static IEnumerable<(DataCategory Category, Audience Audience)> All =>
        from c in Enum.GetValues<DataCategory>()
        from a in Enum.GetValues<Audience>()
        select (c, a);

    /// <summary>Parses "Category/Audience" as written by <see cref="Key"/>; nothing else.</summary>
    public static bool TryParse(string? value, out (DataCategory Category, Audience Audience) choice)
    {
        foreach (var pair in All)
        {
            if (string.Equals(Key(pair.Category, pair.Audience), value, StringComparison.Ordinal))
            {
                choice = pair;
                return true;
            }
        }
        choice = default;
        return false;
    }

    /// <summary>One row per category × audience; a missing rule means off.</summary>
    public async Task<List<Choice>> ForAsync(Guid ownerId, CancellationToken ct = default)
    {
        var rules = await db.SharingRules.AsNoTracking().Where(r => r.OwnerId == ownerId).ToListAsync(ct);
        return All.Select(p => new Choice(p.Category, p.Audience,
            rules.Any(r => r.Category == p.Category && r.Audience == p.Audience && r.Enabled))).ToList();
    }

    /// <summary>Turns on exactly the given combinations and off all others; audits each change. Returns how many changed.</summary>
    public async Task<int> SaveAsync(Guid ownerId, IReadOnlySet<(DataCategory Category, Audience Audience)> enabled, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rules = await db.SharingRules.Where(r => r.OwnerId == ownerId).ToListAsync(ct);
        var changes = new List<string>();
        foreach (var (category, audience) in All)
        {
            var on = enabled.Contains((category, audience));
            var rule = rules.SingleOrDefault(r => r.Category == category && r.Audience == audience);
            if (rule is null)
            {
                if (!on) continue;
                db.SharingRules.Add(new SharingRule { OwnerId = ownerId, Category = category, Audience = audience, Enabled = true, ChangedAt = now });
            }
            else if (rule.Enabled != on)
            {
                rule.Enabled = on;
                rule.ChangedAt = now;
            }
            else continue;
            changes.Add($"{Key(category, audience)}:{(on ? "on" : "off")}");
        }
        if (changes.Count == 0) return 0;
        await db.SaveChangesAsync(ct);
        foreach (var change in changes)
            await audit.WriteAsync(AuditEvents.SharingChanged, ownerId, ownerId, detail: change, ct: ct);
        return changes.Count;
    }
}
