using System.Reflection;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Audit;

/// <summary>Reading the audit trail a page at a time: everything (server admins) or one organization's events (its admins).</summary>
public static class AuditQuery
{
    public const int PageSize = 50;

    /// <summary>Every event type Amparo writes, for the filter.</summary>
    public static readonly IReadOnlyList<string> Types = typeof(AuditEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    public sealed record Row(long Id, DateTime At, string Type, Guid? ActorId, string? ActorName, Guid? SubjectId, string? SubjectName, Guid? OrganizationId, string Detail);

    public sealed record Result(IReadOnlyList<Row> Rows, int Page, bool HasMore, string? Type);

    /// <param name="organizationId">Only this organization's events, and only its current members named; null for all events and everyone named.</param>
    public static async Task<Result> RunAsync(AmparoDbContext db, Guid? organizationId, string? type, int page, CancellationToken ct)
    {
        page = Math.Clamp(page, 0, 100_000);
        if (type is not null && !Types.Contains(type)) type = null;
        var events = db.AuditEvents.AsNoTracking();
        if (organizationId is { } orgId) events = events.Where(e => e.OrganizationId == orgId);
        if (type is not null) events = events.Where(e => e.Type == type);
        var found = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip(page * PageSize).Take(PageSize + 1).ToListAsync(ct);
        var shown = found.Take(PageSize).ToList();

        var ids = shown.SelectMany(e => new[] { e.ActorId, e.SubjectId }).OfType<Guid>().Distinct().ToList();
        var people = db.Users.Where(u => ids.Contains(u.Id));
        if (organizationId is { } scope)
        {
            var members = db.Memberships.Where(m => m.OrganizationId == scope).Select(m => m.UserId);
            people = people.Where(u => members.Contains(u.Id));
        }
        var names = await people.Select(u => new { u.Id, u.DisplayName }).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string? NameOf(Guid? id) => id is { } g && names.TryGetValue(g, out var n) ? n : null;

        var rows = shown.Select(e => new Row(e.Id, e.At, e.Type, e.ActorId, NameOf(e.ActorId), e.SubjectId, NameOf(e.SubjectId), e.OrganizationId, e.Detail)).ToList();
        return new Result(rows, page, found.Count > PageSize, type);
    }
}
