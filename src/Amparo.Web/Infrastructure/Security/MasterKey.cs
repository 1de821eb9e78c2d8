using System.Security.Cryptography;
using System.Text;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// The key that wraps every data key. It never enters the database: it comes from AMPARO_MASTER_KEY (base64)
/// or from &lt;DataDirectory&gt;/keys/master.key, created on first start with owner-only permissions.
/// Beside it, a ledger of destroyed data key ids lets a restore destroy them again.
/// </summary>
public sealed class MasterKey
{
    public const string EnvironmentVariable = "AMPARO_MASTER_KEY";
    private const int KeySize = 32;
    private byte[] _key;

    public string KeysDirectory { get; }
    public string KeyFile => Path.Combine(KeysDirectory, "master.key");
    public string LedgerFile => Path.Combine(KeysDirectory, "destroyed-keys.txt");
    public bool FromEnvironment { get; }

    private MasterKey(byte[] key, string keysDirectory, bool fromEnvironment)
    {
        _key = key;
        KeysDirectory = keysDirectory;
        FromEnvironment = fromEnvironment;
    }

    /// <summary>The installation's key; on first start (no variable, no file) a new one is created.</summary>
    public static MasterKey Load(string dataDirectory, string? environmentValue)
    {
        var dir = KeysDirectoryOf(dataDirectory);
        var existing = TryLoad(dataDirectory, environmentValue);
        if (existing is not null) return existing;
        WritePrivateFile(Path.Combine(dir, "master.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)));
        return TryLoad(dataDirectory, environmentValue) ?? throw new InvalidOperationException("master key not created");
    }

    /// <summary>The key this installation already has, or null. Never creates one: restore and rotation must not.</summary>
    public static MasterKey? TryLoad(string dataDirectory, string? environmentValue)
    {
        var dir = Path.Combine(Path.GetFullPath(dataDirectory), "keys");
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            byte[] fromEnv;
            try { fromEnv = Convert.FromBase64String(environmentValue.Trim()); }
            catch (FormatException) { throw new MasterKeyException($"{EnvironmentVariable} is not valid base64."); }
            if (fromEnv.Length != KeySize) throw new MasterKeyException($"{EnvironmentVariable} must decode to {KeySize} bytes.");
            return new MasterKey(fromEnv, dir, fromEnvironment: true);
        }
        var file = Path.Combine(dir, "master.key");
        return File.Exists(file) ? new MasterKey(ReadKeyFile(file), dir, fromEnvironment: false) : null;
    }

    /// <summary>A key held in memory only (a restore checking a backup's key, a rotation's next key).</summary>
    public static MasterKey FromBytes(byte[] key, string keysDirectory)
    {
        if (key.Length != KeySize) throw new InvalidOperationException($"A master key must be {KeySize} bytes.");
        return new MasterKey((byte[])key.Clone(), keysDirectory, fromEnvironment: false);
    }

    /// <summary>Writes &lt;DataDirectory&gt;/keys/master.key (owner-only); refuses to replace an existing one.</summary>
    public static void Install(string dataDirectory, byte[] key)
    {
        if (key.Length != KeySize) throw new InvalidOperationException($"A master key must be {KeySize} bytes.");
        var file = Path.Combine(KeysDirectoryOf(dataDirectory), "master.key");
        if (File.Exists(file)) throw new InvalidOperationException($"{file} exists already.");
        WritePrivateFile(file, Convert.ToBase64String(key));
    }

    public static byte[] ReadKeyFile(string file)
    {
        byte[] key;
        try { key = Convert.FromBase64String(File.ReadAllText(file).Trim()); }
        catch (FormatException) { throw new MasterKeyException($"{file} does not hold a base64 key."); }
        if (key.Length != KeySize) throw new MasterKeyException($"{file} does not hold a {KeySize}-byte key.");
        return key;
    }

    private static string KeysDirectoryOf(string dataDirectory)
    {
        var dir = Path.Combine(Path.GetFullPath(dataDirectory), "keys");
        CreatePrivateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Names the key without revealing it (an HMAC of a fixed label), so a backup can tell whether the
    /// key here is the one it was made with.
    /// </summary>
    public string Fingerprint =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, "amparo:master-key-fingerprint"u8)[..16]);

    public byte[] Wrap(Guid dataKeyId, byte[] dataKey) => Aead.Seal(_key, dataKey, WrapContext(dataKeyId));

