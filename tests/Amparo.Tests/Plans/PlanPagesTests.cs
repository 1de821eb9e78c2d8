using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Plans;

/// <summary>The security-plan pages as a browser without JavaScript uses them: forms, redirects, what each viewer sees.</summary>
public abstract partial class PlanPagesTests(AppFixture app)
{
    [Fact]
    public async Task APlanFromATemplate_ShowsBandsInWords_PutsADirectThreatFirst_AndALateActionReachesTheHomePage()
    {
        var (person, client) = await PersonAsync("planner");
        var id = await CreateAsync(client, PlanTemplateKind.WomanDefender);
        var template = PlanTemplates.Get(PlanTemplateKind.WomanDefender, "en");
        Assert.Equal(template.Threats.Count, await app.WithDbAsync(db => db.RiskEntries.CountAsync(e => e.PlanId == id)));
        Assert.True(await app.WithDbAsync(db => db.PlanActionEntries.CountAsync(x => db.PlanActions.Any(a => a.Id == x.ActionId && a.PlanId == id))) > 0);
        var (status, html) = await client.GetAsync($"/plans/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Encode(template.Threats[0].What), html, StringComparison.Ordinal);
        Assert.Matches("class=\"plan-band plan-band-[a-z]+\">(Low|Moderate|High|Severe)<", html);
        Assert.Contains("The threat is", html, StringComparison.Ordinal); // a reason, in words
        Assert.Contains(Encode(template.Protocols[0].Name), html, StringComparison.Ordinal);
        var (_, list) = await client.GetAsync("/plans");
        Assert.Contains($"/plans/{id}", list, StringComparison.Ordinal);
        Assert.Contains("Next review", list, StringComparison.Ordinal);

        // A direct threat: the box pointing to actions on the threat itself comes first.
        var entry = await PostPartAsync(client, id, "entries", new()
        {
            ["Threat"] = "Messages threatening my family", ["IsDirectThreat"] = "true", ["ThreatLevel"] = "Four",
            ["VulnerabilityLevel"] = "Two", ["CapacityLevel"] = "Three", ["Domains"] = "Physical",
        });
        Assert.Equal(HttpStatusCode.Redirect, entry.StatusCode);
        (_, html) = await client.GetAsync($"/plans/{id}");
        Assert.Contains("id=\"threat-first\"", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("id=\"threat-first\"", StringComparison.Ordinal) < html.IndexOf("id=\"register\"", StringComparison.Ordinal));

        // A refused post (an unknown currency) shows the error next to the field and writes nothing.
        var actions = await app.WithDbAsync(db => db.PlanActions.CountAsync(a => a.PlanId == id));
        var refused = await PostPartAsync(client, id, "actions", new() { ["What"] = "Buy a lock", ["EstimatedCost"] = "40", ["Currency"] = "XYZ", ["Status"] = "Planned" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"Currency-error\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Currency\"", refusedHtml, StringComparison.Ordinal);
        Assert.Equal(actions, await app.WithDbAsync(db => db.PlanActions.CountAsync(a => a.PlanId == id)));

        // A form shown before someone else's save is refused with the conflict message, and nothing is written.
        var stale = await client.PostFormAsync($"/plans/{id}/actors/new", new Dictionary<string, string> { ["Version"] = "0", ["Name"] = "Local police", ["Stance"] = "Adversary" });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("Someone else saved this plan", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanActors.CountAsync(a => a.PlanId == id)));

        // The plan's own text, saved with the date shown even once the review is long due.
        Assert.DoesNotContain("id=\"plan-reviews-due\"", (await client.GetAsync("/")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync($"/plans/{id}", new Dictionary<string, string>(), $"/plans/{id}?handler=ContextChanged")).StatusCode);
        // The home page now calls the plan back for review, and says why.
        var (_, homeDue) = await client.GetAsync("/");
        Assert.Contains("id=\"plan-reviews-due\"", homeDue, StringComparison.Ordinal);
        Assert.Contains($"href=\"/plans/{id}#review\"", homeDue, StringComparison.Ordinal);
        Assert.Contains("noted that the context changed", homeDue, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromDays(2));
        client = await app.SignedInAsync(person); // the session has expired meanwhile
        var (_, editForm) = await client.GetAsync($"/plans/{id}/edit");
        var edited = await client.PostFormAsync($"/plans/{id}/edit", new Dictionary<string, string>
        {
            ["Version"] = VersionPattern().Match(editForm).Groups[1].Value, ["Title"] = "My plan", ["Context"] = "I document evictions in the valley.",
            ["NextReview"] = Regex.Match(editForm, "name=\"NextReview\" value=\"([0-9-]+)\"").Groups[1].Value,
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        (_, html) = await client.GetAsync($"/plans/{id}");
        Assert.Contains("I document evictions in the valley.", html, StringComparison.Ordinal);
        Assert.Contains("the context changed", html, StringComparison.Ordinal);

        // An action due tomorrow is late three days later: marked on the plan, listed on the home page.
        var tomorrow = app.Clock.GetUtcNow().UtcDateTime.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var added = await PostPartAsync(client, id, "actions", new() { ["What"] = "Change the door lock", ["Due"] = tomorrow, ["Status"] = "Planned", ["EstimatedCost"] = "40", ["Currency"] = "eur" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var (_, home) = await client.GetAsync("/");
        Assert.DoesNotContain("id=\"plan-overdue\"", home, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromDays(3));
        client = await app.SignedInAsync(person); // the session has expired meanwhile
        (_, home) = await client.GetAsync("/");
        Assert.Contains("id=\"plan-overdue\"", home, StringComparison.Ordinal);
        Assert.Contains("Change the door lock", home, StringComparison.Ordinal);
        (_, html) = await client.GetAsync($"/plans/{id}");
        Assert.Contains("class=\"plan-overdue\"", html, StringComparison.Ordinal);
        Assert.Contains("EUR", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/plans\"", home, StringComparison.Ordinal); // the menu link
        Assert.Contains("40.00 EUR", html[html.IndexOf("id=\"budget\"", StringComparison.Ordinal)..], StringComparison.Ordinal); // the budget line

        // Deleting the whole plan asks for the box to be ticked; without it nothing goes.
        var unconfirmed = await client.PostFormAsync($"/plans/{id}/edit", new Dictionary<string, string>(), $"/plans/{id}/edit?handler=Delete");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("id=\"ConfirmDelete-error\"", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.SecurityPlans.CountAsync(p => p.Id == id)));
        var deleted = await client.PostFormAsync($"/plans/{id}/edit", new Dictionary<string, string> { ["ConfirmDelete"] = "true" }, $"/plans/{id}/edit?handler=Delete");
        Assert.Equal("/plans?done=deleted", OrgKit.PathOf(deleted.Headers.Location!));
        Assert.Equal(0, await app.WithDbAsync(db => db.SecurityPlans.CountAsync(p => p.Id == id)));
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanActions.CountAsync(a => a.PlanId == id)));
        var (_, afterDelete) = await client.GetAsync("/plans?done=deleted");
        Assert.Contains("The plan was deleted", afterDelete, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/plans/{id}")).Status);
    }

    [Fact]
    public async Task AMember_SeesProtocolsAndTheirOwnActionOnly_AndAStrangerGets404Everywhere()
    {
        var (admin, adminClient) = await PersonAsync("orgadmin");
        var org = await app.OrganizationAsync(admin);
        var (member, memberClient) = await PersonAsync("member");
        await app.AddMemberAsync(org, member);
        var id = await CreateAsync(adminClient, PlanTemplateKind.SmallOffice, org.ToString());
        Assert.Equal(org, await app.WithDbAsync(db => db.SecurityPlans.Where(p => p.Id == id).Select(p => p.OwnerOrganizationId).SingleAsync()));
        var mine = await PostPartAsync(adminClient, id, "actions", new() { ["What"] = "Back up the office laptop", ["OwnerUserId"] = member.Id.ToString(), ["Status"] = "Planned" });
        Assert.Equal(HttpStatusCode.Redirect, mine.StatusCode);
        var template = PlanTemplates.Get(PlanTemplateKind.SmallOffice, "en");

        var (status, html) = await memberClient.GetAsync($"/plans/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Back up the office laptop", html, StringComparison.Ordinal);
        Assert.Contains("id=\"protocols-title\"", html, StringComparison.Ordinal);
        Assert.Contains(Encode(template.Protocols[0].Name), html, StringComparison.Ordinal);
        foreach (var hidden in new[] { "id=\"register", "id=\"actors", "id=\"context", "id=\"wellbeing", "id=\"review", "id=\"threat-first", "/edit", "/entries/" })
            Assert.DoesNotContain(hidden, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Encode(template.Actions[0].What), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Encode(template.Threats[0].What), html, StringComparison.Ordinal);
        foreach (var page in EditPages(id))
            Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync(page)).Status);
        var memberPost = await memberClient.PostFormAsync($"/plans/{id}", new Dictionary<string, string>(), $"/plans/{id}?handler=ContextChanged");
        Assert.Equal(HttpStatusCode.NotFound, memberPost.StatusCode);

        var (_, stranger) = await PersonAsync("stranger");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/plans/{id}")).Status);
        foreach (var page in EditPages(id))
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(page)).Status);
        foreach (var handler in new[] { "ContextChanged", "Reviewed", "Share" })
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostFormAsync("/plans", new Dictionary<string, string> { ["shared"] = "true" }, $"/plans/{id}?handler={handler}")).StatusCode);
        var strangerAdd = await stranger.PostFormAsync("/plans", new Dictionary<string, string> { ["Version"] = "1", ["Threat"] = "x", ["ThreatLevel"] = "One", ["VulnerabilityLevel"] = "One", ["CapacityLevel"] = "One" }, $"/plans/{id}/entries/new");
        Assert.Equal(HttpStatusCode.NotFound, strangerAdd.StatusCode);
        var (_, strangerList) = await stranger.GetAsync("/plans");
        Assert.DoesNotContain($"/plans/{id}", strangerList, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostFormAsync("/plans", new Dictionary<string, string> { ["ConfirmDelete"] = "true" }, $"/plans/{id}/edit?handler=Delete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.PostFormAsync("/plans", new Dictionary<string, string> { ["ConfirmDelete"] = "true" }, $"/plans/{id}/edit?handler=Delete")).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.SecurityPlans.CountAsync(p => p.Id == id)));

        // Members see protocols through the organization's grant: a member cannot change it; its admin closes it and the
        // member no longer sees the protocols (only the action assigned to them), and opens it again.
        foreach (var client in new[] { memberClient, stranger })
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync("/plans", new Dictionary<string, string> { ["open"] = "false" }, $"/plans/{id}?handler=Members")).StatusCode);
        var (_, adminView) = await adminClient.GetAsync($"/plans/{id}");
        Assert.Contains("Members see the protocols", adminView, StringComparison.Ordinal);
        var closed = await adminClient.PostFormAsync("/plans", new Dictionary<string, string> { ["open"] = "false" }, $"/plans/{id}?handler=Members");
        Assert.Equal($"/plans/{id}?done=members-off", OrgKit.PathOf(closed.Headers.Location!));
        var (_, withoutProtocols) = await memberClient.GetAsync($"/plans/{id}");
        Assert.DoesNotContain(Encode(template.Protocols[0].Name), withoutProtocols, StringComparison.Ordinal);
        Assert.Contains("Back up the office laptop", withoutProtocols, StringComparison.Ordinal); // their own action stays theirs
        (_, adminView) = await adminClient.GetAsync($"/plans/{id}?done=members-off");
        Assert.Contains("Members no longer see the protocols", adminView, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await adminClient.PostFormAsync("/plans", new Dictionary<string, string> { ["open"] = "true" }, $"/plans/{id}?handler=Members")).StatusCode);
        Assert.Contains(Encode(template.Protocols[0].Name), (await memberClient.GetAsync($"/plans/{id}")).Html, StringComparison.Ordinal);

        // Someone who is not staff cannot start a plan for the organization.
        var notStaff = await memberClient.PostFormAsync("/plans", new Dictionary<string, string> { ["Template"] = "", ["Owner"] = org.ToString(), ["Title"] = "Ours" });
        Assert.Equal(HttpStatusCode.OK, notStaff.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.SecurityPlans.CountAsync(p => p.OwnerOrganizationId == org)));
    }

    [Fact]
    public async Task ASharedPlan_IsReadOnlyToItsReader_NoEditControls_AndTheirPostsAreRefused()
    {
        var (admin, _) = await PersonAsync("orgadmin");
        var org = await app.OrganizationAsync(admin);
        var (owner, ownerClient) = await PersonAsync("owner");
        var (focal, focalClient) = await PersonAsync("focal");
        await app.AddMemberAsync(org, owner);
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var id = await CreateAsync(ownerClient, PlanTemplateKind.Journalist);
        var (_, own) = await ownerClient.GetAsync($"/plans/{id}");
        Assert.Contains("/account/sharing", own, StringComparison.Ordinal); // the switch explains the category is needed too
        Assert.Equal(HttpStatusCode.Redirect, (await ownerClient.PostFormAsync($"/plans/{id}", new Dictionary<string, string> { ["shared"] = "true" }, $"/plans/{id}?handler=Share")).StatusCode);
        await app.WithServicesAsync(sp => sp.GetRequiredService<SharingSettings>().SaveAsync(owner.Id,
            new HashSet<(DataCategory, Audience)> { (DataCategory.SecurityPlan, Audience.OrgFocalPoints) }));

        var (status, html) = await focalClient.GetAsync($"/plans/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"register-title\"", html, StringComparison.Ordinal);
        foreach (var control in new[] { "/edit", "/entries/", "/actions/", "/protocols/", "/actors/", "handler=Reviewed", "handler=ContextChanged", "handler=Share" })
            Assert.DoesNotContain(control, html, StringComparison.Ordinal);
        foreach (var page in EditPages(id))
            Assert.Equal(HttpStatusCode.NotFound, (await focalClient.GetAsync(page)).Status);
        var reviewedAt = await app.WithDbAsync(db => db.SecurityPlans.Where(p => p.Id == id).Select(p => p.Version).SingleAsync());
        foreach (var handler in new[] { "ContextChanged", "Reviewed", "Share" })
            Assert.Equal(HttpStatusCode.NotFound, (await focalClient.PostFormAsync($"/plans/{id}", new Dictionary<string, string> { ["shared"] = "false" }, $"/plans/{id}?handler={handler}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await focalClient.PostFormAsync($"/plans/{id}", new Dictionary<string, string> { ["Version"] = reviewedAt.ToString(CultureInfo.InvariantCulture), ["Name"] = "x", ["Stance"] = "Ally" }, $"/plans/{id}/actors/new")).StatusCode);
        Assert.Equal(reviewedAt, await app.WithDbAsync(db => db.SecurityPlans.Where(p => p.Id == id).Select(p => p.Version).SingleAsync()));
    }

    [Fact]
    public async Task EveryPlanPage_RendersInArabic_RightToLeft()
    {
        var (person, _) = await PersonAsync("arabic");
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, "ar")));
        var client = await app.SignedInAsync(person);
        var id = await CreateAsync(client, PlanTemplateKind.Journalist);
        var entry = await app.WithDbAsync(db => db.RiskEntries.Where(e => e.PlanId == id).Select(e => e.Id).FirstAsync());
        var action = await app.WithDbAsync(db => db.PlanActions.Where(a => a.PlanId == id).Select(a => a.Id).FirstAsync());
        var protocol = await app.WithDbAsync(db => db.PlanProtocols.Where(a => a.PlanId == id).Select(a => a.Id).FirstAsync());
        foreach (var page in new[] { "/plans", $"/plans/{id}", $"/plans/{id}/entries/{entry}", $"/plans/{id}/actions/{action}", $"/plans/{id}/protocols/{protocol}" }.Concat(EditPages(id)))
        {
            var (status, html) = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("dir=\"rtl\"", html, StringComparison.Ordinal);
            Assert.Contains("lang=\"ar\"", html, StringComparison.Ordinal);
        }
        var (_, plan) = await client.GetAsync($"/plans/{id}");
        Assert.Contains("سجل المخاطر", plan, StringComparison.Ordinal);
    }

    private static string[] EditPages(Guid id) =>
        [$"/plans/{id}/edit", $"/plans/{id}/entries/new", $"/plans/{id}/actions/new", $"/plans/{id}/protocols/new", $"/plans/{id}/actors/new"];

    private static string Encode(string text) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(text);

    private async Task<(OrgKit.Person Person, TestClient Client)> PersonAsync(string prefix)
    {
        var person = await app.PersonAsync(prefix);
        return (person, await app.SignedInAsync(person));
    }

    private static async Task<Guid> CreateAsync(TestClient client, PlanTemplateKind template, string owner = "me")
    {
        var response = await client.PostFormAsync("/plans", new Dictionary<string, string> { ["Template"] = template.ToString(), ["Owner"] = owner, ["Title"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(OrgKit.PathOf(response.Headers.Location!)["/plans/".Length..]);
    }

    /// <summary>Posts a new part's form with the version the form shows.</summary>
    private static async Task<HttpResponseMessage> PostPartAsync(TestClient client, Guid id, string part, Dictionary<string, string> fields)
    {
        var url = $"/plans/{id}/{part}/new";
        var (_, form) = await client.GetAsync(url);
        fields["Version"] = VersionPattern().Match(form).Groups[1].Value;
        return await client.PostFormAsync(url, fields);
    }

    [GeneratedRegex("name=\"Version\" value=\"(\\d+)\"")]
    private static partial Regex VersionPattern();
}

[Collection(nameof(SharedHosts.PlansOnSqlite))]
public sealed class PlanPagesTestsSqlite(SqliteApp app) : PlanPagesTests(app);

// SQLite only (suite time, issue 8): the plan pages' forms and markup over the plan services, whose rules run on PostgreSQL in the plans classes. PostgreSQL still gets every page and form of these from the fuzzers.
