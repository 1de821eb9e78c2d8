using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

/// <summary>What an organization's admin writes about its entry.</summary>
public sealed record EntryInput(string Description, EntryVisibility Visibility, string FrontGate);

/// <summary>One service as its organization's admin writes it.</summary>
public sealed record ServiceInput(ServiceKind Kind, IReadOnlyList<string> Languages, IReadOnlyList<string> Regions, Eligibility Eligible,
    int? ResponseHours, string Notes);

/// <summary>One contact as its organization's admin writes it (its value in the clear; stored encrypted).</summary>
public sealed record EntryContactInput(ContactKind Kind, Confidentiality Level, string Value);

public enum DirectoryWriteStatus { Done, NotFound, Invalid }

/// <summary>A write's outcome: done (with the row's id), not found (404 — not the caller's to change), or the fields that were refused.</summary>
public sealed record DirectoryWrite(DirectoryWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null)
{
    public static readonly DirectoryWrite NotFound = new(DirectoryWriteStatus.NotFound);
}

/// <summary>What a search asks for; every part optional. <see cref="Eligible"/>: a service for anyone matches every group.</summary>
public sealed record DirectorySearch(ServiceKind? Kind = null, string? Language = null, string? Region = null, Eligibility Eligible = Eligibility.None);

/// <summary>One service found, with its entry and organization.</summary>
public sealed record FoundService(Guid EntryId, Guid ServiceId, string Organization, string Network, ServiceKind Kind, string Languages,
    string Regions, Eligibility Eligible, int? ResponseHours, Capacity Capacity, DateOnly? FullUntil, DateTime CapacityConfirmedAt, string FrontGate);

