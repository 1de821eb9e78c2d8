using System.Globalization;
using Amparo.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// After the decision (issue 15): tranches recorded by finance, the report asked for by a day and sent by the applicant.
/// Closing the grant is a move with a note (<see cref="MoveAsync"/>). The same rules as before the decision: the request
/// is 404 to anyone outside it, the grantmaker's side acts only once declared, a stale version is refused, and each
/// step writes its history entry, its encrypted words and the request's new state in one commit.
/// </summary>
public sealed partial class GrantRequests
{
    /// <summary>
    /// Finance (or the program officer) records a tranche paid: how much and on which day, with an optional note. The
    /// first moves an approved grant to disbursed; together they may not pass the amount approved.
    /// </summary>
    public async Task<RequestWrite> RecordTrancheAsync(Guid viewer, Guid requestId, decimal amount, DateOnly paidOn, string? note, int? version, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        // By role, not by the strongest side: someone both reviewer and finance on a small fund records tranches too.
        if (side == RequestSide.Applicant || request.PurgedAt is not null || !RequestRules.TakesTranches(request.State) || !await RecordsTranchesAsync(viewer, request.ProgramId, ct))
            return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        if (!await DeclaredAsync(viewer, requestId, ct)) return DeclareFirst(requestId);
        var text = note?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var approved = await ApprovedAmountAsync(request, ct);
        var paid = await TranchesTotalAsync(request, ct);
        if (amount <= 0 || decimal.Round(amount, 2) != amount || amount > GrantRules.MaxCeiling) errors["TrancheAmount"] = "Grants.Tranche.Error.Amount";
        else if (paid + amount > approved) errors["TrancheAmount"] = "Grants.Tranche.Error.OverApproved";
        // A day between the decision and tomorrow (the officer's today may be the server's tomorrow).
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (paidOn > today.AddDays(1) || paidOn < DateOnly.FromDateTime(request.DecidedAt ?? request.UpdatedAt).AddDays(-1)) errors["PaidOn"] = "Grants.Tranche.Error.Day";
        if (text.Length > RequestRules.NoteMax) errors["TrancheNote"] = "Grants.Request.Error.NoteLength";
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);

