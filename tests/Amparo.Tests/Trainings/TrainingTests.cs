using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Learning;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Trainings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Trainings;

/// <summary>
/// Trainings (issue 19) on both databases, on the learning fixture library: joining by link, commitments, follow-ups
/// sent at the participant's local morning with a message that names nothing, answers sealed with the participant's
/// key, and figures that are aggregates of at least five people — nobody else (an organization admin, another
/// participant, someone outside) sees anything, and a person's detail only where they chose to show it.
/// </summary>
public abstract partial class TrainingTests(AppFixture app)
{
    private const string LockSet = "lock-up/lock-set";
    private const string LockChecked = "lock-up/lock-checked";

    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    private Task<T> WithTrainingsAsync<T>(Func<TrainingService, Task<T>> work) =>
        app.WithServicesAsync(sp => work(sp.GetRequiredService<TrainingService>()));

    private async Task<(Guid Id, string Secret)> CreateAsync(OrgKit.Person trainer, string zone = "UTC")
    {
        var created = await WithTrainingsAsync(t => t.CreateAsync(trainer.Id,
            new TrainingInput("Workshop at the river office", ["lock-up"], [], ["en", "es"], Today, zone, FollowUpPlan.Default)));
        Assert.Equal(TrainingWriteStatus.Done, created.Status);
        return (created.Id!.Value, created.InviteSecret!);
    }

    private async Task<List<TrainingFollowUp>> FollowUpsOfAsync(OrgKit.Person person, Guid training) =>
        await app.WithDbAsync(db => (from f in db.TrainingFollowUps
                                     join p in db.TrainingParticipants on f.ParticipantId equals p.Id
                                     where p.UserId == person.Id && p.TrainingId == training
                                     orderby f.Round
                                     select f).AsNoTracking().ToListAsync());

    private Task<DateTime?> SendDueFollowUpsAsync() =>
        app.WithServicesAsync(async sp => await sp.GetRequiredService<TrainingFollowUpWorker>().RunOnceAsync(CancellationToken.None));

