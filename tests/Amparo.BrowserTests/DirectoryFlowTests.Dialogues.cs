using System.Globalization;
using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// A moderated dialogue (issue 17) in a real browser, from draft threads to a published summary, on the directory's host:
/// the coordinator (Spanish, on a phone) drafts it and its thread, prepares it and makes an invitation link; a
/// facilitator (Arabic) joins by the link under a pseudonym and reviews the thread; the coordinator opens it; a member of
/// the network (Arabic, on a phone) joins as "Garza Azul", posts and replies; once it is over the facilitator publishes
/// the summary, which everyone then reads. Times pass by moving the dialogue's own dates back (the server's clock on
/// opening and closing is the integration tests' part). Without JavaScript every page is checked; with it, in English
/// on a desktop, the same flow with weights only.
/// </summary>
public sealed partial class DirectoryFlowTests
{
    [Fact]
    public async Task ADialogue_FromDraftThreadsToAPublishedSummary_WithAPseudonymousParticipant_WithoutJavaScript()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => DialogueFlowAsync(report, javaScript: false)); }
        finally { report.SaveWeights("dialogue-javascript-off"); }
        report.AssertClean();
    }

    [Fact]
    public async Task ADialogue_FromDraftThreadsToAPublishedSummary_WithJavaScript()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => DialogueFlowAsync(report, javaScript: true)); }
        finally { report.SaveWeights("dialogue-javascript-on"); }
        report.AssertClean();
    }

    private async Task DialogueFlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        string coordinatorEmail = $"carmen.dialogue.{tag}@example.org", facilitatorEmail = $"fabio.dialogue.{tag}@example.org", memberEmail = $"dolores.dialogue.{tag}@example.org";
        var (coordinatorLanguage, otherLanguage) = javaScript ? ("en", "en") : ("es", "ar");
        Guid networkId, orgId, coordinatorId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var coordinator = (await accounts.CreateAsync(coordinatorEmail, "Carmen", Passphrase, false)).User!;
            await accounts.CreateAsync(facilitatorEmail, "Fabio", Passphrase, false);
            var memberUser = (await accounts.CreateAsync(memberEmail, "Dolores Defensora", Passphrase, false)).User!;
            var orgs = scope.ServiceProvider.GetRequiredService<OrganizationService>();
            var org = (await orgs.CreateAsync("Colectivo Ceiba " + tag, OrganizationKind.CivilSociety, null))!;
            await orgs.AddMemberAsync(org.Id, coordinator.Id, OrgRole.OrgAdmin, null);
            await orgs.AddMemberAsync(org.Id, memberUser.Id, OrgRole.Member, null);
            var networks = scope.ServiceProvider.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red de cuidado " + tag, null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, org.Id, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            networkId = network.Id;
            (orgId, coordinatorId) = (org.Id, coordinator.Id);
        }

        async Task<(IPage Page, Func<bool, Task> Check)> OpenAsync(string email, string language, string who, bool phone)
        {
            var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
            var checks = new PageChecks(context, BaseUrl, javaScript);
            var page = await context.NewPageAsync();
            if (phone) await page.SetViewportSizeAsync(360, 740);
            else await page.SetViewportSizeAsync(1280, 900);
            await Flows.SignInAsync(page, BaseUrl, fixture.App.Services, email, Passphrase);
            await page.GotoAsync(BaseUrl + "/dialogues");
            await SwitchLanguageAsync(page, language);
            // A full check (axe, other origins, weight) where asked; otherwise the page's bytes are only counted off, so that
            // the next checked page's weight is its own. Each full check costs about a second of the suite.
            return (page, full => full ? checks.CheckAsync(page, report, who: who) : checks.TakeWeightAsync());
        }

        IPage? coord = null;
        IPage facilitator;
        Func<bool, Task> coordCheck = _ => Task.CompletedTask, facilitatorCheck;
        string dialogueUrl;
        Guid dialogueId;
        if (!javaScript)
        {
            // ---- The coordinator drafts the dialogue and its thread, prepares it and makes a facilitator's link.
            (coord, coordCheck) = await OpenAsync(coordinatorEmail, coordinatorLanguage, "coordinator", phone: !javaScript);
            await coord.GotoAsync($"{BaseUrl}/networks/{networkId}");
            await coord.Locator("#start-dialogue").ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("/dialogues/settings"));
            await coordCheck(false); // checked below, with its error
            var starts = DateTime.UtcNow.AddHours(1);
            await coord.Locator("#Title").FillAsync("Cuidarse para cuidar");
            await coord.Locator("#Purpose").FillAsync("Compartir prácticas de cuidado colectivo y de seguridad.");
            await coord.Locator("#StartsAt").FillAsync(starts.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
            // An end before the start: named at its field, and nothing saved.
            await coord.Locator("#EndsAt").FillAsync(starts.AddHours(-2).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.Create", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForLoadAsync(coord);
            await Expect(coord.Locator("#error-summary")).ToContainTextAsync(T("Dialogues.Error.EndsAt", coordinatorLanguage));
            await Expect(coord.Locator("#Title")).ToHaveValueAsync("Cuidarse para cuidar");
            await coordCheck(true);
            await Flows.ScreenshotAsync(coord, $"dialogue-settings-error-{coordinatorLanguage}-{tag}");
            await coord.Locator("#EndsAt").FillAsync(starts.AddHours(2).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.Create", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("/dialogues/[0-9a-f-]{36}\\?done=saved"));
            dialogueUrl = new Regex("\\?.*$").Replace(coord.Url, "");
            dialogueId = Guid.Parse(dialogueUrl[^36..]);
            await coordCheck(true);
            await coord.Locator("#ThreadTitle").FillAsync("¿Qué nos mantiene a salvo?");
            await coord.Locator("#Question").FillAsync("Cuenten una práctica de cuidado que les funcione.");
            await coord.Locator("#Prompts").FillAsync("Digital\nFísica\nEmocional");
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.AddThreadSubmit", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("done=thread"));
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.Move.Prepare", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("done=moved"));
            await coord.Locator("#role").SelectOptionAsync("Facilitator");
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.Invite", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForLoadAsync(coord);
            var link = await coord.Locator("#invitation-link").InputValueAsync();
            await coordCheck(true);
            await Flows.ScreenshotAsync(coord, $"dialogue-preparation-{coordinatorLanguage}-{tag}");

            // ---- The facilitator joins by the link under a pseudonym and reviews the thread.
            (facilitator, facilitatorCheck) = await OpenAsync(facilitatorEmail, otherLanguage, "facilitator", phone: false);
            await facilitator.GotoAsync(link);
            await Expect(facilitator.Locator("#join")).ToContainTextAsync(T("Dialogues.Role.Facilitator", otherLanguage));
            await facilitatorCheck(true);
            await facilitator.Locator("#Pseudonym").FillAsync("Quetzal");
            await facilitator.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.JoinSubmit", otherLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(facilitator, new Regex("done=joined"));
            await Expect(facilitator.Locator("#me")).ToContainTextAsync("Quetzal");
            await facilitator.GetByRole(AriaRole.Link, new() { Name = "¿Qué nos mantiene a salvo?", Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(facilitator, new Regex("/dialogues/threads/"));
            await facilitator.Locator("#review").ClickAsync();
            await Flows.WaitForPageAsync(facilitator, new Regex("done=reviewed"));
            await facilitatorCheck(false);

            // ---- The coordinator opens it; an hour later it is live.
            await coord.GotoAsync(dialogueUrl);
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.Move.Open", coordinatorLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("done=moved"));
            await Expect(coord.Locator("#phase")).ToContainTextAsync(T("Dialogues.Phase.Upcoming", coordinatorLanguage));
        }
        else
        {
            // With JavaScript the preparation is the services' (its pages were walked without it): a live dialogue, the
            // facilitator joined; then the participant's and the facilitator's pages.
            dialogueId = await PreparedAsync(coordinatorEmail, facilitatorEmail, networkId);
            dialogueUrl = $"{BaseUrl}/dialogues/{dialogueId}";
            (facilitator, facilitatorCheck) = await OpenAsync(facilitatorEmail, otherLanguage, "facilitator", phone: false);
        }
        await PassAsync(dialogueId, TimeSpan.FromMinutes(61));

        // ---- A member of the network joins as "Garza Azul", posts, and replies with a quote.
        var (member, memberCheck) = await OpenAsync(memberEmail, otherLanguage, "participant", phone: !javaScript);
        await member.Locator("nav.nav").GetByRole(AriaRole.Link, new() { Name = T("Dialogues.Nav", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("/dialogues$"));
        await member.GetByRole(AriaRole.Link, new() { Name = "Cuidarse para cuidar", Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("/dialogues/[0-9a-f-]{36}$"));
        await memberCheck(false);
        // Their own name is refused as a pseudonym: it would undo it.
        await member.Locator("#Pseudonym").FillAsync("Dolores Defensora");
        await member.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.JoinSubmit", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForLoadAsync(member);
        await Expect(member.Locator("#error-summary")).ToContainTextAsync(T("Dialogues.Error.PseudonymIsName", otherLanguage));
        await memberCheck(!javaScript);
        await Flows.ScreenshotAsync(member, $"dialogue-join-error-{otherLanguage}-{tag}");
        await member.Locator("#Pseudonym").FillAsync("Garza Azul");
        await member.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.JoinSubmit", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("done=joined"));
        await member.GetByRole(AriaRole.Link, new() { Name = "¿Qué nos mantiene a salvo?", Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("/dialogues/threads/"));
        await memberCheck(false);
        await member.Locator("#Text").FillAsync("Cambiamos de ruta cada semana y avisamos al llegar. Guía: https://example.org/rutas");
        await member.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.PostSubmit", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("done=posted"));
        await Expect(member.Locator("article.post")).ToContainTextAsync("Cambiamos de ruta");
        await Expect(member.Locator("article.post a[href='https://example.org/rutas']")).ToHaveCountAsync(1);
        await member.GetByRole(AriaRole.Link, new() { Name = T("Dialogues.Quote", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("quote="));
        await Expect(member.Locator("#post-form")).ToContainTextAsync("Garza Azul");
        await member.Locator("#Text").FillAsync("Y una compañera de confianza recibe el aviso.");
        await member.GetByRole(AriaRole.Button, new() { Name = T("Dialogues.PostSubmit", otherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(member, new Regex("done=posted"));
        await Expect(member.Locator("article.post.reply blockquote")).ToContainTextAsync("Cambiamos de ruta");
        await Expect(member.Locator("main")).Not.ToContainTextAsync("Dolores");
        await memberCheck(true);
        await Flows.ScreenshotAsync(member, $"dialogue-thread-{otherLanguage}-{tag}");
        if (!javaScript && coord is not null)
        {
            // The pages around a live thread, on a phone: search, resources and reporting a post (Arabic), the
            // coordinator's leaders, people and moderation (Spanish).
            // Reporting someone else's post: the facilitator (a participant too) reports the member's, on a phone.
            var postId = (await member.Locator("article.post").First.GetAttributeAsync("id"))!["post-".Length..];
            await facilitator.SetViewportSizeAsync(360, 740);
            await facilitator.GotoAsync($"{BaseUrl}/dialogues/posts/{postId}/report");
            await facilitatorCheck(true);
            await Flows.ScreenshotAsync(facilitator, $"dialogue-report-{otherLanguage}-{tag}");
            await facilitator.SetViewportSizeAsync(1280, 900);
            await member.GotoAsync($"{dialogueUrl}/search?q=ruta");
            await Expect(member.Locator("main")).ToContainTextAsync("Cambiamos de ruta");
            await memberCheck(true);
            await Flows.ScreenshotAsync(member, $"dialogue-search-{otherLanguage}-{tag}");
            await member.GotoAsync($"{dialogueUrl}/resources");
            await memberCheck(true);
            await Flows.ScreenshotAsync(member, $"dialogue-resources-{otherLanguage}-{tag}");
            foreach (var part in new[] { "leaders", "people", "moderation" })
            {
                await coord.GotoAsync($"{dialogueUrl}/{part}");
                await coordCheck(true);
                await Flows.ScreenshotAsync(coord, $"dialogue-{part}-{coordinatorLanguage}-{tag}");
            }

            // ---- The library's pages about people (issue 18), on the same phones: the coordinator, an admin of the
            // collective, opens the form for its private lessons and shows her progress to Dolores, who reads it in Arabic.
            await coord.GotoAsync($"{BaseUrl}/learn/write/{orgId}");
            await coordCheck(true);
            await Flows.ScreenshotAsync(coord, $"learn-write-{coordinatorLanguage}-{tag}");
            await coord.GotoAsync($"{BaseUrl}/learn/sharing");
            await coord.GetByLabel(T("Learning.Share.With", coordinatorLanguage)).SelectOptionAsync(new SelectOptionValue { Label = "Dolores Defensora" });
            await coord.GetByRole(AriaRole.Button, new() { Name = T("Learning.Share.Submit", coordinatorLanguage) }).ClickAsync();
            await Flows.WaitForPageAsync(coord, new Regex("done=shared"));
            await coordCheck(true);
            await Flows.ScreenshotAsync(coord, $"learn-sharing-{coordinatorLanguage}-{tag}");
            await member.GotoAsync($"{BaseUrl}/learn/sharing");
            await memberCheck(true);
            await Flows.ScreenshotAsync(member, $"learn-sharing-{otherLanguage}-{tag}");
            await member.GotoAsync($"{BaseUrl}/learn/shared/{coordinatorId}");
            await Expect(member.Locator("h1")).ToContainTextAsync("Carmen");
            await memberCheck(true);
            await Flows.ScreenshotAsync(member, $"learn-shared-{otherLanguage}-{tag}");
        }

        // ---- It ends: the facilitator writes the summary and publishes it, which closes the dialogue.
        await PassAsync(dialogueId, TimeSpan.FromHours(2));
        await facilitator.GotoAsync(dialogueUrl);
        await facilitator.Locator("#edit-summary").ClickAsync();
        await Flows.WaitForPageAsync(facilitator, new Regex("/summary$"));
        await facilitatorCheck(!javaScript);
        await facilitator.Locator("#Text").FillAsync("Rutas que cambian y avisos a personas de confianza.\n\nRecursos: la guía de rutas.");
        await facilitator.Locator("#publish").ClickAsync();
        await Flows.WaitForPageAsync(facilitator, new Regex("done=moved"));
        await Expect(facilitator.Locator("#phase")).ToContainTextAsync(T("Dialogues.Phase.Closed", otherLanguage));
        await member.GotoAsync(dialogueUrl);
        await Expect(member.Locator("main")).ToContainTextAsync("Rutas que cambian");
        await memberCheck(!javaScript);
        await Flows.ScreenshotAsync(member, $"dialogue-closed-{otherLanguage}-{tag}");
        foreach (var page in new[] { coord, facilitator, member }) if (page is not null) await SwitchLanguageAsync(page, "en");
    }

    /// <summary>Through the services, as the pages do without JavaScript: a dialogue with one reviewed thread, opened, the facilitator joined as "Quetzal".</summary>
    private async Task<Guid> PreparedAsync(string coordinatorEmail, string facilitatorEmail, Guid networkId)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var coordinator = await db.Users.Where(u => u.Email == coordinatorEmail).Select(u => u.Id).SingleAsync();
        var facilitator = await db.Users.Where(u => u.Email == facilitatorEmail).Select(u => u.Id).SingleAsync();
        var dialogues = scope.ServiceProvider.GetRequiredService<Amparo.Web.Features.Dialogues.Dialogues>();
        var starts = DateTime.UtcNow.AddHours(1);
        var id = (await dialogues.CreateAsync(coordinator, networkId, new Amparo.Web.Features.Dialogues.DialogueInput("Cuidarse para cuidar",
            "Compartir prácticas de cuidado colectivo y de seguridad.", ["es", "en"], starts, starts.AddHours(2), "UTC", false, []))).Id!.Value;
        var thread = (await dialogues.AddThreadAsync(coordinator, id, new Amparo.Web.Features.Dialogues.ThreadInput("¿Qué nos mantiene a salvo?",
            "Cuenten una práctica de cuidado que les funcione.", "Digital", null, null, false))).Id!.Value;
        await dialogues.MoveAsync(coordinator, id, Amparo.Web.Features.Dialogues.StageMove.Prepare, null);
        var invitation = await dialogues.InviteAsync(coordinator, id, Amparo.Web.Features.Dialogues.DialogueRole.Facilitator);
        await dialogues.JoinAsync(facilitator, id, new Amparo.Web.Features.Dialogues.JoinInput("Quetzal", invitation.Secret, 0, false));
        await dialogues.ReviewThreadAsync(facilitator, thread);
        Assert.Equal(Amparo.Web.Features.Dialogues.DialogueWriteStatus.Done, (await dialogues.MoveAsync(coordinator, id, Amparo.Web.Features.Dialogues.StageMove.Open, null)).Status);
        return id;
    }

    /// <summary>As if <paramref name="by"/> passed: the dialogue's dates and its threads' times move back by that much.</summary>
    private async Task PassAsync(Guid dialogueId, TimeSpan by)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var dialogue = await db.Dialogues.SingleAsync(d => d.Id == dialogueId);
        (dialogue.StartsAt, dialogue.EndsAt) = (dialogue.StartsAt - by, dialogue.EndsAt - by);
        foreach (var t in await db.DialogueThreads.Where(t => t.DialogueId == dialogueId).ToListAsync())
            (t.OpensAt, t.ClosesAt) = (t.OpensAt - by, t.ClosesAt - by);
        await db.SaveChangesAsync();
    }
}
