using Amparo.Web.Features.Accounts;

namespace Amparo.Web.Infrastructure;

/// <summary>
/// One feature's share of a person's data: what "export my data" shows of it and what "delete my account" removes.
/// Each feature implements it for its own tables and keys and registers it in its own <c>Add&lt;Feature&gt;()</c>
/// (<c>services.AddScoped&lt;IPersonalData, MyFeaturePersonalData&gt;()</c>); Accounts loops over every registered part
/// and knows nothing else about the features. See docs/architecture.md, "Personal data".
/// </summary>
public interface IPersonalData
{
    /// <summary>The property of the export's JSON object this part fills (camelCase, unique across parts).</summary>
    string Section { get; }

    /// <summary>
    /// The person's data held by this feature, decrypted, as a value System.Text.Json can write (a list of records);
    /// null leaves the section out. Only the person's own rows: other people appear at most as internal ids.
    /// </summary>
    Task<object?> ExportAsync(User person, CancellationToken ct);

    /// <summary>
    /// Removes what this feature holds about the person that does not go with the account row by itself (rows
    /// with a cascading foreign key to the user do): queued messages, rows found by e-mail address, and so on.
    /// Runs inside the deletion's one transaction on the request's <see cref="Data.AmparoDbContext"/>: never commit,
    /// never open another transaction or scope. Throw <see cref="DeletionRefusedException"/> to refuse (nothing is
    /// deleted); any other exception also leaves everything in place.
    /// </summary>
    Task DeleteAsync(User person, CancellationToken ct);
}

/// <summary>A part refuses the deletion for now (e.g. the person is the last admin of an organization).</summary>
public sealed class DeletionRefusedException(string reason) : Exception(reason);

/// <summary>
/// A feature whose rows have a data key of their own (a grant request's) and are purged by destroying it: after a
/// restore, every key in the destroyed-key ledger is destroyed again, then each registered part purges again the rows
/// whose key that was (the backup was made before the purge). Runs inside the restore's transaction: never commit.
/// Registered in the feature's own <c>Add&lt;Feature&gt;()</c> (<c>services.AddScoped&lt;IRestoredKeys, …&gt;()</c>).
/// </summary>
public interface IRestoredKeys
{
    /// <summary>Purges again the rows whose key is in <paramref name="destroyedKeyIds"/>; returns how many.</summary>
    Task<int> DestroyedAgainAsync(IReadOnlyCollection<Guid> destroyedKeyIds, DateTime now, CancellationToken ct);
}
