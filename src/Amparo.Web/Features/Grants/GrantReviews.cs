using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>What a reviewer writes: which part they reviewed, their verdict, a score per rubric criterion (content only), a note.</summary>
public sealed record ReviewInput(ReviewAspect Aspect, ReviewVerdict Verdict, IReadOnlyList<int?> Scores, string? Note);

/// <summary>
/// The grantmaker's side of a request before its decision (issue 14): each member of the program's staff declares
/// whether they have a conflict of interest with the applicant before they act on the request; content and budget are
/// reviewed separately — content by a reviewer or the program officer against the program's rubric, the budget by
/// finance or the program officer — and either review may send the request back for rework. Someone who may not see
/// the request gets "not found", as everywhere in <see cref="GrantRequests"/>.
/// </summary>
public sealed class GrantReviews(AmparoDbContext db, GrantRequests requests, FieldCipher cipher, TimeProvider clock, AuditLog audit)
{
    internal const string NoteColumn = "Note", ScoresColumn = "Scores";

    /// <summary>
    /// The viewer declares, for this request, that they have no conflict of interest with its applicant (they may then
    /// act on it), or that they have one: they step aside, and the request — and a plan summary shared with it — is
    /// closed to them from then on. A conflict stands; saying "no conflict" again is harmless.
    /// </summary>
    public async Task<RequestWrite> DeclareAsync(Guid viewer, Guid requestId, bool conflict, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await requests.SideAsync(viewer, request, ct) is not { } side || side == RequestSide.Applicant)
            return new(RequestWriteStatus.NotFound);
        var declaration = await db.GrantRequestDeclarations.SingleOrDefaultAsync(d => d.RequestId == requestId && d.UserId == viewer, ct);
        if (declaration is not null && !conflict) return new(RequestWriteStatus.Done, requestId);
        var now = clock.GetUtcNow().UtcDateTime;
        if (declaration is null)
            db.GrantRequestDeclarations.Add(new GrantRequestDeclaration { RequestId = requestId, UserId = viewer, HasConflict = conflict, At = now });
        else (declaration.HasConflict, declaration.At) = (true, now);
        if (conflict && request.PlanShareId is { } share)
            db.AccessGrantAssignees.RemoveRange(await db.AccessGrantAssignees.Where(a => a.GrantId == share && a.UserId == viewer).ToListAsync(ct));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Declared at the same moment in another tab: the first one stands.
            db.ChangeTracker.Clear();
            return new(RequestWriteStatus.Conflict, requestId);
        }
        var organization = await db.GrantPrograms.Where(p => p.Id == request.ProgramId).Select(p => p.OrganizationId).SingleAsync(ct);
        await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, requestId, organization, conflict ? "declared-conflict" : "declared-no-conflict", ct);
        return new(RequestWriteStatus.Done, requestId);
    }

    /// <summary>
    /// A content or budget review of a request in review. A content review of a program with a rubric scores every
    /// criterion from 1 to 5 when it finds the request sound (scores are optional when it asks for rework); a budget
    /// review has no scores. Asking for rework needs the reason, which the applicant reads, and moves the request back to
    /// them in the same commit as the review.
    /// </summary>
    public async Task<RequestWrite> ReviewAsync(Guid viewer, Guid requestId, ReviewInput input, int? version, CancellationToken ct = default)
    {
        // Tracked: the review bumps the request's version, so a review and a decision racing each other do not both land.
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await requests.SideAsync(viewer, request, ct) is not { } side || side == RequestSide.Applicant)
            return new(RequestWriteStatus.NotFound);
        if (request.PurgedAt is not null) return new(RequestWriteStatus.Refused, requestId);
        var roles = await requests.RolesOn(viewer, request.ProgramId).ToListAsync(ct);
        if (!Enum.IsDefined(input.Aspect) || !RequestRules.MayReview(roles, input.Aspect) || request.State != RequestState.InReview)
            return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        if (!await requests.DeclaredAsync(viewer, requestId, ct)) return GrantRequests.DeclareFirst(requestId);

        var program = await db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, ct);
        var criteria = input.Aspect == ReviewAspect.Content ? GrantRules.Criteria(program.Rubric) : [];
        var note = input.Note?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Enum.IsDefined(input.Verdict)) errors["Verdict"] = "Grants.Review.Error.Verdict";
        if (note.Length > RequestRules.NoteMax) errors["Note"] = "Grants.Request.Error.NoteLength";
        else if (input.Verdict == ReviewVerdict.NeedsRework && note.Length == 0) errors["Note"] = "Grants.Request.Error.Reason";
        var given = input.Scores.Take(criteria.Count).ToList();
        var scored = given.Count(s => s is not null);
        // Scores for criteria the program does not have, or some criteria scored and others not.
        if (input.Scores.Skip(criteria.Count).Any(s => s is not null)) errors["Scores"] = "Grants.Review.Error.Scores";
        for (var i = 0; i < given.Count; i++)
            if (given[i] is { } score && score is < GrantRules.ScoreMin or > GrantRules.ScoreMax) errors[$"Scores[{i}]"] = "Grants.Review.Error.Score";
        var complete = scored == criteria.Count;
        if ((input.Verdict == ReviewVerdict.Sound && !complete) || (scored > 0 && !complete))
            for (var i = 0; i < criteria.Count; i++)
                if (i >= given.Count || given[i] is null) errors.TryAdd($"Scores[{i}]", "Grants.Review.Error.Score");
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);

        // After the request's last entry and its last review: reviews read in the order they were written.
        var at = await requests.NextAtAsync(requestId, ct);
        if (await db.GrantRequestReviews.Where(r => r.RequestId == requestId).MaxAsync(r => (DateTime?)r.At, ct) is { } last && last >= at)
            at = last.AddTicks(TimeSpan.TicksPerMicrosecond);
        var review = new GrantRequestReview
        {
            Id = Guid.NewGuid(), RequestId = requestId, ReviewerId = viewer, Aspect = input.Aspect, Verdict = input.Verdict, At = at,
        };
        if (note.Length > 0) review.NoteCipher = await cipher.EncryptAsync(db, request.DataKeyId, note, GrantRequestReview.Table, NoteColumn, review.Id, ct);
        if (scored > 0)
        {
            var scores = JsonSerializer.Serialize(criteria.Select((c, i) => new RubricScore(c, given[i]!.Value)).ToList());
            review.ScoresCipher = await cipher.EncryptAsync(db, request.DataKeyId, scores, GrantRequestReview.Table, ScoresColumn, review.Id, ct);
        }
        db.GrantRequestReviews.Add(review);
        if (input.Verdict == ReviewVerdict.NeedsRework)
        {
            // The move writes the review with it (one SaveChanges), or neither is written.
            var moved = await requests.MoveAsync(viewer, requestId, RequestState.Rework, note, null, version, ct: ct);
            if (moved.Status != RequestWriteStatus.Done)
            {
                db.ChangeTracker.Clear();
                return moved;
            }
        }
        else
        {
            request.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // decided or changed meanwhile: the review is not written
                return new(RequestWriteStatus.Conflict, requestId);
            }
        }
        await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, requestId, program.OrganizationId, "reviewed-" + PlanWire.Word(input.Aspect), ct);
        return new(RequestWriteStatus.Done, requestId);
    }
}
