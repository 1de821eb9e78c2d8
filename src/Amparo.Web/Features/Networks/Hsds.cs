using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

/// <summary>What an HSDS import did: services added and changed, and how many contacts the entry now has at each level.</summary>
public sealed record HsdsReport(int ServicesAdded, int ServicesUpdated, IReadOnlyDictionary<Confidentiality, int> Contacts);

/// <summary>
/// An import's outcome: done with its report, not found (not the caller's entry: 404), or the refused fields (field → message
/// key; <see cref="Names"/> adds, for a refused service, the name it had in the file, so the message can say which).
/// </summary>
public sealed record HsdsImport(DirectoryWriteStatus Status, HsdsReport? Report = null, IReadOnlyDictionary<string, string>? Errors = null,
    IReadOnlyDictionary<string, string>? Names = null)
{
    public static readonly HsdsImport NotFound = new(DirectoryWriteStatus.NotFound);
    public static HsdsImport Invalid(string field, string key = "Validation.Invalid") => new(DirectoryWriteStatus.Invalid, Errors: new Dictionary<string, string>(StringComparer.Ordinal) { [field] = key });
}

/// <summary>
/// The directory as Open Referral HSDS 3.0 JSON (issue 16): an array of organizations with their services nested, as the
/// compiled organization schema has them. Amparo's own classifications (kind of help, groups, capacity, response promise)
/// and every contact's confidentiality level travel as HSDS <c>attributes</c> whose <c>taxonomy_term</c> comes from an
/// Amparo taxonomy with stable codes (<c>amparo-confidentiality:network-members</c>) — the spec's way of classifying an
/// object; where HSDS gives an object no <c>attributes</c> (a website's <c>url</c>), the same array is added as an
/// additional property, which HSDS permits. See docs/network.md.
/// The export passes every entry through <see cref="NetworkDirectory.VisibleTo"/> and every contact through
/// <see cref="NetworkDirectory.LevelsFor"/>, and never carries the "after a referral" or "never shown" levels, whoever asks:
/// a file leaves Amparo, and once it has, no referral's end closes it again.
/// </summary>
public sealed class DirectoryHsds(AmparoDbContext db, NetworkDirectory directory, NetworkService networks, FieldCipher cipher, AuditLog audit,
    TimeProvider clock, MessageTexts texts, CountryOutlines countries)
{
    public const int MaxBytes = 1024 * 1024, MaxServices = 200;

    /// <summary>The taxonomies Amparo's attributes come from (a term's code is "taxonomy:word").</summary>
    public const string KindTaxonomy = "amparo-service-kind", GroupTaxonomy = "amparo-eligibility", CapacityTaxonomy = "amparo-capacity",
        ResponseTaxonomy = "amparo-response-promise", LevelTaxonomy = "amparo-confidentiality", ContactKindTaxonomy = "amparo-contact-kind",
        RoleTaxonomy = "amparo-contact-role";

    private const string FrontGateCode = RoleTaxonomy + ":front-gate", MessagingCode = ContactKindTaxonomy + ":messaging", ResponseCode = ResponseTaxonomy + ":hours";

    /// <summary>The levels a file may carry at all.</summary>
    private static readonly string[] AddressParts = ["address_1", "address_2", "city", "state_province", "postal_code", "country"];

    private static readonly Confidentiality[] Exportable = [Confidentiality.Public, Confidentiality.NetworkMembers];

    /// <summary>
    /// A network's directory as <paramref name="viewer"/> may see it; <paramref name="publicOnly"/>: public entries and public
    /// contacts only (for publishing). Null (404) when the viewer is not in the network and finds none of its entries.
    /// </summary>
    public async Task<JsonArray?> ExportAsync(Guid? viewer, Guid networkId, bool publicOnly, CancellationToken ct = default)
    {
        var member = viewer is { } id && await networks.VisibleTo(id).AnyAsync(n => n.Id == networkId, ct);
        var query = directory.VisibleTo(viewer).Where(e => e.NetworkId == networkId);
        if (!member && !await query.AnyAsync(ct)) return null;
        if (publicOnly) query = query.Where(e => e.Visibility == EntryVisibility.Public);
        var entries = await (from e in query.AsNoTracking()
                             join o in db.Organizations on e.OrganizationId equals o.Id
                             orderby o.Name, e.Id
                             select new { Entry = e, o.Name, o.DataKeyId }).ToListAsync(ct);
        var ids = entries.Select(e => e.Entry.Id).ToList();
        var services = (await db.DirectoryServices.AsNoTracking().Where(s => ids.Contains(s.EntryId)).OrderBy(s => s.Kind).ThenBy(s => s.Id).ToListAsync(ct))
            .ToLookup(s => s.EntryId);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var result = new JsonArray();
        foreach (var x in entries)
        {
            Confidentiality[] levels = publicOnly ? [Confidentiality.Public] : (await directory.LevelsFor(viewer, x.Entry, ct)).Intersect(Exportable).ToArray();
            var rows = await db.DirectoryContacts.AsNoTracking().Where(c => c.EntryId == x.Entry.Id && levels.Contains(c.Level)).OrderBy(c => c.Order).ToListAsync(ct);
            var contacts = new List<(DirectoryContact Row, string Value)>();
            foreach (var c in rows)
                contacts.Add((c, await cipher.DecryptAsync(db, x.DataKeyId, c.ValueCipher, DirectoryContact.Table, DirectoryContact.ValueColumn, c.Id, ct) ?? ""));
            result.Add(Organization(x.Entry, x.Name, contacts, services[x.Entry.Id], today));
        }
        return result;
    }

    private JsonObject Organization(DirectoryEntry entry, string name, List<(DirectoryContact Row, string Value)> contacts, IEnumerable<DirectoryService> services, DateOnly today)
    {
        var id = entry.Id.ToString();
        var phones = new JsonArray();
        var people = new JsonArray();
        var locations = new JsonArray();
        var websites = new JsonArray();
        var org = new JsonObject { ["id"] = id, ["name"] = name, ["description"] = entry.Description };
        // The front gate is public by definition: as the organization's e-mail or website when it is one, else as a phone
        // marked as the front gate (it may be a Signal name or a help line with words around it).
        var gate = entry.FrontGate;
        if (LooksLikeEmail(gate)) org["email"] = gate;
        else if (LooksLikeUrl(gate)) org["website"] = gate;
        else
        {
            var phoneId = StableId(id + "/front-gate");
            phones.Add(new JsonObject
            {
                ["id"] = phoneId, ["organization_id"] = id, ["number"] = gate, ["description"] = "Front gate",
                ["attributes"] = new JsonArray(Attribute(phoneId, "phone", Level(Confidentiality.Public)), Attribute(phoneId, "phone", FrontGateCode)),
            });
        }
        foreach (var (row, value) in contacts)
        {
            var cid = row.Id.ToString();
            var level = Level(row.Level);
            switch (row.Kind)
            {
                case ContactKind.Phone:
                    phones.Add(new JsonObject { ["id"] = cid, ["organization_id"] = id, ["number"] = value, ["type"] = "voice", ["attributes"] = new JsonArray(Attribute(cid, "phone", level)) });
                    break;
                case ContactKind.Email:
                    people.Add(new JsonObject { ["id"] = cid, ["organization_id"] = id, ["email"] = value, ["attributes"] = new JsonArray(Attribute(cid, "contact", level)) });
                    break;
                case ContactKind.Messaging:
                    // HSDS has no field for a messaging handle: a contact whose name is the handle, marked as messaging.
                    people.Add(new JsonObject
                    {
                        ["id"] = cid, ["organization_id"] = id, ["name"] = value, ["title"] = "Messaging",
                        ["attributes"] = new JsonArray(Attribute(cid, "contact", level), Attribute(cid, "contact", MessagingCode)),
                    });
                    break;
                case ContactKind.Address:
                    var locationId = StableId(cid + "/location");
                    locations.Add(new JsonObject
                    {
                        ["id"] = locationId, ["organization_id"] = id, ["location_type"] = "physical",
                        ["attributes"] = new JsonArray(Attribute(locationId, "location", level)),
                        // Amparo keeps an address as one line: it goes in address_1; the other required parts stay empty rather than guessed.
                        ["addresses"] = new JsonArray(new JsonObject
                        {
                            ["id"] = cid, ["location_id"] = locationId, ["address_1"] = value, ["city"] = "", ["state_province"] = "", ["postal_code"] = "",
                            ["country"] = "", ["address_type"] = "physical", ["attributes"] = new JsonArray(Attribute(cid, "address", level)),
                        }),
                    });
                    break;
                case ContactKind.Website:
                    websites.Add(new JsonObject { ["id"] = cid, ["label"] = "Website", ["url"] = value, ["attributes"] = new JsonArray(Attribute(cid, "url", level)) });
                    break;
            }
        }
        org["phones"] = phones;
        org["contacts"] = people;
        org["locations"] = locations;
        org["additional_websites"] = websites;
        org["services"] = new JsonArray([.. services.Select(s => Service(s, id, today))]);
        return org;
    }

    private JsonObject Service(DirectoryService s, string organizationId, DateOnly today)
    {
        var sid = s.Id.ToString();
        var groups = Flags.Each(s.Eligible).ToList();
        var attributes = new JsonArray(Attribute(sid, "service", Code(KindTaxonomy, s.Kind.ToString())));
        foreach (var g in groups) attributes.Add(Attribute(sid, "service", Code(GroupTaxonomy, g.ToString())));
        // "Full until" a day that has passed is taking cases again, as on the page.
        var capacity = s.Capacity == Capacity.FullUntil && s.FullUntil < today ? Capacity.Taking : s.Capacity;
        attributes.Add(Attribute(sid, "service", Code(CapacityTaxonomy, capacity.ToString()), capacity == Capacity.FullUntil ? s.FullUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null));
        if (s.ResponseHours is { } hours) attributes.Add(Attribute(sid, "service", ResponseCode, hours.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var languages = Codes(s.Languages).Select(l => (JsonNode)new JsonObject
        {
            ["id"] = StableId(sid + "/language/" + l), ["service_id"] = sid, ["code"] = l, ["name"] = new System.Globalization.CultureInfo(l).EnglishName,
        });
        var areas = Codes(s.Regions).Select(r => (JsonNode)new JsonObject
        {
            ["id"] = StableId(sid + "/area/" + r), ["service_id"] = sid, ["name"] = countries.RegionName(r, "en"), ["extent"] = r, ["extent_type"] = "text",
            ["description"] = "UN M49 region " + r,
        });
        return new JsonObject
        {
            ["id"] = sid,
            ["organization_id"] = organizationId,
            ["name"] = texts.Text("en", false, "Directory.Kind." + s.Kind),
            ["description"] = s.Notes,
            ["status"] = "active",
            ["eligibility_description"] = groups.Count == 0 ? "Any human rights defender at risk"
                : string.Join("; ", groups.Select(g => texts.Text("en", false, "Directory.Group." + g))),
            // The day the provider last said what its capacity is: HSDS's "date the information was last checked".
            ["assured_date"] = s.CapacityConfirmedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["languages"] = new JsonArray([.. languages]),
            ["service_areas"] = new JsonArray([.. areas]),
            ["attributes"] = attributes,
        };
    }

    private static JsonObject Attribute(string linkId, string entity, string code, string? value = null)
    {
        var taxonomy = code[..code.IndexOf(':', StringComparison.Ordinal)];
        var termId = StableId("term/" + code);
        var attribute = new JsonObject
        {
            ["id"] = StableId(linkId + "/" + code), ["link_id"] = linkId, ["link_entity"] = entity, ["link_type"] = taxonomy, ["taxonomy_term_id"] = termId,
            ["taxonomy_term"] = new JsonObject { ["id"] = termId, ["code"] = code, ["name"] = code[(taxonomy.Length + 1)..], ["description"] = code, ["taxonomy"] = taxonomy },
        };
        if (value is not null) attribute["value"] = value;
        return attribute;
    }

    private static string Level(Confidentiality level) => Code(LevelTaxonomy, level.ToString());

    /// <summary>"amparo-service-kind:digital-help-line" for DigitalHelpLine: the enum's name in lower-case words, a code that stays stable.</summary>
    private static string Code(string taxonomy, string name)
    {
        var b = new StringBuilder(taxonomy).Append(':');
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) b.Append('-');
            b.Append(char.ToLowerInvariant(name[i]));
        }
        return b.ToString();
    }

    /// <summary>The value of <typeparamref name="T"/> whose <see cref="Code"/> is <paramref name="code"/>, if any.</summary>
    private static T? FromCode<T>(string taxonomy, string code) where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Code(taxonomy, v.ToString()) == code).Select(v => (T?)v).FirstOrDefault();

    /// <summary>A UUID that is the same in every export for the same thing (HSDS wants one on every object).</summary>
    private static string StableId(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("amparo-hsds/" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static string[] Codes(string spaceSeparated) => spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static bool LooksLikeEmail(string s) => s.Length > 2 && s.IndexOf('@', StringComparison.Ordinal) > 0 && !s.Any(char.IsWhiteSpace) && !LooksLikeUrl(s);

    private static bool LooksLikeUrl(string s) => !s.Any(char.IsWhiteSpace) && Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    /// <summary>
    /// Writes one organization's HSDS 3.0 JSON (an object, or an array holding exactly one) into its entry in the network,
    /// for its admins only (anyone else: not found): the description, the front gate, the services (added, or changed when the
    /// id is one of the entry's) and the contacts — all or nothing, through <see cref="NetworkDirectory"/>'s own checks.
    /// A contact's level is Amparo's attribute when present; when absent the safer default, network members (an address:
    /// never shown). Contacts the file cannot carry (after a referral, never shown) that the entry has are kept, unless the
    /// file has the same one: an export never holds them, and importing it back must not erase a safe house's address.
    /// The entry's visibility is not in HSDS and is not changed (a new entry: this network only).
    /// </summary>
    public async Task<HsdsImport> ImportAsync(Guid viewer, Guid networkId, Guid organizationId, ReadOnlyMemory<byte> json, CancellationToken ct = default)
    {
        if (await directory.EntryForEditAsync(viewer, networkId, organizationId, ct) is not { } entry) return HsdsImport.NotFound;
        if (json.Length > MaxBytes) return HsdsImport.Invalid("body");
        JsonElement org;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1) root = root[0];
            if (root.ValueKind != JsonValueKind.Object) return HsdsImport.Invalid("body");
            org = root.Clone();
        }
        catch (JsonException)
        {
            return HsdsImport.Invalid("body");
        }
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);

        // The contacts, and which one is the front gate. A contact whose level the file states (Amparo's attribute) is in
        // `stated`; the others have the safer default and never lower a level the entry already keeps stricter (below).
        var contacts = new List<EntryContactInput>();
        var stated = new HashSet<EntryContactInput>();
        void Add(ContactKind kind, Confidentiality? level, Confidentiality fallback, string value)
        {
            var contact = new EntryContactInput(kind, level ?? fallback, value);
            contacts.Add(contact);
            if (level is not null) stated.Add(contact);
        }
        string? gate = null;
        foreach (var (phone, i) in Items(org, "phones", errors))
        {
            if (Str(phone, "number", $"phones[{i}].number", errors) is not { } number) continue;
            var codes = TermCodes(phone);
            if (codes.Contains(FrontGateCode) && gate is null) gate = number;
            else Add(ContactKind.Phone, StatedLevel(codes), Confidentiality.NetworkMembers, number);
        }
        foreach (var (person, i) in Items(org, "contacts", errors))
        {
            var codes = TermCodes(person);
            var level = StatedLevel(codes);
            if (codes.Contains(MessagingCode))
            {
                if (Str(person, "name", $"contacts[{i}].name", errors) is { } handle) Add(ContactKind.Messaging, level, Confidentiality.NetworkMembers, handle);
                continue;
            }
            if (Str(person, "email", $"contacts[{i}].email", errors) is { } email) Add(ContactKind.Email, level, Confidentiality.NetworkMembers, email);
            // A named contact's own phones: the same level as the contact unless they say theirs.
            foreach (var (phone, j) in Items(person, "phones", errors))
                if (Str(phone, "number", $"contacts[{i}].phones[{j}].number", errors) is { } number)
                    Add(ContactKind.Phone, StatedLevel(TermCodes(phone)) ?? level, Confidentiality.NetworkMembers, number);
        }
        foreach (var (location, i) in Items(org, "locations", errors))
        {
            var locationLevel = StatedLevel(TermCodes(location));
            foreach (var (address, j) in Items(location, "addresses", errors))
            {
                var parts = AddressParts
                    .Select(p => Str(address, p, $"locations[{i}].addresses[{j}].{p}", errors)).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim());
                var line = string.Join(", ", parts);
                if (line.Length > 0) Add(ContactKind.Address, StatedLevel(TermCodes(address)) ?? locationLevel, Confidentiality.Never, line);
            }
        }
        foreach (var (site, i) in Items(org, "additional_websites", errors))
            if (Str(site, "url", $"additional_websites[{i}].url", errors) is { } url) Add(ContactKind.Website, StatedLevel(TermCodes(site)), Confidentiality.NetworkMembers, url);
        var orgEmail = Str(org, "email", "email", errors);
        var orgSite = Str(org, "website", "website", errors);
        if (gate is null && !string.IsNullOrWhiteSpace(orgEmail)) (gate, orgEmail) = (orgEmail, null);
        if (gate is null && !string.IsNullOrWhiteSpace(orgSite)) (gate, orgSite) = (orgSite, null);
        if (!string.IsNullOrWhiteSpace(orgEmail)) contacts.Add(new(ContactKind.Email, Confidentiality.NetworkMembers, orgEmail));
        if (!string.IsNullOrWhiteSpace(orgSite)) contacts.Add(new(ContactKind.Website, Confidentiality.NetworkMembers, orgSite));

        // The services.
        var services = new List<(Guid? Id, ServiceInput Input)>();
        var list = Items(org, "services", errors).ToList();
        if (list.Count > MaxServices) return HsdsImport.Invalid("services");
        List<Guid> existing = entry.Id == Guid.Empty ? [] : await db.DirectoryServices.Where(s => s.EntryId == entry.Id).Select(s => s.Id).ToListAsync(ct);
        foreach (var (service, i) in list)
        {
            var name = Str(service, "name", $"services[{i}].name", errors) ?? "";
            var codes = TermCodes(service);
            var kind = codes.Select(c => FromCode<ServiceKind>(KindTaxonomy, c)).FirstOrDefault(k => k is not null);
            if (kind is null)
            {
                errors[$"services[{i}].kind"] = "Directory.Error.Kind";
                names[$"services[{i}].kind"] = name;
                continue;
            }
            var eligible = codes.Select(c => FromCode<Eligibility>(GroupTaxonomy, c) ?? Eligibility.None).Aggregate(Eligibility.None, (all, g) => all | g);
            int? hours = null;
            foreach (var a in Attributes(service).Where(a => a.Code == ResponseCode))
            {
                if (int.TryParse(a.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h)) hours = h;
                else errors[$"services[{i}].responseHours"] = "Directory.Error.ResponseHours";
            }
            var languages = Items(service, "languages", errors).Select(l => LanguageCode(Str(l.Item, "code", $"services[{i}].languages[{l.Index}].code", errors))).ToList();
            var regions = Items(service, "service_areas", errors)
                .Select(a => Str(a.Item, "extent", $"services[{i}].service_areas[{a.Index}].extent", errors) ?? Str(a.Item, "name", $"services[{i}].service_areas[{a.Index}].name", errors) ?? "")
                .ToList();
            var id = Str(service, "id", $"services[{i}].id", errors) is { } text && Guid.TryParse(text, out var g) && existing.Contains(g) ? g : (Guid?)null;
            services.Add((id, new ServiceInput(kind.Value, languages, regions, eligible, hours, Str(service, "description", $"services[{i}].description", errors) ?? "")));
        }
        var description = Str(org, "description", "description", errors);
        if (errors.Count > 0) return new(DirectoryWriteStatus.Invalid, Errors: errors, Names: names);

        // What the file cannot carry stays. A contact the file repeats takes the file's level only when the file states it:
        // an emergency phone kept "after a referral" must not become readable by the whole network because another
        // system's listing has the same number without Amparo's levels.
        if (entry.Id != Guid.Empty && await directory.ViewAsync(viewer, entry.Id, ct) is { } view)
            foreach (var kept in view.Contacts.Where(c => !Exportable.Contains(c.Level)))
            {
                var same = contacts.FindIndex(c => c.Kind == kept.Kind && string.Equals(c.Value.Trim(), kept.Value, StringComparison.Ordinal));
                if (same < 0) contacts.Add(new(kept.Kind, kept.Level, kept.Value));
                else if (!stated.Contains(contacts[same])) contacts[same] = contacts[same] with { Level = kept.Level };
            }

        var input = new EntryInput(description ?? entry.Description,
            entry.Id == Guid.Empty ? EntryVisibility.Network : entry.Visibility, gate ?? entry.FrontGate);
        int added = 0, updated = 0;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var (saved, _) = await directory.WriteEntryAsync(viewer, networkId, organizationId, input, contacts, ct);
            if (saved.Status != DirectoryWriteStatus.Done) return Undo(saved.Status, saved.Errors, "");
            for (var i = 0; i < services.Count; i++)
            {
                var (result, _, _) = await directory.WriteServiceAsync(viewer, saved.Id!.Value, services[i].Id, services[i].Input, ct);
                if (result.Status != DirectoryWriteStatus.Done) return Undo(result.Status, result.Errors, $"services[{i}].");
                if (services[i].Id is null) added++;
                else updated++;
            }
            await tx.CommitAsync(ct);
            await audit.WriteAsync(AuditEvents.DirectoryChanged, viewer, saved.Id, organizationId,
                $"hsds-import services added={added} updated={updated} contacts " + string.Join(',', contacts.GroupBy(c => c.Level).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}")), ct);
        }
        return new(DirectoryWriteStatus.Done, new HsdsReport(added, updated, contacts.GroupBy(c => c.Level).ToDictionary(g => g.Key, g => g.Count())));

        // The transaction is rolled back as it is disposed; the tracked rows it wrote must go with it.
        HsdsImport Undo(DirectoryWriteStatus status, IReadOnlyDictionary<string, string>? refused, string prefix)
        {
            db.ChangeTracker.Clear();
            return status == DirectoryWriteStatus.Invalid
                ? new(DirectoryWriteStatus.Invalid, Errors: refused!.ToDictionary(e => prefix + e.Key, e => e.Value, StringComparer.Ordinal))
                : HsdsImport.NotFound;
        }
    }

    /// <summary>ISO 639-1 as Amparo keeps it; the ISO 639-2/3 codes of its five languages are accepted too.</summary>
    private static string LanguageCode(string? code) => (code ?? "").Trim().ToLowerInvariant() switch
    {
        "eng" => "en",
        "spa" => "es",
        "fra" or "fre" => "fr",
        "ara" => "ar",
        "rus" => "ru",
        var c => c,
    };

    /// <summary>The level Amparo's attribute states, or null when the file states none.</summary>
    private static Confidentiality? StatedLevel(IReadOnlyCollection<string> codes) =>
        codes.Select(c => FromCode<Confidentiality>(LevelTaxonomy, c)).FirstOrDefault(l => l is not null);

    /// <summary>The objects of an array property; a property that is there but not an array of objects is a refused field.</summary>
    private static List<(JsonElement Item, int Index)> Items(JsonElement parent, string name, Dictionary<string, string> errors)
    {
        if (!parent.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return [];
        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            errors[name] = "Validation.Invalid";
            return [];
        }
        return array.EnumerateArray().Select((e, i) => (e, i)).ToList();
    }

    /// <summary>A string property, null when absent; any other kind of value is a refused field.</summary>
    private static string? Str(JsonElement parent, string name, string field, Dictionary<string, string> errors)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && Decoded(value) is { } text) return text;
        errors[field] = "Validation.Invalid";
        return null;
    }

    /// <summary>
    /// A string's value, or null when it cannot be decoded: JsonDocument accepts an escaped lone surrogate ("\udc00") and
    /// only the reading of the value throws, which would answer 500.
    /// </summary>
    private static string? Decoded(JsonElement value)
    {
        try { return value.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private static List<(string Code, string? Value)> Attributes(JsonElement parent)
    {
        var found = new List<(string, string?)>();
        if (!parent.TryGetProperty("attributes", out var array) || array.ValueKind != JsonValueKind.Array) return found;
        foreach (var a in array.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.Object || !a.TryGetProperty("taxonomy_term", out var term) || term.ValueKind != JsonValueKind.Object
                || !term.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || Decoded(code) is not { } text) continue;
            found.Add((text, a.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? Decoded(v) : null));
        }
        return found;
    }

    private static HashSet<string> TermCodes(JsonElement parent) => [.. Attributes(parent).Select(a => a.Code)];
}
