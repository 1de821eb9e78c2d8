using System.Globalization;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// Incident reports: writing one (to an organization, or as a personal record), listing and reading them through
/// <see cref="IncidentAccess"/>, and following them up (status, handler, notes). Texts are encrypted with the owner's key
/// (<see cref="KeyOfAsync"/>); a read by anyone but the reporter is audited.
/// </summary>
public sealed class IncidentService(AmparoDbContext db, FieldCipher cipher, TimeProvider clock, AuditLog audit, Gazetteer gazetteer, FactDispatcher facts)
{
    public const string ReportedEvent = "incident.reported";
    public const string StatusChangedEvent = "incident.status-changed";
    public const string LinkReportEvent = "incident.link-report", AcceptedEvent = "incident.accepted", DiscardedEvent = "incident.discarded";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Writes a report. To an organization: the reporter must be a member, and only its admins and focal points report for
    /// someone else; anyone else gets <see cref="IncidentWriteStatus.NotFound"/> (the organization is not theirs to see).
    /// </summary>
    public async Task<IncidentWrite> CreateAsync(Guid viewer, IncidentInput input, CancellationToken ct = default)
    {
        if (input.OrganizationId is { } org)
        {
            // Not to a grantmaker: a grantmaker never holds an incident record (only the hot-zone aggregates).
            var role = await (
                from m in db.Memberships
                where m.OrganizationId == org && m.UserId == viewer
                join o in db.Organizations on m.OrganizationId equals o.Id
                where o.Kind != OrganizationKind.Grantmaker
                select (OrgRole?)m.Role).SingleOrDefaultAsync(ct);
            if (role is null) return IncidentWrite.NotFound;
            if (!input.AboutMe && role == OrgRole.Member) return IncidentWrite.NotAllowed;
        }
        else if (!input.AboutMe) return IncidentWrite.NotAllowed; // a personal record is about its writer

        if (input.AlertId is { } alertId
            && (input.AboutMe || input.OrganizationId is not { } to || await AlertForReportAsync(viewer, alertId, ct) is not { } fromAlert || !fromAlert.Organizations.Contains(to)))
            return IncidentWrite.NotFound;
        var now = Now;
        var errors = IncidentRules.Check(input, DateOnly.FromDateTime(now), gazetteer);
        if (errors.Count > 0) return IncidentWrite.Invalid(errors);

        var incident = await NewIncidentAsync(input, viewer, link: null, contact: null, now, ct);
        db.Incidents.Add(incident);
        // Other modules hear of it after the commit (a plan review): recorded with the report, or not at all.
        var told = Published.Same(new IncidentReported(viewer, now, incident.Id, incident.OrganizationId, input.AboutMe));
        facts.Record(db, told);
        await db.SaveChangesAsync(ct);
        await facts.PublishAsync(told, ct);
        await audit.WriteAsync(ReportedEvent, viewer, incident.Id, incident.OrganizationId, "", ct);
        return IncidentWrite.Done(incident.Id);
    }

