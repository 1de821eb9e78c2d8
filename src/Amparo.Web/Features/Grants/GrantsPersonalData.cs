using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// The person's roles on grantmakers' programs (which program, which role, since when). Programs are their
/// organization's, not the person's; the assignments go with the account (a foreign key to the user).
/// </summary>
public sealed class GrantsPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record Assignment(Guid ProgramId, string Program, string Role, DateTime AssignedAt);

    public string Section => "grantAssignments";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rows = await (
            from a in db.ProgramAssignments.AsNoTracking()
            where a.UserId == person.Id
            join p in db.GrantPrograms on a.ProgramId equals p.Id
            orderby a.AssignedAt
            select new { a.ProgramId, p.Name, a.Role, a.AssignedAt }).ToListAsync(ct);
        return rows.Count == 0 ? null : rows.Select(r => new Assignment(r.ProgramId, r.Name, r.Role.ToString(), r.AssignedAt)).ToList();
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// The person's declarations of conflict of interest on requests to the programs they work on (which request, whether
/// they had a conflict, when). They go with the account (a foreign key to the user); the request keeps its reviews.
/// </summary>
public sealed class GrantDeclarationsPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record Declaration(Guid RequestId, string? Reference, string Program, bool Conflict, DateTime At);

    public string Section => "grantDeclarations";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rows = await (
            from d in db.GrantRequestDeclarations.AsNoTracking()
            where d.UserId == person.Id
            join r in db.GrantRequests on d.RequestId equals r.Id
            join p in db.GrantPrograms on r.ProgramId equals p.Id
            orderby d.At
            select new Declaration(d.RequestId, r.Reference, p.Name, d.HasConflict, d.At)).ToListAsync(ct);
        return rows.Count == 0 ? null : rows;
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// The person's requests to grantmakers, with their answers and history decrypted. Deleting the account deletes what
/// was never sent (and destroys its keys); a submitted request is also the grantmaker's record and stays with it, no longer
/// linked to the account (the applicant loses access, as docs/grants.md tells them before they submit).
/// </summary>
public sealed class GrantRequestsPersonalData(AmparoDbContext db, GrantRequests requests, FieldCipher cipher) : IPersonalData
{
    public sealed record Request(Guid Id, string Program, string? Reference, string State, DateTime CreatedAt, DateTime? SubmittedAt,
        RequestAnswers Answers, IReadOnlyList<Entry> History);

    /// <summary>A line of the history: the grantmaker's staff appear as "not you", never by name.</summary>
    /// <summary><c>Day</c>: a tranche's day of payment, or the day a report was asked for.</summary>
    public sealed record Entry(DateTime At, bool ByYou, string Kind, string? From, string? To, string? Text, decimal? Amount, DateOnly? Day);

    public string Section => "grantRequests";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var list = new List<Request>();
        foreach (var summary in await requests.MineAsync(person.Id, ct))
        {
            // Their own requests, and those they started for an organization (the organization's others are not theirs).
            if (await requests.GetAsync(person.Id, summary.Id, ct) is not { } view || view.Request.ApplicantId != person.Id) continue;
            list.Add(new Request(summary.Id, summary.Program, summary.Reference, summary.State.ToString(), view.Request.CreatedAt,
                summary.SubmittedAt, view.Answers, [.. view.History.Select(e => new Entry(e.At, e.ActorId == person.Id, e.Kind.ToString(), e.From?.ToString(), e.To?.ToString(), e.Text, e.Amount, e.Day))]));
        }
        return list.Count == 0 ? null : list;
    }

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        // Never sent (drafts, and drafts withdrawn to discard them): nobody else has them. The keys are destroyed now, before
        // the deletion commits: if it then fails, the drafts are unreadable — the deletion's rule of erring toward deletion.
        // An organization's draft is the organization's: it stays with its admins and focal points.
        var drafts = await db.GrantRequests.Where(r => r.ApplicantId == person.Id && r.SubmittedAt == null && r.OrganizationId == null).ToListAsync(ct);
        foreach (var draft in drafts) await cipher.DestroyAsync(db, draft.DataKeyId, ct);
        db.GrantRequests.RemoveRange(drafts);
    }
}

/// <summary>
/// Requests someone asked on the person's behalf: what was written about them and whether they let the grantmaker see
/// their name. Deleting the account unlinks them (the request stays the asker's and the grantmaker's, unnamed).
/// </summary>
public sealed class GrantBehalfPersonalData(GrantRequests requests) : IPersonalData
{
    public sealed record OnMyBehalf(Guid Id, string Program, string Grantmaker, string? Reference, string State, string Need, bool Named);

    public string Section => "grantRequestsOnMyBehalf";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var list = new List<OnMyBehalf>();
        foreach (var summary in await requests.OnMyBehalfAsync(person.Id, ct))
            if (await requests.BehalfAsync(person.Id, summary.Id, ct) is { } view)
                list.Add(new OnMyBehalf(summary.Id, view.Program, view.Grantmaker, summary.Reference, summary.State.ToString(), view.Answers.Need, view.Named));
        return list.Count == 0 ? null : list;
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
