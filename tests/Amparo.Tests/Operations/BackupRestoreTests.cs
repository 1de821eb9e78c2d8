using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amparo.Tests.Operations;

/// <summary>backup and restore: what an operator relies on after losing a server, and what must never happen on the way.</summary>
[RunsLong]
public abstract class BackupRestoreTests : OperationsTestBase
{
    private const string BackupPassphrase = "seven lanterns over the harbour";
    private const string Phone = "+573001234567";

    private async Task<string> BackupAsync(Installation site, bool includeKey = false, string passphrase = BackupPassphrase)
    {
        var file = TempFile("amparo.backup");
        string[] args = includeKey ? ["backup", "--to", file, "--passphrase-stdin", "--include-master-key"] : ["backup", "--to", file, "--passphrase-stdin"];
        Assert.Equal(file, await site.MustAsync(args, passphrase));
        return file;
    }

    private static void CopyMasterKey(Installation from, Installation to)
    {
        Directory.CreateDirectory(to.KeysDirectory);
        File.Copy(from.MasterKeyFile, to.MasterKeyFile);
    }

    [Fact]
    public async Task BackupThenRestore_IntoAnEmptyInstallation_BringsBackPeopleOrganizationsAndEncryptedFields()
    {
        var source = NewInstallation();
        var email = TestData.Email("amaru");
        var (org, user) = await source.SeedAsync(email);
        await source.SetPhoneAsync(user, Phone);
        // Lessons imported from training packs (issue 19) live in the data directory: the backup carries them.
        var imported = Path.Combine("content-imported", "lessons", "from-a-pack", "lesson.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source.DataDirectory, imported))!);
        await File.WriteAllTextAsync(Path.Combine(source.DataDirectory, imported), "id: from-a-pack\n");
        var backup = await BackupAsync(source);

        // The file is private, encrypted, and holds nothing readable.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        var bytes = await File.ReadAllBytesAsync(backup);
        Assert.StartsWith("AMPARO-BACKUP-1\n", Encoding.ASCII.GetString(bytes, 0, 16), StringComparison.Ordinal);
        Assert.DoesNotContain(email, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Defenders of the River", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.False(File.Exists(backup + ".tmp"));

        var target = NewEmptyInstallation();
        CopyMasterKey(source, target);
        var restore = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("1 people, 1 organizations", restore.Err, StringComparison.Ordinal);
        Assert.Equal("id: from-a-pack\n", await File.ReadAllTextAsync(Path.Combine(target.DataDirectory, imported)));

        var restored = await target.WithDbAsync(async db => (
            await db.Users.SingleAsync(),
            await db.Organizations.SingleAsync(),
            await db.Memberships.SingleAsync()));
        Assert.Equal(user, restored.Item1.Id);
        Assert.Equal(email, restored.Item1.Email);
        Assert.Equal(org, restored.Item2.Id);
        Assert.Equal(user, restored.Item3.UserId);
        Assert.Equal(Phone, await target.PhoneOfAsync(user));
        // The restored installation works on: the audit log is intact and new people can be added.
        Assert.StartsWith("ok:", await target.MustAsync(["audit", "verify"]), StringComparison.Ordinal);
        await target.MustAsync(["user", "create", "--email", TestData.Email(), "--name", "New", "--org", org.ToString(), "--role", "member", "--password-stdin"], TestData.Passphrase);
    }

    [Fact]
    public async Task Backup_IsAudited_AndAShortPassphraseIsRefusedWithoutWritingAFile()
    {
        var site = NewInstallation();
        await site.SeedAsync(TestData.Email());
        var file = TempFile("short.backup");
        var result = await site.RunAsync(["backup", "--to", file, "--passphrase-stdin"], "too short");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("at least 12 characters", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".tmp"));

        var noStdin = await site.RunAsync("backup", "--to", file);
        Assert.Equal(1, noStdin.ExitCode);
        Assert.Contains("--passphrase-stdin", noStdin.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(file));

        await BackupAsync(site);
        var types = await site.WithDbAsync(db => db.AuditEvents.Select(e => e.Type).ToListAsync());
        Assert.Contains("backup.created", types);
        Assert.Equal(0, (await site.RunAsync("audit", "verify")).ExitCode);
    }

    [Fact]
    public async Task Backup_DoesNotOverwriteAnExistingFile_UnlessForced()
    {
        var site = NewInstallation();
        await site.SeedAsync(TestData.Email());
        var file = TempFile("existing.backup");
        await File.WriteAllTextAsync(file, "keep me");
        var refused = await site.RunAsync(["backup", "--to", file, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("exists already", refused.Err, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file));
        var forced = await site.RunAsync(["backup", "--to", file, "--passphrase-stdin", "--force"], BackupPassphrase);
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual("keep me", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Backup_OfAMissingDatabase_FailsWithoutCreatingOne()
    {
        var site = NewEmptyInstallation();
        var file = TempFile("none.backup");
        var result = await site.RunAsync(["backup", "--to", file, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("master key", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(site.SqliteFile));
        Assert.False(File.Exists(site.MasterKeyFile));
    }

    [Fact]
    public async Task Restore_RefusesADatabaseWithPeople_AndChangesNothing()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);

        var target = NewEmptyInstallation();
        var existing = Guid.Parse(await target.MustAsync(["admin", "create", "--email", TestData.Email("admin"), "--name", "Admin", "--password-stdin"], TestData.Passphrase));
        var keyBefore = await File.ReadAllTextAsync(target.MasterKeyFile);
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not empty", result.Err, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", result.Err, StringComparison.Ordinal);
        Assert.Equal([existing], await target.WithDbAsync(db => db.Users.Select(u => u.Id).ToListAsync()));
        Assert.Equal(0, await target.CountOrganizationsAsync());
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(target.MasterKeyFile));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(target.DataDirectory), p => Path.GetFileName(p).StartsWith("restore-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_RefusesADatabaseWithOnlyAnOrganization()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);
        var target = NewEmptyInstallation();
        await target.MustAsync(["org", "create", "--name", "Already here", "--kind", "grantmaker"]);
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Already here", await target.WithDbAsync(db => db.Organizations.Select(o => o.Name).SingleAsync()));
    }

    [Fact]
    public async Task Restore_WithWrongPassphrase_SaysSo_AndChangesNothing()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);
        var target = NewEmptyInstallation();
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], "not the passphrase at all");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("passphrase is wrong", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await target.CountUsersAsync());
        Assert.False(File.Exists(target.MasterKeyFile));
        Assert.False(File.Exists(target.SqliteFile));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(target.DataDirectory), p => Path.GetFileName(p).StartsWith("restore-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_OfADamagedFile_IsRefused()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);
        var bytes = await File.ReadAllBytesAsync(backup);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(backup, bytes);
        var target = NewEmptyInstallation();
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Nothing was changed", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await target.CountUsersAsync());

        var truncated = TempFile("truncated.backup");
        await File.WriteAllBytesAsync(truncated, bytes[..100]);
        Assert.Equal(1, (await target.RunAsync(["restore", "--from", truncated, "--passphrase-stdin"], BackupPassphrase)).ExitCode);
        var notABackup = TempFile("other.file");
        await File.WriteAllTextAsync(notABackup, "hello");
        var other = await target.RunAsync(["restore", "--from", notABackup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Contains("not an Amparo backup", other.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(target.MasterKeyFile));
    }

    [Fact]
    public async Task Restore_WithMasterKeyInside_WorksOnAMachineWithoutTheKey_AndInstallsItPrivately()
    {
        var source = NewInstallation();
        var (_, user) = await source.SeedAsync(TestData.Email());
        await source.SetPhoneAsync(user, Phone);
        var backup = await BackupAsync(source, includeKey: true);

        var target = NewEmptyInstallation();
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await File.ReadAllTextAsync(source.MasterKeyFile), await File.ReadAllTextAsync(target.MasterKeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target.MasterKeyFile));
        Assert.Equal(Phone, await target.PhoneOfAsync(user));
    }

    [Fact]
    public async Task Restore_WithoutMasterKeyInside_OnAMachineWithoutTheKey_IsRefused()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source);
        var target = NewEmptyInstallation();
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not contain the master key", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(target.MasterKeyFile));
        Assert.Equal(0, await target.CountUsersAsync());
    }

    [Fact]
    public async Task Restore_WhenADifferentMasterKeyIsHere_IsRefused_WithOrWithoutTheKeyInside()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var withKey = await BackupAsync(source, includeKey: true);
        var withoutKey = await BackupAsync(source);

        var target = NewEmptyInstallation();
        await target.MustAsync(["migrate"]);
        await target.MustAsync(["network", "create", "--name", "makes a key"]);
        await target.ExecuteSqlAsync("DELETE FROM \"Networks\"");
        var keyBefore = await File.ReadAllTextAsync(target.MasterKeyFile);

        var first = await target.RunAsync(["restore", "--from", withKey, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("different master key", first.Err, StringComparison.Ordinal);
        var second = await target.RunAsync(["restore", "--from", withoutKey, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("not the one this backup was made with", second.Err, StringComparison.Ordinal);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(target.MasterKeyFile));
        Assert.Equal(0, await target.CountUsersAsync());
    }

    [Fact]
    public async Task Restore_IntoAFirstStartedButEmptyDatabase_Works()
    {
        var source = NewInstallation();
        var (_, user) = await source.SeedAsync(TestData.Email());
        await source.SetPhoneAsync(user, Phone);
        var backup = await BackupAsync(source);

        // The target was started once (schema, audit key, audit events) with the same key, but holds no one.
        var target = NewEmptyInstallation();
        CopyMasterKey(source, target);
        await target.MustAsync(["migrate"]);
        await target.MustAsync(["audit", "verify"]);
        Assert.True(await target.CountAsync("DataKeys") > 0);
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Phone, await target.PhoneOfAsync(user));
        Assert.StartsWith("ok:", await target.MustAsync(["audit", "verify"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletionSurvivesRestore_OnAnotherMachine_WithTheLedgerCopied()
    {
        var source = NewInstallation();
        var (org, deleted) = await source.SeedAsync(TestData.Email("leaves"), "member");
        var stays = Guid.Parse(await source.MustAsync(["user", "create", "--email", TestData.Email("stays"), "--name", "Stays", "--org", org.ToString(), "--role", "org-admin", "--password-stdin"], TestData.Passphrase));
        await source.SetPhoneAsync(deleted, Phone);
        await source.SetPhoneAsync(stays, "+573009999999");
        var backup = await BackupAsync(source, includeKey: true);
        var deletedKey = await DeleteAccountAsync(source, deleted);

        var target = NewEmptyInstallation();
        Directory.CreateDirectory(target.KeysDirectory);
        File.Copy(source.LedgerFile, target.LedgerFile);
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 data keys, 1 accounts", result.Err, StringComparison.Ordinal);

        await AssertShreddedAsync(target, deleted, deletedKey);
        Assert.Equal("+573009999999", await target.PhoneOfAsync(stays));
    }

    [Fact]
    public async Task DeletionAndAGrantPurge_SurviveRestore_InPlace_AfterLosingTheDatabase()
    {
        var site = NewInstallation();
        var (org, deleted) = await site.SeedAsync(TestData.Email("leaves"), "member");
        var stays = Guid.Parse(await site.MustAsync(["user", "create", "--email", TestData.Email("stays"), "--name", "Stays", "--org", org.ToString(), "--role", "org-admin", "--password-stdin"], TestData.Passphrase));
        await site.SetPhoneAsync(deleted, Phone);
        var fund = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Fondo río", "--kind", "grantmaker"]));
        var request = await GrantRequestAsync(site, fund, stays, deleted);
        var backup = await BackupAsync(site);
        var deletedKey = await DeleteAccountAsync(site, deleted);
        var purgedKey = await PurgeAsync(site, request);

        site.LoseDatabase();
        var result = await site.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 data keys, 1 accounts, 0 organizations, 1 purged records", result.Err, StringComparison.Ordinal);
        await AssertShreddedAsync(site, deleted, deletedKey);
        Assert.Equal(1, await site.CountUsersAsync());
        // The canary: the backup held the request whole; restored, its answers are gone and its key destroyed again.
        var (answers, purgedAt, applicant, wrapped, files, region) = await site.WithDbAsync(async db =>
        {
            var r = await db.GrantRequests.SingleAsync(x => x.Id == request);
            return (r.AnswersCipher, r.PurgedAt, r.ApplicantId, (await db.DataKeys.SingleAsync(k => k.Id == purgedKey)).Wrapped,
                await db.GrantRequestFiles.CountAsync(x => x.RequestId == request), r.Region);
        });
        // The program keeps only the amount: the region the backup still had goes again too.
        Assert.Equal((null, null, null, 0, null), (answers, applicant, wrapped, files, region));
        Assert.NotNull(purgedAt);
    }

    private const string Canary = "CANARY 7f3a: the river office is watched";

    /// <summary>
    /// A program of the fund (its admin: <paramref name="admin"/>) and a request to it by <paramref name="applicant"/>
    /// holding the canary, withdrawn (so it has ended); read back whole before any backup.
    /// </summary>
    private static Task<Guid> GrantRequestAsync(Installation site, Guid fund, Guid admin, Guid applicant) => site.WithHostAsync(async h =>
    {
        h.Db.Memberships.Add(new Membership { OrganizationId = fund, UserId = admin, Role = OrgRole.OrgAdmin, JoinedAt = DateTime.UtcNow });
        await h.Db.SaveChangesAsync();
        var program = (await h.Get<GrantPrograms>().CreateAsync(admin, fund, new ProgramInput("Protección", ProgramKind.ProtectionAndCapacity, "Protección.",
            "Organizaciones en riesgo.", "USD", 5000m, [CostCategories.PhysicalSecurity], ["es"], "", ProgramStatus.Rolling, null, "", Kept: KeptFacts.Amount))).Id!.Value;
        var requests = h.Get<GrantRequests>();
        var id = (await requests.StartAsync(applicant, program)).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await requests.SaveAsync(applicant, id, new RequestAnswers("Cámaras", Canary, "Signal",
            [new BudgetLine(CostCategories.PhysicalSecurity, "Cámaras", 300m)], Country: "CO"), null)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await requests.MoveAsync(applicant, id, RequestState.Submitted, null, null, null)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await requests.MoveAsync(applicant, id, RequestState.Withdrawn, null, null, null)).Status);
        Assert.Equal(Canary, (await requests.GetAsync(applicant, id))!.Answers.Need);
        return id;
    });

    /// <summary>The request's day has come and its applicant was told long ago: the purge worker's round purges it. Its key's id.</summary>
    private static Task<Guid> PurgeAsync(Installation site, Guid request) => site.WithHostAsync(async h =>
    {
        var now = h.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        await h.Db.GrantRequests.Where(r => r.Id == request).ExecuteUpdateAsync(s => s.SetProperty(r => r.EndedAt, now.AddYears(-2)).SetProperty(r => r.PurgeNoticeAt, now.AddDays(-31)));
        // The command host runs no workers: the worker is made here on its services, as the web host makes it.
        var clock = h.Get<TimeProvider>();
        await new GrantPurge(h.Get<IServiceScopeFactory>(), new Heartbeats(clock), clock, NullLogger<GrantPurge>.Instance).RunOnceAsync(CancellationToken.None);
        var purged = await h.Db.GrantRequests.AsNoTracking().SingleAsync(r => r.Id == request);
        Assert.NotNull(purged.PurgedAt);
        return purged.DataKeyId;
    });

    [Fact]
    public async Task DeletionSurvivesRestore_ThroughTheLedgerCarriedInALaterBackup()
    {
        // Backup 1 while the person exists; they delete their account; backup 2 carries the ledger.
        var source = NewInstallation();
        var (_, deleted) = await source.SeedAsync(TestData.Email("leaves"), "member");
        await source.SetPhoneAsync(deleted, Phone);
        var older = await BackupAsync(source, includeKey: true);
        var deletedKey = await DeleteAccountAsync(source, deleted);
        var newer = await BackupAsync(source, includeKey: true);

        // A new machine restores the newer backup (its ledger comes along), then has to fall back to the older one.
        var target = NewEmptyInstallation();
        Assert.Equal(0, (await target.RunAsync(["restore", "--from", newer, "--passphrase-stdin"], BackupPassphrase)).ExitCode);
        Assert.Contains(deletedKey.ToString("D"), await File.ReadAllTextAsync(target.LedgerFile), StringComparison.Ordinal);
        target.LoseDatabase();
        var result = await target.RunAsync(["restore", "--from", older, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(result.ExitCode == 0, result.ToString());
        await AssertShreddedAsync(target, deleted, deletedKey);
    }

    [Fact]
    public async Task Restore_IsAudited()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);
        var target = NewEmptyInstallation();
        await target.MustAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        var types = await target.WithDbAsync(db => db.AuditEvents.Select(e => e.Type).ToListAsync());
        Assert.Contains("backup.restored", types);
    }

    [Fact]
    public async Task Restore_OfABackupFromTheOtherDatabaseKind_IsRefused()
    {
        var other = new Installation(Provider == "Sqlite" ? "Postgres" : "Sqlite");
        try
        {
            await other.SeedAsync(TestData.Email());
            var backup = await BackupAsync(other, includeKey: true);
            var target = NewEmptyInstallation();
            var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("Database:Provider=" + other.Provider, result.Err, StringComparison.Ordinal);
            Assert.False(File.Exists(target.MasterKeyFile));
            Assert.Equal(0, await target.CountUsersAsync());
        }
        finally
        {
            other.Dispose();
        }
    }

    [Fact]
    public async Task Restore_OfABackupFromANewerAmparo_IsRefused()
    {
        var source = NewInstallation();
        await source.SeedAsync(TestData.Email());
        var backup = await BackupAsync(source, includeKey: true);
        await RewriteManifestAsync(backup, json => json.Replace("\"lastMigration\": \"", "\"lastMigration\": \"29991231000000_FromTheFuture", StringComparison.Ordinal));
        var target = NewEmptyInstallation();
        var result = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("newer Amparo", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(target.MasterKeyFile));
        Assert.Equal(0, await target.CountUsersAsync());
    }

    /// <summary>Opens a backup, changes its manifest, and seals it again under the same passphrase.</summary>
    private static async Task RewriteManifestAsync(string backup, Func<string, string> change)
    {
        using var plain = new MemoryStream();
        await using (var input = File.OpenRead(backup)) await Amparo.Web.Infrastructure.Cli.BackupContainer.DecryptAsync(input, BackupPassphrase, plain);
        using (var zip = new System.IO.Compression.ZipArchive(plain, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("manifest.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open())) json = await reader.ReadToEndAsync();
            var changed = change(json);
            Assert.NotEqual(json, changed);
            entry.Delete();
            await using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            await writer.WriteAsync(changed);
        }
        await using var output = File.Create(backup);
        using var sealing = Amparo.Web.Infrastructure.Cli.BackupContainer.CreateWriter(output, BackupPassphrase);
        sealing.Write(plain.ToArray());
        sealing.Complete();
    }

    private static async Task<Guid> DeleteAccountAsync(Installation site, Guid userId) =>
        await site.WithHostAsync(async h =>
        {
            var user = await h.Db.Users.SingleAsync(u => u.Id == userId);
            Assert.True(await h.Get<AccountDeletion>().DeleteAsync(user));
            return user.DataKeyId;
        });

    private static async Task AssertShreddedAsync(Installation site, Guid userId, Guid dataKeyId)
    {
        var (key, userLeft) = await site.WithDbAsync(async db => (
            await db.DataKeys.SingleAsync(k => k.Id == dataKeyId),
            await db.Users.AnyAsync(u => u.Id == userId)));
        Assert.Null(key.Wrapped);
        Assert.NotNull(key.DestroyedAt);
        Assert.False(userLeft);
    }
}

public sealed class BackupRestoreTestsSqlite : BackupRestoreTests
{
    protected override string Provider => "Sqlite";
}

public sealed class BackupRestoreTestsPostgres : BackupRestoreTests
{
    protected override string Provider => "Postgres";
}
