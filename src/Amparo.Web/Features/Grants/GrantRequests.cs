using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>Who a request is asked by: the person who starts it, an organization of theirs, or a defender they act for.</summary>
public sealed record ApplyingAs(Guid? OrganizationId = null, Guid? BehalfOfId = null)
{
    public static readonly ApplyingAs Myself = new();
}

/// <summary>Whom the viewer may ask for: organizations where they are an admin or focal point, and the people they may act for.</summary>
public sealed record AskingChoices(IReadOnlyList<(Guid Id, string Name)> Organizations, IReadOnlyList<(Guid Id, string Name, string Organization)> People);

/// <summary>
/// Who a request is for, as both sides read it: an organization's name, or "on behalf of a defender" — named only once
/// they agreed (<see cref="BehalfName"/> null until then).
/// </summary>
public sealed record Asking(string? Organization, bool OnBehalf, string? BehalfName);

/// <summary>A request made on the viewer's behalf, as they read it: what was written about them, and whether the grantmaker may see their name.</summary>
public sealed record BehalfView(GrantRequest Request, string Program, string Grantmaker, string? FiledBy, RequestAnswers Answers, bool Named);

/// <summary>A request in a list; <see cref="ReportDueOn"/>: the day its report is due while it is awaited.</summary>
public sealed record RequestSummary(Guid Id, Guid ProgramId, string Program, string? Reference, RequestState State, DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DueAt,
    DateOnly? ReportDueOn = null);

/// <summary>What an emergency request would start from: the day it names (in the viewer's language) and the pre-filled answers.</summary>
public sealed record EmergencySource(RequestOrigin Origin, Guid Id, string Day, string Title, string Need, bool Shortened);

/// <summary>A line of the history as the viewer reads it; <see cref="Day"/>: a tranche's day of payment or a report's due day; <see cref="FileId"/>: a report's file.</summary>
public sealed record RequestEntryView(DateTime At, Guid? ActorId, string? Actor, RequestEntryKind Kind, RequestState? From, RequestState? To, string? Text, decimal? Amount,
    DateOnly? Day = null, Guid? FileId = null);

/// <summary>A request as the viewer may see it: its answers decrypted, its history, and what the viewer may do next.</summary>
public sealed record RequestView(
    GrantRequest Request, GrantProgram Program, string Organization, RequestSide Side, RequestAnswers Answers,
    IReadOnlyList<MissingItem> Missing, CostCategories Reminder, IReadOnlyList<RequestState> Moves, DateTime? DueAt,
    IReadOnlyList<RequestEntryView> History, SharedPlan? Plan = null, StaffView? Staff = null, IReadOnlyList<RequestFileView>? Files = null,
    Asking? For = null)
{
    /// <summary>Whether the viewer may change the answers: the applicant while it is theirs to change, or whoever completes an SMS draft once declared.</summary>
    public bool MayEdit => Side == RequestSide.Applicant ? RequestRules.Editable(Request.State) : Staff is { Declared: true, Completes: true };

    /// <summary>The program's questions as it asks them today.</summary>
    public IReadOnlyList<ProgramQuestion> Questions { get; } = ProgramQuestions.Read(Program.Questions);

    /// <summary>The amount approved (the approval's), or null before an approval.</summary>
    public decimal? Approved => History.LastOrDefault(e => e.Kind == RequestEntryKind.Moved && e.To == RequestState.Approved)?.Amount;

    /// <summary>The tranches recorded, in the order they were.</summary>
    public IEnumerable<RequestEntryView> Tranches => History.Where(e => e.Kind == RequestEntryKind.Tranche);

    /// <summary>What the tranches add up to.</summary>
    public decimal Disbursed => Tranches.Sum(e => e.Amount ?? 0);

    /// <summary>A file sent with a report, if any.</summary>
    public RequestFileView? ReportFile(Guid? fileId) => fileId is { } id ? Files?.FirstOrDefault(f => f.Id == id) : null;

    /// <summary>The file given for a question, if any.</summary>
    public RequestFileView? FileFor(string questionId) =>
        Answers.Given.GetValueOrDefault(questionId) is { } id ? Files?.FirstOrDefault(f => f.Id.ToString("N") == id) : null;
}

/// <summary>A file given in answer to a program's question: its name (decrypted) and size, never its bytes.</summary>
public sealed record RequestFileView(Guid Id, string QuestionId, string Name, int Size);

/// <summary>A file sent with a save, for one of the program's file questions.</summary>
public sealed record QuestionFile(string QuestionId, string? FileName, byte[] Bytes);

/// <summary>A content or budget review as the program's staff read it; <see cref="ThisRound"/>: written since the last submission.</summary>
public sealed record ReviewView(Guid Id, DateTime At, string? Reviewer, ReviewAspect Aspect, ReviewVerdict Verdict,
    IReadOnlyList<RubricScore> Scores, string? Note, bool ThisRound);

/// <summary>
/// What only the grantmaker's side sees of a request: whether the viewer has declared no conflict of interest (until
/// they do, they read but may not act), the reviews, who stepped aside, and which reviews the viewer may write.
/// </summary>
public sealed record StaffView(bool Declared, IReadOnlyList<ReviewView> Reviews, IReadOnlyList<(string? Name, DateTime At)> SteppedAside,
    IReadOnlyList<ReviewAspect> MayReview, bool Completes = false, bool RecordsTranches = false);

/// <summary>Why a plan's costed action cannot become a line of this request.</summary>
public enum PlanCostProblem { OtherCurrency = 1, NotFunded = 2, NotALine = 3 }

/// <summary>A plan's costed action offered as a budget line: what, how much, in which category (or why not).</summary>
public sealed record PlanCost(Guid ActionId, string What, decimal Amount, string Currency, CostCategories Category, PlanCostProblem? Problem);

/// <summary>A request, one of the applicant's plans, and that plan's costs as lines for the request.</summary>
public sealed record PlanCosts(RequestView Request, PlanView Plan, IReadOnlyList<PlanCost> Costs);

/// <summary>The plan summary shared for a request: until when, and whether the viewer may open it today (the audience rule).</summary>
public sealed record SharedPlan(Guid ShareId, Guid PlanId, DateTime? Until, bool Standing, bool ViewerMayOpen);

public enum RequestWriteStatus { Done = 1, Invalid = 2, NotFound = 3, Conflict = 4, Refused = 5 }

public sealed record RequestWrite(RequestWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null);

