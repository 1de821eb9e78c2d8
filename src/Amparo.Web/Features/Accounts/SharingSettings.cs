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
    /// <summary>One box, and while it is ticked the people it lets see the category today (from <see cref="Access.AudienceOf"/>).</summary>
    public sealed record Choice(DataCategory Category, Audience Audience, bool Enabled, IReadOnlyList<string> Names)
    {
        public string Key => SharingSettings.Key(Category, Audience);
    }

    public static string Key(DataCategory category, Audience audience) => $"{category}/{audience}";

    /// <summary>A category opened to a named person, an organization's members or its assigned staff by another module (a buddy, a grantmaker), and who that is today.</summary>
    public sealed record Chosen(DataCategory Category, IReadOnlyList<string> Names);

    /// <summary>Every combination of a person's categories and the rule audiences, in a stable order.</summary>
    public static IEnumerable<(DataCategory Category, Audience Audience)> All =>
        from c in DataCategories.OfKind(OwnerKind.Person)
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

    /// <summary>One row per category × audience; a missing rule means off. Each ticked row names who it reaches today.</summary>
    public async Task<List<Choice>> ForAsync(Guid ownerId, CancellationToken ct = default)
    {
        var rules = await db.SharingRules.AsNoTracking().Where(r => r.OwnerId == ownerId).ToListAsync(ct);
        var sources = AccessSources.Of(db, clock);
        var choices = new List<Choice>();
        foreach (var (category, audience) in All)
        {
            var enabled = rules.Any(r => r.Category == category && r.Audience == audience && r.Enabled);
            var names = enabled ? await NamesAsync(ownerId, Access.AudienceOf(ownerId, category, sources, PathOf(audience)), ct) : [];
            choices.Add(new Choice(category, audience, enabled, names));
        }
        return choices;
    }

    /// <summary>What the owner opened outside the boxes (grants made in other modules), per category, with who it reaches today.</summary>
    public async Task<List<Chosen>> ChosenAsync(Guid ownerId, CancellationToken ct = default)
    {
        var sources = AccessSources.Of(db, clock);
        var chosen = new List<Chosen>();
        foreach (var category in DataCategories.OfKind(OwnerKind.Person))
        {
            var names = await NamesAsync(ownerId, Access.AudienceOf(ownerId, category, sources,
                AccessPath.NamedPerson, AccessPath.OrganizationMembers, AccessPath.AssignedStaff), ct);
            if (names.Count > 0) chosen.Add(new Chosen(category, names));
        }
        return chosen;
    }

    /// <summary>The audience path a rule's audience opens. No default arm: a new audience does not compile until it has its path.</summary>
    public static AccessPath PathOf(Audience audience)
    {
        switch (audience)
        {
            case Audience.OrgFocalPoints: return AccessPath.OrgFocalPoints;
            case Audience.NetworkCoordinators: return AccessPath.NetworkCoordinators;
        }
        throw new ArgumentOutOfRangeException(nameof(audience), audience, "Not a rule audience.");
    }

    private Task<List<string>> NamesAsync(Guid ownerId, IQueryable<Guid> audience, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => audience.Contains(u.Id) && u.Id != ownerId)
            .OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToListAsync(ct);

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
