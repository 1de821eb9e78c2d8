using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// A person reported an incident that happened to them: their well-being time line gets its day and a debrief is offered
/// to them, as after a hard alert. A report about someone else offers nothing to its writer (a focal point's work is not
/// their incident), and the person concerned may have no account. Heard through the fact seam, never called by incidents.
/// </summary>
/// <remarks>Owner side: it writes to the reporter's own pages. Durable and idempotent: one mark per incident.</remarks>
public sealed class DebriefAfterIncident(AmparoDbContext db, MarkService marks) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (fact is not IncidentReported { AboutReporter: true } reported) return;
        // The day it happened, as precisely as the person gave it; a report since deleted offers nothing.
        var on = await db.Incidents.Where(i => i.Id == reported.IncidentId && i.ReporterId == reported.OwnerId)
            .Select(i => (DateOnly?)i.OccurredOn).SingleOrDefaultAsync(ct);
        if (on is { } day) await marks.MarkIncidentAsync(reported.OwnerId, reported.IncidentId, day, ct);
    }
}
