using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// In "export my data": the reports the person wrote that they may still see, decrypted (their personal records, and
/// their reports to organizations they still belong to). On deletion: their personal records go; a report to an
/// organization is the organization's and stays, without its reporter (the key sets it null), as do its notes.
/// </summary>
public sealed class IncidentsPersonalData(AmparoDbContext db, IncidentService incidents) : IPersonalData
{
    public string Section => "incidents";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var mine = (await incidents.ListAsync(person.Id, ct)).Where(i => i.ReportedByViewer).ToList();
        var export = new List<object>(mine.Count);
        foreach (var summary in mine)
        {
            if (await incidents.ReadAsync(person.Id, summary.Id, ct) is not { } view) continue;
            var i = view.Incident;
            export.Add(new
            {
                i.Id, Organization = view.OrganizationName, i.OccurredOn, Precision = i.Precision.ToString(),
                Acts = Flags.Each(i.Acts).Select(a => a.ToString()).ToList(), PrimaryAct = i.PrimaryAct.ToString(),
                Perpetrator = i.Perpetrator.ToString(), Groups = Flags.Each(i.Groups).Select(g => g.ToString()).ToList(),
                i.AreaId, i.CellLatitude, i.CellLongitude, view.ConcernedName, view.Narrative,
                Status = IncidentService.StatusName(i.Status), i.CreatedAt,
                Notes = view.Notes.Where(n => n.AuthorId == person.Id).Select(n => new { n.Text, n.CreatedAt }).ToList(),
            });
        }
        return export;
    }

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        var personal = db.Incidents.Where(i => i.OrganizationId == null && i.ReporterId == person.Id);
        await db.IncidentNotes.Where(n => personal.Select(i => i.Id).Contains(n.IncidentId)).ExecuteDeleteAsync(ct);
        await db.IncidentAttachments.Where(a => personal.Select(i => i.Id).Contains(a.IncidentId)).ExecuteDeleteAsync(ct);
        await personal.ExecuteDeleteAsync(ct);
    }
}
