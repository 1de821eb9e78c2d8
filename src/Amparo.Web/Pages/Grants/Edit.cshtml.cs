using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A grantmaker's admin creates a program (<c>?org=</c>) or changes one; anyone else: 404. Every field keeps what was
/// typed when something needs fixing, and each problem is named next to its field.
/// </summary>
public sealed class EditModel(GrantPrograms programs) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [FromQuery(Name = "org")] public Guid? Org { get; set; }
    public string Organization { get; private set; } = "";

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public ProgramKind? Kind { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Eligibility { get; set; }
    [BindProperty] public string? Currency { get; set; }
    [BindProperty] public string? Ceiling { get; set; }
    [BindProperty] public List<CostCategories> Categories { get; set; } = [];
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty] public string? Regions { get; set; }
    [BindProperty] public ProgramStatus? Status { get; set; }
    [BindProperty] public int? ResponseHours { get; set; }
    /// <summary>The scoring rubric, one criterion per line.</summary>
    [BindProperty] public string? Rubric { get; set; }
    /// <summary>For an emergency program, the word that starts a request by SMS.</summary>
    [BindProperty] public string? SmsWord { get; set; }
    /// <summary>Months after a request ends before its grantee data is purged.</summary>
    [BindProperty] public int? PurgeAfterMonths { get; set; } = GrantRules.DefaultPurgeMonths;
    /// <summary>What a purged request keeps (the boxes ticked).</summary>
    [BindProperty] public List<KeptFacts> Kept { get; set; } = [.. Flags.Each(KeptFacts.All)];
    /// <summary>Years after a grant ends before its restricted record is deleted.</summary>
    [BindProperty] public int? RestrictedYears { get; set; } = GrantRules.DefaultRestrictedYears;
    /// <summary>The program's questions, a row each; a row without a label or choices is not a question.</summary>
    [BindProperty] public List<QuestionForm> Questions { get; set; } = [];

    public sealed class QuestionForm
    {
        public string? Id { get; set; }
        public QuestionKind? Kind { get; set; }
        public string? Label { get; set; }
        /// <summary>A choice question's choices, one per line.</summary>
        public string? Choices { get; set; }
        public bool Required { get; set; }

        public bool IsBlank => string.IsNullOrWhiteSpace(Label) && string.IsNullOrWhiteSpace(Choices);
    }

    /// <summary>The element id of a question row's field ("Questions[2].Label" → "Questions_2__Label").</summary>
    public static string FieldId(string field) => RequestModel.FieldId(field);

    public Dictionary<string, string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is { } id)
        {
            if (await programs.GetAsync(User.UserId(), id, HttpContext.RequestAborted) is not { CanEdit: true } view) return NotFound();
            var p = view.Program;
            (Organization, Name, Kind, Description, Eligibility, Currency) = (view.Organization, p.Name, p.Kind, p.Description, p.Eligibility, p.Currency);
            Ceiling = p.Ceiling?.ToString(CultureInfo.CurrentCulture);
            Categories = [.. Flags.Each(p.Categories)];
            Languages = [.. p.Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            (Regions, Status, ResponseHours, Rubric, SmsWord, PurgeAfterMonths) = (p.Regions, p.Status, p.ResponseHours, p.Rubric, p.SmsWord, p.PurgeAfterMonths);
            Kept = [.. Flags.Each(p.Kept)];
            RestrictedYears = p.RestrictedYears;
            Questions = [.. ProgramQuestions.Read(p.Questions).Select(q => new QuestionForm
                { Id = q.Id, Kind = q.Kind, Label = q.Label, Choices = string.Join('\n', q.Choices), Required = q.Required })];
            PadQuestions();
            return Page();
        }
        if (await OrganizationNameAsync() is not { } name) return NotFound();
        Organization = name;
        Status = ProgramStatus.Rolling;
        Languages = [CultureInfo.CurrentUICulture.TwoLetterISOLanguageName];
        PadQuestions();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // A value the binder could not read is that field's problem, never silently dropped (only the parsed fields can fail).
        foreach (var field in FormErrors.Unreadable(ModelState))
            if (field.StartsWith("Questions[", StringComparison.Ordinal)) Errors.TryAdd(FieldId(field), "Grants.Error.QuestionKind");
            else Errors.TryAdd(field, "Grants.Error." + field);
        decimal? ceiling = null;
        if (!string.IsNullOrWhiteSpace(Ceiling))
        {
            if (Amounts.TryParse(Ceiling, out var c)) ceiling = c;
            else Errors["Ceiling"] = "Grants.Error.Ceiling";
        }
        var rows = Questions.Select((q, i) => (q, i)).Where(x => !x.q.IsBlank).Take(ProgramQuestions.Max + 1).ToList();
        foreach (var (q, i) in rows.Where(x => x.q.Kind is null)) Errors[FieldId($"Questions[{i}].Kind")] = "Grants.Error.QuestionKind";
        var questions = rows.Select(x => new ProgramQuestion(x.q.Id ?? "", x.q.Kind ?? QuestionKind.Text, x.q.Label ?? "", x.q.Required,
            (x.q.Choices ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).ToList();
        var input = new ProgramInput(Name, Kind, Description, Eligibility, Currency?.Trim().ToUpperInvariant(), ceiling, Categories, Languages, Regions, Status,
            ResponseHours, Rubric ?? "", questions, SmsWord ?? "", PurgeAfterMonths ?? 0, Kept.Aggregate(KeptFacts.None, (all, f) => all | f), RestrictedYears ?? 0);
        var me = User.UserId();
        if (Id is null && Org is null) return NotFound();
        if (Errors.Count > 0)
        {
            // The ceiling could not be read: nothing is saved; the other fields' problems are named too (countries are checked on saving).
            if (Id is { } editing ? await programs.GetAsync(me, editing, HttpContext.RequestAborted) is not { CanEdit: true } : await OrganizationNameAsync() is null) return NotFound();
            foreach (var (field, key) in Renumber(GrantRules.Check(input, _ => true), rows)) Errors.TryAdd(field, key);
            return await InvalidAsync(me);
        }
        var result = Id is { } id ? await programs.UpdateAsync(me, id, input, HttpContext.RequestAborted)
            : await programs.CreateAsync(me, Org!.Value, input, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case ProgramWriteStatus.Done:
                return Redirect(GrantRoutes.Program(result.Id!.Value) + "?done=saved");
            case ProgramWriteStatus.NotFound:
                return NotFound();
            case ProgramWriteStatus.Invalid:
                Errors = Renumber(result.Errors!, rows);
                return await InvalidAsync(me);
        }
        return NotFound();
    }

    private async Task<IActionResult> InvalidAsync(Guid me)
    {
        Organization = Id is { } existing && await programs.GetAsync(me, existing, HttpContext.RequestAborted) is { } view ? view.Organization : await OrganizationNameAsync() ?? "";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        PadQuestions();
        return Page();
    }

    /// <summary>Two blank question rows after the filled ones, up to the most a program asks: a new question needs no script.</summary>
    private void PadQuestions()
    {
        var count = Math.Min(ProgramQuestions.Max, Math.Max(2, Questions.Count(q => !q.IsBlank) + 2));
        while (Questions.Count < count) Questions.Add(new QuestionForm());
    }

    /// <summary>The service numbers the questions it was given (blank rows left out); the form's rows count the blanks.</summary>
    private static Dictionary<string, string> Renumber(IReadOnlyDictionary<string, string> errors, List<(QuestionForm Row, int Index)> rows) =>
        FormRows.Renumber(errors, "Questions", [.. rows.Select(r => r.Index)])
            .ToDictionary(e => e.Key.StartsWith("Questions[", StringComparison.Ordinal) ? FieldId(e.Key) : e.Key, e => e.Value, StringComparer.Ordinal);

    private async Task<string?> OrganizationNameAsync() =>
        Org is { } org ? (await programs.GrantmakersAsync(User.UserId(), HttpContext.RequestAborted)).Where(g => g.Id == org).Select(g => g.Name).FirstOrDefault() : null;

    /// <summary>The form's problems for the summary at its top, each linked to its field.</summary>
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);
}
