using System.Globalization;
using System.Text;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>A problem with one cell of an imported file: its data row (1 = the first row after the header), the column, and a resource key.</summary>
public sealed record ImportProblem(int Row, string Column, string Key);

/// <summary>
/// Imports an organization's reports from CSV (a spreadsheet, another system, or Amparo's own export) for its admins and
/// focal points: each of Amparo's fields is read from the column the person mapped it to (by default the column of the
/// same name, so a file exported from Amparo can be imported as it is). Every row is checked first, and the problems are listed by row and
/// column; only a file without any is written, in one transaction — nothing is ever half-imported, and a file is
/// imported once (<see cref="IncidentImportBatch"/>). Imported reports have no reporter (the importer is recorded as
/// such), are about someone else (named only when the file names them), keep no point, and are not told to other
/// modules as new (they are history, not an incident happening now).
/// </summary>
public sealed class IncidentImport(AmparoDbContext db, IncidentService incidents, ReportLinks links, Gazetteer gazetteer, TimeProvider clock, AuditLog audit)
{
    public const string ImportedEvent = "incident.imported";
    public const int MaxBytes = 512 * 1024, MaxRows = 5_000, MaxColumns = 64;

    /// <summary>Amparo's fields an import reads; the first two are required.</summary>
    public static readonly string[] Fields =
    [
        "occurred_on", "acts", "precision", "primary_act", "perpetrator", "groups", "domains", "area_id",
        "cell_latitude", "cell_longitude", "concerned_name", "narrative", "status",
    ];

    public static bool IsRequired(string field) => field is "occurred_on" or "acts";