/// <summary>
/// Requests to grantmakers' programs (issue 14). Deny by default: a request is the applicant's and, once submitted, the
/// program's assigned staff's (while they are members of its organization) — nobody else's, not even the grantmaker's
/// admins unless they assign themselves. Anything else is "not found". Each request has its own data key; its answers,
/// reasons and comments are encrypted with it. Every opening by the grantmaker's staff is in the history the applicant reads.
/// </summary>
public sealed partial class GrantRequests(
    AmparoDbContext db, FieldCipher cipher, TimeProvider clock, AuditLog audit, AlertService alerts, IncidentService incidents, MessageTexts texts,
    PlanService plans, PlanShareService shares, Notifier notifier, WorkSignal signal, CountryOutlines countries, FactDispatcher facts)
{

    private const string AnswersColumn = "Answers", TextColumn = "Text";
    internal const string AmountColumn = "Amount";
    // A page number past any real list (and far from overflowing the offset).
    private const int MaxPage = 100_000;
    // An officer who reads a request five times in an hour is one opening in its history, not five.
    private static readonly TimeSpan OpeningWindow = TimeSpan.FromHours(1);

    /// <summary>The viewer's roles on a program while they are a member of its organization (leaving it ends them).</summary>
    internal IQueryable<ProgramRole> RolesOn(Guid viewer, Guid programId) =>
        ProgramStaff.CurrentAssignments(db, viewer).Where(a => a.ProgramId == programId).Select(a => a.Role);

    /// <summary>
    /// The requests the viewer asks with: those they started, and their organizations' where they are an admin or focal
    /// point today (an organization's request is its own, whoever of them started it).
    /// </summary>
    internal IQueryable<GrantRequest> AskedBy(Guid viewer) =>
        db.GrantRequests.Where(r => r.ApplicantId == viewer || (r.OrganizationId != null && db.Memberships.Any(m =>
            m.OrganizationId == r.OrganizationId && m.UserId == viewer && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint))));

    internal async Task<RequestSide?> SideAsync(Guid viewer, GrantRequest request, CancellationToken ct)
    {
        if (request.ApplicantId == viewer || (request.OrganizationId is not null && await AskedBy(viewer).AnyAsync(r => r.Id == request.Id, ct)))
            return RequestSide.Applicant;
        // Never sent (a draft, or a draft withdrawn to discard it): the applicant's alone.
        if (request.SubmittedAt is null) return null;
        var roles = await RolesOn(viewer, request.ProgramId).ToListAsync(ct);
        if (roles.Count == 0) return null;
        // A declared conflict of interest closes the request to them, as to anyone outside it.
        if (await SteppedAside.From(db, request.Id).AnyAsync(u => u == viewer, ct)) return null;
        if (roles.Contains(ProgramRole.ProgramOfficer)) return RequestSide.Officer;
        if (roles.Contains(ProgramRole.Reviewer)) return RequestSide.Reviewer;
        return roles.Contains(ProgramRole.Finance) ? RequestSide.Finance : RequestSide.Staff;
    }

    /// <summary>Whether the viewer has declared no conflict of interest with this request's applicant.</summary>
    internal Task<bool> DeclaredAsync(Guid viewer, Guid requestId, CancellationToken ct) =>
        db.GrantRequestDeclarations.AnyAsync(d => d.RequestId == requestId && d.UserId == viewer && !d.HasConflict, ct);

    /// <summary>
    /// The viewer starts a draft to a program that takes requests. Its staff and its grantmaker's admins may not apply
    /// to it (they would review their own request): NotFound for a closed or unknown program, Refused for them.
    /// </summary>
    public async Task<RequestWrite> StartAsync(Guid viewer, Guid programId, CancellationToken ct = default) =>
        await StartAsync(viewer, programId, ApplyingAs.Myself, ct);

    /// <summary>
    /// A draft asked by the viewer for themself, for one of their organizations (as its admin or focal point), or on
    /// behalf of a defender they may act for (<see cref="AskingChoicesAsync"/>). Someone or something they may not ask
    /// for: Invalid on "As" (nothing is started); the program's own grantmaker asking its own program: Refused.
    /// </summary>
    public async Task<RequestWrite> StartAsync(Guid viewer, Guid programId, ApplyingAs applying, CancellationToken ct = default)
    {
        var program = await OpenProgramAsync(programId, ct);
        if (program is null) return new(RequestWriteStatus.NotFound);
        if (applying.OrganizationId is not null || applying.BehalfOfId is not null)
        {
            var choices = await AskingChoicesAsync(viewer, ct);
            var allowed = (applying.OrganizationId, applying.BehalfOfId) switch
            {
                ({ } org, null) => choices.Organizations.Any(o => o.Id == org),
                (null, { } person) => choices.People.Any(p => p.Id == person),
                _ => false,
            };
            if (!allowed) return new(RequestWriteStatus.Invalid, null, new Dictionary<string, string> { ["As"] = "Grants.Request.Error.As" });
            if (applying.OrganizationId == program.OrganizationId) return new(RequestWriteStatus.Refused);
        }
        return await StartAsync(viewer, program, RequestAnswers.Empty, null, ct, applying);
    }

    /// <summary>
    /// Whom the viewer may ask for besides themself: their organizations where they are an admin or focal point; and,
    /// on their behalf, the members of those organizations and of the organizations of the networks they coordinate.
    /// </summary>
    public async Task<AskingChoices> AskingChoicesAsync(Guid viewer, CancellationToken ct = default)
    {
        var organizations = await (
            from m in db.Memberships
            where m.UserId == viewer && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint)
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new { o.Id, o.Name }).ToListAsync(ct);
        var staffOf = db.Memberships.Where(m => m.UserId == viewer && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint)).Select(m => m.OrganizationId);
        var coordinated = from c in db.NetworkCoordinators
                          where c.UserId == viewer
                          join no in db.NetworkOrganizations on c.NetworkId equals no.NetworkId
                          select no.OrganizationId;
        var people = await (
            from m in db.Memberships
            where m.UserId != viewer && (staffOf.Contains(m.OrganizationId) || coordinated.Contains(m.OrganizationId))
            join u in db.Users on m.UserId equals u.Id
            join o in db.Organizations on m.OrganizationId equals o.Id
            select new { u.Id, u.DisplayName, Organization = o.Name }).ToListAsync(ct);
        return new([.. organizations.Select(o => (o.Id, o.Name))],
            [.. people.DistinctBy(p => p.Id).OrderBy(p => p.DisplayName, StringComparer.CurrentCulture).Select(p => (p.Id, p.DisplayName, p.Organization))]);
    }

    /// <summary>A request asked on the viewer's behalf, as they read it; null when it is not one (404).</summary>
    public async Task<BehalfView?> BehalfAsync(Guid viewer, Guid requestId, CancellationToken ct = default)
    {
        var row = await (
            from r in db.GrantRequests.AsNoTracking()
            where r.Id == requestId && r.BehalfOfId == viewer
            join p in db.GrantPrograms on r.ProgramId equals p.Id
            join o in db.Organizations on p.OrganizationId equals o.Id
            join u in db.Users on r.ApplicantId equals u.Id into filers
            from u in filers.DefaultIfEmpty()
            select new { Request = r, Program = p.Name, Grantmaker = o.Name, FiledBy = u == null ? null : u.DisplayName }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        return new BehalfView(row.Request, row.Program, row.Grantmaker, row.FiledBy, await AnswersAsync(row.Request, ct), row.Request.BehalfNamedAt is not null);
    }

    /// <summary>The defender a request was asked for agrees that the grantmaker may see their name, or takes it back.</summary>
    public async Task<RequestWrite> NameMeAsync(Guid viewer, Guid requestId, bool named, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.BehalfOfId == viewer, ct);
        if (request is null) return new(RequestWriteStatus.NotFound);
        request.BehalfNamedAt = named ? request.BehalfNamedAt ?? clock.GetUtcNow().UtcDateTime : null;
        request.Version++;
        var written = await SaveChangesAsync(request, ct);
        if (written.Status == RequestWriteStatus.Done)
            await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, request.Id, null, named ? "behalf-named" : "behalf-unnamed", ct);
        return written;
    }

    /// <summary>The requests asked on the viewer's behalf, newest first.</summary>
    public Task<List<RequestSummary>> OnMyBehalfAsync(Guid viewer, CancellationToken ct = default) =>
        SummariesAsync(db.GrantRequests.Where(r => r.BehalfOfId == viewer), ct);

    /// <summary>Requests as a list shows them (newest first), with their program and clock.</summary>
    private async Task<List<RequestSummary>> SummariesAsync(IQueryable<GrantRequest> requests, CancellationToken ct) =>
        [.. (await (
            from r in requests.AsNoTracking()
            join p in db.GrantPrograms on r.ProgramId equals p.Id
            orderby r.UpdatedAt descending
            select new { r, p.Name, p.ResponseHours }).ToListAsync(ct))
            .Select(x => new RequestSummary(x.r.Id, x.r.ProgramId, x.Name, x.r.Reference, x.r.State, x.r.UpdatedAt, x.r.SubmittedAt, DueAt(x.r, x.ResponseHours), ReportAwaited(x.r)))];

    /// <summary>
    /// The emergency fast track: a draft to an emergency program pre-filled from one of the viewer's alerts or incident
    /// reports (<see cref="SourceAsync"/>), with their consent to copy it. NotFound for a source they cannot start from
    /// or a program that is not an emergency one taking requests; Invalid without the consent.
    /// </summary>
    public async Task<RequestWrite> StartFromAsync(Guid viewer, Guid programId, RequestOrigin origin, Guid sourceId, bool consent, CancellationToken ct = default)
    {
        var program = await OpenProgramAsync(programId, ct);
        if (program is not { Kind: ProgramKind.Emergency } || await SourceAsync(viewer, origin, sourceId, ct) is not { } source)
            return new(RequestWriteStatus.NotFound);
        if (!consent) return new(RequestWriteStatus.Invalid, null, new Dictionary<string, string> { ["Consent"] = "Grants.Request.Error.Consent" });
        return await StartAsync(viewer, program, new RequestAnswers(source.Title, source.Need, "", []), origin, ct);
    }

    /// <summary>
    /// What an emergency request from this alert or incident report would start with, or null when the viewer may not
    /// start one from it: an alert of their own as they see it (<see cref="AlertService.OwnAlerts"/>: never one raised by
    /// a duress code, which they see nowhere, so after a duress action nothing here differs from after the action it
    /// imitates; never a drill), or an incident report they wrote themself. The title names the day in the viewer's
    /// language; a report's account becomes the "what happened" — nothing else of either is copied.
    /// </summary>
    public async Task<EmergencySource?> SourceAsync(Guid viewer, RequestOrigin origin, Guid sourceId, CancellationToken ct = default)
    {
        var person = await db.Users.AsNoTracking().Where(u => u.Id == viewer).Select(u => new { u.Language, u.TimeZone }).SingleOrDefaultAsync(ct);
        if (person is null) return null;
        var culture = CultureInfo.GetCultureInfo(Cultures.IsSupported(person.Language) ? person.Language : "en");
        switch (origin)
        {
            case RequestOrigin.Alert:
                var raised = await alerts.OwnAlerts(viewer).Where(a => a.Id == sourceId && !a.IsDrill).Select(a => (DateTime?)a.CreatedAt).SingleOrDefaultAsync(ct);
                if (raised is not { } at) return null;
                var day = LocalTimes.ToLocal(at, person.TimeZone).ToString("d", culture);
                return new EmergencySource(origin, sourceId, day, texts.Text(person.Language, false, "Grants.Request.FromAlert.Title", day), "", false);
            case RequestOrigin.Incident:
                var report = await db.Incidents.AsNoTracking().AnyAsync(i => i.Id == sourceId && i.ReporterId == viewer, ct)
                    ? await incidents.ReadAsync(viewer, sourceId, ct) : null;
                if (report is null) return null;
                var on = report.Incident.OccurredOn.ToString("d", culture);
                var need = report.Narrative ?? "";
                return new EmergencySource(origin, sourceId, on, texts.Text(person.Language, false, "Grants.Request.FromIncident.Title", on),
                    Shorten(need, RequestRules.TextMax), need.Length > RequestRules.TextMax);
            case RequestOrigin.Sms:
                return null; // an SMS starts its own request (StartBySmsAsync), never the fast track's page
        }
        return null;
    }

    /// <summary>The programs that take emergency requests now, shortest clock first, with their grantmakers: what the fast track offers.</summary>
    public async Task<List<(GrantProgram Program, string Organization)>> EmergencyProgramsAsync(CancellationToken ct = default) =>
        [.. (await (
            from p in db.GrantPrograms.AsNoTracking()
            where p.Kind == ProgramKind.Emergency && p.Status != ProgramStatus.Closed
            join o in db.Organizations on p.OrganizationId equals o.Id
            orderby p.ResponseHours == null, p.ResponseHours, p.Name
            select new { p, o.Name }).ToListAsync(ct)).Select(x => (x.p, x.Name))];

    private Task<GrantProgram?> OpenProgramAsync(Guid programId, CancellationToken ct) =>
        db.GrantPrograms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId && p.Status != ProgramStatus.Closed, ct);

    private async Task<RequestWrite> StartAsync(Guid viewer, GrantProgram program, RequestAnswers answers, RequestOrigin? origin, CancellationToken ct,
        ApplyingAs? applying = null)
    {
        if (await RolesOn(viewer, program.Id).AnyAsync(ct) || await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == program.OrganizationId, ct))
            return new(RequestWriteStatus.Refused);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = cipher.NewDataKey(GrantRequest.DataKeyPurpose);
        var request = new GrantRequest
        {
            Id = Guid.NewGuid(), ProgramId = program.Id, ApplicantId = viewer, State = RequestState.Draft, DataKeyId = key.Id,
            CreatedAt = now, UpdatedAt = now, StartedFrom = origin, OrganizationId = applying?.OrganizationId, BehalfOfId = applying?.BehalfOfId,
        };
        request.AnswersCipher = await cipher.EncryptAsync(db, key.Id, Serialize(answers), GrantRequest.Table, AnswersColumn, request.Id, ct);
        db.DataKeys.Add(key);
        db.GrantRequests.Add(request);
        if (applying?.BehalfOfId is { } person && await db.Users.AsNoTracking().Where(u => u.Id == person)
                .Select(u => new { u.Id, u.Email, u.Language }).SingleOrDefaultAsync(ct) is { Email: { Length: > 0 } email } defender)
        {
            // The defender is told that something waits for them — never by whom, for what or from which fund: a message
            // naming a fund could itself be a risk on a phone someone else reads.
            await notifier.EnqueueAsync(db, new Notification($"grant-behalf:{request.Id:N}", new(NotificationSourceKind.Account, defender.Id),
                NotificationPriority.Normal, defender.Language, [new Destination(ChannelKind.Email, email)],
                texts.Text(defender.Language, false, "Grants.Mail.BehalfSubject"),
                texts.Text(defender.Language, false, "Grants.Msg.Behalf", texts.Url(GrantRoutes.Behalf(request.Id)))), ct);
        }
        if (origin == RequestOrigin.Sms)
        {
            // The person's SMS is their sending: the clock runs from it, and the duty officers hear of it now.
            request.SubmittedAt = now;
            request.Reference = NewReference();
            foreach (var officer in await GrantClockReminders.OnDutyAsync(db, program.Id, request.Id, ct))
                await notifier.EnqueueAsync(db, GrantClockReminders.StartedBySms(texts, officer, request), ct);
        }
        await db.SaveChangesAsync(ct);
        if (origin == RequestOrigin.Sms) signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, request.Id, program.OrganizationId, origin is { } o ? "started-from-" + PlanWire.Word(o) : "started", ct);
        return new(RequestWriteStatus.Done, request.Id);
    }

    /// <summary>One request as the viewer may see it, or null (404). An opening by the grantmaker's staff is recorded.</summary>
    public async Task<RequestView?> GetAsync(Guid viewer, Guid requestId, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return null;
        var program = await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct);
        if (side != RequestSide.Applicant) await RecordOpeningAsync(viewer, request, program, ct);
        var organization = await db.Organizations.Where(o => o.Id == program.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        var answers = await AnswersAsync(request, ct);
        var entries = await (
            from e in db.GrantRequestEntries.AsNoTracking()
            where e.RequestId == requestId
            join u in db.Users on e.ActorId equals u.Id into actors
            from u in actors.DefaultIfEmpty()
            orderby e.At, e.Id
            select new { Entry = e, Actor = u == null ? null : u.DisplayName }).ToListAsync(ct);
        var history = new List<RequestEntryView>(entries.Count);
        foreach (var row in entries)
        {
            var text = await cipher.DecryptAsync(db, request.DataKeyId, row.Entry.TextCipher, GrantRequestEntry.Table, TextColumn, row.Entry.Id, ct);
            var amount = await cipher.DecryptAsync(db, request.DataKeyId, row.Entry.AmountCipher, GrantRequestEntry.Table, AmountColumn, row.Entry.Id, ct);
            history.Add(new RequestEntryView(row.Entry.At, row.Entry.ActorId, row.Actor, row.Entry.Kind, row.Entry.From, row.Entry.To, text,
                amount is null ? null : decimal.Parse(amount, CultureInfo.InvariantCulture), row.Entry.Day, row.Entry.FileId));
        }
        var staff = side == RequestSide.Applicant ? null : await StaffViewAsync(viewer, request, program, entries.Select(e => e.Entry), ct);
        // The grantmaker's side may act only once they have declared no conflict of interest.
        IReadOnlyList<RequestState> moves = staff is { Declared: false } || request.PurgedAt is not null ? []
            : [.. RequestRules.MovesFrom(side, request.State), .. staff is { Completes: true } ? [RequestState.Submitted] : Array.Empty<RequestState>()];
        return new RequestView(request, program, organization, side, answers, RequestRules.Missing(answers, program),
            RequestRules.Reminder(answers, program), moves, DueAt(request, program), history,
            await SharedPlanAsync(viewer, request, ct), staff, await FilesAsync(request, ct), await AskingAsync(request, ct));
    }

    /// <summary>The questions of the program of a request the viewer may change (<see cref="RequestView.MayEdit"/>'s people); null otherwise.</summary>
    public async Task<List<ProgramQuestion>?> QuestionsForEditorAsync(Guid viewer, Guid requestId, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null) return null;
        if (await SideAsync(viewer, request, ct) is not { } side || (side != RequestSide.Applicant && !await CompletesAsync(viewer, request, ct))) return null;
        return ProgramQuestions.Read(await db.GrantPrograms.Where(p => p.Id == request.ProgramId).Select(p => p.Questions).SingleAsync(ct));
    }

    /// <summary>
    /// An emergency request started by SMS from the viewer's verified number (<see cref="GrantSmsHandler"/>) to the
    /// program whose SMS word this is: a draft holding the text as "what happened", its clock running from now and its
    /// tracking reference given at once (the reply carries it), seen by the program's staff from the start; its duty
    /// officers are e-mailed in the same commit. Sent twice (a second SMS, or the same one carried out again), the draft
    /// still waiting is the answer (Conflict, with its reference), never a second one. NotFound: no emergency program
    /// taking requests has that word; Refused: the program's own people.
    /// </summary>
    public async Task<(RequestWrite Write, string? Reference)> StartBySmsAsync(Guid viewer, string word, string need, string contact, CancellationToken ct = default)
    {
        var program = await db.GrantPrograms.AsNoTracking()
            .SingleOrDefaultAsync(p => p.SmsWord == word && p.Kind == ProgramKind.Emergency && p.Status != ProgramStatus.Closed, ct);
        if (program is null) return (new(RequestWriteStatus.NotFound), null);
        var waiting = await db.GrantRequests.AsNoTracking()
            .Where(r => r.ApplicantId == viewer && r.ProgramId == program.Id && r.StartedFrom == RequestOrigin.Sms && r.State == RequestState.Draft)
            .Select(r => new { r.Id, r.Reference }).FirstOrDefaultAsync(ct);
        if (waiting is not null) return (new(RequestWriteStatus.Conflict, waiting.Id), waiting.Reference);
        var started = await StartAsync(viewer, program, new RequestAnswers("", Shorten(need.Trim(), RequestRules.TextMax), Shorten(contact, RequestRules.ContactMax), []), RequestOrigin.Sms, ct);
        var reference = started.Id is { } id ? await db.GrantRequests.Where(r => r.Id == id).Select(r => r.Reference).SingleAsync(ct) : null;
        return (started, reference);
    }

    private async Task<Asking?> AskingAsync(GrantRequest request, CancellationToken ct)
    {
        if (request.OrganizationId is null && request.BehalfOfId is null) return null;
        var organization = request.OrganizationId is { } org ? await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleOrDefaultAsync(ct) : null;
        // The defender's name only once they agreed to it.
        var name = request is { BehalfOfId: { } person, BehalfNamedAt: not null }
            ? await db.Users.Where(u => u.Id == person).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) : null;
        return new Asking(organization, request.BehalfOfId is not null, name);
    }

    private async Task<List<RequestFileView>> FilesAsync(GrantRequest request, CancellationToken ct)
    {
        var rows = await db.GrantRequestFiles.AsNoTracking().Where(f => f.RequestId == request.Id)
            .Select(f => new { f.Id, f.QuestionId, f.NameCipher, f.Size }).ToListAsync(ct);
        var files = new List<RequestFileView>(rows.Count);
        foreach (var f in rows)
            files.Add(new(f.Id, f.QuestionId,
                await cipher.DecryptAsync(db, request.DataKeyId, f.NameCipher, GrantRequestFile.Table, nameof(GrantRequestFile.NameCipher), f.Id, ct) ?? "file", f.Size));
        return files;
    }

    /// <summary>
    /// A file given for one of the request's questions, for whoever may see the request (an opening by the grantmaker's
    /// staff is recorded like a read of the request); null otherwise (404).
    /// </summary>
    public async Task<(string Name, string ContentType, byte[] Bytes)?> ReadFileAsync(Guid viewer, Guid requestId, Guid fileId, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return null;
        var row = await db.GrantRequestFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.RequestId == requestId, ct);
        if (row is null) return null;
        var bytes = await cipher.DecryptBytesAsync(db, request.DataKeyId, row.DataCipher, GrantRequestFile.Table, nameof(GrantRequestFile.DataCipher), row.Id, ct);
        if (bytes is null) return null;
        var name = await cipher.DecryptAsync(db, request.DataKeyId, row.NameCipher, GrantRequestFile.Table, nameof(GrantRequestFile.NameCipher), row.Id, ct);
        if (side != RequestSide.Applicant)
            await RecordOpeningAsync(viewer, request, await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct), ct);
        return (name ?? "file", row.ContentType, bytes);
    }

    /// <summary>The applicant changes the answers of a draft or of a request sent back for rework.</summary>
    /// <remarks>
    /// A file question's answer is never taken from <paramref name="answers"/>: it keeps the file given before, or
    /// becomes the one in <paramref name="files"/> for it (which replaces the old one in the same commit). A file that
    /// cannot be kept safely (the incident evidence rules: a photo is stored without its metadata) is refused by field.
    /// </remarks>
    public async Task<RequestWrite> SaveAsync(Guid viewer, Guid requestId, RequestAnswers answers, int? version,
        IReadOnlyList<QuestionFile>? files = null, IReadOnlyCollection<string>? removeFiles = null, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null) return new(RequestWriteStatus.NotFound);
        if (await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        if (side != RequestSide.Applicant)
        {
            // The grantmaker's side changes answers only to complete a draft started by SMS, and only once declared.
            if (!await CompletesAsync(viewer, request, ct)) return new(RequestWriteStatus.NotFound);
            if (!await DeclaredAsync(viewer, requestId, ct)) return DeclareFirst(requestId);
        }
        if (!RequestRules.Editable(request.State)) return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        var program = await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct);
        var questions = ProgramQuestions.Read(program.Questions);
        var stored = (await AnswersAsync(request, ct)).Given;
        var fileIds = await FileIdsAsync(requestId, ct);
        // Answers to the questions asked today, as given (a file's: the one kept before, if it is this request's);
        // answers to questions the program no longer asks stay as they were, for the record, and are not shown.
        var asked = questions.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        var given = Clean(answers).Given.Where(a => asked.Contains(a.Key) && a.Value.Length > 0).ToDictionary(StringComparer.Ordinal);
        foreach (var (id, value) in stored.Where(a => !asked.Contains(a.Key))) given[id] = value;
        foreach (var q in questions.Where(q => q.Kind == QuestionKind.File))
        {
            given.Remove(q.Id);
            // Kept unless the person asked to remove it (a new file for it, below, replaces it anyway).
            if (stored.TryGetValue(q.Id, out var kept) && fileIds.Contains(kept) && removeFiles?.Contains(q.Id) != true) given[q.Id] = kept;
        }
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files ?? [])
        {
            if (questions.FirstOrDefault(q => q.Id == file.QuestionId && q.Kind == QuestionKind.File) is null) continue;
            var (cleaned, refusal) = Incidents.Evidence.Clean(file.Bytes);
            if (cleaned is null)
            {
                errors[ProgramQuestions.Field(file.QuestionId)] = "Grants.Request.Error.File." + refusal;
                continue;
            }
            var row = await SealedFileAsync(request, file, cleaned, "file", clock.GetUtcNow().UtcDateTime, ct);
            // Two files for one question in one save: the last one counts, the other is never written.
            if (given.TryGetValue(file.QuestionId, out var earlier) && db.ChangeTracker.Entries<GrantRequestFile>()
                    .FirstOrDefault(e => e.Entity.Id.ToString("N") == earlier) is { } unsaved)
                unsaved.State = EntityState.Detached;
            db.GrantRequestFiles.Add(row);
            given[file.QuestionId] = row.Id.ToString("N");
        }
        // The one figure is the emergency form's; any other program asks for budget lines.
        var clean = Clean(answers) with { Questions = given, Amount = RequestRules.IsShortForm(program) ? answers.Amount : null };
        fileIds.UnionWith(db.ChangeTracker.Entries<GrantRequestFile>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Id.ToString("N")));
        foreach (var (field, key) in RequestRules.Check(clean, program, fileIds)) errors.TryAdd(field, key);
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear(); // nothing of this save is written, its files included
            return new(RequestWriteStatus.Invalid, requestId, errors);
        }
        // A file no answer holds any more (replaced, or of a question asked again as another kind) goes in the same commit.
        var held = given.Values.ToHashSet(StringComparer.Ordinal);
        var gone = fileIds.Where(id => !held.Contains(id) && Guid.TryParseExact(id, "N", out _)).Select(id => Guid.ParseExact(id, "N")).ToList();
        if (gone.Count > 0) db.GrantRequestFiles.RemoveRange(await db.GrantRequestFiles.Where(f => f.RequestId == requestId && gone.Contains(f.Id)).ToListAsync(ct));
        request.AnswersCipher = await cipher.EncryptAsync(db, request.DataKeyId, Serialize(clean), GrantRequest.Table, AnswersColumn, request.Id, ct);
        request.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        request.Version++;
        var written = await SaveChangesAsync(request, ct);
        if (written.Status == RequestWriteStatus.Done && side != RequestSide.Applicant)
            await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, request.Id, program.OrganizationId, "completed-for-applicant", ct);
        return written;
    }

    /// <summary>
    /// A move in the request's life (<see cref="RequestRules.CanMove"/>): submit, withdraw, review, rework, approve,
    /// decline. A rework or a decline says why; an approval states the amount (and may state conditions). A submission
    /// needs the checklist complete and gets its tracking reference the first time.
    /// </summary>
    public async Task<RequestWrite> MoveAsync(Guid viewer, Guid requestId, RequestState to, string? note, decimal? amount, int? version, ServiceKind? suggestHelp = null, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        if (request.PurgedAt is not null) return new(RequestWriteStatus.Refused, requestId); // its key is destroyed: nothing more is written
        // A tranche, a call for the report and the report itself carry more than a note: each has its own method.
        if (!Enum.IsDefined(to) || (RequestRules.HasOwnForm(to) && to != RequestState.Submitted) || !(RequestRules.CanMove(side, request.State, to)
                || (to == RequestState.Submitted && side != RequestSide.Applicant && await CompletesAsync(viewer, request, ct))))
            return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        if (side != RequestSide.Applicant && !await DeclaredAsync(viewer, requestId, ct)) return DeclareFirst(requestId);
        var program = await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct);
        var text = note?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length > RequestRules.NoteMax) errors["Note"] = "Grants.Request.Error.NoteLength";
        else if (RequestRules.NeedsReason(request.State, to) && text.Length == 0) errors["Note"] = "Grants.Request.Error.Reason";
        // Only a decline suggests help (the officer's pointer to the network's directory); anywhere else it is refused, not dropped.
        if (suggestHelp is { } help && (to != RequestState.Declined || !Enum.IsDefined(help))) errors["SuggestHelp"] = "Grants.Request.Error.SuggestHelp";
        if (to == RequestState.Approved && (amount is not { } a || a <= 0 || a > GrantRules.MaxCeiling || decimal.Round(a, 2) != a
            || (program.Ceiling is { } ceiling && a > ceiling)))
            errors["Amount"] = "Grants.Request.Error.Amount";
        var (sentCategories, sentRegion) = (request.Categories, request.Region);
        if (to == RequestState.Submitted)
        {
            var answers = await AnswersAsync(request, ct);
            (sentCategories, sentRegion) = (answers.Categories, countries.RegionOf(answers.Country));
            // The program may have changed since the draft was saved: what it funds, its ceiling, whether it takes requests.
            if (program.Status == ProgramStatus.Closed) errors["Answers"] = "Grants.Request.Error.Closed";
            else if (RequestRules.Missing(answers, program).Count > 0 || RequestRules.Check(answers, program, await FileIdsAsync(requestId, ct)).Count > 0)
                errors["Answers"] = "Grants.Request.Error.Incomplete";
        }
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);

        var now = await NextAtAsync(requestId, ct);
        var entry = new GrantRequestEntry { Id = Guid.NewGuid(), RequestId = requestId, At = now, ActorId = viewer, Kind = RequestEntryKind.Moved, From = request.State, To = to };
        if (text.Length > 0) entry.TextCipher = await cipher.EncryptAsync(db, request.DataKeyId, text, GrantRequestEntry.Table, TextColumn, entry.Id, ct);
        if (to == RequestState.Approved)
            entry.AmountCipher = await cipher.EncryptAsync(db, request.DataKeyId, amount!.Value.ToString(CultureInfo.InvariantCulture), GrantRequestEntry.Table, AmountColumn, entry.Id, ct);
        db.GrantRequestEntries.Add(entry);
        if (to == RequestState.Submitted)
        {
            request.SubmittedAt ??= now; // the clock runs from the first submission
            request.Reference ??= NewReference();
            // The kinds of cost asked for, as sent: a coarse, plain fact for the grantmaker's portfolio counts.
            request.Categories = sentCategories;
            request.Region = sentRegion;
        }
        if (to is RequestState.Approved or RequestState.Declined) request.DecidedAt = now;
        // The request has ended: its grantee data is purged its program's months from now (GrantPurge).
        if (to is RequestState.Closed or RequestState.Declined or RequestState.Withdrawn) request.EndedAt = now;
        request.State = to;
        request.Closed = request.DecidedAt is not null || to == RequestState.Withdrawn;
        request.UpdatedAt = now;
        request.Version++;
        // The person the request is for hears of a decline through the fact seam (the network suggests help when the
        // officer chose a kind); recorded with the change, so it is told at least once or not at all.
        var told = Published.Nothing;
        if (to == RequestState.Declined)
        {
            request.SuggestedHelp = suggestHelp;
            // A person's own request, or one made on a defender's behalf; not an organization's (its staff's home pages are
            // their own, and whoever started it may have left).
            if ((request.BehalfOfId ?? (request.OrganizationId is null ? request.ApplicantId : null)) is { } person)
                facts.Record(db, told = Published.Same(new GrantRequestDeclined(person, now, request.Id, suggestHelp)));
        }
        var written = await SaveChangesAsync(request, ct);
        if (written.Status == RequestWriteStatus.Done)
        {
            await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, request.Id, program.OrganizationId, to.ToString(), ct);
            await facts.PublishAsync(told, ct);
        }
        return written;
    }

    /// <summary>A comment between the applicant and the program's staff, on a request that has been submitted.</summary>
    public async Task<RequestWrite> CommentAsync(Guid viewer, Guid requestId, string? text, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        // Nobody to write to yet; or purged, its key destroyed: nothing can be added to what is left.
        if (request.SubmittedAt is null || request.PurgedAt is not null) return new(RequestWriteStatus.Refused, requestId);
        if (side != RequestSide.Applicant && !await DeclaredAsync(viewer, requestId, ct)) return DeclareFirst(requestId);
        var clean = text?.Trim() ?? "";
        if (clean.Length is 0 or > RequestRules.NoteMax) return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Comment"] = "Grants.Request.Error.Comment" });
        var entry = new GrantRequestEntry { Id = Guid.NewGuid(), RequestId = requestId, At = await NextAtAsync(requestId, ct), ActorId = viewer, Kind = RequestEntryKind.Comment };
        entry.TextCipher = await cipher.EncryptAsync(db, request.DataKeyId, clean, GrantRequestEntry.Table, TextColumn, entry.Id, ct);
        db.GrantRequestEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return new(RequestWriteStatus.Done, requestId);
    }

    /// <summary>The viewer's own requests, newest first.</summary>
    public Task<List<RequestSummary>> MineAsync(Guid viewer, CancellationToken ct = default) => SummariesAsync(AskedBy(viewer), ct);

    /// <summary>
    /// A page of a program's sent requests for its assigned staff (null for anyone else): those not decided or withdrawn
    /// first, then the others, each group oldest first. Plain columns only — no key is opened.
    /// </summary>
    public Task<List<RequestSummary>?> ForProgramAsync(Guid viewer, Guid programId, int page, int pageSize, CancellationToken ct = default) =>
        ProgramListAsync(viewer, programId, page, pageSize, followUp: false, ct);

    /// <summary>
    /// The program's grants that wait on its staff after the decision: a report received (to read, ask more of, or
    /// close on) or overdue — the longest unchanged first, up to <paramref name="max"/>. The main list puts decided requests after
    /// those awaiting a decision, where these would sink.
    /// </summary>
    public Task<List<RequestSummary>?> FollowUpAsync(Guid viewer, Guid programId, int max, CancellationToken ct = default) =>
        ProgramListAsync(viewer, programId, 1, max, followUp: true, ct);

    private async Task<List<RequestSummary>?> ProgramListAsync(Guid viewer, Guid programId, int page, int pageSize, bool followUp, CancellationToken ct)
    {
        if (!await RolesOn(viewer, programId).AnyAsync(ct)) return null;
        var program = await db.GrantPrograms.AsNoTracking().Where(p => p.Id == programId).Select(p => new { p.Name, p.ResponseHours }).SingleAsync(ct);
        var requests = db.GrantRequests.AsNoTracking().Where(r => r.ProgramId == programId && r.SubmittedAt != null);
        // Those the viewer stepped aside from (a declared conflict of interest) are not theirs to see, even as a line. Rare:
        // the list of 50,000 is not filtered row by row for someone who never declared one.
        var steppedAside = SteppedAside.RequestsOf(db, viewer);
        if (await steppedAside.AnyAsync(ct))
            requests = requests.Where(r => !steppedAside.Contains(r.Id));
        if (followUp)
        {
            var ended = GrantReportReminders.EarliestToday(clock.GetUtcNow().UtcDateTime);
            requests = requests.Where(r => r.State == RequestState.ReportReceived || r.State == RequestState.ReportDue)
                .Where(r => r.State == RequestState.ReportReceived || r.ReportDueOn < ended);
        }
        // The follow-up, the longest waiting first (by its state's index: ordered like the main list, it would walk the
        // whole program's list instead).
        var rows = await (followUp ? requests.OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id) : requests.OrderBy(r => r.Closed).ThenBy(r => r.SubmittedAt).ThenBy(r => r.Id))
            .Skip((Math.Clamp(page, 1, MaxPage) - 1) * pageSize).Take(pageSize)
            // The list's columns only: no answers, no key opened.
            .Select(r => new GrantRequest { Id = r.Id, Reference = r.Reference, State = r.State, UpdatedAt = r.UpdatedAt, SubmittedAt = r.SubmittedAt, DecidedAt = r.DecidedAt, ReportDueOn = r.ReportDueOn })
            .ToListAsync(ct);
        return [.. rows.Select(r => new RequestSummary(r.Id, programId, program.Name, r.Reference, r.State, r.UpdatedAt, r.SubmittedAt, DueAt(r, program.ResponseHours), ReportAwaited(r)))];
    }

    // ---- the applicant's security plan: costed actions as budget lines, a summary shared by consent ----

    /// <summary>How long a plan summary shared for a request stays open to the grantmaker, unless the applicant ends it sooner.</summary>
    public static readonly TimeSpan SharedPlanLasts = TimeSpan.FromDays(90);

    /// <summary>Whether the viewer is the applicant of a request they may still change (a draft, or sent back for rework).</summary>
    public Task<bool> MayChangeAsync(Guid viewer, Guid requestId, CancellationToken ct = default) =>
        AskedBy(viewer).AnyAsync(r => r.Id == requestId && (r.State == RequestState.Draft || r.State == RequestState.Rework), ct);

    /// <summary>The plans the viewer keeps (may change): theirs, and their organizations' where they are an admin or focal point.</summary>
    public async Task<List<PlanSummary>> PlansToImportAsync(Guid viewer, CancellationToken ct = default) =>
        [.. (await plans.ListAsync(viewer, ct)).Where(p => PlanAccess.MayEdit(p.Role))];

    /// <summary>
    /// A request the viewer may still change, one of the plans they keep, and its costed actions that are still to do
    /// (planned or in progress) as budget lines for the program: each with its category and, when it cannot become a
    /// line, why (another currency, or a cost the program does not fund). Null (a 404) for anything else.
    /// </summary>
    public async Task<PlanCosts?> PlanCostsAsync(Guid viewer, Guid requestId, Guid planId, CancellationToken ct = default)
    {
        // Asked first, so that the grantmaker's staff trying this page are not recorded as opening the request.
        if (!await MayChangeAsync(viewer, requestId, ct) || await GetAsync(viewer, requestId, ct) is not { } view) return null;
        var plan = await plans.GetAsync(viewer, planId, ct);
        if (plan is null || !PlanAccess.MayEdit(plan.Role)) return null;
        var costs = plan.Actions
            .Where(a => a.EstimatedCost is > 0 && a.Currency is not null && a.Status is PlanActionStatus.Planned or PlanActionStatus.InProgress)
            .Select(a =>
            {
                var category = RequestRules.CategoryFor(a.Domains, view.Program.Categories);
                var what = Shorten((a.What ?? "").Trim(), RequestRules.DescriptionMax);
                PlanCostProblem? problem = !string.Equals(a.Currency, view.Program.Currency, StringComparison.Ordinal) ? PlanCostProblem.OtherCurrency
                    : category == CostCategories.None ? PlanCostProblem.NotFunded
                    // What a budget line needs and a plan does not: words, and an amount a request may ask for.
                    : what.Length == 0 || a.EstimatedCost > GrantRules.MaxCeiling || decimal.Round(a.EstimatedCost!.Value, 2) != a.EstimatedCost ? PlanCostProblem.NotALine
                    : null;
                return new PlanCost(a.Id, what, a.EstimatedCost!.Value, a.Currency!, category, problem);
            }).ToList();
        return new PlanCosts(view, plan, costs);
    }

    /// <summary>
    /// Adds the chosen costed actions of one of the viewer's plans to the request's budget (after its lines). Refused
    /// with nothing written when none is chosen, one cannot become a line, or the budget would pass its most lines.
    /// </summary>
    public async Task<RequestWrite> ImportFromPlanAsync(Guid viewer, Guid requestId, Guid planId, IReadOnlyCollection<Guid> actionIds, int? version, CancellationToken ct = default)
    {
        if (await PlanCostsAsync(viewer, requestId, planId, ct) is not { } found) return new(RequestWriteStatus.NotFound);
        if (version is { } v && v != found.Request.Request.Version) return new(RequestWriteStatus.Conflict, requestId);
        var chosen = found.Costs.Where(c => actionIds.Contains(c.ActionId)).ToList();
        if (chosen.Count == 0 || chosen.Count != actionIds.Distinct().Count() || chosen.Any(c => c.Problem is not null))
            return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Actions"] = "Grants.FromPlan.Error.Choose" });
        var answers = found.Request.Answers with { Lines = [.. found.Request.Answers.Lines, .. chosen.Select(c => new BudgetLine(c.Category, c.What, c.Amount))] };
        if (answers.Lines.Count > RequestRules.MaxLines)
            return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Actions"] = "Grants.FromPlan.Error.TooMany" });
        return await SaveAsync(viewer, requestId, answers, found.Request.Request.Version, ct: ct);
    }

    /// <summary>
    /// Shares a read-only summary of one of the viewer's plans (title, review date, costed actions — never the risks,
    /// actors or protocols) with the program's grantmaker for <see cref="SharedPlanLasts"/>, through the plan module's
    /// sharing (revocable on the plan's sharing page, every look recorded there), readable by the grantmaker's admins
    /// and the program's staff of today; the request links to it. All in one commit, or nothing.
    /// </summary>
    public async Task<RequestWrite> SharePlanAsync(Guid viewer, Guid requestId, Guid planId, bool consent, CancellationToken ct = default)
    {
        if (await PlanCostsAsync(viewer, requestId, planId, ct) is not { } found) return new(RequestWriteStatus.NotFound);
        if (!consent) return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Consent"] = "Grants.FromPlan.Error.Consent" });
        var now = clock.GetUtcNow().UtcDateTime;
        var shareId = Guid.NewGuid();
        var request = await db.GrantRequests.SingleAsync(r => r.Id == requestId, ct);
        // Changed since it was read (sent meanwhile): nothing is shared.
        if (request.Version != found.Request.Request.Version || !RequestRules.Editable(request.State))
        {
            db.ChangeTracker.Clear();
            return new(RequestWriteStatus.Conflict, requestId);
        }
        // One summary per request: a second would leave the first open out of the applicant's sight here.
        if (found.Request.Plan is { Standing: true })
        {
            db.ChangeTracker.Clear();
            return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Consent"] = "Grants.FromPlan.Error.AlreadyShared" });
        }
        request.PlanShareId = shareId;
        request.UpdatedAt = now;
        request.Version++;
        // Today's staff of the program, but not those who declared a conflict of interest with this applicant.
        var steppedAside = SteppedAside.From(db, requestId);
        var staff = await ProgramStaff.Current(db, request.ProgramId).Select(a => a.UserId)
            .Where(u => !steppedAside.Contains(u))
            .Distinct().ToListAsync(ct);
        db.AccessGrantAssignees.AddRange(staff.Select(u => new AccessGrantAssignee { GrantId = shareId, UserId = u, AssignedAt = now }));
        try
        {
            var made = await shares.CreateAsync(viewer, planId,
                new ShareInput(found.Request.Program.OrganizationId, ShareScope.SummaryAndCostedActions, now + SharedPlanLasts, Confirmed: true), shareId, ct);
            if (made.Status == PlanWriteStatus.Done) return new(RequestWriteStatus.Done, requestId);
            db.ChangeTracker.Clear(); // refused (the organization no longer takes plans): the link and the readers go with it
            return new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Consent"] = "Grants.FromPlan.Error.ShareRefused" });
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear(); // the request changed meanwhile: nothing of this is written
            return new(RequestWriteStatus.Conflict, requestId);
        }
        catch
        {
            db.ChangeTracker.Clear(); // nothing of it stays tracked for a later save in this scope
            throw;
        }
    }

    internal static RequestWrite DeclareFirst(Guid requestId) =>
        new(RequestWriteStatus.Invalid, requestId, new Dictionary<string, string> { ["Declaration"] = "Grants.Request.Error.DeclareFirst" });

    /// <summary>The staff's part of the page: the viewer's declaration, the reviews (their notes and scores decrypted), who stepped aside.</summary>
    private async Task<StaffView> StaffViewAsync(Guid viewer, GrantRequest request, GrantProgram program, IEnumerable<GrantRequestEntry> entries, CancellationToken ct)
    {
        var declarations = await (
            from d in db.GrantRequestDeclarations.AsNoTracking()
            where d.RequestId == request.Id
            join u in db.Users on d.UserId equals u.Id
            orderby d.At
            select new { d.UserId, d.HasConflict, d.At, u.DisplayName }).ToListAsync(ct);
        var rows = await (
            from r in db.GrantRequestReviews.AsNoTracking()
            where r.RequestId == request.Id
            join u in db.Users on r.ReviewerId equals u.Id into reviewers
            from u in reviewers.DefaultIfEmpty()
            orderby r.At, r.Id
            select new { Review = r, Name = u == null ? null : u.DisplayName }).ToListAsync(ct);
        // This round: since the request was last submitted (a review before a rework is history).
        var lastSubmitted = entries.Where(e => e.Kind == RequestEntryKind.Moved && e.To == RequestState.Submitted).Select(e => (DateTime?)e.At).Max();
        var reviews = new List<ReviewView>(rows.Count);
        foreach (var row in rows)
        {
            var note = await cipher.DecryptAsync(db, request.DataKeyId, row.Review.NoteCipher, GrantRequestReview.Table, GrantReviews.NoteColumn, row.Review.Id, ct);
            var scores = await cipher.DecryptAsync(db, request.DataKeyId, row.Review.ScoresCipher, GrantRequestReview.Table, GrantReviews.ScoresColumn, row.Review.Id, ct);
            reviews.Add(new ReviewView(row.Review.Id, row.Review.At, row.Name, row.Review.Aspect, row.Review.Verdict,
                scores is null ? [] : JsonSerializer.Deserialize<List<RubricScore>>(scores) ?? [], note, lastSubmitted is null || row.Review.At > lastSubmitted));
        }
        var roles = await RolesOn(viewer, program.Id).ToListAsync(ct);
        var declared = declarations.Any(d => d.UserId == viewer && !d.HasConflict);
        // Until they declare, they read the request, not their colleagues' assessments of it.
        if (!declared) reviews.Clear();
        return new StaffView(declared, reviews,
            [.. declarations.Where(d => d.HasConflict).Select(d => ((string?)d.DisplayName, d.At))],
            [.. Enum.GetValues<ReviewAspect>().Where(a => RequestRules.MayReview(roles, a))],
            RequestRules.Completes(request) && (roles.Contains(ProgramRole.DutyOfficer) || roles.Contains(ProgramRole.ProgramOfficer)),
            roles.Contains(ProgramRole.Finance) || roles.Contains(ProgramRole.ProgramOfficer));
    }

    private async Task<SharedPlan?> SharedPlanAsync(Guid viewer, GrantRequest request, CancellationToken ct)
    {
        if (request.PlanShareId is not { } shareId) return null;
        var grant = await (
            from s in db.PlanShares
            join g in db.AccessGrants on s.Id equals g.Id
            where s.Id == shareId
            select new { s.PlanId, g.ExpiresAt, g.RevokedAt }).AsNoTracking().SingleOrDefaultAsync(ct);
        if (grant is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var standing = grant.RevokedAt is null && (grant.ExpiresAt is null || grant.ExpiresAt > now);
        var opens = standing && await Access.OwnersVisibleTo(viewer, DataCategory.PlanSnapshot, AccessSources.Of(db, clock)).AnyAsync(o => o == shareId, ct);
        return new SharedPlan(shareId, grant.PlanId, grant.ExpiresAt, standing, opens);
    }

    private async Task RecordOpeningAsync(Guid viewer, GrantRequest request, GrantProgram program, CancellationToken ct)
    {
        var now = await NextAtAsync(request.Id, ct);
        var since = now - OpeningWindow;
        if (await db.GrantRequestEntries.AnyAsync(e => e.RequestId == request.Id && e.ActorId == viewer && e.Kind == RequestEntryKind.Opened && e.At > since, ct)) return;
        db.GrantRequestEntries.Add(new GrantRequestEntry { Id = Guid.NewGuid(), RequestId = request.Id, At = now, ActorId = viewer, Kind = RequestEntryKind.Opened });
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.GrantRequestOpened, viewer, request.Id, program.OrganizationId, "", ct);
    }

    /// <summary>
    /// Now, or just after the request's last entry when that is not earlier: the history is read in the order it was
    /// written even when two steps fall in the same clock tick (one microsecond, what PostgreSQL keeps).
    /// </summary>
    internal async Task<DateTime> NextAtAsync(Guid requestId, CancellationToken ct)
    {
        var exact = clock.GetUtcNow().UtcDateTime;
        var now = new DateTime(exact.Ticks - exact.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
        var last = await db.GrantRequestEntries.Where(e => e.RequestId == requestId).MaxAsync(e => (DateTime?)e.At, ct);
        return last is { } l && l >= now ? l.AddTicks(TimeSpan.TicksPerMicrosecond) : now;
    }

    internal async Task<RequestAnswers> AnswersAsync(GrantRequest request, CancellationToken ct)
    {
        var json = await cipher.DecryptAsync(db, request.DataKeyId, request.AnswersCipher, GrantRequest.Table, AnswersColumn, request.Id, ct);
        return json is null ? RequestAnswers.Empty : JsonSerializer.Deserialize<RequestAnswers>(json) ?? RequestAnswers.Empty;
    }

    private async Task<RequestWrite> SaveChangesAsync(GrantRequest request, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return new(RequestWriteStatus.Done, request.Id);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear(); // someone changed it first: nothing of this change is written
            return new(RequestWriteStatus.Conflict, request.Id);
        }
    }

    private static RequestAnswers Clean(RequestAnswers a) =>
        new(a.Title.Trim(), a.Need.Trim(), a.Contact.Trim(), [.. a.Lines.Select(l => l with { Description = l.Description.Trim() })],
            // An API body may send null for an answer: no answer.
            a.Amount, a.Given.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value.Trim(), StringComparer.Ordinal),
            string.IsNullOrWhiteSpace(a.Country) ? null : a.Country.Trim().ToUpperInvariant());

    /// <summary>
    /// Whether the viewer completes this draft started by SMS: one of their roles on its program is duty officer or
    /// program officer (whatever their other roles), and it is still a draft.
    /// </summary>
    internal async Task<bool> CompletesAsync(Guid viewer, GrantRequest request, CancellationToken ct) =>
        RequestRules.Completes(request) && await RolesOn(viewer, request.ProgramId).AnyAsync(r => r == ProgramRole.DutyOfficer || r == ProgramRole.ProgramOfficer, ct);

    /// <summary>
    /// A file of the request, cleaned like incident evidence, with its name (a plain one when it gave none that can be
    /// kept) and its bytes encrypted with the request's key; not yet added.
    /// </summary>
    private async Task<GrantRequestFile> SealedFileAsync(GrantRequest request, QuestionFile file, Incidents.CleanedEvidence cleaned, string plainName, DateTime at, CancellationToken ct)
    {
        var row = new GrantRequestFile
        {
            Id = Guid.NewGuid(), RequestId = request.Id, QuestionId = file.QuestionId, ContentType = cleaned.ContentType, Size = cleaned.Bytes.Length, At = at,
        };
        var name = Path.GetFileNameWithoutExtension(file.FileName ?? "").Trim();
        if (name.Length is 0 or > 120 || Infrastructure.Validation.IsUnacceptableText(name, 120)) name = plainName;
        row.NameCipher = await cipher.EncryptAsync(db, request.DataKeyId, name + cleaned.Extension, GrantRequestFile.Table, nameof(GrantRequestFile.NameCipher), row.Id, ct);
        row.DataCipher = await cipher.EncryptBytesAsync(db, request.DataKeyId, cleaned.Bytes, GrantRequestFile.Table, nameof(GrantRequestFile.DataCipher), row.Id, ct);
        return row;
    }

    /// <summary>The files given for the program's questions (a report's files are the history's, not the answers').</summary>
    private async Task<HashSet<string>> FileIdsAsync(Guid requestId, CancellationToken ct) =>
        [.. (await db.GrantRequestFiles.Where(f => f.RequestId == requestId && f.QuestionId != GrantRequestFile.ReportQuestion)
            .Select(f => f.Id).ToListAsync(ct)).Select(id => id.ToString("N"))];

    private static string Serialize(RequestAnswers answers) => JsonSerializer.Serialize(answers);

    /// <summary>At most <paramref name="max"/> characters, never cutting a letter, an accent or an emoji in two.</summary>
    private static string Shorten(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext() && elements.ElementIndex + elements.GetTextElement().Length <= max) cut = elements.ElementIndex + elements.GetTextElement().Length;
        return text[..cut];
    }

    private static DateTime? DueAt(GrantRequest request, GrantProgram program) => DueAt(request, program.ResponseHours);

    /// <summary>The day a report is due, while it is awaited.</summary>
    private static DateOnly? ReportAwaited(GrantRequest request) => request.State == RequestState.ReportDue ? request.ReportDueOn : null;

    /// <summary>An emergency program's promise: an answer within its hours of the first submission, until decided or withdrawn.</summary>
    public static DateTime? DueAt(GrantRequest request, int? responseHours) =>
        request.SubmittedAt is { } submitted && responseHours is { } hours && request.DecidedAt is null && request.State != RequestState.Withdrawn
            ? submitted.AddHours(hours) : null;

    /// <summary>"GR-" and eight letters and digits that cannot be misread (no 0/O, 1/I/L): quoted by phone or SMS.</summary>
    private static string NewReference()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        return "GR-" + RandomNumberGenerator.GetString(alphabet, 8);
    }
}
