using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>What a grantmaker's regulator may require of a grant: to whom, for what, and how it was chosen.</summary>
public sealed record RestrictedFacts(string Recipient, string Purpose, string Selection)
{
    public const int RecipientMax = 200, TextMax = 1000;
}

/// <summary>
/// A grant's restricted record (issue 15): kept apart from the case, encrypted with the <b>grantmaker's</b> key (not the
/// request's), so the request's purge leaves it; read and written by the program's finance staff only; deleted its
/// program's <see cref="GrantProgram.RestrictedYears"/> after the grant ended (<see cref="GrantPurge"/>).
/// </summary>
public sealed class GrantRestrictedRecord
{
    public Guid RequestId { get; set; }
    /// <summary>The <see cref="RestrictedFacts"/> as JSON, encrypted with the grantmaker organization's data key.</summary>
    public byte[] FactsCipher { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
    public Guid? UpdatedById { get; set; }

    public const string Table = "GrantRestrictedRecords";
}

public sealed class GrantRestrictedRecordConfiguration : IEntityTypeConfiguration<GrantRestrictedRecord>
{
    public void Configure(EntityTypeBuilder<GrantRestrictedRecord> builder)
    {
        builder.ToTable(GrantRestrictedRecord.Table);
        builder.HasKey(r => r.RequestId);
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.User>().WithMany().HasForeignKey(r => r.UpdatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>A restricted record as finance sees it: its facts (empty until written), when, and the day it will be deleted if the grant has ended.</summary>
public sealed record RestrictedView(RestrictedFacts Facts, DateTime? UpdatedAt, DateOnly? DeleteOn);

/// <summary>The restricted record of a grant, for the program's finance staff only (anyone else: null, 404).</summary>
public sealed class GrantRestrictedRecords(AmparoDbContext db, FieldCipher cipher, TimeProvider clock, AuditLog audit, GrantRequests requests)
{
    private const string FactsColumn = "Facts";

    /// <summary>The record of an approved grant, for a member of its finance staff who has not stepped aside; null for anyone else or before approval.</summary>
    public async Task<RestrictedView?> GetAsync(Guid viewer, Guid requestId, CancellationToken ct = default)
    {
        if (await OpenAsync(viewer, requestId, ct) is not { } open) return null;
        var row = await db.GrantRestrictedRecords.AsNoTracking().SingleOrDefaultAsync(r => r.RequestId == requestId, ct);
        var facts = row is null ? new RestrictedFacts("", "", "") : Read(await cipher.DecryptAsync(db, open.KeyId, row.FactsCipher, GrantRestrictedRecord.Table, FactsColumn, requestId, ct));
        return new RestrictedView(facts, row?.UpdatedAt, open.Request.EndedAt is { } ended ? DateOnly.FromDateTime(ended.AddYears(open.Years)) : null);
    }

    /// <summary>Writes the record (all three facts, each trimmed, the recipient required). NotFound for anyone but finance.</summary>
    public async Task<RequestWrite> SaveAsync(Guid viewer, Guid requestId, RestrictedFacts input, CancellationToken ct = default)
    {
        if (await OpenAsync(viewer, requestId, ct) is not { } open) return new(RequestWriteStatus.NotFound);
        var facts = new RestrictedFacts(input.Recipient.Trim(), input.Purpose.Trim(), input.Selection.Trim());
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (facts.Recipient.Length is 0 or > RestrictedFacts.RecipientMax) errors["Recipient"] = "Grants.Restricted.Error.Recipient";
        if (facts.Purpose.Length > RestrictedFacts.TextMax) errors["Purpose"] = "Grants.Restricted.Error.Length";
        if (facts.Selection.Length > RestrictedFacts.TextMax) errors["Selection"] = "Grants.Restricted.Error.Length";
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);
        var row = await db.GrantRestrictedRecords.SingleOrDefaultAsync(r => r.RequestId == requestId, ct)
            ?? db.GrantRestrictedRecords.Add(new GrantRestrictedRecord { RequestId = requestId }).Entity;
        row.FactsCipher = (await cipher.EncryptAsync(db, open.KeyId, JsonSerializer.Serialize(facts), GrantRestrictedRecord.Table, FactsColumn, requestId, ct))!;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedById = viewer;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.GrantRestrictedRecordChanged, viewer, requestId, open.OrganizationId, ct: ct);
        return new(RequestWriteStatus.Done, requestId);
    }

    private sealed record Open(GrantRequest Request, Guid KeyId, Guid OrganizationId, int Years);

    /// <summary>Finance on the request's program, not stepped aside, and the grant approved (or past it): the grantmaker's key to use.</summary>
    private async Task<Open?> OpenAsync(Guid viewer, Guid requestId, CancellationToken ct)
    {
        var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || request.DecidedAt is null || request.State is not (RequestState.Approved or RequestState.Disbursed or RequestState.ReportDue
                or RequestState.ReportReceived or RequestState.Closed)) return null;
        if (!await requests.RolesOn(viewer, request.ProgramId).AnyAsync(r => r == ProgramRole.Finance, ct)) return null;
        if (await SteppedAside.From(db, requestId).AnyAsync(u => u == viewer, ct)) return null;
        var program = await (from p in db.GrantPrograms where p.Id == request.ProgramId
                             join o in db.Organizations on p.OrganizationId equals o.Id
                             select new { o.Id, o.DataKeyId, p.RestrictedYears }).SingleAsync(ct);
        return new Open(request, program.DataKeyId, program.Id, program.RestrictedYears);
    }

    private static RestrictedFacts Read(string? json) =>
        json is null ? new RestrictedFacts("", "", "") : JsonSerializer.Deserialize<RestrictedFacts>(json) ?? new RestrictedFacts("", "", "");
}
