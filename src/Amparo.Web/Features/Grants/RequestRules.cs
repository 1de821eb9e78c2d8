namespace Amparo.Web.Features.Grants;

/// <summary>One line of a request's budget: what kind of cost, what it is, how much (in the program's currency).</summary>
public sealed record BudgetLine(CostCategories Category, string Description, decimal Amount);

/// <summary>
/// What the applicant writes; stored encrypted as one JSON value. Every part may be empty in a draft. <see cref="Amount"/>:
/// the total asked in one figure, the emergency form's "how much" (budget lines are then optional detail);
/// <see cref="Questions"/>: the answers to the program's own questions, by question id (<see cref="ProgramQuestions"/>);
/// <see cref="Country"/>: where the work is (ISO 3166 alpha-2), optional — the request keeps only its coarse region in
/// the clear (<see cref="GrantRequest.Region"/>), and only that once it is purged.
/// </summary>
public sealed record RequestAnswers(string Title, string Need, string Contact, IReadOnlyList<BudgetLine> Lines,
    decimal? Amount = null, IReadOnlyDictionary<string, string>? Questions = null, string? Country = null)
{
    public static readonly RequestAnswers Empty = new("", "", "", []);

    /// <summary>What is asked: the amount stated, else the budget lines' sum.</summary>
    public decimal Total => Amount ?? Lines.Sum(l => l.Amount);

    public IReadOnlyDictionary<string, string> Given => Questions ?? NoAnswers;

    /// <summary>The kinds of cost the budget lines ask for.</summary>
    public CostCategories Categories => Lines.Aggregate(CostCategories.None, (all, l) => all | l.Category);

    private static readonly Dictionary<string, string> NoAnswers = [];
}

/// <summary>What is still missing before a request can be submitted: each is a message key.</summary>
public enum MissingItem { Title = 1, Need = 2, Contact = 3, Budget = 4, OverCeiling = 5, Amount = 6, Questions = 7 }

/// <summary>
/// The person's part in a request, which decides what they may do with it: the strongest of their roles on its program
/// (officer, then reviewer, then finance; a duty officer alone is Staff).
/// </summary>
public enum RequestSide { Applicant = 1, Reviewer = 2, Officer = 3, Staff = 4, Finance = 5 }

/// <summary>The rules of a request: its fields, its checklist, the reminder, and which moves each side may make.</summary>
public static class RequestRules
{
    public const int TitleMax = 200, TextMax = 4000, ContactMax = 500, MaxLines = 8, DescriptionMax = 300, NoteMax = 2000;

    /// <summary>The costs that make a budget "have a line for security" — the reminder's first half.</summary>
    public const CostCategories Security = CostCategories.PhysicalSecurity | CostCategories.DigitalSecurity
        | CostCategories.Communications | CostCategories.SecurityTraining | CostCategories.SecureTransport;

    /// <summary>The costs of care — the reminder's second half.</summary>
    public const CostCategories Care = CostCategories.MedicalAndPsychosocial;

    /// <summary>
    /// Field errors of what was typed (lengths, amounts, categories the program funds, answers to its questions —
    /// a file answer one of the request's <paramref name="files"/>); a draft may leave anything empty.
    /// </summary>
    public static Dictionary<string, string> Check(RequestAnswers answers, GrantProgram program, IReadOnlySet<string> files)
    {
        var errors = ProgramQuestions.CheckAnswers(answers.Given, ProgramQuestions.Read(program.Questions), files);
        if (answers.Amount is { } asked && (asked <= 0 || asked > GrantRules.MaxCeiling || decimal.Round(asked, 2) != asked))
            errors["Asked"] = "Grants.Request.Error.Asked";
        if (answers.Title.Length > TitleMax) errors["Title"] = "Grants.Request.Error.Title";
        if (answers.Need.Length > TextMax) errors["Need"] = "Grants.Request.Error.Need";
        if (answers.Contact.Length > ContactMax) errors["Contact"] = "Grants.Request.Error.Contact";
        if (answers.Country is { Length: > 0 } country && !InRegions(country, program))
            errors["Country"] = "Grants.Request.Error.Country";
        if (answers.Lines.Count > MaxLines) errors["Lines"] = "Grants.Request.Error.Lines";
        for (var i = 0; i < answers.Lines.Count && i < MaxLines; i++)
        {
            var line = answers.Lines[i];
            if (!program.Categories.HasFlag(line.Category) || line.Category == CostCategories.None || !Enum.IsDefined(line.Category))
                errors[$"Lines[{i}].Category"] = "Grants.Request.Error.LineCategory";
            if (string.IsNullOrWhiteSpace(line.Description) || line.Description.Length > DescriptionMax)
                errors[$"Lines[{i}].Description"] = "Grants.Request.Error.LineDescription";
            if (line.Amount <= 0 || line.Amount > GrantRules.MaxCeiling || decimal.Round(line.Amount, 2) != line.Amount)
                errors[$"Lines[{i}].Amount"] = "Grants.Request.Error.LineAmount";
        }
        return errors;
    }