/// <summary>A page of results and how many in all.</summary>
public sealed record SearchResult(IReadOnlyList<FoundService> Services, int Total, int Page)
{
    public const int PageSize = 20;
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>A contact as a viewer may read it (the levels above theirs are left out, not masked).</summary>
public sealed record ContactView(ContactKind Kind, Confidentiality Level, string Value);

/// <summary>An entry as one viewer sees it: what it is, its services, the contacts their level allows, and whether they may change it.</summary>
public sealed record EntryView(DirectoryEntry Entry, string Organization, string Network, IReadOnlyList<DirectoryService> Services,
    IReadOnlyList<ContactView> Contacts, bool CanEdit, bool CanUpdateCapacity);

/// <summary>
/// A network's directory (issue 16): who helps whom. Every read goes through <see cref="VisibleTo"/> (an entry's
/// visibility against the viewer's networks) and <see cref="LevelsFor"/> (which contacts the viewer may read); an entry
/// is changed by its organization's admins only, its capacity also by its focal points. Anything else answers "not
/// found", as elsewhere in Amparo.
/// </summary>
public sealed class NetworkDirectory(AmparoDbContext db, NetworkService networks, FieldCipher cipher, AuditLog audit, TimeProvider clock,
    Notifier notifier, MessageTexts texts, WorkSignal signal, CountryOutlines countries)
{
    /// <summary>Pages past this are refused quietly (the last is shown): an offset that large would overflow.</summary>
    public const int MaxPage = 10_000;

    /// <summary>Every group a service may name, in the order the forms list them.</summary>
    public static readonly IReadOnlyList<Eligibility> Groups = [.. Flags.Each((Eligibility)~0)];

    private static readonly Eligibility KnownGroups = Groups.Aggregate(Eligibility.None, (all, e) => all | e);

    /// <summary>The networks a person belongs to (through an organization) or coordinates; none for someone not signed in.</summary>
    private IQueryable<Guid> NetworksOf(Guid? viewer) =>
        viewer is { } id ? networks.VisibleTo(id).Select(n => n.Id) : db.Networks.Where(_ => false).Select(n => n.Id);

    /// <summary>
    /// The entries a viewer may find: public ones for anyone; "all networks" for anyone in a network on this installation;
    /// "this network" for the people of its network; and always the viewer's own organization's entries.
    /// </summary>
    public IQueryable<DirectoryEntry> VisibleTo(Guid? viewer)
    {
        var mine = NetworksOf(viewer);
        var own = viewer is { } id ? db.Memberships.Where(m => m.UserId == id).Select(m => m.OrganizationId) : db.Memberships.Where(_ => false).Select(m => m.OrganizationId);
        return db.DirectoryEntries.Where(e => e.Visibility == EntryVisibility.Public
            || (e.Visibility == EntryVisibility.AllNetworks && mine.Any())
            || mine.Contains(e.NetworkId)
            || own.Contains(e.OrganizationId));
    }

    /// <summary>
    /// The contact levels a viewer may read on an entry they can see: public always; network members' when they are in
    /// the entry's network; "after a referral is accepted" for a defender whose referral the provider is working on
    /// (accepted or in progress: it closes again when the referral ends); "never shown" only inside the organization.
    /// </summary>
    public async Task<Confidentiality[]> LevelsFor(Guid? viewer, DirectoryEntry entry, CancellationToken ct)
    {
        if (viewer is not { } id) return [Confidentiality.Public];
        if (await db.Memberships.AnyAsync(m => m.UserId == id && m.OrganizationId == entry.OrganizationId, ct))
            return [Confidentiality.Public, Confidentiality.NetworkMembers, Confidentiality.AfterReferral, Confidentiality.Never];
        var member = await NetworksOf(id).AnyAsync(n => n == entry.NetworkId, ct);
        var referred = await Referrals.OpeningContacts(db, id, entry).AnyAsync(ct);
        return (member, referred) switch
        {
            (true, true) => [Confidentiality.Public, Confidentiality.NetworkMembers, Confidentiality.AfterReferral],
            (true, false) => [Confidentiality.Public, Confidentiality.NetworkMembers],
            (false, true) => [Confidentiality.Public, Confidentiality.AfterReferral],
            (false, false) => [Confidentiality.Public],
        };
    }

    /// <summary>Searches the services of the entries the viewer may find, those taking cases first; writes nothing.</summary>
    public async Task<SearchResult> SearchAsync(Guid? viewer, DirectorySearch search, int page, CancellationToken ct = default)
    {
        page = Math.Clamp(page, 1, MaxPage);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var query =
            from e in VisibleTo(viewer)
            join s in db.DirectoryServices on e.Id equals s.EntryId
            join o in db.Organizations on e.OrganizationId equals o.Id
            join n in db.Networks on e.NetworkId equals n.Id
            select new { e, s, Organization = o.Name, Network = n.Name };
        if (search.Kind is { } kind) query = query.Where(x => x.s.Kind == kind);
        // Space-separated codes: padded with spaces on both sides, one code is found only as a whole word.
        if (Cultures.IsSupported(search.Language)) query = query.Where(x => (" " + x.s.Languages + " ").Contains(" " + search.Language + " "));
        if (search.Region is { } region && countries.Regions.ContainsKey(region))
            query = query.Where(x => x.s.Regions == "" || (" " + x.s.Regions + " ").Contains(" " + region + " "));
        if (search.Eligible != Eligibility.None) query = query.Where(x => x.s.Eligible == Eligibility.None || (x.s.Eligible & search.Eligible) != 0);
        var total = await query.CountAsync(ct);
        var rows = await query
            // "Full until" a day that has passed is taking cases again.
            .OrderBy(x => x.s.Capacity == Capacity.Taking || (x.s.Capacity == Capacity.FullUntil && x.s.FullUntil < today) ? 0 : x.s.Capacity == Capacity.EmergenciesOnly ? 1 : 2)
            .ThenBy(x => x.Organization).ThenBy(x => x.s.Id)
            .Skip((page - 1) * SearchResult.PageSize).Take(SearchResult.PageSize)
            .Select(x => new FoundService(x.e.Id, x.s.Id, x.Organization, x.Network, x.s.Kind, x.s.Languages, x.s.Regions, x.s.Eligible,
                x.s.ResponseHours, x.s.Capacity == Capacity.FullUntil && x.s.FullUntil < today ? Capacity.Taking : x.s.Capacity, x.s.FullUntil,
                x.s.CapacityConfirmedAt, x.e.FrontGate))
            .ToListAsync(ct);
        return new SearchResult(rows, total, page);
    }

    /// <summary>
    /// Tells the coordinators of the viewer's networks that a search for a need found nothing (a gap in service is itself
    /// information): recorded once a day for the same search in each network, with what was looked for, never by whom.
    /// False when there is nothing to tell: no need named, the viewer in no network, or the search finds a provider now.
    /// A search itself writes nothing (it is a GET: a link preview or a crawler must not send e-mails); the page that
    /// shows an empty result offers this as one click.
    /// </summary>
    public async Task<bool> TellGapAsync(Guid? viewer, DirectorySearch search, CancellationToken ct = default)
    {
        if (search.Kind is not { } kind || !Enum.IsDefined(kind) || (search.Eligible & ~KnownGroups) != 0) return false;
        var ids = await NetworksOf(viewer).ToListAsync(ct);
        if (ids.Count == 0 || (await SearchAsync(viewer, search, 1, ct)).Total > 0) return false;
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var language = search.Language is { } l && Cultures.IsSupported(l) ? l : "";
        var region = search.Region is { } r && countries.Regions.ContainsKey(r) ? r : "";
        foreach (var networkId in ids)
        {
            if (await db.DirectoryGaps.AnyAsync(g => g.NetworkId == networkId && g.Day == day && g.Kind == kind && g.Language == language
                    && g.Region == region && g.Eligible == search.Eligible, ct)) continue;
            db.DirectoryGaps.Add(new DirectoryGap { Id = Guid.NewGuid(), NetworkId = networkId, Day = day, Kind = kind, Language = language, Region = region, Eligible = search.Eligible });
            // One e-mail a day per coordinator and network, whatever was looked for: the gaps page lists each search.
            var coordinators = await (from c in db.NetworkCoordinators where c.NetworkId == networkId
                                      join u in db.Users on c.UserId equals u.Id
                                      where u.Email != null && u.Email != ""
                                      select u).AsNoTracking().ToListAsync(ct);
            foreach (var u in coordinators)
                await notifier.EnqueueAsync(db, new Notification($"directory-gap:{networkId:N}:{day:yyyyMMdd}:{u.Id:N}", new(NotificationSourceKind.Account, u.Id),
                    NotificationPriority.Normal, u.Language, [new Destination(ChannelKind.Email, u.Email!)], texts.Text(u.Language, false, "Directory.Mail.GapSubject"),
                    texts.Text(u.Language, false, "Directory.Msg.Gap", texts.Text(u.Language, false, "Directory.Kind." + kind), texts.Url(DirectoryRoutes.Gaps(networkId))))
                { OnlyOnce = true }, ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same search told at the same moment by someone else (a double click): theirs stands.
                db.ChangeTracker.Clear();
            }
        }
        signal.WakeDispatcher();
        return true;
    }

    /// <summary>The gaps of a network, newest first, for its coordinators only (anyone else: null).</summary>
    public async Task<List<DirectoryGap>?> GapsAsync(Guid viewer, Guid networkId, CancellationToken ct = default)
    {
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == viewer, ct)) return null;
        return await db.DirectoryGaps.AsNoTracking().Where(g => g.NetworkId == networkId).OrderByDescending(g => g.Day).ThenBy(g => g.Kind).Take(200).ToListAsync(ct);
    }

    /// <summary>An entry as <paramref name="viewer"/> sees it, or null when they may not find it.</summary>
    public async Task<EntryView?> ViewAsync(Guid? viewer, Guid entryId, CancellationToken ct = default)
    {
        var entry = await VisibleTo(viewer).AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId, ct);
        if (entry is null) return null;
        var names = await (from o in db.Organizations where o.Id == entry.OrganizationId
                           from n in db.Networks where n.Id == entry.NetworkId
                           select new { Organization = o.Name, Network = n.Name, o.DataKeyId }).SingleAsync(ct);
        var services = await db.DirectoryServices.AsNoTracking().Where(s => s.EntryId == entryId).OrderBy(s => s.Kind).ToListAsync(ct);
        var levels = await LevelsFor(viewer, entry, ct);
        var rows = await db.DirectoryContacts.AsNoTracking().Where(c => c.EntryId == entryId && levels.Contains(c.Level)).OrderBy(c => c.Order).ToListAsync(ct);
        var contacts = new List<ContactView>();
        foreach (var c in rows)
            contacts.Add(new ContactView(c.Kind, c.Level, await cipher.DecryptAsync(db, names.DataKeyId, c.ValueCipher, DirectoryContact.Table, DirectoryContact.ValueColumn, c.Id, ct) ?? ""));
        var role = viewer is { } id ? await db.Memberships.Where(m => m.UserId == id && m.OrganizationId == entry.OrganizationId).Select(m => (OrgRole?)m.Role).SingleOrDefaultAsync(ct) : null;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var s in services.Where(s => s.Capacity == Capacity.FullUntil && s.FullUntil < today)) s.Capacity = Capacity.Taking; // its day has passed
        return new EntryView(entry, names.Organization, names.Network, services, contacts, role == OrgRole.OrgAdmin, role is OrgRole.OrgAdmin or OrgRole.FocalPoint);
    }

    /// <summary>The entry of an organization in a network, for that organization's admins: the row (new if none yet), or null (404).</summary>
    private async Task<DirectoryEntry?> EditableAsync(Guid viewer, Guid networkId, Guid organizationId, CancellationToken ct)
    {
        var allowed = await db.Memberships.AnyAsync(m => m.UserId == viewer && m.OrganizationId == organizationId && m.Role == OrgRole.OrgAdmin, ct)
            && await db.NetworkOrganizations.AnyAsync(n => n.NetworkId == networkId && n.OrganizationId == organizationId, ct);
        if (!allowed) return null;
        return await db.DirectoryEntries.SingleOrDefaultAsync(e => e.NetworkId == networkId && e.OrganizationId == organizationId, ct)
            ?? new DirectoryEntry { NetworkId = networkId, OrganizationId = organizationId };
    }

    /// <summary>The organization's entry in the network, for its admins (a new, unsaved one when it has none), or null.</summary>
    public async Task<DirectoryEntry?> EntryForEditAsync(Guid viewer, Guid networkId, Guid organizationId, CancellationToken ct = default) =>
        await EditableAsync(viewer, networkId, organizationId, ct);

    /// <summary>An entry and its services, for its organization's admins (the service form); null for anyone else. Opens no contact.</summary>
    public async Task<(DirectoryEntry Entry, string Organization, List<DirectoryService> Services)?> ServicesForEditAsync(Guid viewer, Guid entryId, CancellationToken ct = default)
    {
        if (await OwnEntryAsync(viewer, entryId, adminOnly: true, ct) is not { } entry) return null;
        var organization = await db.Organizations.Where(o => o.Id == entry.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        return (entry, organization, await db.DirectoryServices.AsNoTracking().Where(s => s.EntryId == entryId).OrderBy(s => s.Kind).ToListAsync(ct));
    }

    /// <summary>Writes what the entry says and who may find it; the front gate is required (it is how a provider is reached).</summary>
    public Task<DirectoryWrite> SaveEntryAsync(Guid viewer, Guid networkId, Guid organizationId, EntryInput input, CancellationToken ct = default) =>
        SaveEntryAsync(viewer, networkId, organizationId, input, null, ct);

    /// <summary>
    /// The entry and, when <paramref name="contacts"/> is given, its contacts (replacing them), in one transaction: both are
    /// checked first, and a refused field in either leaves both as they were.
    /// </summary>
    public async Task<DirectoryWrite> SaveEntryAsync(Guid viewer, Guid networkId, Guid organizationId, EntryInput input, IReadOnlyList<EntryContactInput>? contacts,
        CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (result, detail) = await WriteEntryAsync(viewer, networkId, organizationId, input, contacts, ct);
        if (result.Status != DirectoryWriteStatus.Done) return result;
        await tx.CommitAsync(ct);
        await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, result.Id, organizationId, detail, ct);
        return result;
    }

    /// <summary>
    /// <see cref="SaveEntryAsync(Guid, Guid, Guid, EntryInput, IReadOnlyList{EntryContactInput}?, CancellationToken)"/> inside the
    /// caller's transaction, without the audit record: the audit log writes on its own connection, which SQLite would make
    /// wait for this transaction. Returns the audit detail for the caller to write after committing.
    /// </summary>
    internal async Task<(DirectoryWrite Result, string AuditDetail)> WriteEntryAsync(Guid viewer, Guid networkId, Guid organizationId, EntryInput input,
        IReadOnlyList<EntryContactInput>? contacts, CancellationToken ct)
    {
        if (await EditableAsync(viewer, networkId, organizationId, ct) is not { } entry) return (DirectoryWrite.NotFound, "");
        var description = input.Description.Trim();
        var gate = input.FrontGate.Trim();
        var errors = contacts is null ? new Dictionary<string, string>(StringComparer.Ordinal) : ContactErrors(contacts);
        if (!IsText(description, DirectoryEntry.DescriptionMax)) errors["Description"] = "Directory.Error.Description";
        if (gate.Length == 0 || !IsOneLine(gate, DirectoryEntry.FrontGateMax)) errors["FrontGate"] = "Directory.Error.FrontGate";
        if (!Enum.IsDefined(input.Visibility)) errors["Visibility"] = "Directory.Error.Visibility";
        if (errors.Count > 0) return (new(DirectoryWriteStatus.Invalid, entry.Id == Guid.Empty ? null : entry.Id, errors), "");
        if (entry.Id == Guid.Empty)
        {
            entry.Id = Guid.NewGuid();
            db.DirectoryEntries.Add(entry);
        }
        (entry.Description, entry.FrontGate, entry.Visibility, entry.UpdatedAt) = (description, gate, input.Visibility, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        if (contacts is not null) await WriteContactsAsync(entry, contacts, ct);
        return (new(DirectoryWriteStatus.Done, entry.Id), $"entry visibility={input.Visibility}" + (contacts is null ? "" : " " + ContactsDetail(contacts)));
    }

    /// <summary>Adds a service to an entry (<paramref name="serviceId"/> null) or changes one, for the entry's organization's admins.</summary>
    public async Task<DirectoryWrite> SaveServiceAsync(Guid viewer, Guid entryId, Guid? serviceId, ServiceInput input, CancellationToken ct = default)
    {
        var (result, organizationId, kind) = await WriteServiceAsync(viewer, entryId, serviceId, input, ct);
        if (result.Status == DirectoryWriteStatus.Done)
            await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, result.Id, organizationId, $"service kind={kind}", ct);
        return result;
    }

    /// <summary><see cref="SaveServiceAsync"/> without the audit record (written by the caller, after its transaction commits).</summary>
    internal async Task<(DirectoryWrite Result, Guid OrganizationId, ServiceKind Kind)> WriteServiceAsync(Guid viewer, Guid entryId, Guid? serviceId, ServiceInput input,
        CancellationToken ct)
    {
        if (await OwnEntryAsync(viewer, entryId, adminOnly: true, ct) is not { } entry) return (DirectoryWrite.NotFound, Guid.Empty, input.Kind);
        var service = serviceId is { } sid ? await db.DirectoryServices.SingleOrDefaultAsync(s => s.Id == sid && s.EntryId == entryId, ct) : null;
        if (serviceId is not null && service is null) return (DirectoryWrite.NotFound, Guid.Empty, input.Kind);
        // A form's empty box binds as null: it is no choice, not an error.
        var languages = input.Languages.Select(l => (l ?? "").Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var regions = input.Regions.Select(r => (r ?? "").Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var notes = input.Notes.Trim();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Enum.IsDefined(input.Kind)) errors["Kind"] = "Directory.Error.Kind";
        if (languages.Count == 0 || !languages.All(Cultures.IsSupported)) errors["Languages"] = "Directory.Error.Languages";
        if (!regions.All(countries.Regions.ContainsKey)) errors["Regions"] = "Directory.Error.Regions";
        if ((input.Eligible & ~KnownGroups) != 0) errors["Eligible"] = "Directory.Error.Eligible";
        if (input.ResponseHours is < 1 or > DirectoryService.ResponseHoursMax) errors["ResponseHours"] = "Directory.Error.ResponseHours";
        if (!IsText(notes, DirectoryService.NotesMax)) errors["Notes"] = "Directory.Error.Notes";
        if (errors.Count > 0) return (new(DirectoryWriteStatus.Invalid, serviceId, errors), entry.OrganizationId, input.Kind);
        var now = clock.GetUtcNow().UtcDateTime;
        if (service is null)
        {
            service = new DirectoryService { Id = Guid.NewGuid(), EntryId = entryId, Capacity = Capacity.Taking, CapacityConfirmedAt = now };
            db.DirectoryServices.Add(service);
        }
        service.Kind = input.Kind;
        service.Languages = string.Join(' ', languages);
        service.Regions = string.Join(' ', regions);
        service.Eligible = input.Eligible;
        service.ResponseHours = input.ResponseHours;
        service.Notes = notes;
        await TouchAsync(entryId, now, ct);
        await db.SaveChangesAsync(ct);
        return (new(DirectoryWriteStatus.Done, service.Id), entry.OrganizationId, service.Kind);
    }

    /// <summary>Removes a service, for the entry's organization's admins.</summary>
    public async Task<bool> RemoveServiceAsync(Guid viewer, Guid entryId, Guid serviceId, CancellationToken ct = default)
    {
        if (await OwnEntryAsync(viewer, entryId, adminOnly: true, ct) is not { } entry) return false;
        if (await db.DirectoryServices.Where(s => s.Id == serviceId && s.EntryId == entryId).ExecuteDeleteAsync(ct) == 0) return false;
        await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, serviceId, entry.OrganizationId, "service-removed", ct);
        return true;
    }

    /// <summary>
    /// The provider's one click: taking cases, full until a day (today or later, within a year), or emergencies only — or
    /// the same again, which says it is still true. For the organization's admins and focal points.
    /// </summary>
    public async Task<DirectoryWrite> SetCapacityAsync(Guid viewer, Guid serviceId, Capacity capacity, DateOnly? fullUntil, CancellationToken ct = default)
    {
        var service = await db.DirectoryServices.SingleOrDefaultAsync(s => s.Id == serviceId, ct);
        if (service is null || await OwnEntryAsync(viewer, service.EntryId, adminOnly: false, ct) is not { } entry) return DirectoryWrite.NotFound;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        // "Today" may still be yesterday in UTC for someone west of Greenwich: a day from yesterday on is accepted.
        if (!Enum.IsDefined(capacity) || (capacity == Capacity.FullUntil && (fullUntil is not { } until || until < today.AddDays(-1) || until > today.AddYears(1))))
            return new(DirectoryWriteStatus.Invalid, serviceId, new Dictionary<string, string>(StringComparer.Ordinal) { ["FullUntil"] = "Directory.Error.FullUntil" });
        (service.Capacity, service.FullUntil, service.CapacityConfirmedAt) = (capacity, capacity == Capacity.FullUntil ? fullUntil : null, now);
        await TouchAsync(service.EntryId, now, ct);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, serviceId, entry.OrganizationId, $"capacity={capacity}", ct);
        return new(DirectoryWriteStatus.Done, serviceId);
    }

    /// <summary>Replaces the entry's contacts (in the order given), each value encrypted with the organization's key. Admins only.</summary>
    public async Task<DirectoryWrite> SaveContactsAsync(Guid viewer, Guid entryId, IReadOnlyList<EntryContactInput> contacts, CancellationToken ct = default)
    {
        if (await OwnEntryAsync(viewer, entryId, adminOnly: true, ct) is not { } entry) return DirectoryWrite.NotFound;
        var errors = ContactErrors(contacts);
        if (errors.Count > 0) return new(DirectoryWriteStatus.Invalid, entryId, errors);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteContactsAsync(entry, contacts, ct);
        await tx.CommitAsync(ct);
        await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, entryId, entry.OrganizationId, ContactsDetail(contacts), ct);
        return new(DirectoryWriteStatus.Done, entryId);
    }

    /// <summary>For the audit trail: how many contacts at each level, never their values.</summary>
    private static string ContactsDetail(IReadOnlyList<EntryContactInput> contacts) =>
        "contacts " + string.Join(',', contacts.GroupBy(c => c.Level).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"));

    private static Dictionary<string, string> ContactErrors(IReadOnlyList<EntryContactInput> contacts)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < contacts.Count; i++)
        {
            var c = contacts[i];
            var value = c.Value.Trim();
            if (!Enum.IsDefined(c.Kind) || !Enum.IsDefined(c.Level) || value.Length == 0 || !IsOneLine(value, DirectoryContact.ValueMax))
                errors[$"Contacts[{i}]"] = "Directory.Error.Contact";
        }
        if (contacts.Count > MaxContacts) errors["Contacts"] = "Directory.Error.TooManyContacts";
        return errors;
    }

    public const int MaxContacts = 20;

    /// <summary>Replaces the contacts inside the caller's transaction.</summary>
    private async Task WriteContactsAsync(DirectoryEntry entry, IReadOnlyList<EntryContactInput> contacts, CancellationToken ct)
    {
        var keyId = await OrganizationKeys.KeyIdAsync(db, entry.OrganizationId, ct);
        // The entry's row first: a second save of the contacts waits here for the first to commit (on PostgreSQL too), so
        // its delete sees the first one's rows and the lists never mix.
        var now = clock.GetUtcNow().UtcDateTime;
        await db.DirectoryEntries.Where(e => e.Id == entry.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.UpdatedAt, now), ct);
        await db.DirectoryContacts.Where(c => c.EntryId == entry.Id).ExecuteDeleteAsync(ct);
        for (var i = 0; i < contacts.Count; i++)
        {
            var row = new DirectoryContact { Id = Guid.NewGuid(), EntryId = entry.Id, Kind = contacts[i].Kind, Level = contacts[i].Level, Order = i };
            row.ValueCipher = (await cipher.EncryptAsync(db, keyId, contacts[i].Value.Trim(), DirectoryContact.Table, DirectoryContact.ValueColumn, row.Id, ct))!;
            db.DirectoryContacts.Add(row);
        }
        await TouchAsync(entry.Id, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>An entry of an organization where the viewer is an admin (or, for capacity, a focal point), or null.</summary>
    private async Task<DirectoryEntry?> OwnEntryAsync(Guid viewer, Guid entryId, bool adminOnly, CancellationToken ct) =>
        await (from e in db.DirectoryEntries
               where e.Id == entryId && db.Memberships.Any(m => m.UserId == viewer && m.OrganizationId == e.OrganizationId
                   && (m.Role == OrgRole.OrgAdmin || (!adminOnly && m.Role == OrgRole.FocalPoint)))
               select e).SingleOrDefaultAsync(ct);

    /// <summary>
    /// A contact or a front gate: one line within its length — no control characters, no line or paragraph separators, no
    /// direction overrides (they would show a phone number backwards), and no broken UTF-16.
    /// </summary>
    private static bool IsOneLine(string value, int max) =>
        value.Length <= max && IsWellFormed(value) && !value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));

    /// <summary>Text a person wrote: within its length, no control characters but line breaks and tabs, and no broken UTF-16 (PostgreSQL refuses it).</summary>
    private static bool IsText(string value, int max) => !Validation.IsUnacceptableText(value, max) && IsWellFormed(value);

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }

    private async Task TouchAsync(Guid entryId, DateTime now, CancellationToken ct)
    {
        var entry = db.DirectoryEntries.Local.FirstOrDefault(e => e.Id == entryId) ?? await db.DirectoryEntries.SingleAsync(e => e.Id == entryId, ct);
        entry.UpdatedAt = now;
    }
}
