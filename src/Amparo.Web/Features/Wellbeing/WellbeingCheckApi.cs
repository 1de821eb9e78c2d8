using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The caller's own self-checks and reminder choice under /api/v1/wellbeing. Only the caller's: anyone else's self-check
/// is 404 for everyone (a focal point, an organization's admin, a server admin), exactly like one that does not exist.
/// Bad answers are 400 with each item named (<c>answers.S3</c>); nothing is saved unless every item has an answer.
/// </summary>
public static class WellbeingCheckApi
{
    public sealed record CreateCheckRequest(Dictionary<string, string?>? Answers);
    public sealed record RemindersRequest(string? Rhythm, bool? ByEmail);

    public sealed record CheckSummaryDto(Guid Id, DateTime TakenAt, IReadOnlyDictionary<string, int> Scores, IReadOnlyDictionary<string, string> Bands);
    public sealed record CheckDto(Guid Id, DateTime TakenAt, IReadOnlyDictionary<string, string> Answers, IReadOnlyDictionary<string, int> Scores,
        IReadOnlyDictionary<string, string> Bands, IReadOnlyDictionary<string, string> Beside, string Note);
    public sealed record CreatedDto(Guid Id, IReadOnlyDictionary<string, string> Bands);
    public sealed record RemindersDto(string Rhythm, bool ByEmail, DateTime? NextEmailAt);
    public sealed record ItemDto(string Id, string Section, string? Scale, bool Reversed, string Text);
    public sealed record InstrumentDto(int Version, IReadOnlyList<string> Answers, IReadOnlyList<ItemDto> Items);

