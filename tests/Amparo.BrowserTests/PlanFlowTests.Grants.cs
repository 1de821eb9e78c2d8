using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

public abstract partial class PlanFlowTests
{
    /// <summary>
    /// Grants, first part (issue 14): the grantmaker's admin creates an emergency program from the grants page; a currency
    /// that is not three letters is named next to its field and what was typed stays; fixed, the program shows its clock.
    /// Without JavaScript, on a phone, in Spanish and Arabic.
    /// </summary>
    private async Task GrantsAsync(PageReport report, bool javaScript, string fundEmail, string grantmaker)
    {
        var tag = javaScript ? "js" : "nojs";
        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        var fund = await context.NewPageAsync();
        await SignInAsync(fund, fundEmail);
        Task Check() => checks.CheckAsync(fund, report, who: "grantmaker");

        await fund.GotoAsync(BaseUrl + "/grants");
        await Check();
        await fund.GetByRole(AriaRole.Link, new() { Name = T("Grants.NewProgramFor", "en", grantmaker) }).ClickAsync();
        await Flows.WaitForPageAsync(fund, new Regex("/grants/programs/edit"));
        await Check();
        var name = "Respuesta en 72 horas " + tag;
        await fund.GetByLabel(T("Grants.Field.Name"), new() { Exact = true }).FillAsync(name);
        await fund.GetByLabel(T("Grants.Field.Kind"), new() { Exact = true }).SelectOptionAsync("Emergency");
        await fund.GetByLabel(T("Grants.Field.Description"), new() { Exact = true }).FillAsync("Support within three days of a threat or an attack.");
        await fund.GetByLabel(T("Grants.Field.Eligibility"), new() { Exact = true }).FillAsync("Defenders at imminent risk and their families.");
        await fund.GetByLabel(T("Grants.Field.Currency"), new() { Exact = true }).FillAsync("us");
        await fund.GetByLabel(T("Grants.Field.Ceiling"), new() { Exact = true }).FillAsync("5000");
        await fund.GetByLabel(T("Grants.Category.PhysicalSecurity")).CheckAsync();
        await fund.GetByLabel(T("Grants.Category.Relocation")).CheckAsync();
        await fund.GetByLabel(T("Grants.Field.Regions"), new() { Exact = true }).FillAsync("CO HN");
        await fund.GetByLabel(T("Grants.Field.ResponseHours"), new() { Exact = true }).FillAsync("72");
        await fund.GetByRole(AriaRole.Button, new() { Name = T("Grants.Save") }).ClickAsync();
        await Flows.WaitForLoadAsync(fund);
        await Check();
        await Expect(fund.Locator("#error-summary")).ToContainTextAsync(T("Grants.Error.Currency"));
        await Expect(fund.Locator("#Currency")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(fund.GetByLabel(T("Grants.Field.Name"), new() { Exact = true })).ToHaveValueAsync(name);
        await Flows.ScreenshotAsync(fund, "grants-program-error-" + tag);
        await fund.GetByLabel(T("Grants.Field.Currency"), new() { Exact = true }).FillAsync("USD");
        await fund.GetByRole(AriaRole.Button, new() { Name = T("Grants.Save") }).ClickAsync();
        await Flows.WaitForPageAsync(fund, new Regex("/grants/programs/[0-9a-f-]{36}"));
        await Check();
        await Expect(fund.Locator("main")).ToContainTextAsync(T("Grants.Done.saved"));
        await Expect(fund.Locator("main")).ToContainTextAsync(T("Grants.Hours", "en", 72));
        await Flows.ScreenshotAsync(fund, "grants-program-" + tag);
        if (javaScript) return;

        // On a phone, in Spanish and Arabic: the program, its form and the list.
        var program = fund.Url;
        await fund.SetViewportSizeAsync(360, 740);
        var shown = "en";
        foreach (var language in new[] { "es", "ar" })
        {
            await fund.Locator("footer").GetByLabel(T("Layout.Language", shown)).SelectOptionAsync(language);
            await fund.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", shown) }).ClickAsync();
            await fund.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(fund);
            shown = language;
            await fund.GotoAsync(program);
            await Check();
            await Expect(fund.Locator("main")).ToContainTextAsync(T("Grants.Kind.Emergency", language));
            await Flows.ScreenshotAsync(fund, $"grants-program-{language}-{tag}");
            await fund.GetByRole(AriaRole.Link, new() { Name = T("Grants.Edit", language) }).ClickAsync();
            await Flows.WaitForPageAsync(fund, new Regex("/grants/programs/edit/"));
            await Check();
            await Flows.ScreenshotAsync(fund, $"grants-edit-{language}-{tag}");
            await fund.GotoAsync(BaseUrl + "/grants");
            await Check();
            await Flows.ScreenshotAsync(fund, $"grants-list-{language}-{tag}");
        }
    }
}
