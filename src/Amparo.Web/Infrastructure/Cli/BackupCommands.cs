using System.Data.Common;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>What a backup bundle says about itself (manifest.json inside the encrypted file).</summary>
public sealed record BackupManifest(
    int FormatVersion,
    string Provider,
    DateTime CreatedAt,
    string AmparoVersion,
    string DatabaseEntry,
    string? LastMigration,
    bool IncludesMasterKey,
    string MasterKeyFingerprint,
    int DestroyedKeysInLedger,
    string Note);

/// <summary>
/// backup and restore. A backup is one encrypted file (see BackupContainer) holding a zip: manifest.json, the
/// database (a SQLite online-backup snapshot or a pg_dump custom-format dump; the wrapped data keys of people,
/// organizations and the system are in it),
/// the destroyed-key ledger, and with --include-master-key the master key.
/// </summary>
public static partial class AdminCommands
{
    public const int BackupFormatVersion = 1;
    private const string ManifestEntry = "manifest.json";
    private const string SqliteEntry = "database/amparo.db";
    private const string PostgresEntry = "database/amparo.pgdump";
    private const string LedgerEntry = "keys/destroyed-keys.txt";
    private const string MasterKeyEntry = "keys/master.key";
    /// <summary>Lessons imported from training packs (the data directory's content-imported/, same layout as content/).</summary>
    private const string ImportedContentPrefix = Features.Learning.Packs.ImportedContent.Folder + "/";

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private const string BackupHelp = """
        Writes a consistent snapshot of the database (it may run while Amparo runs) with the destroyed-key ledger,
        encrypted with AES-256-GCM under a key derived from the passphrase (Argon2id). The passphrase is read from
        standard input and must have at least 12 characters.
        Without --include-master-key, restoring needs this installation's master key (keys/master.key or
        AMPARO_MASTER_KEY). With it, the backup alone restores everything: keep such a file offline, under a strong
        passphrase. --force replaces an existing FILE. Prints the path of the backup.
        """;

    private const string RestoreHelp = """
        Restores a backup into an EMPTY database (no people, organizations or networks); anything else is refused
        and nothing changes. STOP AMPARO FIRST (every instance): the database is replaced underneath it.
        SQLite: the database file is written into the data directory. PostgreSQL: pg_restore into the configured,
        empty database. If the backup carries the master key and there is none here, it is installed; a different
        master key here is refused. Data keys of people and organizations deleted after the backup (listed in
        keys/destroyed-keys.txt here or in the backup) are destroyed again, and those accounts and organizations removed.
        """;

