using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>One of the person's self-checks, decrypted: its answers and what they score.</summary>
public sealed record SelfCheckView(Guid Id, DateTime TakenAt, IReadOnlyDictionary<string, Frequency> Answers, SelfCheckScore Score);

/// <summary>A self-check in a list or on the trend: its date, scores and bands (the answers stay where they are).</summary>
public sealed record SelfCheckSummary(Guid Id, DateTime TakenAt, IReadOnlyDictionary<WellbeingScale, int> Scores, IReadOnlyDictionary<WellbeingScale, WellbeingBand> Bands);

/// <summary>The outcome of taking a self-check: its id, or what keeps the answers from being scored (nothing saved).</summary>
public sealed record SelfCheckSaved(Guid? Id, SelfCheckScore? Score, SelfCheckProblems? Problems);

/// <summary>
/// Taking and keeping self-checks. Every method takes the signed-in person's id and reads only their rows: a
/// self-check of anyone else is "not found", whoever asks (a focal point, an organization's admin, a server admin —
/// no path of the audience rule reaches it, so this service does not consult one). Answers and bands are encrypted
/// with the person's data key, bound to the table, the column and the row. Nothing here writes to the audit log:
/// an entry "took a self-check" would itself tell admins something about the person.
/// </summary>
public sealed class SelfCheckService(AmparoDbContext db, FieldCipher cipher, TimeProvider clock)
{
    public async Task<SelfCheckSaved> SaveAsync(Guid me, IReadOnlyDictionary<string, Frequency?> answers, CancellationToken ct)
    {
        if (SelfCheckScoring.Check(answers) is { } problems) return new SelfCheckSaved(null, null, problems);
        var whole = answers.ToDictionary(a => a.Key, a => a.Value!.Value, StringComparer.Ordinal);
        var score = SelfCheckScoring.Score(whole);
        var keyId = await db.Users.Where(u => u.Id == me).Select(u => u.DataKeyId).SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var check = new SelfCheck { Id = Guid.NewGuid(), UserId = me, TakenAt = now };
        check.AnswersCipher = await cipher.EncryptAsync(db, keyId, SelfCheckInstrument.Encode(whole), SelfCheck.Table, nameof(SelfCheck.AnswersCipher), check.Id, ct);
        check.BandsCipher = await cipher.EncryptAsync(db, keyId, SelfCheckBands.Encode(score.Bands), SelfCheck.Table, nameof(SelfCheck.BandsCipher), check.Id, ct);
        db.WellbeingSelfChecks.Add(check);
        await SelfCheckReminders.TakenAsync(db, me, now, ct);
        await db.SaveChangesAsync(ct);
        return new SelfCheckSaved(check.Id, score, null);
    }

    /// <summary>The person's self-checks, newest first, with scores and bands (for the list, the trend and the API).</summary>
    public async Task<List<SelfCheckSummary>> ListMineAsync(Guid me, CancellationToken ct)
    {
        var keyId = await db.Users.Where(u => u.Id == me).Select(u => u.DataKeyId).SingleAsync(ct);
        var rows = await db.WellbeingSelfChecks.AsNoTracking().Where(c => c.UserId == me).OrderByDescending(c => c.TakenAt).ToListAsync(ct);
        var list = new List<SelfCheckSummary>(rows.Count);
        foreach (var row in rows)
        {
            if (await ReadAsync(keyId, row, ct) is { } view) list.Add(new SelfCheckSummary(view.Id, view.TakenAt, view.Score.Scores, view.Score.Bands));
        }
        return list;
    }

    /// <summary>The person's latest self-check, or null.</summary>
    public async Task<SelfCheckView?> LatestMineAsync(Guid me, CancellationToken ct)
    {
        var id = await db.WellbeingSelfChecks.Where(c => c.UserId == me).OrderByDescending(c => c.TakenAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        return id is { } found ? await GetMineAsync(me, found, ct) : null;
    }

    /// <summary>One of the person's own self-checks; null for one that is not theirs or does not exist (the same 404).</summary>
    public async Task<SelfCheckView?> GetMineAsync(Guid me, Guid id, CancellationToken ct)
    {
        var row = await db.WellbeingSelfChecks.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.UserId == me, ct);
        if (row is null) return null;
        var keyId = await db.Users.Where(u => u.Id == me).Select(u => u.DataKeyId).SingleAsync(ct);
        return await ReadAsync(keyId, row, ct);
    }

    /// <summary>Deletes one of the person's own self-checks for good; false when it is not theirs or does not exist.</summary>
    public async Task<bool> DeleteMineAsync(Guid me, Guid id, CancellationToken ct) =>
        await db.WellbeingSelfChecks.Where(c => c.Id == id && c.UserId == me).ExecuteDeleteAsync(ct) == 1;

    /// <summary>
    /// Decrypts a row; null when its key was destroyed or the text is not this instrument's. The scores are computed again
    /// from the answers (the stored bands are for the team view's month close, which must not read the answers).
    /// </summary>
    internal async Task<SelfCheckView?> ReadAsync(Guid keyId, SelfCheck row, CancellationToken ct)
    {
        var text = await cipher.DecryptAsync(db, keyId, row.AnswersCipher, SelfCheck.Table, nameof(SelfCheck.AnswersCipher), row.Id, ct);
        return SelfCheckInstrument.Decode(text) is { } answers ? new SelfCheckView(row.Id, row.TakenAt, answers, SelfCheckScoring.Score(answers)) : null;
    }
}
