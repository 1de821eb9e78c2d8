using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Amparo.Web.Features.Incidents;

/// <summary>What a file is, decided from its first bytes (never from its name or the type the browser claims).</summary>
public enum EvidenceKind
{
    Image = 0,
    Document = 1,
    Audio = 2,
}

/// <summary>Metadata found in a photo, and so removed from it before it was stored (shown to the reporter).</summary>
[Flags]
public enum PhotoMetadata
{
    None = 0,
    /// <summary>GPS coordinates: where the photo was taken.</summary>
    Location = 1,
    /// <summary>The camera or phone's make, model or serial number.</summary>
    Device = 2,
    /// <summary>When it was taken.</summary>
    DateTaken = 4,
    /// <summary>Other EXIF fields, XMP (editing software, author) or embedded comments.</summary>
    Other = 8,
}

/// <summary>Why a file was refused.</summary>
public enum EvidenceRefusal
{
    None = 0,
    TooLarge = 1,
    /// <summary>An image format that cannot be cleaned here (HEIC/HEIF, TIFF, GIF…): refused rather than kept with its metadata.</summary>
    ImageNotCleanable = 2,
    /// <summary>Neither a photo, a document nor a recording Amparo keeps.</summary>
    UnknownType = 3,
    /// <summary>Said to be an image, but it does not decode.</summary>
    Damaged = 4,
}

/// <summary>A file made ready to store: images re-encoded without metadata; documents and audio as sent.</summary>
public sealed record CleanedEvidence(EvidenceKind Kind, string ContentType, string Extension, byte[] Bytes, PhotoMetadata Removed);

/// <summary>
/// Evidence files: what they are, and for photos (JPEG, PNG, WebP) a clean copy. A photo is decoded and encoded again
/// with SkiaSharp: only its pixels survive, so EXIF (GPS, device, dates), XMP and comments are gone; its orientation is
/// applied to the pixels first so it does not come out sideways. Documents and audio are kept as sent (the form says
/// plainly that their metadata stays).
/// </summary>
public static class Evidence
{
    public const int MaxBytes = 10 * 1024 * 1024, MaxPerIncident = 10;
    /// <summary>The largest photo decoded (24 megapixels, a good phone camera's): about 100 MB of pixels at most.</summary>
    public const long MaxPixels = 24_000_000;

    // Decoding holds the pixels (up to ~100 MB at MaxPixels) and a turned copy: two at a time at most, so a burst of
    // uploads waits rather than running the server out of memory (alerts run in the same process).
    private static readonly SemaphoreSlim Decoding = new(2, 2);

