using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Trainings;

/// <summary>
/// "Export my data": the trainings the person runs (title, agenda, dates; never who joined) and the ones they joined
/// (their commitments, choices and answers). Deleting the account deletes both by cascade: a trainer's trainings with
/// their participants' rows, a participant's rows with their answers. Reminders are queued under the person's account.
/// </summary>
public sealed class TrainingsPersonalData(AmparoDbContext db, FieldCipher cipher) : IPersonalData
{
    public string Section => "trainings";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var running = new List<object>();
        foreach (var t in await db.Trainings.AsNoTracking().Where(t => t.TrainerId == person.Id).OrderBy(t => t.CreatedAt).ToListAsync(ct))
        {
            var agenda = TrainingAgenda.FromBytes(await cipher.DecryptBytesAsync(db, person.DataKeyId, t.AgendaCipher, Training.Table, nameof(Training.AgendaCipher), t.Id, ct));
            running.Add(new
            {
                t.Id, Title = await cipher.DecryptAsync(db, person.DataKeyId, t.TitleCipher, Training.Table, nameof(Training.TitleCipher), t.Id, ct),
                agenda.Lessons, agenda.Pathways, t.Languages, t.EndsOn, t.TimeZone, t.FollowUps, t.CreatedAt,
            });
        }
        var joined = new List<object>();
        foreach (var p in await db.TrainingParticipants.AsNoTracking().Where(p => p.UserId == person.Id).OrderBy(p => p.JoinedAt).ToListAsync(ct))
        {
            var commitments = await cipher.DecryptAsync(db, person.DataKeyId, p.CommitmentsCipher, TrainingParticipant.Table, nameof(TrainingParticipant.CommitmentsCipher), p.Id, ct);
            var followUps = new List<object>();
            foreach (var f in await db.TrainingFollowUps.AsNoTracking().Where(f => f.ParticipantId == p.Id).OrderBy(f => f.Round).ToListAsync(ct))
            {
                var answer = f.AnswerCipher is null ? null
                    : FollowUpAnswer.FromBytes(await cipher.DecryptBytesAsync(db, person.DataKeyId, f.AnswerCipher, TrainingFollowUp.Table, nameof(TrainingFollowUp.AnswerCipher), f.Id, ct));
                followUps.Add(new
                {
                    f.Round, f.DueAt, State = TrainingService.StateName(f.State), f.AnsweredAt,
                    Answer = answer is null ? null : new
                    {
                        Items = answer.Items.ToDictionary(i => i.Key, i => Learning.LearningApi.StateWord(i.Value)),
                        Obstacles = answer.Obstacles.Select(TrainingService.ObstacleName), answer.Note,
                        Happened = answer.Happened.Select(TrainingService.HappeningName), answer.LessonsDone,
                    },
                });
            }
            joined.Add(new
            {
                p.TrainingId, p.JoinedAt, Commitments = commitments?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [], p.CommittedAt,
                p.SharesDetail, p.Champion, p.OpenToBuddy, p.CountsProgress, FollowUps = followUps,
            });
        }
        return running.Count + joined.Count == 0 ? null : new { Running = running, Joined = joined };
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask; // the account row's cascade removes every row
}