    /// <summary>
    /// A report as written, in the context (not saved): the point snapped to its cell (and kept encrypted only for an
    /// organization that chose to, until its day), the texts encrypted with the owner's key.
    /// </summary>
    private async Task<Incident> NewIncidentAsync(IncidentInput input, Guid? reporter, IncidentReportLink? link, string? contact, DateTime now, CancellationToken ct, bool keepPoint = true)
    {
        var cell = input.Latitude is { } lat && input.Longitude is { } lon ? CoarseCell.Snap(lat, lon) : null;
        var incident = new Incident
        {
            Id = Guid.NewGuid(),
            OrganizationId = input.OrganizationId,
            ReporterId = reporter,
            AboutReporter = input.AboutMe,
            OccurredOn = IncidentRules.StartOf(input.OccurredOn!.Value, input.Precision),
            Precision = input.Precision,
            Acts = input.Acts,
            PrimaryAct = input.PrimaryAct,
            Perpetrator = input.Perpetrator,
            Groups = input.Groups,
            Domains = input.Domains,
            AreaId = string.IsNullOrEmpty(input.AreaId) ? null : input.AreaId,
            CellLatitude = cell?.Latitude,
            CellLongitude = cell?.Longitude,
            AlertId = input.AlertId,
            LinkId = link?.Id,
            AwaitingReview = link is not null,
            Status = IncidentStatus.New,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var key = await KeyOfAsync(incident, ct);
        incident.NarrativeCipher = await cipher.EncryptAsync(db, key, IncidentRules.Clean(input.Narrative), Incident.Table, nameof(Incident.NarrativeCipher), incident.Id, ct);
        if (!input.AboutMe && input.NamedWithConsent)
            incident.ConcernedNameCipher = await cipher.EncryptAsync(db, key, IncidentRules.Clean(input.ConcernedName), Incident.Table, nameof(Incident.ConcernedNameCipher), incident.Id, ct);
        if (IncidentRules.Clean(contact) is { } reach)
            incident.ContactCipher = await cipher.EncryptAsync(db, key, reach, Incident.Table, nameof(Incident.ContactCipher), incident.Id, ct);
        if (keepPoint && cell is not null && input.OrganizationId is { } org
            && await db.IncidentSettings.Where(x => x.OrganizationId == org).Select(x => x.KeepPointDays).SingleOrDefaultAsync(ct) is > 0 and var days)
        {
            var point = string.Create(CultureInfo.InvariantCulture, $"{input.Latitude!.Value:R},{input.Longitude!.Value:R}");
            incident.PointCipher = await cipher.EncryptAsync(db, key, point, Incident.Table, nameof(Incident.PointCipher), incident.Id, ct);
            incident.PointKeptUntil = now.AddDays(Math.Min(days, IncidentSettings.MaxKeepPointDays));
        }
        return incident;
    }

    /// <summary>
    /// A report sent through an organization's link by someone without an account: about themself or someone they know,
    /// no name field (the narrative says what they choose), an optional way to reach them. It waits for the organization's
    /// review. A revoked or unknown link is NotFound; past <see cref="IncidentReportLink.MaxReportsPerHour"/> the link is
    /// busy (an "Link" error) and nothing is written.
    /// </summary>
    public async Task<IncidentWrite> SubmitThroughLinkAsync(string token, IncidentInput input, string? contact, CancellationToken ct = default)
    {
        if (await LinkAsync(token, ct) is not { } link) return IncidentWrite.NotFound;
        input = input with { OrganizationId = link.OrganizationId, AboutMe = true, ConcernedName = null, NamedWithConsent = false, AlertId = null };
        var now = Now;
        var errors = IncidentRules.Check(input, DateOnly.FromDateTime(now), gazetteer);
        if (Infrastructure.Validation.IsUnacceptableText(IncidentRules.Clean(contact), IncidentRules.MaxName)) errors["Contact"] = "Incidents.Error.Text";
        if (errors.Count > 0) return IncidentWrite.Invalid(errors);
        var hourAgo = now.AddHours(-1);
        if (await db.Incidents.CountAsync(i => i.LinkId == link.Id && i.CreatedAt > hourAgo, ct) >= IncidentReportLink.MaxReportsPerHour)
            return IncidentWrite.Invalid(new(StringComparer.Ordinal) { ["Link"] = "Incidents.Link.Busy" });
        var incident = await NewIncidentAsync(input, reporter: null, link, contact, now, ct);
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(LinkReportEvent, null, incident.Id, incident.OrganizationId, "link:" + link.Id.ToString("N"), ct);
        return IncidentWrite.Done(incident.Id);
    }

    /// <summary>
    /// An imported report, added to the context for <see cref="IncidentImport"/> to save with all the others in one
    /// transaction; checked by the caller. Its point, if any, is a cell already: none is kept.
    /// </summary>
    internal async Task AddImportedAsync(Guid viewer, IncidentInput input, IncidentStatus status, CancellationToken ct)
    {
        var incident = await NewIncidentAsync(input, reporter: null, link: null, contact: null, Now, ct, keepPoint: false);
        incident.Status = status;
        incident.ImportedById = viewer;
        db.Incidents.Add(incident);
    }

    /// <summary>
    /// The organizations among <paramref name="organizations"/> that keep reports' exact points, and for how many days: the
    /// report forms say so before anyone gives a point.
    /// </summary>
    public Task<Dictionary<Guid, int>> KeptPointDaysAsync(IReadOnlyCollection<Guid> organizations, CancellationToken ct = default) =>
        db.IncidentSettings.Where(s => organizations.Contains(s.OrganizationId) && s.KeepPointDays > 0).ToDictionaryAsync(s => s.OrganizationId, s => s.KeepPointDays, ct);

    /// <summary>The live link a token opens (not revoked, its organization not a grantmaker), or null.</summary>
    public async Task<IncidentReportLink?> LinkAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Tokens.Hash(token);
        return await (
            from l in db.IncidentReportLinks.AsNoTracking()
            where l.TokenHash == hash && l.RevokedAt == null
            join o in db.Organizations on l.OrganizationId equals o.Id
            where o.Kind != OrganizationKind.Grantmaker
            select l).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// The organization's staff accept a report sent through a link (it joins the others: follow-up, exports, network
    /// sharing, plan reviews) or discard it (deleted with its notes). Only a report still awaiting review; anyone but its
    /// staff: NotFound.
    /// </summary>
    public async Task<IncidentWrite> ReviewAsync(Guid viewer, Guid id, bool accept, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, tracked: true, ct: ct) is not { } found) return IncidentWrite.NotFound;
        var (incident, role) = found;
        if (role != IncidentRole.Staff || !incident.AwaitingReview) return IncidentWrite.NotAllowed;
        var now = Now;
        if (!accept)
        {
            db.Incidents.Remove(incident);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { return IncidentWrite.Conflict; }
            await audit.WriteAsync(DiscardedEvent, viewer, incident.Id, incident.OrganizationId, "", ct);
            return IncidentWrite.Done(id);
        }
        incident.AwaitingReview = false;
        incident.UpdatedAt = now;
        incident.Version++;
        var told = Published.Same(new IncidentReported(viewer, now, incident.Id, incident.OrganizationId, AboutReporter: false));
        facts.Record(db, told);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return IncidentWrite.Conflict; }
        await facts.PublishAsync(told, ct);
        await audit.WriteAsync(AcceptedEvent, viewer, incident.Id, incident.OrganizationId, "", ct);
        return IncidentWrite.Done(id);
    }

    /// <summary>Every report the viewer may see, the newest first.</summary>
    public Task<List<IncidentSummary>> ListAsync(Guid viewer, CancellationToken ct = default) =>
        IncidentAccess.Visible(db.Incidents.AsNoTracking(), viewer, AccessSources.Of(db, clock))
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new IncidentSummary(i.Id, i.OrganizationId, i.OccurredOn, i.Precision, i.PrimaryAct, i.Acts, i.Status, i.ReporterId == viewer, i.CreatedAt, i.AwaitingReview))
            .ToListAsync(ct);

    /// <summary>One report decrypted for the viewer, or null (a 404). Staff reading someone's report is audited.</summary>
    public async Task<IncidentView?> ReadAsync(Guid viewer, Guid id, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, ct: ct) is not { } found) return null;
        var (incident, role) = found;
        var key = await KeyOfAsync(incident, ct);
        var notes = await (
            from n in db.IncidentNotes.AsNoTracking()
            where n.IncidentId == id
            join u in db.Users on n.AuthorId equals u.Id into authors
            from u in authors.DefaultIfEmpty()
            orderby n.CreatedAt
            select new { n.Id, n.AuthorId, Name = u == null ? null : u.DisplayName, n.TextCipher, n.CreatedAt }).ToListAsync(ct);
        var noteViews = new List<IncidentNoteView>(notes.Count);
        foreach (var n in notes)
            noteViews.Add(new(n.Id, n.AuthorId, n.Name,
                await cipher.DecryptAsync(db, key, n.TextCipher, IncidentNote.Table, nameof(IncidentNote.TextCipher), n.Id, ct), n.CreatedAt));
        var files = await db.IncidentAttachments.AsNoTracking().Where(a => a.IncidentId == id).OrderBy(a => a.CreatedAt)
            .Select(a => new { a.Id, a.Kind, a.ContentType, a.Size, a.Removed, a.FileNameCipher, a.CreatedAt }).ToListAsync(ct);
        var evidence = new List<EvidenceView>(files.Count);
        foreach (var f in files)
            evidence.Add(new(f.Id, f.Kind, f.ContentType, f.Size, f.Removed,
                await cipher.DecryptAsync(db, key, f.FileNameCipher, IncidentAttachment.Table, nameof(IncidentAttachment.FileNameCipher), f.Id, ct), f.CreatedAt));
        var people = new[] { incident.ReporterId, incident.HandlerId, incident.ImportedById }.OfType<Guid>().ToList();
        var names = await db.Users.Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var orgName = incident.OrganizationId is { } org ? await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleOrDefaultAsync(ct) : null;
        var view = new IncidentView(incident, role, orgName,
            incident.ReporterId is { } r ? names.GetValueOrDefault(r) : null,
            incident.HandlerId is { } h ? names.GetValueOrDefault(h) : null,
            await cipher.DecryptAsync(db, key, incident.ConcernedNameCipher, Incident.Table, nameof(Incident.ConcernedNameCipher), incident.Id, ct),
            await cipher.DecryptAsync(db, key, incident.NarrativeCipher, Incident.Table, nameof(Incident.NarrativeCipher), incident.Id, ct),
            noteViews, evidence,
            // How to reach a link's sender and the kept point are for those who follow the report up.
            IncidentAccess.MayFollowUp(role) ? await cipher.DecryptAsync(db, key, incident.ContactCipher, Incident.Table, nameof(Incident.ContactCipher), incident.Id, ct) : null,
            IncidentAccess.MayFollowUp(role) ? await cipher.DecryptAsync(db, key, incident.PointCipher, Incident.Table, nameof(Incident.PointCipher), incident.Id, ct) : null,
            incident.ImportedById is { } importer ? names.GetValueOrDefault(importer) : null);
        if (incident.ReporterId != viewer)
            await audit.WriteAsync(AuditEvents.SensitiveRead, viewer, incident.Id, incident.OrganizationId, "incident:" + incident.Id.ToString("N"), ct);
        return view;
    }

    /// <summary>
    /// Staff (or the owner of a personal record) set the status and who handles it. <paramref name="handlerId"/> must be one of
    /// the organization's admins or focal points. <paramref name="version"/> is the one the person saw: a change made meanwhile is a conflict.
    /// </summary>
    public async Task<IncidentWrite> FollowUpAsync(Guid viewer, Guid id, IncidentStatus status, Guid? handlerId, int? version, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, tracked: true, ct: ct) is not { } found) return IncidentWrite.NotFound;
        var (incident, role) = found;
        // A report sent through a link is accepted or discarded first (ReviewAsync).
        if (!IncidentAccess.MayFollowUp(role) || incident.AwaitingReview) return IncidentWrite.NotAllowed;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Enum.IsDefined(status)) errors["Status"] = "Incidents.Error.Choice";
        if (handlerId is { } handler && !(await StaffAsync(incident, ct)).Contains(handler)) errors["HandlerId"] = "Incidents.Error.Choice";
        if (errors.Count > 0) return IncidentWrite.Invalid(errors);
        if (version is { } v && v != incident.Version) return IncidentWrite.Conflict;
        if (incident.Status == status && incident.HandlerId == handlerId) return IncidentWrite.Done(id);
        var from = incident.Status;
        incident.Status = status;
        incident.HandlerId = handlerId;
        incident.UpdatedAt = Now;
        incident.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return IncidentWrite.Conflict; }
        await audit.WriteAsync(StatusChangedEvent, viewer, incident.Id, incident.OrganizationId, $"{StatusName(from)}->{StatusName(status)}", ct);
        return IncidentWrite.Done(id);
    }

    /// <summary>A follow-up note by anyone who may see the report (its reporter tells more; its staff record what they did).</summary>
    public async Task<IncidentWrite> AddNoteAsync(Guid viewer, Guid id, string? text, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, ct: ct) is not { } found) return IncidentWrite.NotFound;
        if (!IncidentAccess.MayAddNotes(found.Role)) return IncidentWrite.NotAllowed;
        var clean = IncidentRules.Clean(text);
        if (clean is null) return IncidentWrite.Invalid(new(StringComparer.Ordinal) { ["Note"] = "Incidents.Error.NoteEmpty" });
        if (Infrastructure.Validation.IsUnacceptableText(clean, IncidentRules.MaxNote))
            return IncidentWrite.Invalid(new(StringComparer.Ordinal) { ["Note"] = "Incidents.Error.Text" });
        var note = new IncidentNote { Id = Guid.NewGuid(), IncidentId = id, AuthorId = viewer, CreatedAt = Now };
        note.TextCipher = await cipher.EncryptAsync(db, await KeyOfAsync(found.Incident, ct), clean, IncidentNote.Table, nameof(IncidentNote.TextCipher), note.Id, ct);
        db.IncidentNotes.Add(note);
        await db.SaveChangesAsync(ct);
        return IncidentWrite.Done(id);
    }

    /// <summary>
    /// An alert a responder may record an incident from: closed as "needs help" or "missing" (not a drill), about someone
    /// whose alerts the viewer may see (the audience rule of visits and alerts, as for responding), and the organizations
    /// the report can go to — those where the viewer is an admin or focal point and the person is a member. Null otherwise.
    /// </summary>
    public async Task<AlertForReport?> AlertForReportAsync(Guid viewer, Guid alertId, CancellationToken ct = default)
    {
        var alert = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId && !a.IsDrill
                && (a.Outcome == Features.CheckIns.AlertOutcome.NeedsHelp || a.Outcome == Features.CheckIns.AlertOutcome.Missing))
            .Select(a => new { a.OwnerId, a.CreatedAt }).SingleOrDefaultAsync(ct);
        if (alert is null || alert.OwnerId == viewer) return null;
        var s = AccessSources.Of(db, clock);
        if (!await Access.OwnersVisibleTo(viewer, DataCategory.VisitsAndAlerts, s).AnyAsync(o => o == alert.OwnerId, ct)) return null;
        var orgs = await (
            from staff in db.Memberships
            where staff.UserId == viewer && (staff.Role == OrgRole.FocalPoint || staff.Role == OrgRole.OrgAdmin)
            join member in db.Memberships on staff.OrganizationId equals member.OrganizationId
            where member.UserId == alert.OwnerId
            select staff.OrganizationId).Distinct().ToListAsync(ct);
        return orgs.Count == 0 ? null : new AlertForReport(alertId, DateOnly.FromDateTime(alert.CreatedAt), orgs);
    }

    /// <summary>
    /// The networks an organization belongs to and whether it shares its reports with each one's coordinators — for its
    /// admins only (null for anyone else).
    /// </summary>
    public async Task<List<NetworkShare>?> NetworkSharesAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(viewer, organizationId, ct)) return null;
        var now = Now;
        return await (
            from no in db.NetworkOrganizations
            where no.OrganizationId == organizationId
            join n in db.Networks on no.NetworkId equals n.Id
            orderby n.Name
            select new NetworkShare(n.Id, n.Name, db.AccessGrants.Any(g => g.OwnerId == organizationId && g.Category == DataCategory.OrganizationIncidents
                && g.GranteeKind == GranteeKind.NetworkCoordinators && g.GranteeId == n.Id && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))))
            .ToListAsync(ct);
    }

    /// <summary>
    /// An organization's admin shares its reports with the coordinators of a network it belongs to, or stops: a grant of the
    /// audience rule, given and withdrawn like any other, audited. Anyone else, or a network the organization is not in: NotFound.
    /// </summary>
    public async Task<IncidentWrite> SetNetworkShareAsync(Guid viewer, Guid organizationId, Guid networkId, bool shared, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(viewer, organizationId, ct)
            || !await db.NetworkOrganizations.AnyAsync(n => n.NetworkId == networkId && n.OrganizationId == organizationId, ct))
            return IncidentWrite.NotFound;
        var live = await db.AccessGrants.Where(g => g.OwnerId == organizationId && g.Category == DataCategory.OrganizationIncidents
            && g.GranteeKind == GranteeKind.NetworkCoordinators && g.GranteeId == networkId && g.RevokedAt == null).ToListAsync(ct);
        if (shared == live.Count > 0) return IncidentWrite.Done(organizationId);
        var now = Now;
        if (shared) db.AccessGrants.Add(AccessGrant.ToNetworkCoordinators(organizationId, DataCategory.OrganizationIncidents, networkId, now));
        foreach (var grant in live) grant.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.SharingChanged, viewer, networkId, organizationId, $"incidents:network:{(shared ? "on" : "off")}", ct);
        return IncidentWrite.Done(organizationId);
    }

    private Task<bool> IsAdminAsync(Guid viewer, Guid organizationId, CancellationToken ct) =>
        db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == viewer && m.Role == OrgRole.OrgAdmin, ct);

    /// <summary>
    /// Adds a file to a report, for anyone who may add notes to it. A photo is stored re-encoded without its metadata
    /// (<see cref="Evidence.Clean"/>); a file that cannot be kept safely is refused and nothing is written.
    /// </summary>
    public async Task<EvidenceWrite> AddEvidenceAsync(Guid viewer, Guid id, string? fileName, byte[] bytes, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, ct: ct) is not { } found) return new(IncidentWriteStatus.NotFound);
        if (!IncidentAccess.MayAddNotes(found.Role)) return new(IncidentWriteStatus.NotAllowed);
        if (await db.IncidentAttachments.CountAsync(a => a.IncidentId == id, ct) >= Evidence.MaxPerIncident)
            return new(IncidentWriteStatus.Invalid, Refusal: EvidenceRefusal.TooLarge);
        var (file, refusal) = Evidence.Clean(bytes);
        if (file is null) return new(IncidentWriteStatus.Invalid, Refusal: refusal);
        var name = IncidentRules.Clean(Path.GetFileNameWithoutExtension(fileName ?? ""));
        if (name is not null && (Infrastructure.Validation.IsUnacceptableText(name, 120) || name.Length > 120)) name = null;
        var key = await KeyOfAsync(found.Incident, ct);
        var attachment = new IncidentAttachment
        {
            Id = Guid.NewGuid(), IncidentId = id, AuthorId = viewer, Kind = file.Kind, ContentType = file.ContentType,
            Size = file.Bytes.Length, Removed = file.Removed, CreatedAt = Now,
        };
        attachment.FileNameCipher = await cipher.EncryptAsync(db, key, (name ?? "evidence") + file.Extension, IncidentAttachment.Table, nameof(IncidentAttachment.FileNameCipher), attachment.Id, ct);
        attachment.DataCipher = await cipher.EncryptBytesAsync(db, key, file.Bytes, IncidentAttachment.Table, nameof(IncidentAttachment.DataCipher), attachment.Id, ct);
        db.IncidentAttachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        return new(IncidentWriteStatus.Done, attachment.Id, file.Removed);
    }

    /// <summary>Whether the viewer may add a file to the report: asked before a 10-MB body is read at all.</summary>
    public async Task<bool> MayAddEvidenceAsync(Guid viewer, Guid id, CancellationToken ct = default) =>
        await IncidentAccess.FindAsync(db, clock, id, viewer, ct: ct) is { } found && IncidentAccess.MayAddNotes(found.Role);

    /// <summary>One evidence file's bytes, for whoever may see its report; null otherwise (a 404). Audited like a read.</summary>
    public async Task<(string FileName, string ContentType, byte[] Bytes)?> ReadEvidenceAsync(Guid viewer, Guid id, Guid attachmentId, CancellationToken ct = default)
    {
        if (await IncidentAccess.FindAsync(db, clock, id, viewer, ct: ct) is not { } found) return null;
        var row = await db.IncidentAttachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && a.IncidentId == id, ct);
        if (row is null) return null;
        var key = await KeyOfAsync(found.Incident, ct);
        var bytes = await cipher.DecryptBytesAsync(db, key, row.DataCipher, IncidentAttachment.Table, nameof(IncidentAttachment.DataCipher), row.Id, ct);
        if (bytes is null) return null;
        var name = await cipher.DecryptAsync(db, key, row.FileNameCipher, IncidentAttachment.Table, nameof(IncidentAttachment.FileNameCipher), row.Id, ct);
        if (found.Incident.ReporterId != viewer)
            await audit.WriteAsync(AuditEvents.SensitiveRead, viewer, found.Incident.Id, found.Incident.OrganizationId, "incident-file:" + row.Id.ToString("N"), ct);
        return (name ?? "evidence", row.ContentType, bytes);
    }

    /// <summary>The people who may handle a report: its organization's admins and focal points (the owner, for a personal record).</summary>
    public async Task<List<Guid>> StaffAsync(Incident incident, CancellationToken ct = default) =>
        incident.OrganizationId is { } org
            ? await Access.AudienceOf(org, DataCategory.OrganizationIncidents, AccessSources.Of(db, clock), AccessPath.OrganizationStaff).ToListAsync(ct)
            : incident.ReporterId is { } owner ? [owner] : [];

    /// <summary>Organizations the viewer may report to (every one they belong to), with whether they are its staff.</summary>
    public async Task<List<(Guid Id, string Name, bool Staff)>> ReportableOrganizationsAsync(Guid viewer, CancellationToken ct = default)
    {
        var rows = await (
            from m in db.Memberships
            where m.UserId == viewer
            join o in db.Organizations on m.OrganizationId equals o.Id
            where o.Kind != OrganizationKind.Grantmaker
            orderby o.Name
            select new { o.Id, o.Name, m.Role }).ToListAsync(ct);
        return rows.Select(x => (x.Id, x.Name, x.Role == OrgRole.FocalPoint || x.Role == OrgRole.OrgAdmin)).ToList();
    }

    /// <summary>The key a report's texts are encrypted with: its organization's, or its reporter's for a personal record.</summary>
    private async Task<Guid> KeyOfAsync(Incident incident, CancellationToken ct) =>
        incident.OrganizationId is { } org
            ? await OrganizationKeys.KeyIdAsync(db, org, ct)
            : await db.Users.Where(u => u.Id == incident.ReporterId).Select(u => u.DataKeyId).SingleAsync(ct);

    /// <summary>The status as it appears in the API, exports and audit details.</summary>
    public static string StatusName(IncidentStatus status) => status switch
    {
        IncidentStatus.New => "new",
        IncidentStatus.Verified => "verified",
        IncidentStatus.NeedsFollowUp => "needs-follow-up",
        IncidentStatus.Closed => "closed",
    };

    public static IncidentStatus? ParseStatus(string? name) => name switch
    {
        "new" => IncidentStatus.New,
        "verified" => IncidentStatus.Verified,
        "needs-follow-up" => IncidentStatus.NeedsFollowUp,
        "closed" => IncidentStatus.Closed,
        _ => null,
    };
}
