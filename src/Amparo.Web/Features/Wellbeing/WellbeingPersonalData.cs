using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The person's self-checks (answers, scores and bands, decrypted), the dates they marked and their reminder choice, in
/// "export my data"; all deleted with the account. The care-plan, buddy and team parts of the module have their own parts.
/// </summary>
public sealed class WellbeingPersonalData(AmparoDbContext db, SelfCheckService checks, FieldCipher cipher) : IPersonalData
{
    public string Section => "wellbeing";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rows = await db.WellbeingSelfChecks.AsNoTracking().Where(c => c.UserId == person.Id).OrderBy(c => c.TakenAt).ToListAsync(ct);
        var selfChecks = new List<object>(rows.Count);
        foreach (var row in rows)
        {
            if (await checks.ReadAsync(person.DataKeyId, row, ct) is not { } view) continue;
            selfChecks.Add(new
            {
                view.Id, view.TakenAt,
                Answers = view.Answers.ToDictionary(a => a.Key, a => SelfCheckInstrument.FrequencyName(a.Value), StringComparer.Ordinal),
                Scores = view.Score.Scores.ToDictionary(s => SelfCheckInstrument.ScaleName(s.Key), s => s.Value, StringComparer.Ordinal),
                Bands = view.Score.Bands.ToDictionary(s => SelfCheckInstrument.ScaleName(s.Key), s => SelfCheckInstrument.BandName(s.Value), StringComparer.Ordinal),
            });
        }
        var markRows = await db.WellbeingMarks.AsNoTracking().Where(m => m.UserId == person.Id).OrderBy(m => m.On).ToListAsync(ct);
        var marks = new List<object>(markRows.Count);
        foreach (var m in markRows)
        {
            var note = await cipher.DecryptAsync(db, person.DataKeyId, m.NoteCipher, WellbeingMark.Table, nameof(WellbeingMark.NoteCipher), m.Id, ct);
            marks.Add(new { m.Id, Kind = m.Kind.ToString(), m.On, m.Until, Note = note, m.AlertId, m.CreatedAt });
        }
        var reminders = await SelfCheckReminders.ChoiceAsync(db, person.Id, ct);
        return new { selfChecks, marks, reminders = new { Rhythm = SelfCheckReminders.RhythmName(reminders.Rhythm), reminders.ByEmail } };
    }

    // The account row's cascade would take them too; said here so the rule does not hang on a foreign key alone.
    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        await db.WellbeingSelfChecks.Where(c => c.UserId == person.Id).ExecuteDeleteAsync(ct);
        await db.WellbeingMarks.Where(m => m.UserId == person.Id).ExecuteDeleteAsync(ct);
        await db.WellbeingReminders.Where(r => r.UserId == person.Id).ExecuteDeleteAsync(ct);
    }
}
