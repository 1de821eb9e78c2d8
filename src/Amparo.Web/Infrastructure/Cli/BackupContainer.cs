using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>
/// The encrypted backup file. A plain header — magic text, Argon2id parameters and salt, a nonce prefix and the
/// chunk size — then the bundle in chunks, each sealed with AES-256-GCM under a key derived from the passphrase.
/// Every chunk's nonce carries its number and a "last chunk" flag, and the header is the associated data of every
/// chunk, so a file that was altered, reordered, cut short or given weaker parameters does not open.
/// </summary>
public static class BackupContainer
{
    public static readonly byte[] Magic = "AMPARO-BACKUP-1\n"u8.ToArray();
    private const byte KdfArgon2id = 1;
    private const int SaltSize = 16, NoncePrefixSize = 7, TagSize = 16, KeySize = 32;
    private const int HeaderSize = 16 + 1 + 4 + 4 + 4 + SaltSize + NoncePrefixSize + 4;
    public const int DefaultChunkSize = 1024 * 1024;

    public sealed record KdfParameters(int MemoryKib, int Iterations, int Parallelism);

    /// <summary>Argon2id with 64 MiB and 3 passes (about 2 s here): slow enough to make guessing a passphrase expensive.</summary>
    public static KdfParameters Production { get; } = new(64 * 1024, 3, 1);

    /// <summary>Tests only: cheaper parameters for the many backups they make (restore reads them from the header).</summary>
    internal static KdfParameters? TestOverride { get; set; }

    /// <summary>A stream that encrypts what is written to it into <paramref name="output"/>. Call Complete at the end.</summary>
    public static EncryptingStream CreateWriter(Stream output, string passphrase, KdfParameters? kdf = null, int chunkSize = DefaultChunkSize)
    {
        kdf ??= TestOverride ?? Production;
        var header = new byte[HeaderSize];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        var at = Magic.Length;
        span[at++] = KdfArgon2id;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], kdf.MemoryKib); at += 4;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], kdf.Iterations); at += 4;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], kdf.Parallelism); at += 4;
        RandomNumberGenerator.Fill(span.Slice(at, SaltSize + NoncePrefixSize));
        var salt = span.Slice(at, SaltSize).ToArray(); at += SaltSize;
        var noncePrefix = span.Slice(at, NoncePrefixSize).ToArray(); at += NoncePrefixSize;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], chunkSize);
        var key = DeriveKey(passphrase, salt, kdf);
        output.Write(header);
        return new EncryptingStream(output, key, header, noncePrefix, chunkSize);
    }

    /// <summary>Decrypts <paramref name="input"/> into <paramref name="output"/>. A wrong passphrase or a damaged file: CommandException.</summary>
    public static async Task DecryptAsync(Stream input, string passphrase, Stream output, CancellationToken ct = default)
    {
        var header = new byte[HeaderSize];
        if (await input.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct) < HeaderSize || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CommandException("This is not an Amparo backup file.");
        var at = Magic.Length;
        var kdfId = header[at++];
        var memory = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(at)); at += 4;
        var iterations = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(at)); at += 4;
        var parallelism = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(at)); at += 4;
        var salt = header.AsSpan(at, SaltSize).ToArray(); at += SaltSize;
        var noncePrefix = header.AsSpan(at, NoncePrefixSize).ToArray(); at += NoncePrefixSize;
        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(at));
        // Bounds keep a crafted header from asking for absurd memory or work.
        if (kdfId != KdfArgon2id || memory is < 8 * 1024 or > 4 * 1024 * 1024 || iterations is < 1 or > 100 || parallelism is < 1 or > 64
            || chunkSize is < 1024 or > 64 * 1024 * 1024)
            throw new CommandException("This backup file has a header Amparo does not accept (damaged, or made by another program).");
        var key = DeriveKey(passphrase, salt, new KdfParameters(memory, iterations, parallelism));

        using var aes = new AesGcm(key, TagSize);
        var current = new byte[chunkSize + TagSize];
        var next = new byte[chunkSize + TagSize];
        var plain = new byte[chunkSize];
        var currentLength = await input.ReadAtLeastAsync(current, current.Length, throwOnEndOfStream: false, ct);
        for (uint counter = 0; ; counter++)
        {
            var nextLength = await input.ReadAtLeastAsync(next, next.Length, throwOnEndOfStream: false, ct);
            var last = nextLength == 0;
            if (currentLength < TagSize || (!last && currentLength != current.Length))
                throw new CommandException("The backup file is damaged (it ends early).");
            var length = currentLength - TagSize;
            try
            {
                aes.Decrypt(Nonce(noncePrefix, counter, last), current.AsSpan(0, length), current.AsSpan(length, TagSize), plain.AsSpan(0, length), header);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new CommandException(counter == 0
                    ? "Cannot open the backup: the passphrase is wrong, or the file is damaged. Nothing was changed."
                    : "The backup file is damaged (a part of it does not authenticate). Nothing was changed.");
            }
            await output.WriteAsync(plain.AsMemory(0, length), ct);
            if (last) break;
            (current, next) = (next, current);
            currentLength = nextLength;
        }
        CryptographicOperations.ZeroMemory(key);
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, KdfParameters kdf)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(passphrase))
        {
            Salt = salt,
            MemorySize = kdf.MemoryKib,
            Iterations = kdf.Iterations,
            DegreeOfParallelism = kdf.Parallelism,
        };
        return argon.GetBytes(KeySize);
    }

    internal static byte[] Nonce(byte[] prefix, uint counter, bool last)
    {
        var nonce = new byte[12];
        prefix.CopyTo(nonce, 0);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(NoncePrefixSize), counter);
        nonce[11] = last ? (byte)1 : (byte)0;
        return nonce;
    }

    /// <summary>Write-only: buffers a chunk, seals it when more data follows, and seals the final chunk in Complete.</summary>
    public sealed class EncryptingStream : Stream
    {
        private readonly Stream _output;
        private readonly AesGcm _aes;
        private readonly byte[] _header, _noncePrefix, _buffer, _sealed;
        private int _count;
        private uint _counter;
        private bool _completed;

        internal EncryptingStream(Stream output, byte[] key, byte[] header, byte[] noncePrefix, int chunkSize)
        {
            _output = output;
            _aes = new AesGcm(key, TagSize);
            CryptographicOperations.ZeroMemory(key);
            _header = header;
            _noncePrefix = noncePrefix;
            _buffer = new byte[chunkSize];
            _sealed = new byte[chunkSize + TagSize];
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            while (buffer.Length > 0)
            {
                // A full chunk is sealed only once more data arrives: until then it might be the last one.
                if (_count == _buffer.Length) SealChunk(last: false);
                var n = Math.Min(_buffer.Length - _count, buffer.Length);
                buffer[..n].CopyTo(_buffer.AsSpan(_count));
                _count += n;
                buffer = buffer[n..];
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        /// <summary>Seals the last chunk. Without it the file is incomplete and will not open (as intended after a failure).</summary>
        public void Complete()
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            SealChunk(last: true);
            _completed = true;
            _output.Flush();
        }

        private void SealChunk(bool last)
        {
            _aes.Encrypt(Nonce(_noncePrefix, _counter, last), _buffer.AsSpan(0, _count), _sealed.AsSpan(0, _count), _sealed.AsSpan(_count, TagSize), _header);
            _output.Write(_sealed, 0, _count + TagSize);
            _counter++;
            _count = 0;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !_completed;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                CryptographicOperations.ZeroMemory(_buffer);
                _aes.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
