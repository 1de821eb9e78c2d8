using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// Messages queued about the account itself (a phone code, a notice that the PINs changed): they hold an address and
/// go with the account. Messages about a feature's own rows (visits, alerts, contacts) are deleted by that feature's part.
/// Nothing to export: a queued message is a copy of what the other sections already show.
/// </summary>
public sealed class NotificationsPersonalData(AmparoDbContext db) : IPersonalData
{
    public string Section => "queuedNotifications";

    public Task<object?> ExportAsync(User person, CancellationToken ct) => Task.FromResult<object?>(null);

    public Task DeleteAsync(User person, CancellationToken ct) =>
        db.Outbox.Where(m => m.SourceKind == NotificationSourceKind.Account && m.SourceId == person.Id).ExecuteDeleteAsync(ct);
}