    /// <summary>A country code the program funds in (any two capital letters when it names none: the page offers only known ones).</summary>
    public static bool InRegions(string country, GrantProgram program) =>
        program.Regions.Length == 0 ? country is [>= 'A' and <= 'Z', >= 'A' and <= 'Z'] : program.Regions.Split(' ').Contains(country, StringComparer.Ordinal);

    /// <summary>
    /// Whether the request takes the emergency form: the shortest that lets a decision be made — what happened and what
    /// is needed, how much, how to reach the applicant safely. A title and budget lines are optional there.
    /// </summary>
    public static bool IsShortForm(GrantProgram program) => program.Kind == ProgramKind.Emergency;

    /// <summary>What a submission still needs, in the order of the form.</summary>
    public static List<MissingItem> Missing(RequestAnswers answers, GrantProgram program)
    {
        var missing = new List<MissingItem>();
        var shortForm = IsShortForm(program);
        if (!shortForm && string.IsNullOrWhiteSpace(answers.Title)) missing.Add(MissingItem.Title);
        if (string.IsNullOrWhiteSpace(answers.Need)) missing.Add(MissingItem.Need);
        if (string.IsNullOrWhiteSpace(answers.Contact)) missing.Add(MissingItem.Contact);
        if (answers.Lines.Count == 0 && answers.Amount is null) missing.Add(shortForm ? MissingItem.Amount : MissingItem.Budget);
        else if (program.Ceiling is { } ceiling && answers.Total > ceiling) missing.Add(MissingItem.OverCeiling);
        if (ProgramQuestions.Unanswered(answers.Given, ProgramQuestions.Read(program.Questions)).Count > 0) missing.Add(MissingItem.Questions);
        return missing;
    }

    /// <summary>
    /// The costs of security and care that the program funds and the budget has no line for — what the form reminds
    /// the applicant of (remind, never prescribe: nothing here blocks a submission). Empty when there is nothing to say.
    /// </summary>
    public static CostCategories Reminder(RequestAnswers answers, GrantProgram program)
    {
        var funded = program.Categories & (Security | Care);
        var budgeted = answers.Categories;
        var missingSecurity = (budgeted & Security) == CostCategories.None ? funded & Security : CostCategories.None;
        var missingCare = (budgeted & Care) == CostCategories.None ? funded & Care : CostCategories.None;
        return missingSecurity | missingCare;
    }

    /// <summary>
    /// Whether someone on <paramref name="side"/> may move a request from <paramref name="from"/> to <paramref name="to"/>.
    /// The applicant submits (again after rework) and withdraws before a decision; a reviewer or the program officer
    /// takes a submitted request into review and sends it back for rework, as finance may (the budget's reviewer: content
    /// and budget are reviewed separately, and either may ask for rework); only the program officer decides. Duty
    /// officers (Staff) read and comment only. Every move by the grantmaker's side also needs the person's declaration of
    /// no conflict of interest (<see cref="GrantRequests.MoveAsync"/>).
    /// </summary>
    public static bool CanMove(RequestSide side, RequestState from, RequestState to) => (side, from, to) switch
    {
        (RequestSide.Applicant, RequestState.Draft or RequestState.Rework, RequestState.Submitted) => true,
        (RequestSide.Applicant, RequestState.Draft or RequestState.Submitted or RequestState.InReview or RequestState.Rework, RequestState.Withdrawn) => true,
        (RequestSide.Reviewer or RequestSide.Officer, RequestState.Submitted, RequestState.InReview) => true,
        (RequestSide.Reviewer or RequestSide.Officer or RequestSide.Finance, RequestState.InReview, RequestState.Rework) => true,
        (RequestSide.Officer, RequestState.InReview, RequestState.Approved or RequestState.Declined) => true,
        // After the decision: finance (or the officer) records tranches, the officer asks for the report — for another
        // day while it is awaited, again when the one received is not enough —, the applicant sends it, the officer closes
        // the grant.
        (RequestSide.Finance or RequestSide.Officer, RequestState.Approved, RequestState.Disbursed) => true,
        (RequestSide.Officer, RequestState.Disbursed or RequestState.ReportDue or RequestState.ReportReceived, RequestState.ReportDue) => true,
        (RequestSide.Applicant, RequestState.ReportDue, RequestState.ReportReceived) => true,
        (RequestSide.Officer, RequestState.Approved or RequestState.Disbursed or RequestState.ReportDue or RequestState.ReportReceived, RequestState.Closed) => true,
        _ => false,
    };

