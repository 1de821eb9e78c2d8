using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// One request. Its applicant writes it (a draft, or a request sent back for rework), saves it, submits it, withdraws it;
/// the program's assigned staff read it, move it through review to a decision, and both sides comment. Anyone else: 404.
/// What was typed is kept when something needs fixing; nothing is half-written.
/// </summary>
// A program's file questions are answered in the request's own form, so the page takes one file's worth of body (all
// files of one save together): the limit of an incident's evidence.
[RequestSizeLimit(Features.Incidents.Evidence.MaxBytes + (256 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = Features.Incidents.Evidence.MaxBytes + (256 * 1024))]
public sealed class RequestModel(GrantRequests requests, GrantReviews reviews, TimeProvider clock, CountryOutlines countries, GrantRestrictedRecords restricted) : PageModel
{
    /// <summary>The form field of a file question's file ("File.abc12345").</summary>
    public static string FileField(string questionId) => "File." + questionId;

    /// <summary>The most budget rows the form offers (blank rows are ignored): the service's limit.</summary>
    public const int LineRows = RequestRules.MaxLines;

    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public RequestView View { get; private set; } = null!;

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Need { get; set; }
    [BindProperty] public string? Contact { get; set; }
    /// <summary>Where the work is: a country code, or empty for "I would rather not say".</summary>
    [BindProperty] public string? Country { get; set; }
    [BindProperty] public List<LineForm> Lines { get; set; } = [];
    /// <summary>The emergency form's "how much", as typed.</summary>
    [BindProperty] public string? Asked { get; set; }
    /// <summary>Answers to the program's questions by question id, as typed (an amount in the page's language).</summary>
    [BindProperty] public Dictionary<string, string?> Questions { get; set; } = [];
    /// <summary>The file questions whose file the person asked to remove.</summary>
    [BindProperty] public List<string> RemoveFile { get; set; } = [];
    [BindProperty] public int? Version { get; set; }

    public Dictionary<string, string> Errors { get; private set; } = [];

    /// <summary>The move a refused step form asked for, with what was typed in it: shown again in that form.</summary>
    public (RequestState To, string? Note, string? Amount)? Posted { get; private set; }

    public sealed class LineForm
    {
        public CostCategories? Category { get; set; }
        public string? Description { get; set; }
        public string? Amount { get; set; }

        /// <summary>A row left empty: not a budget line.</summary>
        public bool IsBlank => Category is null && string.IsNullOrWhiteSpace(Description) && string.IsNullOrWhiteSpace(Amount);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        FillFromAnswers();
        return Page();
    }

    /// <summary>Save the answers; with <paramref name="submit"/> also submit them (the checklist must be complete).</summary>
    public async Task<IActionResult> OnPostSaveAsync(bool submit)
    {
        var me = User.UserId();
        foreach (var field in FormErrors.Unreadable(ModelState)) Errors.TryAdd(field, "Grants.Request.Error.Unreadable");
        var lines = new List<BudgetLine>();
        for (var i = 0; i < Lines.Count && i < LineRows; i++)
        {
            var row = Lines[i];
            if (row.IsBlank) continue;
            if (!Amounts.TryParse(row.Amount, out var amount)) { Errors[$"Lines[{i}].Amount"] = "Grants.Request.Error.LineAmount"; continue; }
            if (row.Category is not { } category) { Errors[$"Lines[{i}].Category"] = "Grants.Request.Error.LineCategory"; continue; }
            lines.Add(new BudgetLine(category, row.Description ?? "", amount));
        }
        decimal? asked = null;
        if (!string.IsNullOrWhiteSpace(Asked))
        {
            if (Amounts.TryParse(Asked, out var a)) asked = a;
            else Errors["Asked"] = "Grants.Request.Error.Asked";
        }
        if (await requests.QuestionsForEditorAsync(me, Id, HttpContext.RequestAborted) is not { } questions) return NotFound();
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var q in questions)
        {
            var typed = Questions.GetValueOrDefault(q.Id)?.Trim();
            if (string.IsNullOrEmpty(typed) || q.Kind == QuestionKind.File) continue;
            // An amount is typed in the page's language and kept with a decimal point.
            if (q.Kind == QuestionKind.Amount)
            {
                if (Amounts.TryParse(typed, out var amount)) typed = ProgramQuestions.WriteAmount(amount);
                else { Errors[ProgramQuestions.Field(q.Id)] = "Grants.Request.Error.Question.Amount"; continue; }
            }
            answers[q.Id] = typed;
        }
        var files = new List<QuestionFile>();
        foreach (var file in Request.HasFormContentType ? Request.Form.Files : new FormFileCollection())
        {
            var question = questions.FirstOrDefault(q => q.Kind == QuestionKind.File && FileField(q.Id) == file.Name);
            if (question is null || file.Length == 0) continue;
            if (file.Length > Features.Incidents.Evidence.MaxBytes) { Errors[ProgramQuestions.Field(question.Id)] = "Grants.Request.Error.File.TooLarge"; continue; }
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, HttpContext.RequestAborted);
            files.Add(new QuestionFile(question.Id, file.FileName, buffer.ToArray()));
        }
        if (Errors.Count > 0) return await InvalidAsync();
        var saved = await requests.SaveAsync(me, Id, new RequestAnswers(Title ?? "", Need ?? "", Contact ?? "", lines, asked, answers, string.IsNullOrWhiteSpace(Country) ? null : Country.Trim()), Version,
            files, RemoveFile, HttpContext.RequestAborted);
        if (saved.Status == RequestWriteStatus.Invalid)
        {
            // The lines kept were the non-blank rows, in order.
            Errors = FormRows.Renumber(saved.Errors!, "Lines", [.. Lines.Select((row, i) => (row, i)).Where(x => !x.row.IsBlank).Select(x => x.i).Take(lines.Count)]);
            return await InvalidAsync();
        }
        if (saved.Status != RequestWriteStatus.Done || !submit) return await MovedAsync(saved, "saved");
        return await MovedAsync(await requests.MoveAsync(me, Id, RequestState.Submitted, null, null, null, ct: HttpContext.RequestAborted), "submitted");
    }

    /// <summary>A move (withdraw, review, rework, approve, decline) with its note and, for an approval, its amount.</summary>
    public async Task<IActionResult> OnPostMoveAsync(RequestState? to, string? note, string? amount, ServiceKind? suggestHelp)
    {
        if (to is null || !ModelState.IsValid)
        {
            Errors["Move"] = "Grants.Request.Error.Move";
            return await InvalidAsync();
        }
        Posted = (to.Value, note, amount);
        decimal? approved = null;
        if (!string.IsNullOrWhiteSpace(amount))
        {
            if (!Amounts.TryParse(amount, out var a)) { Errors["Amount"] = "Grants.Request.Error.Amount"; return await InvalidAsync(); }
            approved = a;
        }
        return await MovedAsync(await requests.MoveAsync(User.UserId(), Id, to.Value, note, approved, Version, suggestHelp, HttpContext.RequestAborted), to.Value.ToString());
    }

    /// <summary>What a refused tranche, call for the report or report form held: shown again in it.</summary>
    public (string? Amount, string? Day, string? Note) PostedTranche { get; private set; }
    public (string? Day, string? Note) PostedCall { get; private set; }
    public string? PostedReport { get; private set; }

    /// <summary>Now (UTC): a report's day is judged by <see cref="GrantReportReminders.IsOverdue"/>.</summary>
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Today (UTC), a tranche's day by default.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Now);

    /// <summary>Finance or the program officer records a tranche paid (amount, day, note).</summary>
    public async Task<IActionResult> OnPostTrancheAsync(string? trancheAmount, string? paidOn, string? trancheNote)
    {
        PostedTranche = (trancheAmount, paidOn, trancheNote);
        if (!Amounts.TryParse(trancheAmount, out var amount)) Errors["TrancheAmount"] = "Grants.Tranche.Error.Amount";
        if (!DateOnly.TryParseExact(paidOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) Errors["PaidOn"] = "Grants.Tranche.Error.Day";
        if (Errors.Count > 0) return await InvalidAsync();
        return await MovedAsync(await requests.RecordTrancheAsync(User.UserId(), Id, amount, day, trancheNote, Version, HttpContext.RequestAborted), "tranche");
    }

    /// <summary>The program officer asks for the report by a day (again, with what is missing, after one was received).</summary>
    public async Task<IActionResult> OnPostAskReportAsync(string? dueOn, string? note)
    {
        PostedCall = (dueOn ?? "", note ?? "");
        DateOnly? due = DateOnly.TryParseExact(dueOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return await MovedAsync(await requests.AskForReportAsync(User.UserId(), Id, due, note, Version, HttpContext.RequestAborted), "reportAsked");
    }

    /// <summary>The applicant sends the report asked for, with a file if they have one.</summary>
    public async Task<IActionResult> OnPostReportAsync(string? report, IFormFile? reportFile)
    {
        PostedReport = report;
        QuestionFile? file = null;
        if (reportFile is { Length: > 0 })
        {
            if (reportFile.Length > Features.Incidents.Evidence.MaxBytes)
            {
                Errors["ReportFile"] = "Grants.Request.Error.File.TooLarge";
                return await InvalidAsync();
            }
            using var buffer = new MemoryStream((int)reportFile.Length);
            await reportFile.CopyToAsync(buffer, HttpContext.RequestAborted);
            file = new QuestionFile(GrantRequestFile.ReportQuestion, reportFile.FileName, buffer.ToArray());
        }
        return await MovedAsync(await requests.SendReportAsync(User.UserId(), Id, report, file, Version, HttpContext.RequestAborted), "reportSent");
    }

    /// <summary>
    /// The grantmaker's side declares whether they have a conflict of interest with the applicant. With one, the request
    /// is closed to them from now on: they go back to the program's page, which says so.
    /// </summary>
    public async Task<IActionResult> OnPostDeclareAsync(bool? conflict)
    {
        if (!await LoadAsync()) return NotFound();
        if (conflict is not { } hasConflict)
        {
            Errors["Declaration"] = "Grants.Review.Error.Declaration";
            return await InvalidAsync();
        }
        var programId = View.Program.Id;
        var result = await reviews.DeclareAsync(User.UserId(), Id, hasConflict, HttpContext.RequestAborted);
        if (result.Status == RequestWriteStatus.Done && hasConflict) return Redirect(GrantRoutes.Program(programId) + "?done=steppedAside");
        return await MovedAsync(result, "declared");
    }

    /// <summary>A file given for one of the program's questions: always a download, never shown inline (it must not run as a page of this site).</summary>
    public async Task<IActionResult> OnGetFileAsync(Guid file)
    {
        Response.Headers.CacheControl = "no-store";
        if (await requests.ReadFileAsync(User.UserId(), Id, file, HttpContext.RequestAborted) is not { } found) return NotFound();
        return File(found.Bytes, found.ContentType, found.Name);
    }

    /// <summary>Finance writes the grant's restricted record (what its regulator requires), kept under the grantmaker's key.</summary>
    public async Task<IActionResult> OnPostRestrictedAsync(string? recipient, string? purpose, string? selection)
    {
        PostedRestricted = new RestrictedFacts(recipient ?? "", purpose ?? "", selection ?? "");
        return await MovedAsync(await restricted.SaveAsync(User.UserId(), Id, PostedRestricted, HttpContext.RequestAborted), "restricted");
    }

    /// <summary>The program officer chooses what the grantmaker's public reports show of this grant.</summary>
    public async Task<IActionResult> OnPostPublicationAsync(PublicRecipient? publicRecipient, PublicLocation? publicLocation, string? publicDescription, bool publicExcluded)
    {
        if (publicRecipient is null || publicLocation is null || !ModelState.IsValid)
        {
            Errors["PublicRecipient"] = "Grants.Publication.Error.Recipient";
            return await InvalidAsync();
        }
        return await MovedAsync(await requests.SetPublicationAsync(User.UserId(), Id,
            new PublicationInput(publicRecipient.Value, publicLocation.Value, publicDescription, publicExcluded), HttpContext.RequestAborted), "publication");
    }

    /// <summary>The restricted record as typed, kept when something needs fixing.</summary>
    public RestrictedFacts? PostedRestricted { get; private set; }
    /// <summary>The grant's restricted record, for its finance staff only; null for everyone else.</summary>
    public RestrictedView? Restricted { get; private set; }

    public async Task<IActionResult> OnPostCommentAsync(string? comment)
    {
        var result = await requests.CommentAsync(User.UserId(), Id, comment, HttpContext.RequestAborted);
        return await MovedAsync(result, "commented");
    }

    private async Task<IActionResult> MovedAsync(RequestWrite result, string done)
    {
        switch (result.Status)
        {
            case RequestWriteStatus.Done:
                return Redirect(GrantRoutes.Request(Id) + "?done=" + done);
            case RequestWriteStatus.Invalid:
                Errors = new(result.Errors!);
                return await InvalidAsync();
            case RequestWriteStatus.Conflict:
            case RequestWriteStatus.Refused:
                return await ConflictAsync();
            case RequestWriteStatus.NotFound:
                return NotFound();
        }
        return NotFound();
    }

    private async Task<IActionResult> InvalidAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (!View.MayEdit) FillFromAnswers();
        // The answers may have been saved before the step failed ("save and send" with something missing): the form
        // carries the version now stored, or its next save would be refused as someone else's change.
        Version = View.Request.Version;
        PadLines();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>Someone changed the request first (or it moved on): show it as it is now and say so.</summary>
    private async Task<IActionResult> ConflictAsync()
    {
        if (!await LoadAsync()) return NotFound();
        FillFromAnswers();
        Errors["Conflict"] = "Grants.Request.Error.Conflict";
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    /// <summary>Whether the applicant keeps a security plan whose costs they could add (the page then offers it).</summary>
    public bool HasPlans { get; private set; }

    private async Task<bool> LoadAsync()
    {
        if (await requests.GetAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return false;
        View = view;
        if (view.Side != RequestSide.Applicant) Restricted = await restricted.GetAsync(User.UserId(), Id, HttpContext.RequestAborted);
        if (view.Side == RequestSide.Applicant && RequestRules.Editable(view.Request.State))
            HasPlans = (await requests.PlansToImportAsync(User.UserId(), HttpContext.RequestAborted)).Count > 0;
        return true;
    }

    /// <summary>The countries the form offers — those the program funds in, or every one — by name in the page's language.</summary>
    public IEnumerable<(string Code, string Name)> CountryChoices()
    {
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var regions = View.Program.Regions.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var codes = regions.Length > 0 ? regions : (IEnumerable<string>)countries.Countries.Keys;
        return codes.Select(c => (Code: c, Name: countries.CountryName(c, language)))
            .OrderBy(c => c.Name, StringComparer.Create(CultureInfo.CurrentUICulture, ignoreCase: true));
    }

    /// <summary>A country's name in the page's language (its code if unknown).</summary>
    public string CountryName(string code) => countries.CountryName(code, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);

    /// <summary>A coarse region's name in the page's language (its code if unknown).</summary>
    public string RegionName(string code) => countries.RegionName(code, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);

    private void FillFromAnswers()
    {
        var a = View.Answers;
        (Title, Need, Contact, Country, Version) = (a.Title, a.Need, a.Contact, a.Country, View.Request.Version);
        Asked = a.Amount?.ToString(CultureInfo.CurrentCulture);
        Questions = View.Questions.ToDictionary(q => q.Id, q => a.Given.GetValueOrDefault(q.Id) is { } v && q.Kind == QuestionKind.Amount
            && ProgramQuestions.ReadAmount(v) is { } amount ? amount.ToString(CultureInfo.CurrentCulture) : a.Given.GetValueOrDefault(q.Id), StringComparer.Ordinal);
        Lines = [.. a.Lines.Select(l => new LineForm { Category = l.Category, Description = l.Description, Amount = l.Amount.ToString(CultureInfo.CurrentCulture) })];
        PadLines();
    }

    /// <summary>Two blank rows after the filled ones (three on a new request), up to the limit: a phone's page stays short.</summary>
    private void PadLines()
    {
        var rows = Math.Min(LineRows, Math.Max(3, Lines.Count(l => !l.IsBlank) + 2));
        while (Lines.Count < rows) Lines.Add(new LineForm());
    }

    /// <summary>The element id of a field named by the service ("Lines[2].Amount" → "Lines_2__Amount").</summary>
    public static string FieldId(string field) => field.Replace('[', '_').Replace(']', '_').Replace('.', '_');

    /// <summary>The id of the note field in a step's form.</summary>
    public static string NoteId(RequestState move) => "note-" + move;

    /// <summary>The approval's amount field.</summary>
    public const string AmountId = "amount-Approved";

    /// <summary>
    /// The form's problems for the summary at its top, each linked to its field; a problem of the whole request (something
    /// missing, a step not offered, someone else's change) is a message without a link.
    /// </summary>
    public List<FormError> Summary(Func<string, string> text) => [.. Errors.Select(e => new FormError(text(e.Value), e.Key switch
    {
        "Note" => Posted is { } posted ? NoteId(posted.To) : PostedCall.Day is not null ? "call-note" : null,
        "TrancheAmount" => "tranche-amount",
        "PaidOn" => "paid-on",
        "TrancheNote" => "tranche-note",
        "DueOn" => "due-on",
        "Report" => "report",
        "ReportFile" => "report-file",
        "Amount" => AmountId,
        "Answers" or "Move" or "Conflict" or "Lines" => null,
        "Declaration" => "declare",
        "Recipient" => "restricted-recipient",
        "PublicRecipient" => "public-recipient",
        "PublicLocation" => "public-location",
        "PublicDescription" => "public-description",
        "Purpose" => "restricted-purpose",
        "Selection" => "restricted-selection",
        _ => FieldId(e.Key),
    }))];
}
