using System.Threading.Channels;
using Amparo.Web.Features.CheckIns;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Data;

/// <summary>
/// Group commit for hot write paths: the check-in path, the inbound SMS that carries one, and the dispatcher's record
/// of what it sent. SQLite with synchronous=FULL pays one disk flush per commit (~100–200 per second); works that
/// arrive together are applied one after the other in ONE transaction, each inside its own savepoint, and every
/// caller is answered only after that commit. A failing item is rolled back alone. With
/// <see cref="CheckInOptions.GroupCommit"/> off, each call commits its own transaction.
/// </summary>
/// <remarks>
/// <para><b>When to use it.</b> A general capability, but only for a path that writes little, often and concurrently
/// and must answer fast (a check-in). An ordinary action (a form, a settings change, a plan) uses its own request's
/// DbContext and transaction: a batch makes its callers wait for each other.</para>
/// <para><b>Who owns what.</b> The batcher owns the scope, the <c>AmparoDbContext</c> and the transaction; up to
/// 128 works from different callers share them. A work gets that scope's services as its argument and uses only
/// those (never the caller's own DbContext or scoped services, which are outside the transaction).</para>
/// <para><b>Inside a work, do:</b> read and change rows through the given DbContext, scoped to the caller's owner
/// as everywhere; call <c>SaveChangesAsync</c> (the work saves, the batcher commits); record the action's facts
/// with <c>FactDispatcher.Record</c> before that save, so they commit with it; throw to refuse (the item is rolled
/// back to its savepoint and the exception reaches its caller alone).</para>
/// <para><b>Inside a work, never:</b> begin, commit or roll back a transaction; call <see cref="RunAsync{T}"/>
/// again (the one loop waits on itself); open another connection, scope or transaction (<c>AuditLog.WriteAsync</c>,
/// another scope's DbContext: on SQLite it waits for the write lock this batch holds); call out (HTTP, SMTP, SMS)
/// or do anything slow (every caller in the batch waits for it); publish facts, wake workers or write the audit log
/// (nothing is committed yet); keep tracked entities after it returns. The change tracker is shared with the works
/// before it in the batch: ask it only about your own entries (e.g. <c>State == Added</c>), never "anything tracked".</para>
/// <para><b>After <see cref="RunAsync{T}"/> returns</b> the work is committed: then wake workers, write the audit
/// log and <c>FactDispatcher.PublishAsync</c> the same facts for immediate handlers. If the commit failed, every
/// caller of the batch gets the exception and nothing of it was written, facts included.</para>
/// </remarks>
public sealed class CommitBatcher(IServiceScopeFactory scopes, IOptions<CheckInOptions> options, ILogger<CommitBatcher> logger)
{
    private const int MaxBatch = 128;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private int _started;

    private sealed record Work(Func<IServiceProvider, CancellationToken, Task<object?>> Run, TaskCompletionSource<object?> Done, CancellationToken Ct);

    /// <summary>Work that rides along with the next commit of the flow that attached it (see <see cref="Attach"/>).</summary>
    public sealed class Attachment(Func<IServiceProvider, CancellationToken, Task> run)
    {
        internal Func<IServiceProvider, CancellationToken, Task> Run { get; } = run;
        /// <summary>True once it was committed with a change (then it does not run again).</summary>
        public bool Committed { get; internal set; }
    }

    private static readonly AsyncLocal<Attachment?> Attached = new();

    /// <summary>
    /// Until <see cref="Detach"/>, the first work this async flow commits through the batcher starts with
    /// <paramref name="run"/>, in the same transaction: both commit or neither. An inbound SMS marks itself processed
    /// this way, so a crash can never leave a check-in, extension or panic applied but its SMS waiting to be applied again.
    /// <paramref name="run"/> may throw to refuse the work (rolled back, the exception reaches the caller).
    /// </summary>
    public static Attachment Attach(Func<IServiceProvider, CancellationToken, Task> run)
    {
        var attachment = new Attachment(run);
        Attached.Value = attachment;
        return attachment;
    }

    public static void Detach() => Attached.Value = null;

    /// <summary>Runs <paramref name="work"/> with services of a scope whose AmparoDbContext is inside a transaction; the work saves, the batcher commits.</summary>
    public async Task<T> RunAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var attached = Attached.Value is { Committed: false } a ? a : null;
        if (attached is not null)
        {
            var inner = work;
            work = async (sp, c) =>
            {
                await attached.Run(sp, c);
                return await inner(sp, c);
            };
        }
        if (!options.Value.GroupCommit)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(scope.ServiceProvider, ct);
            await tx.CommitAsync(ct);
            if (attached is not null) attached.Committed = true;
            return result;
        }
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // The loop must not inherit this flow's attachment.
            using (ExecutionContext.SuppressFlow()) _ = Task.Run(LoopAsync, CancellationToken.None);
        }
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Work(async (sp, c) => await work(sp, c), done, ct), ct);
        var value = (T)(await done.Task)!;
        if (attached is not null) attached.Committed = true;
        return value;
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Work>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item)) if (!item.Ct.IsCancellationRequested) batch.Add(item);
            if (batch.Count == 0) continue;
            try
            {
                await RunBatchAsync(batch);
            }
            catch (Exception ex)
            {
                // The commit failed: nobody in the batch is told "done".
                logger.LogError(ex, "A batch of {Count} check-ins could not be committed", batch.Count);
                foreach (var item in batch) item.Done.TrySetException(ex);
            }
        }
    }

    private async Task RunBatchAsync(List<Work> batch)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var results = new object?[batch.Count];
        var failed = new Exception?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            await tx.CreateSavepointAsync("item");
            try
            {
                results[i] = await batch[i].Run(scope.ServiceProvider, batch[i].Ct);
                await tx.ReleaseSavepointAsync("item");
            }
            catch (Exception ex)
            {
                await tx.RollbackToSavepointAsync("item");
                db.ChangeTracker.Clear();
                failed[i] = ex;
            }
        }
        await tx.CommitAsync();
        for (var i = 0; i < batch.Count; i++)
        {
            if (failed[i] is { } ex) batch[i].Done.TrySetException(ex);
            else batch[i].Done.TrySetResult(results[i]);
        }
    }
}