    private static async Task<int> BackupAsync(CommandContext c)
    {
        var to = c.RequiredPath("to");
        var includeKey = c.Flag("include-master-key");
        var force = c.Flag("force");
        var passphrase = c.PassphraseFromStdin();
        if (PassphrasePolicy.Problem(passphrase) is { } problem) throw new CommandException("Backup passphrase refused: " + Explain(problem) + ".");
        if (Directory.Exists(to)) throw new CommandException($"{to} is a directory; give a file name.");
        if (File.Exists(to) && !force) throw new CommandException($"{to} exists already. Choose another name, or add --force to replace it.");
        var folder = Path.GetDirectoryName(to)!;
        if (!Directory.Exists(folder)) throw new CommandException($"The folder {folder} does not exist.");

        await using var host = c.Host();
        var masterKey = host.RequireMasterKey();
        await host.RequireDatabaseAsync();
        var clock = host.Get<TimeProvider>();
        var ledger = masterKey.DestroyedKeyIds();
        var manifest = new BackupManifest(
            BackupFormatVersion,
            host.Provider.ToString(),
            clock.GetUtcNow().UtcDateTime,
            AmparoVersion,
            host.Provider == DatabaseProvider.Postgres ? PostgresEntry : SqliteEntry,
            (await host.Db.Database.GetAppliedMigrationsAsync()).LastOrDefault(),
            includeKey,
            masterKey.Fingerprint,
            ledger.Count,
            "The data keys are in the database (table DataKeys), each wrapped by the master key. " +
            (includeKey ? "The master key is in keys/master.key of this bundle." : "The master key is NOT in this bundle: restoring needs it."));

        var tmp = to + ".tmp";
        File.Delete(tmp);
        try
        {
            await using (var file = new FileStream(tmp, PrivateCreate()))
            {
                var encrypted = BackupContainer.CreateWriter(file, passphrase);
                await using (encrypted)
                {
                    using (var zip = new ZipArchive(encrypted, ZipArchiveMode.Create, leaveOpen: true))
                    {
                        var dbEntry = zip.CreateEntry(manifest.DatabaseEntry, CompressionLevel.Fastest);
                        await using (var dbStream = await dbEntry.OpenAsync())
                        {
                            if (host.Provider == DatabaseProvider.Postgres) await PostgresTools.DumpAsync(host.ConnectionString, dbStream);
                            else await SqliteSnapshotAsync(host, dbStream);
                        }
                        await WriteEntryAsync(zip, LedgerEntry, Encoding.UTF8.GetBytes(string.Concat(ledger.Select(id => id.ToString("D") + "\n"))));
                        var imported = Features.Learning.Packs.ImportedContent.Recover(host.DataDirectory);
                        if (Directory.Exists(imported))
                            foreach (var importedFile in Directory.GetFiles(imported, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                                await WriteEntryAsync(zip, ImportedContentPrefix + Path.GetRelativePath(imported, importedFile).Replace('\\', '/'), await File.ReadAllBytesAsync(importedFile));
                        if (includeKey) await WriteEntryAsync(zip, MasterKeyEntry, Encoding.UTF8.GetBytes(Convert.ToBase64String(masterKey.ExportForBackup())));
                        await WriteEntryAsync(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson));
                    }
                    encrypted.Complete();
                }
                await file.FlushAsync();
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, to, overwrite: force);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }

        await host.Get<AuditLog>().WriteAsync(AuditEvents.BackupCreated, null, detail: $"{host.Provider.ToString().ToLowerInvariant()};{(includeKey ? "with-master-key" : "without-master-key")}");
        c.Err.WriteLine(includeKey
            ? "Backup written, WITH the master key: anyone with this file and its passphrase can read everything. Keep it offline."
            : "Backup written. Restoring it needs this installation's master key as well as the passphrase.");
        c.Out.WriteLine(to);
        return 0;
    }

    /// <summary>SQLite's online backup API: a consistent copy even while the server writes (never a file copy of a live WAL database).</summary>
    private static async Task SqliteSnapshotAsync(CommandHost host, Stream output)
    {
        var snapshot = Path.Combine(host.DataDirectory, $"backup-{Guid.NewGuid():N}.db.tmp");
        try
        {
            // Created empty and owner-only first, so the copy is never readable by others.
            await using (new FileStream(snapshot, PrivateCreate())) { }
            await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder(host.ConnectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString()))
            await using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshot, Pooling = false }.ToString()))
            {
                await source.OpenAsync();
                await target.OpenAsync();
                await using (var busy = source.CreateCommand())
                {
                    busy.CommandText = "PRAGMA busy_timeout=10000;";
                    await busy.ExecuteNonQueryAsync();
                }
                source.BackupDatabase(target);
                // One self-contained file: no -wal beside it.
                await using var journal = target.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE;";
                await journal.ExecuteNonQueryAsync();
            }
            await using var copy = File.OpenRead(snapshot);
            await copy.CopyToAsync(output);
        }
        finally
        {
            File.Delete(snapshot);
        }
    }

    private static async Task<int> RestoreAsync(CommandContext c)
    {
        var from = c.RequiredPath("from");
        if (!File.Exists(from)) throw new CommandException($"No file {from}.");
        var passphrase = c.PassphraseFromStdin();

        await using var host = c.Host();
        // 1. Only into an empty database: checked before anything is read or written.
        await RequireEmptyAsync(host);

        var work = Path.Combine(host.DataDirectory, $"restore-{Guid.NewGuid():N}.tmp");
        MasterKey.CreatePrivateDirectory(work);
        IReadOnlySet<Guid> bundledLedger;
        try
        {
            // 2. Decrypt into a private folder (a wrong passphrase stops here, nothing changed).
            var bundle = Path.Combine(work, "bundle.zip");
            await using (var input = File.OpenRead(from))
            await using (var output = new FileStream(bundle, PrivateCreate()))
            {
                await BackupContainer.DecryptAsync(input, passphrase, output);
            }
            using var zip = ZipFile.OpenRead(bundle);
            var manifest = await ReadManifestAsync(zip);
            if (!string.Equals(manifest.Provider, host.Provider.ToString(), StringComparison.OrdinalIgnoreCase))
                throw new CommandException($"This backup is of a {manifest.Provider} database; this installation is configured for {host.Provider}. Restore it with Database:Provider={manifest.Provider}.");
            if (manifest.LastMigration is { } last && !host.Db.Database.GetMigrations().Contains(last))
                throw new CommandException($"This backup was made by a newer Amparo (its database has migration {last}, unknown to this version). Install that version or a newer one, then restore. Nothing was changed.");
            var bundledKey = zip.GetEntry(MasterKeyEntry) is { } keyEntry ? MasterKey.ReadKeyFile(await ExtractAsync(keyEntry, work)) : null;
            bundledLedger = zip.GetEntry(LedgerEntry) is { } ledgerEntry
                ? MasterKey.ParseLedger(await File.ReadAllTextAsync(await ExtractAsync(ledgerEntry, work)))
                : new HashSet<Guid>();
            var dbEntry = zip.GetEntry(manifest.DatabaseEntry) ?? throw new CommandException("The backup holds no database.");

            // 3. Which master key will open the data keys.
            var local = host.ExistingMasterKey();
            MasterKey key;
            var install = false;
            if (bundledKey is not null)
            {
                var fromBundle = MasterKey.FromBytes(bundledKey, Path.Combine(host.DataDirectory, "keys"));
                if (local is null)
                {
                    key = fromBundle;
                    install = true;
                }
                else if (local.Fingerprint != fromBundle.Fingerprint)
                {
                    throw new CommandException("This installation already has a different master key (keys/master.key or AMPARO_MASTER_KEY) than the one in the backup. " +
                        "Restore into a data directory that has no master key yet, or remove the local key if it protects nothing. Nothing was changed.");
                }
                else key = local;
            }
            else
            {
                key = local ?? throw new CommandException("This backup does not contain the master key, and there is none here. Put the master key that was in use when the backup " +
                    "was made into keys/master.key (or set AMPARO_MASTER_KEY), then restore again. Nothing was changed.");
                if (key.Fingerprint != manifest.MasterKeyFingerprint)
                    throw new CommandException("The master key here is not the one this backup was made with, so its data keys would not open. Use the key from " +
                        "that time (after a rotation: the one before it). Nothing was changed.");
            }

            // 4. Extract the database; on SQLite check that every data key opens before anything is replaced.
            var dump = await ExtractAsync(dbEntry, work);
            if (host.Provider == DatabaseProvider.Sqlite)
            {
                await using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dump, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
                await check.OpenAsync();
                await CheckDataKeysAsync(check, key, TableOf<DataKey>(host.Db));
                // Back to WAL, as Amparo runs it (a read-only connection cannot switch the mode later).
                await using var wal = check.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                await wal.ExecuteNonQueryAsync();
            }

            // 5. From here on the installation changes: key first (a retry then finds the same key), then the database.
            if (install) MasterKey.Install(host.DataDirectory, bundledKey!);
            await RestoreImportedContentAsync(zip, host.DataDirectory);
            if (host.Provider == DatabaseProvider.Sqlite) PlaceSqliteFile(host, dump);
            else
            {
                await DropEmptyTablesAsync(host);
                await PostgresTools.RestoreAsync(host.ConnectionString, dump);
                await using var check = new NpgsqlConnection(host.ConnectionString);
                await check.OpenAsync();
                await CheckDataKeysAsync(check, key, TableOf<DataKey>(host.Db));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        // 6. Deletion survives restore: the ledger here and the one in the backup are merged, and every data key
        // in them is destroyed again in the restored database, and its account removed (as deleting it did).
        var masterKey = host.Get<MasterKey>();
        masterKey.RecordDestroyed(bundledLedger);
        var destroyed = masterKey.DestroyedKeyIds().ToList();
        var db = host.Db;
        await host.MigrateAsync();
        var now = host.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        int keysDestroyed = 0, accountsRemoved = 0, organizationsRemoved = 0, purgedAgain = 0;
        if (destroyed.Count > 0)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            keysDestroyed = await db.DataKeys.Where(k => destroyed.Contains(k.Id) && k.Wrapped != null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.Wrapped, (byte[]?)null).SetProperty(k => k.DestroyedAt, now));
            accountsRemoved = await db.Users.Where(u => destroyed.Contains(u.DataKeyId)).ExecuteDeleteAsync();
            organizationsRemoved = await db.Organizations.Where(o => destroyed.Contains(o.DataKeyId)).ExecuteDeleteAsync();
            // Rows purged by destroying a key of their own (a grant request's) are purged again by their feature.
            foreach (var part in host.Get<IEnumerable<IRestoredKeys>>()) purgedAgain += await part.DestroyedAgainAsync(destroyed, now, CancellationToken.None);
            await tx.CommitAsync();
        }
        var people = await db.Users.CountAsync();
        var organizations = await db.Organizations.CountAsync();
        await host.Get<AuditLog>().WriteAsync(AuditEvents.Restored, null, detail: $"keys-destroyed={keysDestroyed};accounts-removed={accountsRemoved};organizations-removed={organizationsRemoved};purged-again={purgedAgain}");
        c.Err.WriteLine($"Restored: {people} people, {organizations} organizations. Destroyed again from the ledger: {keysDestroyed} data keys, {accountsRemoved} accounts, {organizationsRemoved} organizations, {purgedAgain} purged records.");
        return 0;
    }

    /// <summary>The backup's imported lessons replace the data directory's (swapped in whole; none in the backup: none after).</summary>
    private static async Task RestoreImportedContentAsync(ZipArchive zip, string dataDirectory)
    {
        var files = new List<(string Relative, byte[] Bytes)>();
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(ImportedContentPrefix, StringComparison.Ordinal)))
        {
            var relative = entry.FullName[ImportedContentPrefix.Length..];
            if (!Features.Learning.Packs.PackReader.IsSafePath(relative)) throw new CommandException($"The backup holds an unsafe file name ({entry.FullName}). Nothing was changed.");
            await using var stream = await entry.OpenAsync();
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            files.Add((relative, buffer.ToArray()));
        }
        if (files.Count == 0 && !Directory.Exists(Features.Learning.Packs.ImportedContent.PathIn(dataDirectory))) return;
        Features.Learning.Packs.ImportedContent.Replace(dataDirectory, staging =>
        {
            foreach (var dir in Directory.GetDirectories(staging)) Directory.Delete(dir, recursive: true);
            foreach (var file in Directory.GetFiles(staging)) File.Delete(file);
            foreach (var (relative, bytes) in files)
            {
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, bytes);
            }
        });
    }

    private static async Task<BackupManifest> ReadManifestAsync(ZipArchive zip)
    {
        var entry = zip.GetEntry(ManifestEntry) ?? throw new CommandException("The backup has no manifest; it was not made by Amparo.");
        await using var stream = await entry.OpenAsync();
        BackupManifest? manifest;
        try { manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, ManifestJson); }
        catch (JsonException) { throw new CommandException("The backup's manifest cannot be read."); }
        if (manifest is null) throw new CommandException("The backup's manifest is empty.");
        if (manifest.FormatVersion > BackupFormatVersion)
            throw new CommandException($"This backup was made by a newer Amparo (format {manifest.FormatVersion}); update Amparo first.");
        return manifest;
    }

    private static async Task<string> ExtractAsync(ZipArchiveEntry entry, string folder)
    {
        // Our own file name, never the entry's: a crafted name cannot write elsewhere.
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        await using var input = await entry.OpenAsync();
        await using var output = new FileStream(path, PrivateCreate());
        await input.CopyToAsync(output);
        return path;
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var stream = await entry.OpenAsync();
        await stream.WriteAsync(content);
    }

    /// <summary>Refuses a database with people, organizations or networks. A first start's audit events and keys do not count.</summary>
    private static async Task RequireEmptyAsync(CommandHost host)
    {
        var tables = new[] { TableOf<User>(host.Db), TableOf<Organization>(host.Db), TableOf<Network>(host.Db) };
        await using var connection = await OpenExistingAsync(host);
        if (connection is null) return;
        foreach (var table in tables)
        {
            if (!await TableExistsAsync(connection, table)) continue;
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            if (Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                throw new CommandException("The database is not empty (it has people, organizations or networks), so restore will not overwrite it. " +
                    "Restore only into a new, empty database: on SQLite a data directory without amparo.db, on PostgreSQL a newly created database. Nothing was changed.");
        }
    }

    /// <summary>A raw connection to the configured database, or null when the SQLite file does not exist (it is not created).</summary>
    private static async Task<DbConnection?> OpenExistingAsync(CommandHost host)
    {
        DbConnection connection;
        if (host.SqliteFile is { } file)
        {
            if (!File.Exists(file)) return null;
            connection = new SqliteConnection(new SqliteConnectionStringBuilder(host.ConnectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        }
        else connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> TableExistsAsync(DbConnection connection, string table)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = connection is SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";
        var p = cmd.CreateParameter();
        p.ParameterName = "@name";
        p.Value = table;
        cmd.Parameters.Add(p);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task CheckDataKeysAsync(DbConnection connection, MasterKey key, string dataKeysTable)
    {
        if (!await TableExistsAsync(connection, dataKeysTable)) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT \"Id\", \"Wrapped\" FROM \"{dataKeysTable}\" WHERE \"Wrapped\" IS NOT NULL";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            try
            {
                CryptographicOperations.ZeroMemory(key.Unwrap(reader.GetGuid(0), (byte[])reader.GetValue(1)));
            }
            catch (CryptographicException)
            {
                throw new CommandException("The data keys in this backup do not open with the master key here. Use the key that was in use when the backup was made.");
            }
        }
    }

    private static void PlaceSqliteFile(CommandHost host, string restored)
    {
        var target = host.SqliteFile!;
        // Pooled connections would keep reading the file being replaced.
        SqliteConnection.ClearPool(new SqliteConnection(host.ConnectionString));
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" }) File.Delete(target + suffix);
        File.Move(restored, target, overwrite: true);
    }

    /// <summary>On PostgreSQL a first start may have created Amparo's (empty) tables; pg_restore needs them gone.</summary>
    private static async Task DropEmptyTablesAsync(CommandHost host)
    {
        var tables = host.Db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Append("__EFMigrationsHistory").Distinct();
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var drop = connection.CreateCommand();
        drop.Transaction = tx;
        drop.CommandText = "DROP TABLE IF EXISTS " + string.Join(", ", tables.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + " CASCADE";
        await drop.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private static string TableOf<T>(AmparoDbContext db) =>
        db.Model.FindEntityType(typeof(T))?.GetTableName() ?? throw new InvalidOperationException($"No table for {typeof(T).Name}");

    private static FileStreamOptions PrivateCreate()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private static string AmparoVersion =>
        typeof(AdminCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
