using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>One saved assessment with its profile, and how each area moved since the one before (null for the first).</summary>
public sealed record AssessmentResult(Guid Id, DateTime TakenAt, IReadOnlyList<PracticeAnswer> Answers, IReadOnlyList<AreaResult> Profile, IReadOnlyList<int>? ChangeSincePrevious);

public sealed record AssessmentHistory(Guid OrganizationId, string Name, bool MayAnswer, IReadOnlyList<AssessmentResult> Assessments);

/// <summary>
/// The organizational well-being assessment. Opened by whoever may see the organization's well-being
/// (<see cref="TeamService.ViewableOrganizations"/>); answered only by its admins and focal points. The answers are
/// encrypted with the organization's data key, so deleting the organization leaves them unreadable, and its rows go with it.
/// </summary>
public sealed class AssessmentService(AmparoDbContext db, FieldCipher cipher, TeamService team)
{
    public async Task<bool> MayAnswerAsync(Guid viewer, Guid organizationId, CancellationToken ct = default) =>
        await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == viewer
            && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint), ct);

    /// <summary>The organization's assessments, newest first, or null when the viewer may not see them (404).</summary>
    public async Task<AssessmentHistory?> HistoryAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (await team.ViewableNameAsync(viewer, organizationId, ct) is not { } name) return null;
        var key = await OrganizationKeys.KeyIdAsync(db, organizationId, ct);
        var rows = await db.OrganizationAssessments.AsNoTracking().Where(a => a.OrganizationId == organizationId)
            .OrderBy(a => a.TakenAt).ToListAsync(ct);
        var results = new List<AssessmentResult>();
        IReadOnlyList<AreaResult>? previous = null;
        foreach (var row in rows)
        {
            var text = await cipher.DecryptAsync(db, key, row.AnswersCipher, OrganizationAssessment.Table, nameof(OrganizationAssessment.AnswersCipher), row.Id, ct);
            if (AssessmentQuestions.Decode(text) is not { } answers) continue;
            var profile = AssessmentQuestions.Profile(answers);
            results.Add(new AssessmentResult(row.Id, row.TakenAt, answers, profile,
                previous is null ? null : [.. profile.Select((r, i) => r.Score - previous[i].Score)]));
            previous = profile;
        }
        results.Reverse();
        return new AssessmentHistory(organizationId, name, await MayAnswerAsync(viewer, organizationId, ct), results);
    }

    /// <summary>Saves a new assessment; null when the viewer is not an admin or focal point of the organization (404).</summary>
    public async Task<Guid?> SaveAsync(Guid viewer, Guid organizationId, IReadOnlyList<PracticeAnswer> answers, DateTime now, CancellationToken ct = default)
    {
        if (!await MayAnswerAsync(viewer, organizationId, ct)) return null;
        var key = await OrganizationKeys.KeyIdAsync(db, organizationId, ct);
        var row = new OrganizationAssessment { Id = Guid.NewGuid(), OrganizationId = organizationId, TakenAt = now, TakenById = viewer };
        row.AnswersCipher = await cipher.EncryptAsync(db, key, AssessmentQuestions.Encode(answers), OrganizationAssessment.Table, nameof(OrganizationAssessment.AnswersCipher), row.Id, ct);
        db.OrganizationAssessments.Add(row);
        await db.SaveChangesAsync(ct);
        return row.Id;
    }
}