    /// <summary>
    /// Reads RFC 4180 CSV (UTF-8, a byte-order mark allowed; commas; quoted cells may hold commas, quotes and line breaks).
    /// The first row is the header. Null with a resource key when the file cannot be read as such.
    /// </summary>
    public static (List<string[]>? Rows, string? Error) Parse(byte[] bytes)
    {
        if (bytes.Length == 0) return (null, "Incidents.Import.Error.Empty");
        if (bytes.Length > MaxBytes) return (null, "Incidents.Import.Error.TooLarge");
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { return (null, "Incidents.Import.Error.Encoding"); }
        if (text.StartsWith('\uFEFF')) text = text[1..];
        // Spreadsheets in languages with a decimal comma save "CSV" with semicolons: the header row says which.
        var firstLine = text.AsSpan(0, text.IndexOfAny(['\r', '\n']) is var end and >= 0 ? end : text.Length);
        var separator = firstLine.Count(';') > firstLine.Count(',') ? ';' : ',';
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == separator) { row.Add(cell.ToString()); cell.Clear(); }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(cell.ToString()); cell.Clear();
                if (!(row.Count == 1 && row[0].Length == 0)) rows.Add([.. row]);
                row.Clear();
                if (rows.Count > MaxRows + 1) return (null, "Incidents.Import.Error.TooManyRows");
            }
            else cell.Append(c);
            if (row.Count > MaxColumns) return (null, "Incidents.Import.Error.Shape");
        }
        if (quoted) return (null, "Incidents.Import.Error.Shape");
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        if (rows.Count < 2) return (null, "Incidents.Import.Error.Empty");
        if (rows.Count > MaxRows + 1) return (null, "Incidents.Import.Error.TooManyRows");
        if (rows[0].Length > MaxColumns || rows.Any(r => r.Length != rows[0].Length)) return (null, "Incidents.Import.Error.Shape");
        return (rows, null);
    }

    /// <summary>Each field's column by default: the column whose header is the field's name (as Amparo's export writes it).</summary>
    public static Dictionary<string, int?> GuessMapping(string[] header) =>
        Fields.ToDictionary(f => f, f => Array.FindIndex(header, h => string.Equals(h.Trim(), f, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? (int?)i : null, StringComparer.Ordinal);

    /// <summary>
    /// Checks every row and, when none has a problem, writes them all. Null: the viewer is not the organization's staff.
    /// The result is the number written, or the problems (nothing written).
    /// </summary>
    public async Task<(int Imported, List<ImportProblem> Problems)?> ImportAsync(Guid viewer, Guid organizationId, List<string[]> rows, IReadOnlyDictionary<string, int?> mapping, Guid batch, CancellationToken ct = default)
    {
        if (!await links.IsStaffAsync(viewer, organizationId, ct)) return null;
        if (await db.IncidentImports.AnyAsync(b => b.Id == batch, ct)) return (0, [Used]);
        var problems = new List<ImportProblem>();
        var header = rows[0];
        foreach (var field in Fields)
        {
            if (mapping.GetValueOrDefault(field) is { } column && (column < 0 || column >= header.Length)) problems.Add(new(0, field, "Incidents.Import.Error.Mapping"));
            else if (mapping.GetValueOrDefault(field) is null && IsRequired(field)) problems.Add(new(0, field, "Incidents.Import.Error.Required"));
        }
        if (problems.Count > 0) return (0, problems);

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var inputs = new List<(IncidentInput Input, IncidentStatus Status)>(rows.Count - 1);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            string Cell(string field) => mapping.GetValueOrDefault(field) is { } c ? Unneutralised(row[c].Trim()) : "";
            var rowProblems = new List<ImportProblem>();
            void Problem(string field, string key) => rowProblems.Add(new(r, ColumnName(header, mapping, field), key));

            DateOnly? on = DateOnly.TryParseExact(Cell("occurred_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
            if (on is null) Problem("occurred_on", "Incidents.Error.Date");
            var precision = Word(Cell("precision"), DatePrecision.Day, "precision", Problem);
            var acts = Words<IncidentActs>(Cell("acts"), "acts", Problem);
            var primary = Cell("primary_act") is { Length: > 0 } p ? Word(p, IncidentActs.None, "primary_act", Problem) : IncidentRules.IsSingle(acts) ? acts : IncidentActs.None;
            var perpetrator = Word(Cell("perpetrator"), PerpetratorType.Unknown, "perpetrator", Problem);
            var groups = Words<TargetedGroups>(Cell("groups"), "groups", Problem);
            var domains = SecurityDomains.None;
            foreach (var w in Split(Cell("domains")))
                if (PlanWire.TryParse<SecurityDomains>(w, out var dom) && dom != SecurityDomains.None) domains |= dom;
                else { Problem("domains", "Incidents.Error.Choice"); break; }
            double? lat = Number(Cell("cell_latitude"), "cell_latitude", Problem), lon = Number(Cell("cell_longitude"), "cell_longitude", Problem);
            var status = Cell("status") is { Length: > 0 } s ? IncidentService.ParseStatus(s) : IncidentStatus.New;
            if (status is null) Problem("status", "Incidents.Error.Choice");
            var name = IncidentRules.Clean(Cell("concerned_name"));
            var input = new IncidentInput(organizationId, AboutMe: false, name, NamedWithConsent: name is not null, on, precision, acts, primary,
                perpetrator, groups, domains, IncidentRules.Clean(Cell("area_id")), lat, lon, Cell("narrative"));
            if (rowProblems.Count == 0)
                foreach (var (field, key) in IncidentRules.Check(input, today, gazetteer))
                    Problem(field switch
                    {
                        "OccurredOn" => "occurred_on", "Precision" => "precision", "Acts" => "acts", "PrimaryAct" => "primary_act",
                        "Perpetrator" => "perpetrator", "Groups" => "groups", "Domains" => "domains", "AreaId" => "area_id",
                        "Latitude" => "cell_latitude", "ConcernedName" => "concerned_name", _ => "narrative",
                    }, key);
            problems.AddRange(rowProblems);
            if (rowProblems.Count == 0) inputs.Add((input, status!.Value));
            if (problems.Count >= 100) break; // enough to fix a file; the rest are found on the next try
        }
        if (problems.Count > 0) return (0, problems);

        foreach (var (input, status) in inputs)
            await incidents.AddImportedAsync(viewer, input, status, ct);
        db.IncidentImports.Add(new IncidentImportBatch { Id = batch, OrganizationId = organizationId, ImportedById = viewer, Reports = inputs.Count, At = clock.GetUtcNow().UtcDateTime });
        try { await db.SaveChangesAsync(ct); } // one transaction: every row or none, and the batch once
        catch (DbUpdateException)
        {
            // The same batch saved at the same moment by a second click: that one imported it.
            if (await BatchExistsAsync(batch)) return (0, [Used]);
            throw;
        }
        await audit.WriteAsync(ImportedEvent, viewer, organizationId, organizationId, $"incidents:{inputs.Count}", ct);
        return (inputs.Count, problems);
    }

    private static readonly ImportProblem Used = new(0, "", "Incidents.Import.Error.Used");

    /// <summary>Asked in a fresh context after a failed save (the failed one still holds the rows it could not write).</summary>
    private async Task<bool> BatchExistsAsync(Guid batch)
    {
        db.ChangeTracker.Clear();
        return await db.IncidentImports.AnyAsync(b => b.Id == batch);
    }

    private static string ColumnName(string[] header, IReadOnlyDictionary<string, int?> mapping, string field) =>
        mapping.GetValueOrDefault(field) is { } c ? header[c] : field;

    /// <summary>The export puts an apostrophe before a cell a spreadsheet would run as a formula; the import takes it away.</summary>
    private static string Unneutralised(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;

    private static string[] Split(string cell) =>
        cell.Split([';', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static T Word<T>(string cell, T blank, string field, Action<string, string> problem) where T : struct, Enum
    {
        if (cell.Length == 0) return blank;
        if (PlanWire.TryParse<T>(cell, out var value)) return value;
        problem(field, "Incidents.Error.Choice");
        return blank;
    }

    private static T Words<T>(string cell, string field, Action<string, string> problem) where T : struct, Enum
    {
        long all = 0;
        foreach (var w in Split(cell))
        {
            if (!PlanWire.TryParse<T>(w, out var value) || Convert.ToInt64(value, CultureInfo.InvariantCulture) == 0)
            {
                problem(field, "Incidents.Error.Choice");
                break;
            }
            all |= Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }
        return (T)Enum.ToObject(typeof(T), all);
    }

    private static double? Number(string cell, string field, Action<string, string> problem)
    {
        if (cell.Length == 0) return null;
        // A decimal comma ("4,61") as a spreadsheet in Spanish or French writes it.
        var text = cell.Contains('.', StringComparison.Ordinal) ? cell : cell.Replace(',', '.');
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        problem(field, "Incidents.Error.Point");
        return null;
    }
}