    [Fact]
    public async Task Participant_Joins_Commits_AndIsFollowedUp_AtTheirOwnMorning_WithAMessageThatNamesNothing()
    {
        var trainer = await app.PersonAsync("trainer");
        var participant = await app.PersonAsync("trainee");
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == participant.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, "America/Mexico_City")));

        // The trainer creates it on the page; the invitation link is on the answer, once.
        using var trainerClient = await app.SignedInAsync(trainer);
        var form = new Dictionary<string, string>
        {
            ["Title"] = "Workshop at the river office", ["EndsOn"] = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["TimeZone"] = "UTC", ["Languages"] = "en", ["Lessons"] = "lock-up", ["Counts[0]"] = "2", ["Units[0]"] = "Weeks",
            ["Counts[1]"] = "2", ["Units[1]"] = "Months", ["Counts[2]"] = "6", ["Units[2]"] = "Months",
        };
        var createdPage = await trainerClient.PostFormAsync("/trainings/new", form);
        Assert.Equal(HttpStatusCode.OK, createdPage.StatusCode);
        var html = await createdPage.Content.ReadAsStringAsync();
        var secret = Regex.Match(html, "/trainings/join/([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.NotEmpty(secret);
        var training = await app.WithDbAsync(db => db.Trainings.AsNoTracking().SingleAsync(t => t.TrainerId == trainer.Id));
        Assert.DoesNotContain(secret, training.InviteHash, StringComparison.Ordinal);
        Assert.DoesNotContain("river", Encoding.UTF8.GetString(training.TitleCipher), StringComparison.Ordinal);

        // The trainer's page builds the agenda's offline pack, in the training's languages.
        var pack = await trainerClient.PostFormAsync($"/trainings/{training.Id}", new Dictionary<string, string> { ["lessons"] = "lock-up", ["languages"] = "en" }, "/learn/pack");
        Assert.Equal("application/zip", pack.Content.Headers.ContentType?.MediaType);
        using (var zip = new System.IO.Compression.ZipArchive(await pack.Content.ReadAsStreamAsync()))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "manifest.json");
            Assert.Contains(zip.Entries, e => e.FullName.StartsWith("source/lessons/lock-up/", StringComparison.Ordinal));
        }

        // The invitation says, before joining, that answers count in totals of five or more.
        using var client = await app.SignedInAsync(participant);
        var (status, invitation) = await client.GetAsync("/trainings/join/" + secret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("count in the trainer", invitation, StringComparison.Ordinal);
        Assert.Contains("at least five people", invitation, StringComparison.Ordinal);
        var joined = await client.PostFormAsync("/trainings/join/" + secret, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal($"/trainings/{training.Id}#commit", joined.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/trainings/join/not-the-secret")).Status);

        // Commitments schedule three follow-ups at 10:00 in Mexico City (UTC−6): 16:00 UTC.
        var committed = await client.PostFormAsync($"/trainings/{training.Id}", new Dictionary<string, string> { ["items"] = LockSet }, $"/trainings/{training.Id}?handler=Commit");
        Assert.Equal(HttpStatusCode.Redirect, committed.StatusCode);
        var followUps = await FollowUpsOfAsync(participant, training.Id);
        Assert.Equal([Today.AddDays(14), Today.AddMonths(2), Today.AddMonths(6)], followUps.Select(f => DateOnly.FromDateTime(f.DueAt)));
        Assert.All(followUps, f => Assert.Equal(new TimeOnly(16, 0), TimeOnly.FromDateTime(f.DueAt)));
        Assert.All(followUps, f => Assert.Equal(FollowUpState.Scheduled, f.State));

        // Not yet due: nothing to answer (the page is not there), nothing sent.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/trainings/follow-up/{followUps[0].Id}")).Status);
        app.Clock.SetUtcNow(followUps[0].DueAt.AddMinutes(1));
        await SendDueFollowUpsAsync();
        await SendDueFollowUpsAsync(); // a second round sends nothing more
        await app.RunWorkersAsync();
        var mail = await app.Smtp.WaitForMessageToAsync(participant.Email, "check-in");
        Assert.Equal("Amparo: a short check-in is waiting", mail.Subject);
        Assert.DoesNotContain("river", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("lock", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"/trainings/follow-up/{followUps[0].Id}", mail.TextBody, StringComparison.Ordinal);
        Assert.Single(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == participant.Email));

        // The follow-up: the committed item, a refresher of the lesson's critical step; the trainer cannot open it.
        // (Sessions ended while the clock moved two weeks: both sign in again.)
        using var again = await app.SignedInAsync(participant);
        using var trainerAgain = await app.SignedInAsync(trainer);
        Assert.Contains("training-follow-up-waiting", (await again.GetAsync("/")).Html, StringComparison.Ordinal);
        var (_, page) = await again.GetAsync($"/trainings/follow-up/{followUps[0].Id}");
        Assert.Contains("support, not a test", page, StringComparison.Ordinal);
        Assert.Contains("A two-minute refresher", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await trainerAgain.GetAsync($"/trainings/follow-up/{followUps[0].Id}")).Status);

        // An answer must say something for each item; then it is saved, sealed, and what happened brings help.
        var refused = await again.PostFormAsync($"/trainings/follow-up/{followUps[0].Id}", new Dictionary<string, string> { ["obstacles"] = "Time" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Answer each step you committed to", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await FollowUpsOfAsync(participant, training.Id))[0].AnswerCipher);
        var answered = await again.PostFormAsync($"/trainings/follow-up/{followUps[0].Id}", new Dictionary<string, string>
        {
            ["item-" + LockSet] = "done", ["obstacles"] = "Time", ["happened"] = "AccountTakenOver", ["note"] = "changed it at the bus stop",
        });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var (_, thanks) = await again.GetAsync(answered.Headers.Location!.OriginalString);
        Assert.Contains("Help for what happened", thanks, StringComparison.Ordinal);
        Assert.Contains("/directory?need=DigitalHelpLine", thanks, StringComparison.Ordinal);
        Assert.DoesNotContain("training-follow-up-waiting", (await again.GetAsync("/")).Html, StringComparison.Ordinal);
        var row = (await FollowUpsOfAsync(participant, training.Id))[0];
        Assert.Equal(FollowUpState.Answered, row.State);
        Assert.DoesNotContain("bus stop", Encoding.UTF8.GetString(row.AnswerCipher!), StringComparison.Ordinal);

        // The API gives the participant the same, and the trainer no answer of theirs.
        var token = await app.ApiTokenAsync(participant);
        using var api = await again.SendAsync(HttpMethod.Get, $"/api/v1/trainings/follow-ups/{followUps[0].Id}", token);
        var body = await api.Content.ReadAsStringAsync();
        Assert.Contains("\"happened\":[\"accountTakenOver\"]", body, StringComparison.Ordinal);
        var trainerToken = await app.ApiTokenAsync(trainer);
        using var theirs = await trainerAgain.SendAsync(HttpMethod.Get, $"/api/v1/trainings/follow-ups/{followUps[0].Id}", trainerToken);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);

        // Export my data has the commitment and the answer; leaving deletes both.
        var export = await app.WithServicesAsync(sp => sp.GetServices<Amparo.Web.Infrastructure.IPersonalData>().OfType<TrainingsPersonalData>().Single().ExportAsync(participant.User, default));
        Assert.Contains("bus stop", JsonSerializer.Serialize(export), StringComparison.Ordinal);
        Assert.True(await WithTrainingsAsync(t => t.LeaveAsync(participant.Id, training.Id)));
        Assert.Empty(await FollowUpsOfAsync(participant, training.Id));
    }

    [Fact]
    public async Task Figures_AreAggregatesOfAtLeastFive_FrozenOnceShown_AndNobodyElseSeesAnything()
    {
        var trainer = await app.PersonAsync("figtrainer");
        var orgAdmin = await app.PersonAsync("figadmin");
        var outsider = await app.PersonAsync("figoutsider");
        var org = await app.OrganizationAsync(orgAdmin);
        await app.AddMemberAsync(org, trainer);
        var (id, secret) = await CreateAsync(trainer);
        var people = new List<OrgKit.Person>();
        for (var i = 0; i < 12; i++)
        {
            var p = await app.PersonAsync("figpart" + i);
            people.Add(p);
            Assert.Equal(TrainingWriteStatus.Done, (await WithTrainingsAsync(t => t.JoinAsync(p.Id, secret, countsProgress: false))).Status);
            // All commit to setting a lock; six also to checking it monthly.
            Assert.Equal(TrainingWriteStatus.Done, (await WithTrainingsAsync(t => t.CommitAsync(p.Id, id, i < 6 ? [LockSet, LockChecked] : [LockSet]))).Status);
        }
        // The trainer cannot join their own training; an item outside the agenda is refused.
        Assert.Equal(TrainingWriteStatus.NotFound, (await WithTrainingsAsync(t => t.JoinAsync(trainer.Id, secret, false))).Status);
        Assert.Equal(TrainingWriteStatus.Invalid, (await WithTrainingsAsync(t => t.CommitAsync(people[0].Id, id, ["after-arrest/x"]))).Status);

        var trainerToken = await app.ApiTokenAsync(trainer);
        using var trainerClient = await app.SignedInAsync(trainer);
        async Task<JsonElement> FiguresAsync()
        {
            using var r = await trainerClient.SendAsync(HttpMethod.Get, $"/api/v1/trainings/{id}", trainerToken);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("figures");
        }

        // While people may still join, no figure at all (a new count would tell who joined).
        var early = await FiguresAsync();
        Assert.False(early.GetProperty("joinClosed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, early.GetProperty("participants").ValueKind);

        // Joining closes a week after the last day; then commitments: 12 of 12 would tell each one's choice (hidden), 6 of 12 is shown.
        app.Clock.SetUtcNow(new DateTimeOffset(Today.AddDays(TrainingFigures.JoinDays + 1).ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero));
        var joinedLate = await app.PersonAsync("figlate");
        Assert.Equal(TrainingWriteStatus.Closed, (await WithTrainingsAsync(t => t.JoinAsync(joinedLate.Id, secret, false))).Status);
        Assert.Equal(TrainingWriteStatus.Closed, (await WithTrainingsAsync(t => t.CommitAsync(people[0].Id, id, [LockSet]))).Status);
        var closed = await FiguresAsync();
        Assert.Equal(12, closed.GetProperty("participants").GetInt32());
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("committed").GetProperty(LockSet).GetProperty("count").ValueKind);
        Assert.Equal(6, closed.GetProperty("committed").GetProperty(LockChecked).GetProperty("count").GetInt32());

        // The first follow-up: everyone answers; 7 did set a lock, 3 of the 6 checked it; 5 name time, 2 skills.
        var due = (await FollowUpsOfAsync(people[0], id))[0].DueAt;
        app.Clock.SetUtcNow(due.AddMinutes(1));
        await SendDueFollowUpsAsync();
        for (var i = 0; i < 12; i++)
        {
            var answer = new FollowUpAnswer();
            answer.Items[LockSet] = i < 7 ? ProgressState.Done : ProgressState.ToDo;
            if (i < 6) answer.Items[LockChecked] = i < 3 ? ProgressState.Done : ProgressState.NotRelevant;
            if (i < 5) answer.Obstacles.Add(Obstacle.Time);
            if (i is 10 or 11) answer.Obstacles.Add(Obstacle.Skills);
            var followUp = (await FollowUpsOfAsync(people[i], id))[0];
            Assert.Equal(TrainingWriteStatus.Done, (await WithTrainingsAsync(t => t.AnswerAsync(people[i].Id, followUp.Id, answer, "en"))).Status);
        }
        // Before the answer window closes, the round shows nothing.
        var open = (await FiguresAsync()).GetProperty("rounds")[0];
        Assert.False(open.GetProperty("closed").GetBoolean());
        Assert.Empty(open.GetProperty("done").EnumerateObject());

        app.Clock.SetUtcNow(due + TrainingFigures.AnswerWindow + TimeSpan.FromMinutes(1));
        var round = (await FiguresAsync()).GetProperty("rounds")[0];
        Assert.True(round.GetProperty("closed").GetBoolean());
        Assert.Equal(7, round.GetProperty("done").GetProperty(LockSet).GetProperty("count").GetInt32());
        Assert.Equal(12, round.GetProperty("done").GetProperty(LockSet).GetProperty("of").GetInt32());
        Assert.Equal(JsonValueKind.Null, round.GetProperty("done").GetProperty(LockChecked).GetProperty("count").ValueKind); // 3 of 6
        Assert.Equal(5, round.GetProperty("obstacles").GetProperty("time").GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, round.GetProperty("obstacles").GetProperty("skills").GetProperty("count").ValueKind);
        Assert.Equal(JsonValueKind.Null, round.GetProperty("answered").GetProperty("count").ValueKind); // 12 of 12
        // Answers after the window are refused: the figures stay as shown.
        var late = (await FollowUpsOfAsync(people[0], id))[0];
        Assert.Equal(TrainingWriteStatus.Closed, (await WithTrainingsAsync(t => t.AnswerAsync(people[0].Id, late.Id, new FollowUpAnswer { Items = { [LockSet] = ProgressState.ToDo, [LockChecked] = ProgressState.ToDo } }, "en"))).Status);

        // The trainer's page says it in words; no participant's name is on it (nobody chose to show anything).
        using var trainerAgain = await app.SignedInAsync(trainer);
        var (_, trainerPage) = await trainerAgain.GetAsync($"/trainings/{id}");
        Assert.Contains("7 of 12", trainerPage, StringComparison.Ordinal);
        Assert.Contains("not shown (fewer than 5 on one side)", trainerPage, StringComparison.Ordinal);
        Assert.All(people, p => Assert.DoesNotContain(p.User.DisplayName, trainerPage, StringComparison.Ordinal));

        // Nobody else: the trainer's organization admin and an outsider get 404 (page and API); a participant sees
        // the agenda and their own part, never the figures.
        foreach (var other in new[] { orgAdmin, outsider })
        {
            using var c = await app.SignedInAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/trainings/{id}")).Status);
            using var r = await c.SendAsync(HttpMethod.Get, $"/api/v1/trainings/{id}", await app.ApiTokenAsync(other));
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.DoesNotContain(id.ToString(), await (await c.SendAsync(HttpMethod.Get, "/api/v1/trainings", await app.ApiTokenAsync(other))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var participantClient = await app.SignedInAsync(people[1]);
        using var participantView = await participantClient.SendAsync(HttpMethod.Get, $"/api/v1/trainings/{id}", await app.ApiTokenAsync(people[1]));
        var seen = await participantView.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("figures").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("sharedWithMe").ValueKind);
        var (_, participantPage) = await participantClient.GetAsync($"/trainings/{id}");
        Assert.DoesNotContain("7 of 12", participantPage, StringComparison.Ordinal);
        Assert.DoesNotContain(people[2].User.DisplayName, participantPage, StringComparison.Ordinal);

        // Detail only by the person's choice: one participant shows theirs; the trainer sees that one, no one else.
        Assert.Equal(TrainingWriteStatus.Done, (await WithTrainingsAsync(t => t.ChooseAsync(people[2].Id, id, sharesDetail: true, false, false, false, null))).Status);
        var shared = (await WithTrainingsAsync(t => t.ViewAsync(trainer.Id, id, "en")))!.Trainer!.SharedWithMe;
        Assert.Equal([people[2].User.DisplayName], shared.Select(s => s.Person.Name));
        Assert.Contains(shared[0].Items, i => i.Key == LockSet && i.Latest == ProgressState.Done);
    }

    [Fact]
    public async Task Buddies_AreChosenAmongThoseOpenToIt_AndOnlyTheChosenBuddyReadsTheDetail()
    {
        var trainer = await app.PersonAsync("budtrainer");
        var (id, secret) = await CreateAsync(trainer);
        var (ana, ben, cam) = (await app.PersonAsync("budana"), await app.PersonAsync("budben"), await app.PersonAsync("budcam"));
        foreach (var p in new[] { ana, ben, cam })
        {
            await WithTrainingsAsync(t => t.JoinAsync(p.Id, secret, false));
            await WithTrainingsAsync(t => t.CommitAsync(p.Id, id, [LockSet]));
        }
        var view = await WithTrainingsAsync(t => t.ViewAsync(ana.Id, id, "en"));
        var benRow = await app.WithDbAsync(db => db.TrainingParticipants.SingleAsync(p => p.UserId == ben.Id && p.TrainingId == id));

        // Ben is not open to it yet: Ana cannot choose him, and nobody is listed.
        Assert.Empty(view!.Participant!.BuddyOptions);
        Assert.Equal(TrainingWriteStatus.Invalid, (await WithTrainingsAsync(t => t.ChooseAsync(ana.Id, id, false, false, false, false, benRow.Id))).Status);
        await WithTrainingsAsync(t => t.ChooseAsync(ben.Id, id, false, champion: true, openToBuddy: true, false, null));
        Assert.Equal(TrainingWriteStatus.Done, (await WithTrainingsAsync(t => t.ChooseAsync(ana.Id, id, false, false, false, false, benRow.Id))).Status);

        // Ben reads Ana's items and states; Cam reads nobody's; the trainer does not see Ana's (she did not choose it).
        var benView = (await WithTrainingsAsync(t => t.ViewAsync(ben.Id, id, "en")))!.Participant!;
        Assert.Equal([ana.User.DisplayName], benView.BuddyOf.Select(b => b.Person.Name));
        Assert.Empty((await WithTrainingsAsync(t => t.ViewAsync(cam.Id, id, "en")))!.Participant!.BuddyOf);
        Assert.Empty((await WithTrainingsAsync(t => t.ViewAsync(trainer.Id, id, "en")))!.Trainer!.SharedWithMe);
        // A champion is named to everyone in the training.
        Assert.Equal([ben.User.DisplayName], (await WithTrainingsAsync(t => t.ViewAsync(cam.Id, id, "en")))!.Champions.Select(c => c.Name));
        // A participant of another training cannot be chosen.
        var (other, otherSecret) = await CreateAsync(trainer);
        var stranger = await app.PersonAsync("budstranger");
        await WithTrainingsAsync(t => t.JoinAsync(stranger.Id, otherSecret, false));
        var strangerRow = await app.WithDbAsync(db => db.TrainingParticipants.SingleAsync(p => p.UserId == stranger.Id && p.TrainingId == other));
        await WithTrainingsAsync(t => t.ChooseAsync(stranger.Id, other, false, false, true, false, null));
        Assert.Equal(TrainingWriteStatus.Invalid, (await WithTrainingsAsync(t => t.ChooseAsync(cam.Id, id, false, false, false, false, strangerRow.Id))).Status);
    }
}

[Collection(nameof(SharedHosts.LearningOnSqlite))]
public sealed class TrainingTestsSqlite(LearningSqliteApp app) : TrainingTests(app);
[Collection(nameof(SharedHosts.LearningOnPostgres))]
public sealed class TrainingTestsPostgres(LearningPostgresApp app) : TrainingTests(app);
