using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>audit verify: checks every hash chain of the audit log.</summary>
public static partial class AdminCommands
{
    private const string AuditVerifyHelp = """
        Checks the audit log: every event's keyed hash, and that each writer's chain runs without gaps. Prints
        "ok: N events in M chains" and exits 0 when intact; otherwise prints each problem and exits 1.
        An edited, inserted or removed event inside a chain is found; the newest events of a chain removed together
        leave no trace inside the database, so keep backups.
        """;

    private static async Task<int> AuditVerifyAsync(CommandContext c)
    {
        await using var host = c.Host();
        host.RequireMasterKey();
        await host.RequireDatabaseAsync();
        var db = host.Db;
        await host.MigrateAsync();
        var problems = await AuditLog.VerifyAsync(db, host.Get<FieldCipher>());
        if (problems.Count == 0)
        {
            var events = await db.AuditEvents.CountAsync();
            var chains = await db.AuditEvents.Select(e => e.WriterId).Distinct().CountAsync();
            c.Out.WriteLine($"ok: {events} events in {chains} chains");
            return 0;
        }
        foreach (var problem in problems) c.Out.WriteLine(problem);
        c.Err.WriteLine($"The audit log is NOT intact: {problems.Count} problem(s). Keep this database as it is for investigation (make a backup) before changing anything.");
        return 1;
    }
}