    /// <summary>
    /// The moves made through a form of their own rather than a step's note: sending the answers, a tranche (its amount
    /// and day), asking for the report (its due day), the report (its words and file).
    /// </summary>
    public static bool HasOwnForm(RequestState to) =>
        to is RequestState.Submitted or RequestState.Disbursed or RequestState.ReportDue or RequestState.ReportReceived;

    /// <summary>Whether tranches may be recorded: from the approval until the grant is closed.</summary>
    public static bool TakesTranches(RequestState state) =>
        state is RequestState.Approved or RequestState.Disbursed or RequestState.ReportDue or RequestState.ReportReceived;

    /// <summary>The longest a report may be given (a year and a half: a grant's usual term and its reporting time).</summary>
    public const int ReportDueMaxDays = 550;

    /// <summary>Who may write which review: content by a reviewer or the program officer, the budget by finance or the program officer.</summary>
    public static bool MayReview(IReadOnlyCollection<ProgramRole> roles, ReviewAspect aspect) => aspect switch
    {
        ReviewAspect.Content => roles.Contains(ProgramRole.Reviewer) || roles.Contains(ProgramRole.ProgramOfficer),
        ReviewAspect.Budget => roles.Contains(ProgramRole.Finance) || roles.Contains(ProgramRole.ProgramOfficer),
    };

    /// <summary>The moves a side may make from a state, in the order the page offers them.</summary>
    public static IEnumerable<RequestState> MovesFrom(RequestSide side, RequestState from) =>
        Enum.GetValues<RequestState>().Where(to => CanMove(side, from, to));

    /// <summary>
    /// A move that must say why (a decline, a rework; closing a grant whose report never came; asking again for a report
    /// that was received) or under which conditions (an approval may, not must).
    /// </summary>
    public static bool NeedsReason(RequestState from, RequestState to) => to is RequestState.Declined or RequestState.Rework
        || (to == RequestState.Closed && from != RequestState.ReportReceived) || (to == RequestState.ReportDue && from == RequestState.ReportReceived);

    /// <summary>
    /// The budget category of a plan's costed action: the first the program funds among those its domains suggest
    /// (physical → physical security, digital → digital security, psychosocial or health → medical and psychosocial,
    /// legal → legal, economic → family and humanitarian, political → monitoring and advocacy), else "other" when the
    /// program funds it; None when it funds none of them (the action cannot become a line of this request).
    /// </summary>
    public static CostCategories CategoryFor(Plans.SecurityDomains domains, CostCategories funded)
    {
        (Plans.SecurityDomains Domain, CostCategories Category)[] map =
        [
            (Plans.SecurityDomains.Physical, CostCategories.PhysicalSecurity), (Plans.SecurityDomains.Digital, CostCategories.DigitalSecurity),
            (Plans.SecurityDomains.Psychosocial, CostCategories.MedicalAndPsychosocial), (Plans.SecurityDomains.Health, CostCategories.MedicalAndPsychosocial),
            (Plans.SecurityDomains.Legal, CostCategories.Legal), (Plans.SecurityDomains.Economic, CostCategories.FamilyAndHumanitarian),
            (Plans.SecurityDomains.Political, CostCategories.MonitoringAndAdvocacy),
        ];
        foreach (var (domain, category) in map)
            if (domains.HasFlag(domain) && funded.HasFlag(category)) return category;
        return funded.HasFlag(CostCategories.Other) ? CostCategories.Other : CostCategories.None;
    }

    /// <summary>Whether the applicant may still change the answers.</summary>
    public static bool Editable(RequestState state) => state is RequestState.Draft or RequestState.Rework;

    /// <summary>
    /// Whether the request is a draft started by SMS, which its program's duty officers and program officers complete
    /// (answers and sending, on the person's behalf, after talking with them).
    /// </summary>
    public static bool Completes(GrantRequest request) => request.StartedFrom == RequestOrigin.Sms && request.State == RequestState.Draft;
}
