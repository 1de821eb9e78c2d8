using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Features.Grants;

public sealed record ProgramSummary(Guid Id, string Name, ProgramKind Kind, ProgramStatus Status, Guid OrganizationId, string Organization, bool CanEdit, IReadOnlyList<ProgramRole> MyRoles);

public sealed record AssignmentView(Guid UserId, string Name, ProgramRole Role, DateTime AssignedAt);

/// <summary>
/// A program as the viewer may see it: its text for anyone signed in while it takes requests; its staff for the
/// grantmaker's admins and the program's assigned staff; the organization's members (to assign) for its admins only.
/// </summary>
public sealed record ProgramView(GrantProgram Program, string Organization, bool CanEdit, bool IsStaff, IReadOnlyList<AssignmentView> Assignments, IReadOnlyList<(Guid Id, string Name)> Members);

public enum ProgramWriteStatus { Done = 1, Invalid = 2, NotFound = 3 }

public sealed record ProgramWrite(ProgramWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null);

public enum AssignmentResult { Done = 1, NotFound = 2, NotAMember = 3 }

/// <summary>
/// Grantmakers' programs and who works on them (issue 14, first part). Deny by default: only an admin of a grantmaker
/// organization creates and changes its programs and assigns its members to them; a program that takes requests is
/// readable by anyone signed in (applicants); a closed one only by its organization's admins and the program's staff.
/// Anything else is "not found", as for a program that does not exist.
/// </summary>
public sealed class GrantPrograms(AmparoDbContext db, CountryOutlines countries, TimeProvider clock, AuditLog audit)
{
    /// <summary>The grantmaker organizations whose admins the viewer is one of: where they may create programs.</summary>
    public Task<List<(Guid Id, string Name)>> GrantmakersAsync(Guid viewer, CancellationToken ct = default) =>
        (from o in Grantmakers.AdministeredBy(db, viewer) orderby o.Name select new ValueTuple<Guid, string>(o.Id, o.Name)).ToListAsync(ct);


    /// <summary>The programs the viewer is assigned to while still a member of the program's organization (leaving it ends the role).</summary>
    private IQueryable<Guid> Assigned(Guid viewer) => ProgramStaff.CurrentAssignments(db, viewer).Select(a => a.ProgramId);

    /// <summary>Programs the viewer runs: those of grantmakers they administer and those they are assigned to.</summary>
    public async Task<List<ProgramSummary>> ManagedAsync(Guid viewer, CancellationToken ct = default)
    {
        var administered = Grantmakers.AdministeredBy(db, viewer).Select(o => o.Id);
        var rows = await (
            from p in db.GrantPrograms.AsNoTracking()
            where administered.Contains(p.OrganizationId) || Assigned(viewer).Contains(p.Id)
            join o in db.Organizations on p.OrganizationId equals o.Id
            orderby o.Name, p.Name
            select new { p.Id, p.Name, p.Kind, p.Status, p.OrganizationId, Organization = o.Name, CanEdit = administered.Contains(p.OrganizationId) }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var roles = (await db.ProgramAssignments.AsNoTracking().Where(a => a.UserId == viewer && ids.Contains(a.ProgramId)).ToListAsync(ct))
            .ToLookup(a => a.ProgramId, a => a.Role);
        return [.. rows.Select(r => new ProgramSummary(r.Id, r.Name, r.Kind, r.Status, r.OrganizationId, r.Organization, r.CanEdit, [.. roles[r.Id].Order()]))];
    }

    /// <summary>Every program that takes requests (open or rolling), for anyone signed in.</summary>
    public async Task<List<ProgramSummary>> OpenAsync(CancellationToken ct = default) =>
        [.. (await (
            from p in db.GrantPrograms.AsNoTracking()
            where p.Status != ProgramStatus.Closed
            join o in db.Organizations on p.OrganizationId equals o.Id
            orderby o.Name, p.Name
            select new { p.Id, p.Name, p.Kind, p.Status, p.OrganizationId, Organization = o.Name }).ToListAsync(ct))
            .Select(r => new ProgramSummary(r.Id, r.Name, r.Kind, r.Status, r.OrganizationId, r.Organization, false, []))];

    /// <summary>One program as the viewer may see it, or null (404).</summary>
    public async Task<ProgramView?> GetAsync(Guid viewer, Guid programId, CancellationToken ct = default)
    {
        var program = await db.GrantPrograms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null) return null;
        var canEdit = await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == program.OrganizationId, ct);
        var isStaff = canEdit || await Assigned(viewer).AnyAsync(id => id == programId, ct);
        if (!isStaff && program.Status == ProgramStatus.Closed) return null;
        var organization = await db.Organizations.Where(o => o.Id == program.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        List<AssignmentView> assignments = !isStaff ? [] : [.. await (
            from a in db.ProgramAssignments.AsNoTracking()
            where a.ProgramId == programId && db.Memberships.Any(m => m.OrganizationId == program.OrganizationId && m.UserId == a.UserId)
            join u in db.Users on a.UserId equals u.Id
            orderby u.DisplayName, a.Role
            select new AssignmentView(a.UserId, u.DisplayName, a.Role, a.AssignedAt)).ToListAsync(ct)];
        List<(Guid, string)> members = !canEdit ? [] : [.. (await (
            from m in db.Memberships
            where m.OrganizationId == program.OrganizationId
            join u in db.Users on m.UserId equals u.Id
            orderby u.DisplayName
            select new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName))];
        return new ProgramView(program, organization, canEdit, isStaff, assignments, members);
    }

