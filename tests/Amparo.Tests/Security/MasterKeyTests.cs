using System.Security.Cryptography;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Tests.Security;

/// <summary>The master key lives outside the database: a 0600 file in a 0700 directory, or AMPARO_MASTER_KEY, which wins.</summary>
public sealed class MasterKeyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "amparo-mk-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void FirstStart_CreatesA32ByteKeyFile_ReadableOnlyByItsOwner_InAnOwnerOnlyDirectory()
    {
        var key = MasterKey.Load(_dir, environmentValue: null);
        Assert.False(key.FromEnvironment);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.KeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(key.KeysDirectory));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(key.KeyFile).Trim()).Length);

        // The same key is read back on the next start.
        var id = Guid.NewGuid();
        var wrapped = key.Wrap(id, RandomNumberGenerator.GetBytes(32));
        Assert.Equal(32, MasterKey.Load(_dir, null).Unwrap(id, wrapped).Length);
    }

    [Fact]
    public void DestroyedKeyLedger_IsOwnerOnly_AndRemembersIds()
    {
        var key = MasterKey.Load(_dir, null);
        var id = Guid.NewGuid();
        key.RecordDestroyed(id);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.LedgerFile));
        Assert.Contains(id, MasterKey.Load(_dir, null).DestroyedKeyIds());
    }

    [Fact]
    public void EnvironmentKey_TakesPrecedenceOverTheFile_AndIsNeverWrittenToDisk()
    {
        var fileKey = MasterKey.Load(_dir, null);
        var fileBefore = File.ReadAllText(fileKey.KeyFile);
        var env = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var envKey = MasterKey.Load(_dir, env);
        Assert.True(envKey.FromEnvironment);
        var id = Guid.NewGuid();
        var wrapped = envKey.Wrap(id, RandomNumberGenerator.GetBytes(32));
        Assert.Equal(32, MasterKey.Load(_dir, env).Unwrap(id, wrapped).Length);
        Assert.ThrowsAny<CryptographicException>(() => MasterKey.Load(_dir, null).Unwrap(id, wrapped));
        Assert.Equal(fileBefore, File.ReadAllText(fileKey.KeyFile));
        Assert.DoesNotContain(env, Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories).Select(File.ReadAllText));

        var fresh = Path.Combine(_dir, "fresh");
        MasterKey.Load(fresh, env);
        Assert.False(File.Exists(Path.Combine(fresh, "keys", "master.key")));
    }

    [Theory]
    [InlineData("not base64!!", "not valid base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "must decode to 32 bytes")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "must decode to 32 bytes")]
    public void BadEnvironmentValues_AreRefused_WithAMessageNamingTheVariable(string value, string expected)
    {
        var ex = Assert.Throws<MasterKeyException>(() => MasterKey.Load(_dir, value));
        Assert.Contains(MasterKey.EnvironmentVariable, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptKeyFile_IsRefused_WithAMessageNamingTheFile()
    {
        var key = MasterKey.Load(_dir, null);
        File.WriteAllText(key.KeyFile, "this is not a key");
        var ex = Assert.Throws<MasterKeyException>(() => MasterKey.Load(_dir, null));
        Assert.Contains(key.KeyFile, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The real program, started with a bad AMPARO_MASTER_KEY, stops with one clear line and a non-zero exit code.</summary>
    [Theory]
    [InlineData("not base64!!", "AMPARO_MASTER_KEY is not valid base64")]
    [InlineData("AAAA", "AMPARO_MASTER_KEY must decode to 32 bytes")]
    public async Task Server_WithABadMasterKey_RefusesToStart_WithAClearMessage(string value, string expected)
    {
        var error = await RefusedStart.RunAsync(
            new Dictionary<string, string> { [MasterKey.EnvironmentVariable] = value, ["Amparo__DataDirectory"] = _dir },
            "Amparo started although AMPARO_MASTER_KEY is bad");
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
