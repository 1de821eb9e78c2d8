using Amparo.Web.Infrastructure.Data;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// The one rule of a declared conflict of interest: whoever declared one on a grant request has stepped aside from it for
/// good — its pages, the program's list, its clock's reminders and a plan summary shared with it are closed to them,
/// whatever their role (an admin of the grantmaker included). Plain IQueryables, so each caller composes them into its
/// own SQL; assign one to a local before using it inside a query (EF Core inlines a query variable, not a method call).
/// </summary>
public static class SteppedAside
{
    /// <summary>The people who stepped aside from <paramref name="requestId"/>.</summary>
    public static IQueryable<Guid> From(AmparoDbContext db, Guid requestId) =>
        db.GrantRequestDeclarations.Where(d => d.RequestId == requestId && d.HasConflict).Select(d => d.UserId);

    /// <summary>The requests <paramref name="viewer"/> stepped aside from.</summary>
    public static IQueryable<Guid> RequestsOf(AmparoDbContext db, Guid viewer) =>
        db.GrantRequestDeclarations.Where(d => d.UserId == viewer && d.HasConflict).Select(d => d.RequestId);

    /// <summary>The plan summaries shared with a request <paramref name="viewer"/> stepped aside from.</summary>
    public static IQueryable<Guid> SharesOf(AmparoDbContext db, Guid viewer)
    {
        var requests = RequestsOf(db, viewer);
        return db.GrantRequests.Where(r => r.PlanShareId != null && requests.Contains(r.Id)).Select(r => r.PlanShareId!.Value);
    }

    /// <summary>The people who stepped aside from the request plan summary <paramref name="shareId"/> was shared with.</summary>
    public static IQueryable<Guid> FromShare(AmparoDbContext db, Guid shareId)
    {
        var requests = db.GrantRequests.Where(r => r.PlanShareId == shareId).Select(r => r.Id);
        return db.GrantRequestDeclarations.Where(d => d.HasConflict && requests.Contains(d.RequestId)).Select(d => d.UserId);
    }
}