    /// <summary>An admin of a grantmaker creates one of its programs; NotFound for anyone else or another kind of organization.</summary>
    public async Task<ProgramWrite> CreateAsync(Guid viewer, Guid organizationId, ProgramInput input, CancellationToken ct = default)
    {
        if (!await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == organizationId, ct)) return new(ProgramWriteStatus.NotFound);
        var errors = GrantRules.Check(input, countries.Countries.ContainsKey);
        await CheckSmsWordAsync(input, null, errors, ct);
        if (errors.Count > 0) return new(ProgramWriteStatus.Invalid, null, errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var program = new GrantProgram { Id = Guid.NewGuid(), OrganizationId = organizationId, CreatedAt = now };
        Apply(program, input, now);
        db.GrantPrograms.Add(program);
        if (await SmsWordTakenAsync(program, ct) is { } taken) return taken;
        await audit.WriteAsync(AuditEvents.GrantProgramChanged, viewer, program.Id, organizationId, "created", ct);
        return new(ProgramWriteStatus.Done, program.Id);
    }

    /// <summary>An admin of the program's grantmaker changes it; NotFound for anyone else (its staff included).</summary>
    public async Task<ProgramWrite> UpdateAsync(Guid viewer, Guid programId, ProgramInput input, CancellationToken ct = default)
    {
        var program = await db.GrantPrograms.SingleOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null || !await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == program.OrganizationId, ct)) return new(ProgramWriteStatus.NotFound);
        var errors = GrantRules.Check(input, countries.Countries.ContainsKey);
        await CheckSmsWordAsync(input, programId, errors, ct);
        if (errors.Count > 0) return new(ProgramWriteStatus.Invalid, programId, errors);
        Apply(program, input, clock.GetUtcNow().UtcDateTime);
        if (await SmsWordTakenAsync(program, ct) is { } taken) return taken;
        await audit.WriteAsync(AuditEvents.GrantProgramChanged, viewer, program.Id, program.OrganizationId, "updated", ct);
        return new(ProgramWriteStatus.Done, program.Id);
    }

    /// <summary>Saves; two admins giving the same SMS word at once: the second is told it is taken, and nothing is saved.</summary>
    private async Task<ProgramWrite?> SmsWordTakenAsync(GrantProgram program, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException) when (program.SmsWord is not null)
        {
            db.ChangeTracker.Clear();
            var word = program.SmsWord;
            if (!await db.GrantPrograms.AsNoTracking().AnyAsync(p => p.SmsWord == word && p.Id != program.Id, ct)) throw;
            return new(ProgramWriteStatus.Invalid, program.Id, new Dictionary<string, string> { ["SmsWord"] = "Grants.Error.SmsWordTaken" });
        }
    }

    /// <summary>An SMS word starts requests to one program only. (The unique index says it too, for two admins at once.)</summary>
    private async Task CheckSmsWordAsync(ProgramInput input, Guid? programId, Dictionary<string, string> errors, CancellationToken ct)
    {
        if (errors.ContainsKey("SmsWord") || GrantRules.SmsWord(input.SmsWord) is not { } word) return;
        if (await db.GrantPrograms.AnyAsync(p => p.SmsWord == word && p.Id != programId, ct)) errors["SmsWord"] = "Grants.Error.SmsWordTaken";
    }

    private static void Apply(GrantProgram program, ProgramInput input, DateTime now)
    {
        program.Name = input.Name!.Trim();
        program.Kind = input.Kind!.Value;
        program.Description = input.Description!.Trim();
        program.Eligibility = input.Eligibility!.Trim();
        program.Currency = input.Currency!.Trim();
        program.Ceiling = input.Ceiling;
        program.Categories = input.Categories.Aggregate(CostCategories.None, (all, c) => all | c);
        program.Languages = string.Join(' ', input.Languages.Distinct());
        program.Regions = string.Join(' ', GrantRules.RegionCodes(input.Regions)!);
        program.Status = input.Status!.Value;
        program.ResponseHours = input.ResponseHours;
        // No rubric or questions given (an API client that predates them): the program keeps its own. The form always gives both.
        if (input.Rubric is not null) program.Rubric = string.Join('\n', GrantRules.Criteria(input.Rubric));
        if (input.SmsWord is not null) program.SmsWord = GrantRules.SmsWord(input.SmsWord);
        if (input.PurgeAfterMonths is { } months) program.PurgeAfterMonths = months;
        if (input.Kept is { } kept) program.Kept = kept;
        if (input.RestrictedYears is { } years) program.RestrictedYears = years;
        if (input.Questions is not null)
        {
            // A question asked again as another kind is a new question: answers of the old kind must not pass for it.
            var before = ProgramQuestions.Read(program.Questions).ToDictionary(q => q.Id, q => q.Kind, StringComparer.Ordinal);
            program.Questions = ProgramQuestions.Write(ProgramQuestions.Clean(input.Questions.Select(q =>
                before.TryGetValue(q.Id, out var kind) && kind != q.Kind ? q with { Id = "" } : q)));
        }
        program.UpdatedAt = now;
    }

    /// <summary>
    /// An admin of the program's grantmaker gives a member of that organization a role for the program, or takes it
    /// back (<paramref name="on"/> false). Someone who is not a member cannot be assigned; anyone but an admin: NotFound.
    /// </summary>
    public async Task<AssignmentResult> AssignAsync(Guid viewer, Guid programId, Guid userId, ProgramRole role, bool on, CancellationToken ct = default)
    {
        var program = await db.GrantPrograms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null || !Enum.IsDefined(role) || !await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == program.OrganizationId, ct)) return AssignmentResult.NotFound;
        var existing = await db.ProgramAssignments.SingleOrDefaultAsync(a => a.ProgramId == programId && a.UserId == userId && a.Role == role, ct);
        if (on)
        {
            if (!await db.Memberships.AnyAsync(m => m.OrganizationId == program.OrganizationId && m.UserId == userId, ct)) return AssignmentResult.NotAMember;
            if (existing is not null) return AssignmentResult.Done;
            db.ProgramAssignments.Add(new ProgramAssignment { ProgramId = programId, UserId = userId, Role = role, AssignedAt = clock.GetUtcNow().UtcDateTime });
        }
        else
        {
            if (existing is null) return AssignmentResult.Done;
            db.ProgramAssignments.Remove(existing);
            // Their last role on the program: they stop being a reader of the plan summaries its applicants shared
            // (GrantRequests.SharePlanAsync made the program's staff their readers), in the same commit.
            if (!await db.ProgramAssignments.AnyAsync(a => a.ProgramId == programId && a.UserId == userId && a.Role != role, ct))
            {
                var shared = db.GrantRequests.Where(r => r.ProgramId == programId && r.PlanShareId != null).Select(r => r.PlanShareId!.Value);
                db.AccessGrantAssignees.RemoveRange(await db.AccessGrantAssignees.Where(a => a.UserId == userId && shared.Contains(a.GrantId)).ToListAsync(ct));
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (on)
        {
            db.ChangeTracker.Clear(); // the same assignment made twice at once: it is there, as asked
        }
        await audit.WriteAsync(AuditEvents.GrantAssignmentChanged, viewer, userId, program.OrganizationId, $"{programId:N}:{role}:{(on ? "on" : "off")}", ct);
        return AssignmentResult.Done;
    }
}
