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

    public static MasterKey Load(string dataDirectory, string? environmentValue)
    {
        var dir = Path.Combine(Path.GetFullPath(dataDirectory), "keys");
        CreatePrivateDirectory(dir);
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            byte[] fromEnv;
            try { fromEnv = Convert.FromBase64String(environmentValue.Trim()); }
            catch (FormatException) { throw new MasterKeyException($"{EnvironmentVariable} is not valid base64."); }
            if (fromEnv.Length != KeySize) throw new MasterKeyException($"{EnvironmentVariable} must decode to {KeySize} bytes.");
            return new MasterKey(fromEnv, dir, fromEnvironment: true);
        }
        var file = Path.Combine(dir, "master.key");
        if (!File.Exists(file))
        {
            WritePrivateFile(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)));
        }
        byte[] key;
        try { key = Convert.FromBase64String(File.ReadAllText(file).Trim()); }
        catch (FormatException) { throw new MasterKeyException($"{file} is not valid base64."); }
        if (key.Length != KeySize) throw new MasterKeyException($"{file} does not hold a {KeySize}-byte key.");
        return new MasterKey(key, dir, fromEnvironment: false);
    }

    public byte[] Wrap(Guid dataKeyId, byte[] dataKey) => Aead.Seal(_key, dataKey, WrapContext(dataKeyId));

    public byte[] Unwrap(Guid dataKeyId, byte[] wrapped) => Aead.Open(_key, wrapped, WrapContext(dataKeyId));

    /// <summary>Encrypts whole documents (Data Protection keys, backups' key section) under the master key.</summary>
    public byte[] Seal(byte[] plaintext, string context) => Aead.Seal(_key, plaintext, Encoding.UTF8.GetBytes(context));

    public byte[] Open(byte[] sealedBytes, string context) => Aead.Open(_key, sealedBytes, Encoding.UTF8.GetBytes(context));

    public byte[] ExportForBackup() => (byte[])_key.Clone();

    /// <summary>Replaces the key in memory and, unless it comes from the environment, on disk (atomically).</summary>
    public void Replace(byte[] newKey)
    {
        if (newKey.Length != KeySize) throw new ArgumentException("wrong key size", nameof(newKey));
        if (!FromEnvironment)
        {
            var tmp = KeyFile + ".new";
            WritePrivateFile(tmp, Convert.ToBase64String(newKey));
            File.Move(tmp, KeyFile, overwrite: true);
        }
        _key = newKey;
    }

    public IReadOnlySet<Guid> DestroyedKeyIds()
    {
        if (!File.Exists(LedgerFile)) return new HashSet<Guid>();
        return File.ReadAllLines(LedgerFile)
            .Select(l => Guid.TryParse(l.Trim(), out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .ToHashSet();
    }

    public void RecordDestroyed(Guid dataKeyId)
    {
        if (!File.Exists(LedgerFile)) WritePrivateFile(LedgerFile, "");
        File.AppendAllText(LedgerFile, dataKeyId.ToString("D") + "\n");
    }

    private static byte[] WrapContext(Guid id) => Encoding.UTF8.GetBytes("amparo:datakey:" + id.ToString("D"));

    private static void CreatePrivateDirectory(string dir)
    {
        if (Directory.Exists(dir)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void WritePrivateFile(string path, string content)
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
