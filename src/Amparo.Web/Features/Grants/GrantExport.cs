using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Grants;

/// <summary>Who a grant's public record names: nobody ("Anonymous recipient", the default) or, for an organization's request, the organization.</summary>
public enum PublicRecipient { Anonymous = 0, Organization = 1 }

/// <summary>Where a grant's public record says the work is: the coarse region (the default), the country, or nowhere.</summary>
public enum PublicLocation { Region = 0, Country = 1, None = 2 }

/// <summary>How much of a grant its grantmaker's public reports show (chosen per grant by its program officer); the defaults hide the most.</summary>
public sealed record PublicationInput(PublicRecipient Recipient, PublicLocation Location, string? Description, bool Excluded)
{
    public const int DescriptionMax = 500;
}

/// <summary>One grant as published: 360Giving's fields, with what its anonymization hides left out or generalized.</summary>
public sealed record PublicGrant(
    string Id, string Title, string Description, string Currency, decimal AmountAwarded, DateOnly AwardDate,
    string RecipientId, string RecipientName, string FundingId, string FundingName, string Programme,
    string? LocationName, string? CountryCode, DateTime DateModified);

/// <summary>
/// The grantmaker's public reporting export (issue 15), in the shape of the 360Giving data standard (JSON and CSV): the
/// grants it made in a year, each as its program officer chose — by default "Anonymous recipient", the location reduced
/// to its region and a generalized description. It never carries what the applicant wrote (title, need, budget), never a
/// person's name, never a country the grant did not choose to show. Its ids are keyed hashes, so a public record cannot
/// be matched to a request's address. Its admins only.
/// </summary>
public sealed class GrantExport(AmparoDbContext db, FieldCipher cipher, CountryOutlines countries, GrantRequests requests, IStringLocalizer<SharedResource> t)
{
    public const string KeyPurpose = "grant-export";
    public const string AnonymousId = "360G-amparo-anonymous";
    /// <summary>The earliest year an export is asked for.</summary>
    public const int FirstYear = 2000;

    /// <summary>The grants its admins may publish for a year (by the day they were approved), or null when the viewer is not one of its admins.</summary>
    public async Task<(string Grantmaker, List<PublicGrant> Grants, int LeftOut)?> ExportAsync(Guid viewer, Guid organizationId, int year, CancellationToken ct = default)
    {
        var org = await Grantmakers.AdministeredBy(db, viewer).AsNoTracking().Select(o => new { o.Id, o.Name }).SingleOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null) return null;
        var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
        var (start, end) = (new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var made = await (from r in db.GrantRequests.AsNoTracking()
                          join p in db.GrantPrograms on r.ProgramId equals p.Id
                          where p.OrganizationId == organizationId && r.DecidedAt >= start && r.DecidedAt < end && !r.PublicExcluded
                              && (r.State == RequestState.Approved || r.State == RequestState.Disbursed || r.State == RequestState.ReportDue
                                  || r.State == RequestState.ReportReceived || r.State == RequestState.Closed)
                          orderby r.DecidedAt, r.Id
                          select new { Request = r, p.Name, p.Kind, p.Currency }).ToListAsync(ct);
        var grants = new List<PublicGrant>();
        var leftOut = 0;
        foreach (var g in made)
        {
            var r = g.Request;
            // The amount approved: read with the request's key, or the one the purge kept; neither (purged, not kept): left out.
            var amount = r.PurgedAt is null ? await requests.ApprovedAmountAsync(r, ct) : r.KeptAmount ?? 0;
            if (amount <= 0) { leftOut++; continue; }
            var recipientName = r.PublicRecipient == PublicRecipient.Organization && r.OrganizationId is { } named
                ? await db.Organizations.Where(o => o.Id == named).Select(o => o.Name).SingleOrDefaultAsync(ct) : null;
            var (location, country) = r.PublicLocation switch
            {
                PublicLocation.None => (null, null),
                PublicLocation.Country when r.PurgedAt is null && (await requests.AnswersAsync(r, ct)).Country is { } c && countries.Countries.TryGetValue(c, out var known)
                    => (known.Name("en"), c),
                PublicLocation.Country or PublicLocation.Region => (r.Region is { } region && countries.Regions.TryGetValue(region, out var reg) ? reg.Name("en") : null, (string?)null),
            };
            grants.Add(new PublicGrant(
                Id: "360G-amparo-" + Keyed(key, r.Id), Title: g.Name,
                Description: string.IsNullOrWhiteSpace(r.PublicDescription) ? t["Grants.Export.Description." + g.Kind].Value : r.PublicDescription,
                Currency: g.Currency, AmountAwarded: amount, AwardDate: DateOnly.FromDateTime(r.DecidedAt!.Value),
                RecipientId: recipientName is null ? AnonymousId : "360G-amparo-org-" + Keyed(key, r.OrganizationId!.Value),
                RecipientName: recipientName ?? t["Grants.Export.Anonymous"].Value,
                FundingId: "360G-amparo-org-" + Keyed(key, org.Id), FundingName: org.Name, Programme: g.Name,
                LocationName: location, CountryCode: country, DateModified: r.UpdatedAt));
        }
        return (org.Name, grants, leftOut);
    }

    /// <summary>A keyed hash of an id (16 hex digits): stable across exports, not to be matched to the request's address by anyone without the key.</summary>
    private static string Keyed(byte[] key, Guid id) => Convert.ToHexStringLower(HMACSHA256.HashData(key, id.ToByteArray()))[..16];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>360Giving's JSON: a "grants" array, each with its recipient, funder, programme and beneficiary location as one-element arrays.</summary>
    public static byte[] ToJson(IEnumerable<PublicGrant> grants) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        grants = grants.Select(g => new
        {
            id = g.Id, title = g.Title, description = g.Description, currency = g.Currency, amountAwarded = g.AmountAwarded,
            awardDate = g.AwardDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            recipientOrganization = new[] { new { id = g.RecipientId, name = g.RecipientName } },
            fundingOrganization = new[] { new { id = g.FundingId, name = g.FundingName } },
            grantProgramme = new[] { new { title = g.Programme } },
            beneficiaryLocation = g.LocationName is null ? null : new[] { new { name = g.LocationName, countryCode = g.CountryCode } },
            dateModified = g.DateModified.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }),
    }, Json);

    private static readonly string[] Columns = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Recipient Org:Identifier",
        "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Title", "Beneficiary Location:Name",
        "Beneficiary Location:Country Code", "Last Modified"];

    /// <summary>360Giving's spreadsheet columns, as CSV (the incident export's rules: UTF-8 with a byte-order mark, no cell read as a formula).</summary>
    public static byte[] ToCsv(IEnumerable<PublicGrant> grants)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns.Select(Incidents.IncidentExport.Cell)).Append("\r\n");
        foreach (var g in grants)
            csv.AppendJoin(',', new[]
            {
                g.Id, g.Title, g.Description, g.Currency, g.AmountAwarded.ToString(CultureInfo.InvariantCulture), g.AwardDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                g.RecipientId, g.RecipientName, g.FundingId, g.FundingName, g.Programme, g.LocationName ?? "", g.CountryCode ?? "",
                g.DateModified.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            }.Select(Incidents.IncidentExport.Cell)).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}
