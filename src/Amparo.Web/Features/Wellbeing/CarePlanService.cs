using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// A person's own care plan. Every method takes the signed-in person's id and reads or writes only their row: there is
/// no way to name someone else's plan, so nobody else's is ever read (not through a shared security plan either).
/// </summary>
public sealed class CarePlanService(AmparoDbContext db, FieldCipher cipher, TimeProvider clock)
{
    public static readonly IReadOnlyList<CarePart> Parts = Enum.GetValues<CarePart>();

    /// <summary>The column each part is stored in: the name the ciphertext is bound to.</summary>
    public static string ColumnOf(CarePart part) => part switch
    {
        CarePart.Drains => nameof(CarePlan.DrainsCipher),
        CarePart.Restores => nameof(CarePlan.RestoresCipher),
        CarePart.WarningSigns => nameof(CarePlan.WarningSignsCipher),
        CarePart.Boundaries => nameof(CarePlan.BoundariesCipher),
        CarePart.People => nameof(CarePlan.PeopleCipher),
        CarePart.RestDays => nameof(CarePlan.RestDaysCipher),
    };

    private static byte[]? Get(CarePlan plan, CarePart part) => part switch
    {
        CarePart.Drains => plan.DrainsCipher,
        CarePart.Restores => plan.RestoresCipher,
        CarePart.WarningSigns => plan.WarningSignsCipher,
        CarePart.Boundaries => plan.BoundariesCipher,
        CarePart.People => plan.PeopleCipher,
        CarePart.RestDays => plan.RestDaysCipher,
    };

    private static void Set(CarePlan plan, CarePart part, byte[]? value)
    {
        switch (part)
        {
            case CarePart.Drains: plan.DrainsCipher = value; break;
            case CarePart.Restores: plan.RestoresCipher = value; break;
            case CarePart.WarningSigns: plan.WarningSignsCipher = value; break;
            case CarePart.Boundaries: plan.BoundariesCipher = value; break;
            case CarePart.People: plan.PeopleCipher = value; break;
            case CarePart.RestDays: plan.RestDaysCipher = value; break;
        }
    }

    public Task<bool> ExistsAsync(Guid me, CancellationToken ct = default) => db.WellbeingCarePlans.AnyAsync(c => c.UserId == me, ct);

    /// <summary>The person's care plan, decrypted; null when they have not written one.</summary>
    public async Task<CarePlanView?> GetAsync(Guid me, CancellationToken ct = default)
    {
        var plan = await db.WellbeingCarePlans.AsNoTracking().SingleOrDefaultAsync(c => c.UserId == me, ct);
        if (plan is null) return null;
        var key = await KeyAsync(me, ct);
        var parts = new Dictionary<CarePart, string?>();
        foreach (var part in Parts)
            parts[part] = await cipher.DecryptAsync(db, key, Get(plan, part), CarePlan.Table, ColumnOf(part), plan.Id, ct);
        return new CarePlanView(parts, plan.UpdatedAt, plan.ReviewedAt);
    }

    /// <summary>The parts that are too long (nothing written then). Blank parts are stored as nothing.</summary>
    public static List<CarePart> Invalid(IReadOnlyDictionary<CarePart, string?> parts) =>
        [.. Parts.Where(p => Validation.IsUnacceptableText(Clean(parts.GetValueOrDefault(p)), CarePlan.MaxText))];

    /// <summary>Writes the whole plan (creating it on first save). Returns false, writing nothing, when a part is too long.</summary>
    public async Task<bool> SaveAsync(Guid me, IReadOnlyDictionary<CarePart, string?> parts, CancellationToken ct = default)
    {
        if (Invalid(parts).Count > 0) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var plan = await db.WellbeingCarePlans.SingleOrDefaultAsync(c => c.UserId == me, ct);
        if (plan is null)
        {
            plan = new CarePlan { Id = Guid.NewGuid(), UserId = me };
            db.WellbeingCarePlans.Add(plan);
        }
        var key = await KeyAsync(me, ct);
        foreach (var part in Parts)
            Set(plan, part, await cipher.EncryptAsync(db, key, Clean(parts.GetValueOrDefault(part)), CarePlan.Table, ColumnOf(part), plan.Id, ct));
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>"I reviewed it": records today; false when the person has no care plan.</summary>
    public async Task<bool> ReviewedAsync(Guid me, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.WellbeingCarePlans.Where(c => c.UserId == me).ExecuteUpdateAsync(s => s.SetProperty(c => c.ReviewedAt, now), ct) > 0;
    }

    public async Task<bool> DeleteAsync(Guid me, CancellationToken ct = default) =>
        await db.WellbeingCarePlans.Where(c => c.UserId == me).ExecuteDeleteAsync(ct) > 0;

    private Task<Guid> KeyAsync(Guid me, CancellationToken ct) => db.Users.Where(u => u.Id == me).Select(u => u.DataKeyId).SingleAsync(ct);

    /// <summary>Trims; a blank text is no text.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().ReplaceLineEndings("\n");
}
