using System.Buffers.Binary;
using System.Security.Cryptography;
using Amparo.Web.Infrastructure.Cli;

namespace Amparo.Tests.Operations;

/// <summary>The encrypted backup file format on its own: what opens, and what must not.</summary>
public sealed class BackupContainerTests
{
    private const string Passphrase = "seven lanterns over the harbour";
    private static readonly BackupContainer.KdfParameters Cheap = new(8 * 1024, 1, 1);

    private static byte[] Seal(byte[] content, string passphrase = Passphrase, BackupContainer.KdfParameters? kdf = null, int chunkSize = 1024)
    {
        using var output = new MemoryStream();
        using (var writer = BackupContainer.CreateWriter(output, passphrase, kdf ?? Cheap, chunkSize))
        {
            // Uneven writes, as a zip writer makes them.
            for (var at = 0; at < content.Length; at += 777) writer.Write(content.AsSpan(at, Math.Min(777, content.Length - at)));
            writer.Complete();
        }
        return output.ToArray();
    }

    private static async Task<byte[]> OpenAsync(byte[] file, string passphrase = Passphrase)
    {
        using var output = new MemoryStream();
        await BackupContainer.DecryptAsync(new MemoryStream(file), passphrase, output);
        return output.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(10_000)]
    public async Task SealedContent_OpensToTheSameBytes(int length)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        var file = Seal(content);
        Assert.Equal(content, await OpenAsync(file));
    }

    [Fact]
    public async Task ProductionParameters_AreArgon2idWith64MiB_AndWrittenInTheHeader()
    {
        Assert.True(BackupContainer.Production.MemoryKib >= 64 * 1024);
        Assert.True(BackupContainer.Production.Iterations >= 3);
        var file = Seal("hello"u8.ToArray(), kdf: BackupContainer.Production);
        var at = BackupContainer.Magic.Length + 1;
        Assert.Equal(BackupContainer.Production.MemoryKib, BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at)));
        Assert.Equal(BackupContainer.Production.Iterations, BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at + 4)));
        Assert.Equal("hello"u8.ToArray(), await OpenAsync(file));
    }

    [Fact]
    public async Task WrongPassphrase_DoesNotOpen()
    {
        var file = Seal(RandomNumberGenerator.GetBytes(3000));
        var ex = await Assert.ThrowsAsync<CommandException>(() => OpenAsync(file, "seven lanterns over the harbor"));
        Assert.Contains("passphrase is wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoBackupsOfTheSameContent_DifferEntirely()
    {
        var content = RandomNumberGenerator.GetBytes(2000);
        Assert.NotEqual(Seal(content), Seal(content));
        Assert.Equal(await OpenAsync(Seal(content)), await OpenAsync(Seal(content)));
    }

    [Fact]
    public async Task CutAtAChunkBoundary_DoesNotOpen()
    {
        // 3 full chunks and a short last one; dropping the last leaves a file of whole chunks.
        var file = Seal(RandomNumberGenerator.GetBytes(3 * 1024 + 100));
        var header = file.Length - (3 * (1024 + 16)) - (100 + 16);
        var cut = file[..(header + 3 * (1024 + 16))];
        await Assert.ThrowsAsync<CommandException>(() => OpenAsync(cut));
    }

    [Fact]
    public async Task SwappedChunks_DoNotOpen()
    {
        var file = Seal(RandomNumberGenerator.GetBytes(3 * 1024 + 100));
        var header = file.Length - (3 * (1024 + 16)) - (100 + 16);
        var swapped = (byte[])file.Clone();
        Array.Copy(file, header, swapped, header + 1040, 1040);
        Array.Copy(file, header + 1040, swapped, header, 1040);
        var ex = await Assert.ThrowsAsync<CommandException>(() => OpenAsync(swapped));
        Assert.Contains("passphrase is wrong, or the file is damaged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeakenedHeader_DoesNotOpen()
    {
        // Lowering the recorded Argon2 cost changes the derived key and the authenticated header.
        var file = Seal(RandomNumberGenerator.GetBytes(100), kdf: new BackupContainer.KdfParameters(16 * 1024, 2, 1));
        var weakened = (byte[])file.Clone();
        BinaryPrimitives.WriteInt32BigEndian(weakened.AsSpan(BackupContainer.Magic.Length + 1), 8 * 1024);
        await Assert.ThrowsAsync<CommandException>(() => OpenAsync(weakened));
        BinaryPrimitives.WriteInt32BigEndian(weakened.AsSpan(BackupContainer.Magic.Length + 1), int.MaxValue);
        var absurd = await Assert.ThrowsAsync<CommandException>(() => OpenAsync(weakened));
        Assert.Contains("header", absurd.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherFiles_AreNotTakenForBackups()
    {
        var ex = await Assert.ThrowsAsync<CommandException>(() => OpenAsync("SQLite format 3\0 and more bytes here"u8.ToArray()));
        Assert.Contains("not an Amparo backup", ex.Message, StringComparison.Ordinal);
    }
}