    public static RouteGroupBuilder MapWellbeingCheckApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/wellbeing").WithTags("Well-being").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit);
        group.MapGet("/instrument", Instrument).WithName("GetSelfCheckInstrument").WithSummary("The self-check's items in the caller's language")
            .WithDescription("Each item's id (the key of an answer), its section, its scale (null: reported beside the scales) and whether it is reverse-scored.");
        group.MapGet("/checks", ListAsync).WithName("ListSelfChecks").WithSummary("My self-checks, newest first, with scores and bands");
        group.MapPost("/checks", CreateAsync).WithName("CreateSelfCheck").WithSummary("Take a self-check")
            .WithDescription("answers: every item id with one of never, rarely, sometimes, often, veryOften. A missing, unknown or bad answer is 400 naming the item (answers.S3); nothing is saved then.");
        group.MapGet("/checks/{id:guid}", GetAsync).WithName("GetSelfCheck").WithSummary("One of my self-checks: answers, scores, bands")
            .WithDescription("A screening for reflection, not a diagnosis. Anyone else's self-check is 404.");
        group.MapDelete("/checks/{id:guid}", DeleteAsync).WithName("DeleteSelfCheck").WithSummary("Delete one of my self-checks for good");
        group.MapGet("/reminders", RemindersAsync).WithName("GetSelfCheckReminders").WithSummary("My self-check reminder choice");
        group.MapPut("/reminders", SetRemindersAsync).WithName("SetSelfCheckReminders").WithSummary("Choose the rhythm of my self-check reminders")
            .WithDescription("rhythm: off, twoWeeks, monthly or quarterly; byEmail: also by e-mail (false: only inside Amparo). Never by SMS.");
        return api;
    }

    private static Ok<InstrumentDto> Instrument(IStringLocalizer<SharedResource> t) =>
        TypedResults.Ok(new InstrumentDto(SelfCheckInstrument.Version, [.. SelfCheckInstrument.Answers.Select(SelfCheckInstrument.FrequencyName)],
            [.. SelfCheckInstrument.Items.Select(i => new ItemDto(i.Id, i.Section.ToString(), i.Scale is { } s ? SelfCheckInstrument.ScaleName(s) : null, i.Reversed, t[i.TextKey].Value))]));

    private static async Task<Ok<List<CheckSummaryDto>>> ListAsync(HttpContext http, SelfCheckService checks) =>
        TypedResults.Ok((await checks.ListMineAsync(http.User.UserId(), http.RequestAborted))
            .Select(c => new CheckSummaryDto(c.Id, c.TakenAt, Scores(c.Scores), Bands(c.Bands))).ToList());

    private static async Task<Results<Created<CreatedDto>, ValidationProblem>> CreateAsync(CreateCheckRequest? body, HttpContext http, SelfCheckService checks, IStringLocalizer<SharedResource> t)
    {
        if (body?.Answers is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["answers"] = [t["Wellbeing.Error.Missing"].Value] });
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var answers = new Dictionary<string, Frequency?>(StringComparer.Ordinal);
        foreach (var (id, value) in body.Answers)
        {
            if (SelfCheckInstrument.Find(id) is null) errors["answers." + id] = [t["Wellbeing.Error.Unknown"].Value];
            else if (SelfCheckInstrument.ParseFrequency(value) is { } f) answers[id] = f;
            else errors["answers." + id] = [t["Wellbeing.Error.Answer"].Value];
        }
        foreach (var item in SelfCheckInstrument.Items.Where(i => !body.Answers.ContainsKey(i.Id)))
            errors["answers." + item.Id] = [t["Wellbeing.Error.Missing"].Value];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var saved = await checks.SaveAsync(http.User.UserId(), answers, http.RequestAborted);
        if (saved.Problems is { } problems)
            return TypedResults.ValidationProblem(problems.Missing.Concat(problems.Unknown).ToDictionary(id => "answers." + id, _ => new[] { t["Wellbeing.Error.Missing"].Value }, StringComparer.Ordinal));
        return TypedResults.Created($"/api/v1/wellbeing/checks/{saved.Id}", new CreatedDto(saved.Id!.Value, Bands(saved.Score!.Bands)));
    }

    private static async Task<Results<Ok<CheckDto>, NotFound>> GetAsync(Guid id, HttpContext http, SelfCheckService checks, IStringLocalizer<SharedResource> t) =>
        await checks.GetMineAsync(http.User.UserId(), id, http.RequestAborted) is { } c
            ? TypedResults.Ok(new CheckDto(c.Id, c.TakenAt, Answers(c.Answers), Scores(c.Score.Scores), Bands(c.Score.Bands), Answers(c.Score.Beside), t["Wellbeing.Result.NotDiagnosis"].Value))
            : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, HttpContext http, SelfCheckService checks) =>
        await checks.DeleteMineAsync(http.User.UserId(), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<RemindersDto>> RemindersAsync(HttpContext http, AmparoDbContext db)
    {
        var choice = await SelfCheckReminders.ChoiceAsync(db, http.User.UserId(), http.RequestAborted);
        return TypedResults.Ok(new RemindersDto(SelfCheckReminders.RhythmName(choice.Rhythm), choice.ByEmail, choice.NextEmailAt));
    }

    private static async Task<Results<NoContent, ValidationProblem>> SetRemindersAsync(RemindersRequest? body, HttpContext http, AmparoDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> t)
    {
        var rhythm = SelfCheckReminders.ParseRhythm(body?.Rhythm);
        if (rhythm is null || body?.ByEmail is null)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (rhythm is null) errors["rhythm"] = [t["Wellbeing.Error.Choice"].Value];
            if (body?.ByEmail is null) errors["byEmail"] = [t["Wellbeing.Error.Choice"].Value];
            return TypedResults.ValidationProblem(errors);
        }
        await SelfCheckReminders.SetAsync(db, http.User.UserId(), rhythm.Value, body.ByEmail.Value, clock.GetUtcNow().UtcDateTime, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, int> Scores(IReadOnlyDictionary<WellbeingScale, int> scores) =>
        scores.ToDictionary(s => SelfCheckInstrument.ScaleName(s.Key), s => s.Value, StringComparer.Ordinal);

    private static Dictionary<string, string> Bands(IReadOnlyDictionary<WellbeingScale, WellbeingBand> bands) =>
        bands.ToDictionary(s => SelfCheckInstrument.ScaleName(s.Key), s => SelfCheckInstrument.BandName(s.Value), StringComparer.Ordinal);

    private static Dictionary<string, string> Answers(IReadOnlyDictionary<string, Frequency> answers) =>
        answers.ToDictionary(a => a.Key, a => SelfCheckInstrument.FrequencyName(a.Value), StringComparer.Ordinal);
}
