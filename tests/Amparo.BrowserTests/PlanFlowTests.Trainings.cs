using System.Text.RegularExpressions;
using Amparo.Web.Features.Trainings;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// Trainings (issue 19), in the plan flow: the defender runs a training of their own (the form, the invitation link
/// shown once, the trainer's page), then joins someone else's by its link, commits to a checklist item, and answers
/// the follow-up when it comes — naming something that happened, which brings lessons and help. Without JavaScript,
/// the pages are photographed on a phone in Spanish and Arabic.
/// </summary>
public abstract partial class PlanFlowTests
{
    /// <summary>Switches the page's language and remembers it (the flow's other parts read it).</summary>
    private async Task SwitchToAsync(IPage page, string language)
    {
        await SwitchLanguageAsync(page, language);
        _language = language;
    }

    /// <summary>
    /// With JavaScript the participant's part (join, commit, answer) runs on a phone in Arabic, right to left; without
    /// it, on a desktop in English, and then its pages are photographed on a phone in Spanish and Arabic.
    /// </summary>
    private async Task TrainingsAsync(IPage page, Func<Task> check, string tag, bool photograph)
    {
        // A training of the defender's own: the form with its defaults, the link shown once, the trainer's page.
        await page.GotoAsync(BaseUrl + "/trainings/new");
        await check();
        await page.GetByLabel(T("Training.Field.Title")).FillAsync("Phones, a morning " + tag);
        await page.GetByLabel("Lock it up").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Training.New.Submit") }).ClickAsync();
        await Flows.WaitForLoadAsync(page);
        await check();
        await Expect(page.GetByLabel(T("Training.Invite.Link"))).ToHaveValueAsync(new Regex("/trainings/join/[A-Za-z0-9_-]{20,}$"));
        if (photograph) await Flows.ScreenshotAsync(page, "training-created-en-" + tag);
        await page.GetByRole(AriaRole.Link, new() { Name = T("Training.Created.Open") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/trainings/[0-9a-f-]{36}$"));
        await check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Training.Figures.AfterJoin", "en", "§").Split('§')[0].TrimEnd());
        var ownUrl = page.Url;

        // Someone else's training: its link, what joining means, commitments.
        string secret;
        Guid me;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            var own = Guid.Parse(ownUrl[^36..]);
            me = await db.Trainings.Where(t => t.Id == own).Select(t => t.TrainerId).SingleAsync();
            var trainer = await db.Users.Where(u => u.Id != me).Select(u => u.Id).FirstAsync();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var created = await scope.ServiceProvider.GetRequiredService<TrainingService>().CreateAsync(trainer,
                new TrainingInput("Taller de teléfonos " + tag, ["lock-up"], [], ["es", "ar"], today, "UTC", FollowUpPlan.Default));
            secret = created.InviteSecret!;
        }
        var l = photograph ? "en" : "ar";
        if (!photograph)
        {
            await page.SetViewportSizeAsync(360, 740);
            await SwitchToAsync(page, l);
        }
        await page.GotoAsync(BaseUrl + "/trainings/join/" + secret);
        await check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Training.Join.Counts", l));
        await Flows.ScreenshotAsync(page, $"training-join-{l}-{tag}");
        await page.GetByLabel(T("Training.Choice.Progress", l)).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Training.Join.Submit", l) }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/trainings/[0-9a-f-]{36}#commit$"));
        await check();
        var trainingUrl = page.Url.Split('#')[0];
        await page.Locator("#item-lock-up-lock-set").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Training.Commit.Submit", l) }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"\?done=committed$"));
        await check();
        await Expect(page.Locator("main [role=status]")).ToHaveTextAsync(T("Training.Done.Committed", l));

        // Two weeks on (the schedule itself is tested on a fake clock): the follow-up is sent and waits in the list.
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            var mine = db.TrainingParticipants.Where(p => p.UserId == me).Select(p => p.Id);
            await db.TrainingFollowUps.Where(f => mine.Contains(f.ParticipantId) && f.Round == 0)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.DueAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        await fixture.App.Services.GetRequiredService<TrainingFollowUpWorker>().RunOnceAsync(CancellationToken.None);
        await page.GotoAsync(BaseUrl + "/trainings");
        await check();
        await Expect(page.Locator("main .badge")).ToHaveTextAsync(T("Training.List.Waiting", l));
        await page.GotoAsync(trainingUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = T("Training.FollowUp.Answer", l) }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/trainings/follow-up/[0-9a-f-]{36}$"));
        await check();
        var followUpUrl = page.Url;
        await page.Locator("#item-lock-up-lock-set-done").CheckAsync();
        await page.GetByLabel(T("Training.Obstacle.time", l)).CheckAsync();
        await page.GetByLabel(T("Training.Happening.deviceTaken", l)).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Training.FollowUp.Submit", l) }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"\?done=true#saved$"));
        await check();
        await Expect(page.Locator("#help-title")).ToHaveTextAsync(T("Training.Help.Title", l));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = T("Training.Help.Directory", l) })).ToHaveAttributeAsync("href", "/directory?need=DigitalSecurity");
        await Flows.ScreenshotAsync(page, $"training-follow-up-{l}-{tag}");

        // On a phone, in Spanish and Arabic: the participant's page, the follow-up, the form and the trainer's page.
        if (photograph) await page.SetViewportSizeAsync(360, 740);
        foreach (var language in photograph ? new[] { "es", "ar" } : [])
        {
            await SwitchToAsync(page, language);
            foreach (var (url, name) in new[] { (trainingUrl, "participant"), (followUpUrl + "?done=true", "follow-up"), (BaseUrl + "/trainings/new", "new"), (ownUrl, "trainer") })
            {
                await page.GotoAsync(url);
                await check();
                await Flows.ScreenshotAsync(page, $"training-{name}-{language}-{tag}");
            }
        }
        await SwitchToAsync(page, "en");
        await page.SetViewportSizeAsync(1280, 900);
    }
}