    public static (CleanedEvidence? File, EvidenceRefusal Refusal) Clean(byte[] bytes)
    {
        if (bytes.Length > MaxBytes) return (null, EvidenceRefusal.TooLarge);
        var span = bytes.AsSpan();
        if (IsJpeg(span)) return Reencode(bytes, SKEncodedImageFormat.Jpeg, "image/jpeg", ".jpg");
        if (IsPng(span)) return Reencode(bytes, SKEncodedImageFormat.Png, "image/png", ".png");
        if (IsRiff(span, "WEBP")) return Reencode(bytes, SKEncodedImageFormat.Webp, "image/webp", ".webp");
        if (IsHeif(span) || span.StartsWith("GIF8"u8) || span.StartsWith("II*\0"u8) || span.StartsWith("MM\0*"u8) || span.StartsWith("BM"u8))
            return (null, EvidenceRefusal.ImageNotCleanable);
        if (span.StartsWith("%PDF-"u8)) return (new(EvidenceKind.Document, "application/pdf", ".pdf", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        if (span.StartsWith("PK\u0003\u0004"u8)) return (new(EvidenceKind.Document, "application/zip", ".zip", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        if (span.StartsWith("OggS"u8)) return (new(EvidenceKind.Audio, "audio/ogg", ".ogg", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        if (span.StartsWith("ID3"u8) || (span.Length > 1 && span[0] == 0xFF && (span[1] & 0xE0) == 0xE0))
            return (new(EvidenceKind.Audio, "audio/mpeg", ".mp3", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        if (IsRiff(span, "WAVE")) return (new(EvidenceKind.Audio, "audio/wav", ".wav", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        if (span.Length > 12 && span[4..8].SequenceEqual("ftyp"u8) && span[8..11].SequenceEqual("M4A"u8))
            return (new(EvidenceKind.Audio, "audio/mp4", ".m4a", bytes, PhotoMetadata.None), EvidenceRefusal.None);
        return (null, EvidenceRefusal.UnknownType);
    }

    private static (CleanedEvidence?, EvidenceRefusal) Reencode(byte[] bytes, SKEncodedImageFormat format, string type, string extension)
    {
        Decoding.Wait();
        try { return ReencodeOne(bytes, format, type, extension); }
        finally { Decoding.Release(); }
    }

    private static (CleanedEvidence?, EvidenceRefusal) ReencodeOne(byte[] bytes, SKEncodedImageFormat format, string type, string extension)
    {
        PhotoMetadata found;
        // A structure the reader cannot follow is a damaged file, never a server error.
        try { found = Find(bytes); }
        catch (ArgumentOutOfRangeException) { return (null, EvidenceRefusal.Damaged); }
        using var codec = SKCodec.Create(new SKMemoryStream(bytes));
        if (codec is null) return (null, EvidenceRefusal.Damaged);
        // A few bytes can declare an image of billions of pixels: refuse before decoding allocates it.
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels || codec.Info.Width <= 0 || codec.Info.Height <= 0)
            return (null, EvidenceRefusal.TooLarge);
        using var decoded = SKBitmap.Decode(codec);
        if (decoded is null) return (null, EvidenceRefusal.Damaged);
        using var turned = Upright(decoded, codec.EncodedOrigin);
        using var image = SKImage.FromBitmap(turned ?? decoded);
        using var data = image.Encode(format, 90);
        if (data is null) return (null, EvidenceRefusal.Damaged);
        return (new CleanedEvidence(EvidenceKind.Image, type, extension, data.ToArray(), found), EvidenceRefusal.None);
    }

    /// <summary>
    /// The pixels turned as the photo's orientation tag says (the tag itself goes with the rest of the metadata), or null
    /// when they are upright already (no second copy).
    /// </summary>
    private static SKBitmap? Upright(SKBitmap source, SKEncodedOrigin origin)
    {
        var (degrees, swap) = origin switch
        {
            SKEncodedOrigin.BottomRight => (180f, false),
            SKEncodedOrigin.RightTop => (90f, true),
            SKEncodedOrigin.LeftBottom => (270f, true),
            _ => (0f, false),
        };
        if (degrees == 0) return null;
        var turned = new SKBitmap(swap ? source.Height : source.Width, swap ? source.Width : source.Height, source.ColorType, source.AlphaType);
        using var canvas = new SKCanvas(turned);
        canvas.Translate(turned.Width / 2f, turned.Height / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-source.Width / 2f, -source.Height / 2f);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        return turned;
    }

    /// <summary>The metadata a JPEG, PNG or WebP file carries, by kind (EXIF read tag by tag; XMP and comments as "other").</summary>
    public static PhotoMetadata Find(ReadOnlySpan<byte> file)
    {
        var found = PhotoMetadata.None;
        if (IsJpeg(file))
        {
            var at = 2;
            while (at + 4 <= file.Length && file[at] == 0xFF)
            {
                var marker = file[at + 1];
                if (marker is 0xDA or 0xD9) break; // image data: no more metadata segments
                var length = BinaryPrimitives.ReadUInt16BigEndian(file[(at + 2)..]);
                if (length < 2 || at + 2 + length > file.Length) break;
                var segment = file.Slice(at + 4, length - 2);
                if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8)) found |= Exif(segment[6..]);
                else if (marker == 0xE1 || marker == 0xFE || marker is >= 0xE2 and <= 0xEF and not 0xEE) found |= marker == 0xE2 && segment.StartsWith("ICC_PROFILE"u8) ? PhotoMetadata.None : PhotoMetadata.Other;
                at += 2 + length;
            }
        }
        else if (IsPng(file))
        {
            var at = 8;
            while (at + 12 <= file.Length)
            {
                var length = BinaryPrimitives.ReadUInt32BigEndian(file[at..]);
                if (at + 12L + length > file.Length) break; // long: a hostile length must not wrap around
                var type = file.Slice(at + 4, 4);
                var data = file.Slice(at + 8, (int)length);
                if (type.SequenceEqual("eXIf"u8)) found |= Exif(data);
                else if (type.SequenceEqual("tEXt"u8) || type.SequenceEqual("zTXt"u8) || type.SequenceEqual("iTXt"u8) || type.SequenceEqual("tIME"u8)) found |= PhotoMetadata.Other;
                at += 12 + (int)length;
            }
        }
        else if (IsRiff(file, "WEBP"))
        {
            var at = 12;
            while (at + 8 <= file.Length)
            {
                var length = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 4)..]);
                if (at + 8L + length > file.Length) break;
                var type = file.Slice(at, 4);
                if (type.SequenceEqual("EXIF"u8)) found |= Exif(StripExifHeader(file.Slice(at + 8, (int)length)));
                else if (type.SequenceEqual("XMP "u8)) found |= PhotoMetadata.Other;
                at += 8 + (int)length + (int)(length & 1);
            }
        }
        return found;
    }

    private static ReadOnlySpan<byte> StripExifHeader(ReadOnlySpan<byte> data) => data.StartsWith("Exif\0\0"u8) ? data[6..] : data;

    /// <summary>The kinds of EXIF tags in a TIFF structure: IFD0 and the EXIF sub-IFD (dates), the GPS pointer (location).</summary>
    private static PhotoMetadata Exif(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return PhotoMetadata.Other;
        var little = tiff[0] == (byte)'I';
        var found = PhotoMetadata.Other;
        var ifds = new Queue<uint>([U32(tiff, 4, little)]);
        var seen = new HashSet<uint>();
        while (ifds.Count > 0 && seen.Count < 8)
        {
            var ifd = (int)ifds.Dequeue();
            if (ifd <= 0 || ifd > tiff.Length - 2 || !seen.Add((uint)ifd)) continue;
            int count = U16(tiff, ifd, little);
            for (var i = 0; i < count && ifd + 2 + (i * 12) <= tiff.Length - 12; i++)
            {
                var entry = ifd + 2 + (i * 12);
                switch (U16(tiff, entry, little))
                {
                    case 0x8825: found |= PhotoMetadata.Location; break;
                    case 0x010F or 0x0110 or 0xA431 or 0xA434 or 0xA433: found |= PhotoMetadata.Device; break;
                    case 0x0132 or 0x9003 or 0x9004: found |= PhotoMetadata.DateTaken; break;
                    case 0x8769: ifds.Enqueue(U32(tiff, entry + 8, little)); break;
                }
            }
        }
        return found;
    }

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little) =>
        at >= 0 && at <= b.Length - 4 ? (little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..])) : 0;

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool little) =>
        at >= 0 && at <= b.Length - 2 ? (little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..])) : (ushort)0;

    private static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static bool IsPng(ReadOnlySpan<byte> b) => b.StartsWith(PngSignature);
    private static bool IsRiff(ReadOnlySpan<byte> b, string form) => b.Length > 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual(Encoding.ASCII.GetBytes(form));
    private static bool IsHeif(ReadOnlySpan<byte> b) =>
        b.Length > 12 && b[4..8].SequenceEqual("ftyp"u8)
        && (b[8..12].SequenceEqual("heic"u8) || b[8..12].SequenceEqual("heix"u8) || b[8..12].SequenceEqual("mif1"u8) || b[8..12].SequenceEqual("msf1"u8) || b[8..12].SequenceEqual("avif"u8));
}