        var now = await NextAtAsync(requestId, ct);
        var entry = new GrantRequestEntry { Id = Guid.NewGuid(), RequestId = requestId, At = now, ActorId = viewer, Kind = RequestEntryKind.Tranche, Day = paidOn };
        entry.AmountCipher = await cipher.EncryptAsync(db, request.DataKeyId, amount.ToString(CultureInfo.InvariantCulture), GrantRequestEntry.Table, AmountColumn, entry.Id, ct);
        if (text.Length > 0) entry.TextCipher = await cipher.EncryptAsync(db, request.DataKeyId, text, GrantRequestEntry.Table, TextColumn, entry.Id, ct);
        if (request.State == RequestState.Approved)
        {
            (entry.From, entry.To) = (RequestState.Approved, RequestState.Disbursed);
            request.State = RequestState.Disbursed;
        }
        db.GrantRequestEntries.Add(entry);
        return await WrittenAsync(viewer, request, now, "tranche", ct);
    }

    /// <summary>
    /// The program officer asks for the report by a day (from a disbursed grant, or again after one was received, then
    /// saying what is missing). The applicant is reminded before the day and after it (<see cref="GrantReportReminders"/>).
    /// </summary>
    public async Task<RequestWrite> AskForReportAsync(Guid viewer, Guid requestId, DateOnly? dueOn, string? note, int? version, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        if (!RequestRules.CanMove(side, request.State, RequestState.ReportDue) || request.PurgedAt is not null) return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        if (!await DeclaredAsync(viewer, requestId, ct)) return DeclareFirst(requestId);
        var text = note?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;
        // From a day that is still today somewhere (the officer's own today, wherever they are).
        var earliest = GrantReportReminders.EarliestToday(now);
        if (dueOn is not { } due || due < earliest || due > earliest.AddDays(RequestRules.ReportDueMaxDays)) errors["DueOn"] = "Grants.Report.Error.DueOn";
        if (text.Length > RequestRules.NoteMax) errors["Note"] = "Grants.Request.Error.NoteLength";
        else if (RequestRules.NeedsReason(request.State, RequestState.ReportDue) && text.Length == 0) errors["Note"] = "Grants.Report.Error.Reason";
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);

        var at = await NextAtAsync(requestId, ct);
        var entry = new GrantRequestEntry
        {
            Id = Guid.NewGuid(), RequestId = requestId, At = at, ActorId = viewer, Kind = RequestEntryKind.Moved,
            From = request.State, To = RequestState.ReportDue, Day = dueOn,
        };
        if (text.Length > 0) entry.TextCipher = await cipher.EncryptAsync(db, request.DataKeyId, text, GrantRequestEntry.Table, TextColumn, entry.Id, ct);
        db.GrantRequestEntries.Add(entry);
        request.State = RequestState.ReportDue;
        request.ReportDueOn = dueOn;
        // The applicant's side hears of it now, in the same commit; the reminders before and after the day follow, for
        // this call only (an earlier call's are done). Asked with a week or less to go, this notice is the "soon" one too.
        db.GrantReportReminders.RemoveRange(await db.GrantReportReminders.Where(x => x.RequestId == requestId).ToListAsync(ct));
        foreach (var stage in new[] { ReportStage.Asked, GrantReportReminders.StageOn(dueOn!.Value, now) ?? ReportStage.Asked }.Distinct())
            db.GrantReportReminders.Add(new GrantReportReminder { RequestId = requestId, Stage = stage, DueOn = dueOn.Value, SentAt = now });
        var ask = await GrantReportReminders.AskNumberAsync(db, requestId, ct) + 1;
        foreach (var person in await GrantReportReminders.ApplicantSideAsync(db, request, ct))
            await notifier.EnqueueAsync(db, GrantReportReminders.Message(texts, person, request, ReportStage.Asked, ask), ct);
        var written = await WrittenAsync(viewer, request, at, "report-asked", ct);
        if (written.Status == RequestWriteStatus.Done) signal.WakeDispatcher();
        return written;
    }

    /// <summary>
    /// The applicant sends the report asked for: what was done with the grant, in their words, and a file if they have
    /// one (kept like incident evidence: a photo without its metadata; encrypted with the request's key).
    /// </summary>
    public async Task<RequestWrite> SendReportAsync(Guid viewer, Guid requestId, string? report, QuestionFile? file, int? version, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        if (!RequestRules.CanMove(side, request.State, RequestState.ReportReceived) || request.PurgedAt is not null) return new(RequestWriteStatus.Refused, requestId);
        if (version is { } v && v != request.Version) return new(RequestWriteStatus.Conflict, requestId);
        var text = report?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length is 0 or > RequestRules.TextMax || Infrastructure.Validation.IsUnacceptableText(text, RequestRules.TextMax)) errors["Report"] = "Grants.Report.Error.Text";
        var now = await NextAtAsync(requestId, ct);
        var entry = new GrantRequestEntry
        {
            Id = Guid.NewGuid(), RequestId = requestId, At = now, ActorId = viewer, Kind = RequestEntryKind.Report,
            From = RequestState.ReportDue, To = RequestState.ReportReceived,
        };
        if (file is { Bytes.Length: > 0 })
        {
            var (cleaned, refusal) = Incidents.Evidence.Clean(file.Bytes);
            if (cleaned is null) errors["ReportFile"] = "Grants.Request.Error.File." + refusal;
            else
            {
                var row = await SealedFileAsync(request, file with { QuestionId = GrantRequestFile.ReportQuestion }, cleaned, "report", now, ct);
                db.GrantRequestFiles.Add(row);
                entry.FileId = row.Id;
            }
        }
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear(); // nothing of this report is written, its file included
            return new(RequestWriteStatus.Invalid, requestId, errors);
        }
        entry.TextCipher = await cipher.EncryptAsync(db, request.DataKeyId, text, GrantRequestEntry.Table, TextColumn, entry.Id, ct);
        db.GrantRequestEntries.Add(entry);
        request.State = RequestState.ReportReceived;
        // The program's officers hear of it in the same commit (the program's page lists it too).
        foreach (var message in await GrantReportReminders.ReportArrivedAsync(db, texts, request, entry.Id, ct))
            await notifier.EnqueueAsync(db, message, ct);
        var written = await WrittenAsync(viewer, request, now, "report-sent", ct);
        if (written.Status == RequestWriteStatus.Done) signal.WakeDispatcher();
        return written;
    }

    /// <summary>Whether the viewer records tranches on the program: finance or the program officer, whatever their other roles.</summary>
    internal Task<bool> RecordsTranchesAsync(Guid viewer, Guid programId, CancellationToken ct) =>
        RolesOn(viewer, programId).AnyAsync(r => r == ProgramRole.Finance || r == ProgramRole.ProgramOfficer, ct);

    /// <summary>The amount of the approval (encrypted in its history entry); 0 when there is none.</summary>
    /// <summary>
    /// The program officer chooses how much of an approved grant its grantmaker's public reports show (<see cref="GrantExport"/>):
    /// the organization's name only for an organization's request, a description of at most 500 characters.
    /// </summary>
    public async Task<RequestWrite> SetPublicationAsync(Guid viewer, Guid requestId, PublicationInput input, CancellationToken ct = default)
    {
        var request = await db.GrantRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || await SideAsync(viewer, request, ct) is not { } side) return new(RequestWriteStatus.NotFound);
        if (side != RequestSide.Officer || request.DecidedAt is null || request.State is RequestState.Declined or RequestState.Withdrawn)
            return new(RequestWriteStatus.Refused, requestId);
        var description = input.Description?.Trim() ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Enum.IsDefined(input.Recipient) || (input.Recipient == PublicRecipient.Organization && request.OrganizationId is null))
            errors["PublicRecipient"] = "Grants.Publication.Error.Recipient";
        if (!Enum.IsDefined(input.Location)) errors["PublicLocation"] = "Grants.Publication.Error.Location";
        if (description.Length > PublicationInput.DescriptionMax) errors["PublicDescription"] = "Grants.Publication.Error.Description";
        if (errors.Count > 0) return new(RequestWriteStatus.Invalid, requestId, errors);
        (request.PublicRecipient, request.PublicLocation, request.PublicDescription, request.PublicExcluded) =
            (input.Recipient, input.Location, description.Length == 0 ? null : description, input.Excluded);
        request.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return new(RequestWriteStatus.Done, requestId);
    }

    internal async Task<decimal> ApprovedAmountAsync(GrantRequest request, CancellationToken ct)
    {
        var approval = await db.GrantRequestEntries.AsNoTracking()
            .Where(e => e.RequestId == request.Id && e.Kind == RequestEntryKind.Moved && e.To == RequestState.Approved)
            .OrderByDescending(e => e.At).FirstOrDefaultAsync(ct);
        return approval is null ? 0 : await AmountAsync(request, approval, ct);
    }

    private async Task<decimal> TranchesTotalAsync(GrantRequest request, CancellationToken ct)
    {
        var total = 0m;
        foreach (var tranche in await db.GrantRequestEntries.AsNoTracking().Where(e => e.RequestId == request.Id && e.Kind == RequestEntryKind.Tranche).ToListAsync(ct))
            total += await AmountAsync(request, tranche, ct);
        return total;
    }

    private async Task<decimal> AmountAsync(GrantRequest request, GrantRequestEntry entry, CancellationToken ct) =>
        await cipher.DecryptAsync(db, request.DataKeyId, entry.AmountCipher, GrantRequestEntry.Table, AmountColumn, entry.Id, ct) is { } amount
            ? decimal.Parse(amount, CultureInfo.InvariantCulture) : 0;

    /// <summary>Saves a follow-up step (the request's version guards against a second officer at once) and audits it.</summary>
    private async Task<RequestWrite> WrittenAsync(Guid viewer, GrantRequest request, DateTime now, string what, CancellationToken ct)
    {
        request.UpdatedAt = now;
        request.Version++;
        var written = await SaveChangesAsync(request, ct);
        if (written.Status == RequestWriteStatus.Done)
        {
            var grantmaker = await db.GrantPrograms.Where(p => p.Id == request.ProgramId).Select(p => p.OrganizationId).SingleAsync(ct);
            await audit.WriteAsync(AuditEvents.GrantRequestChanged, viewer, request.Id, grantmaker, what, ct);
        }
        return written;
    }
}