    public byte[] Unwrap(Guid dataKeyId, byte[] wrapped) => Aead.Open(_key, wrapped, WrapContext(dataKeyId));

    /// <summary>Encrypts whole documents (Data Protection keys, backups' key section) under the master key.</summary>
    public byte[] Seal(byte[] plaintext, string context) => Aead.Seal(_key, plaintext, Encoding.UTF8.GetBytes(context));

    public byte[] Open(byte[] sealedBytes, string context) => Aead.Open(_key, sealedBytes, Encoding.UTF8.GetBytes(context));

    public byte[] ExportForBackup() => (byte[])_key.Clone();

    // Rotation, in crash-safe order: the next key is written to master.key.new before the database changes;
    // after the commit, master.key is copied to master.key.old and master.key.new renamed over master.key
    // (an atomic rename); master.key.old is deleted once the new key has been read back and checked.
    public string NewKeyFile => KeyFile + ".new";
    public string OldKeyFile => KeyFile + ".old";

    public void WriteNewKeyFile(byte[] newKey)
    {
        if (newKey.Length != KeySize) throw new ArgumentException("wrong key size", nameof(newKey));
        WritePrivateFile(NewKeyFile, Convert.ToBase64String(newKey));
    }

    /// <summary>master.key.new becomes master.key; the key it replaces stays in master.key.old until <see cref="ForgetOldKeyFile"/>.</summary>
    public void PromoteNewKeyFile()
    {
        if (FromEnvironment) throw new InvalidOperationException($"The master key comes from {EnvironmentVariable}; there is no key file to replace.");
        if (File.Exists(KeyFile)) WritePrivateFile(OldKeyFile, File.ReadAllText(KeyFile));
        File.Move(NewKeyFile, KeyFile, overwrite: true);
    }

    public void ForgetOldKeyFile() => File.Delete(OldKeyFile);

    /// <summary>From now on this process wraps and unwraps with <paramref name="newKey"/> (after a rotation's commit).</summary>
    public void Use(byte[] newKey)
    {
        if (newKey.Length != KeySize) throw new ArgumentException("wrong key size", nameof(newKey));
        _key = (byte[])newKey.Clone();
    }

    public IReadOnlySet<Guid> DestroyedKeyIds()
    {
        if (!File.Exists(LedgerFile)) return new HashSet<Guid>();
        return ParseLedger(File.ReadAllText(LedgerFile));
    }

    public void RecordDestroyed(Guid dataKeyId)
    {
        if (!File.Exists(LedgerFile)) WritePrivateFile(LedgerFile, "");
        File.AppendAllText(LedgerFile, dataKeyId.ToString("D") + "\n");
    }

    /// <summary>Adds the ids not yet in the ledger (a restore merging the ledger carried in a backup).</summary>
    public int RecordDestroyed(IEnumerable<Guid> dataKeyIds)
    {
        var known = DestroyedKeyIds();
        var added = dataKeyIds.Where(id => id != Guid.Empty && !known.Contains(id)).Distinct().ToList();
        if (added.Count == 0) return 0;
        if (!File.Exists(LedgerFile)) WritePrivateFile(LedgerFile, "");
        File.AppendAllText(LedgerFile, string.Concat(added.Select(id => id.ToString("D") + "\n")));
        return added.Count;
    }

    public static IReadOnlySet<Guid> ParseLedger(string text) =>
        text.Split('\n').Select(l => Guid.TryParse(l.Trim(), out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();

    private static byte[] WrapContext(Guid id) => Encoding.UTF8.GetBytes("amparo:datakey:" + id.ToString("D"));

    internal static void CreatePrivateDirectory(string dir)
    {
        if (Directory.Exists(dir)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    internal static void WritePrivateFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>The master key cannot be used as configured; the message says what to fix. Amparo refuses to start.</summary>
public sealed class MasterKeyException(string message) : InvalidOperationException(message);

/// <summary>AES-256-GCM with a random nonce: nonce(12) | ciphertext | tag(16).</summary>
public static class Aead
{
    private const int NonceSize = 12, TagSize = 16;

    public static byte[] Seal(byte[] key, byte[] plaintext, byte[] associatedData)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associatedData);
        return output;
    }

    public static byte[] Open(byte[] key, byte[] sealedBytes, byte[] associatedData)
    {
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("ciphertext too short");
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plaintext, associatedData);
        return plaintext;
    }
}
