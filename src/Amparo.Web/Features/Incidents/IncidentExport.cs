using System.Globalization;
using System.Text;
using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>One report as exported: Amparo's words and the HURIDOCS codes beside them, texts decrypted.</summary>
public sealed record IncidentRow(
    Guid Id, DateOnly OccurredOn, string Precision, IReadOnlyList<string> Acts, IReadOnlyList<string> ActCodes,
    string PrimaryAct, IReadOnlyList<string> PrimaryActCodes, string Perpetrator, string PerpetratorCode,
    IReadOnlyList<string> Groups, IReadOnlyList<string> Domains, string? AreaId, string? AreaName,
    double? CellLatitude, double? CellLongitude, bool AboutReporter, string? ConcernedName, string? Narrative,
    string Status, DateTime CreatedAt);

/// <summary>
/// An organization's reports as JSON or CSV, with HURIDOCS codes, so they can move to a documentation system (Uwazi,
/// OpenEvSys) or a case system — for the organization's admins and focal points only (anyone else: null, a 404), audited.
/// Texts are decrypted: the file is as sensitive as the reports (docs/incidents.md says how to keep it).
/// </summary>
public sealed class IncidentExport(AmparoDbContext db, FieldCipher cipher, Gazetteer gazetteer, TimeProvider clock, AuditLog audit)
{
    /// <summary>The CSV columns, in order; the import reads the same names.</summary>
    public static readonly string[] Columns =
    [
        "id", "occurred_on", "precision", "acts", "acts_huridocs", "primary_act", "primary_act_huridocs", "perpetrator",
        "perpetrator_huridocs", "groups", "domains", "area_id", "area_name", "cell_latitude", "cell_longitude",
        "about_reporter", "concerned_name", "narrative", "status", "created_at",
    ];

    public async Task<List<IncidentRow>?> RowsAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        var staff = Access.AudienceOf(organizationId, DataCategory.OrganizationIncidents, AccessSources.Of(db, clock), AccessPath.OrganizationStaff);
        if (!await staff.AnyAsync(v => v == viewer, ct)) return null;
        // One key and one query for the whole export: only the narrative and the name are decrypted, row by row.
        var key = await OrganizationKeys.KeyIdAsync(db, organizationId, ct);
        var reports = await db.Incidents.AsNoTracking().Where(i => i.OrganizationId == organizationId && !i.AwaitingReview)
            .OrderBy(i => i.OccurredOn).ThenBy(i => i.CreatedAt).ToListAsync(ct);
        var rows = new List<IncidentRow>(reports.Count);
        foreach (var i in reports)
        {
            rows.Add(new IncidentRow(
                i.Id, i.OccurredOn, PlanWire.Word(i.Precision),
                Flags.Each(i.Acts).Select(PlanWire.Word).ToList(), Flags.Each(i.Acts).SelectMany(Huridocs.ActCodes).Distinct().ToList(),
                PlanWire.Word(i.PrimaryAct), Huridocs.ActCodes(i.PrimaryAct), PlanWire.Word(i.Perpetrator), Huridocs.PerpetratorCode(i.Perpetrator),
                Flags.Each(i.Groups).Select(PlanWire.Word).ToList(), PlanWire.Words(i.Domains), i.AreaId,
                gazetteer.Find(i.AreaId) is { } area ? gazetteer.PathOf(area, "en") : null,
                i.CellLatitude, i.CellLongitude, i.AboutReporter,
                await cipher.DecryptAsync(db, key, i.ConcernedNameCipher, Incident.Table, nameof(Incident.ConcernedNameCipher), i.Id, ct),
                await cipher.DecryptAsync(db, key, i.NarrativeCipher, Incident.Table, nameof(Incident.NarrativeCipher), i.Id, ct),
                IncidentService.StatusName(i.Status), i.CreatedAt));
        }
        await audit.WriteAsync(AuditEvents.DataExported, viewer, organizationId, organizationId, $"incidents:{rows.Count}", ct);
        return rows;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static byte[] ToJson(IReadOnlyList<IncidentRow> rows) =>
        JsonSerializer.SerializeToUtf8Bytes(new { format = "amparo-incidents/1", incidents = rows }, Json);

    /// <summary>RFC 4180, UTF-8 with a byte-order mark (spreadsheets then read accents right); lists joined by "; ".</summary>
    public static byte[] ToCsv(IReadOnlyList<IncidentRow> rows)
    {
        var csv = new StringBuilder();
        Line(csv, Columns);
        foreach (var r in rows)
            Line(csv, [
                r.Id.ToString(), r.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Precision, string.Join("; ", r.Acts),
                string.Join("; ", r.ActCodes), r.PrimaryAct, string.Join("; ", r.PrimaryActCodes), r.Perpetrator, r.PerpetratorCode,
                string.Join("; ", r.Groups), string.Join("; ", r.Domains), r.AreaId ?? "", r.AreaName ?? "",
                r.CellLatitude?.ToString(CultureInfo.InvariantCulture) ?? "", r.CellLongitude?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.AboutReporter ? "true" : "false", r.ConcernedName ?? "", r.Narrative ?? "", r.Status,
                r.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ]);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static void Line(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(Cell));
        csv.Append("\r\n");
    }

    /// <summary>
    /// A quoted cell. A text a spreadsheet would take for a formula (=, +, -, @, a tab or a carriage return first) gets a leading apostrophe, which
    /// the import removes again: an exported narrative must not run as a formula on a colleague's computer.
    /// </summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
