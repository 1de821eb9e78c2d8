using Amparo.Web.Features.CheckIns;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// A visit a protocol keeps ready, with the check-in module's own fields, so that it can start in one step
/// (<see cref="ToVisitPlan"/>). <see cref="PlaceKind"/> is the kind of place ("the police station", "a house call"),
/// never an address; the rest is filled in when the visit starts. Stored encrypted as JSON in the protocol's row.
/// </summary>
public sealed record ReadyVisit(
    string? PlaceKind, int DurationMinutes, int? GraceMinutes, int? CheckInEveryMinutes, IReadOnlyList<Guid>? Companions, string? Message)
{
    public const int MaxDurationMinutes = 14 * 24 * 60;

    public VisitPlan ToVisitPlan(DateTime now) =>
        new(PlaceKind, null, null, null, null, now, now.AddMinutes(DurationMinutes), CheckInEveryMinutes, GraceMinutes, Message, Companions);
}
