using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Amparo.Tests.Incidents;

/// <summary>Test files: a real JPEG made by Skia with an EXIF segment put in by hand (camera make, date, GPS).</summary>
public static class EvidenceFiles
{
    public const string Camera = "SECRETCAM";

    public static byte[] Png(int width = 40, int height = 20)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.DarkRed);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A JPEG with EXIF: Make <see cref="Camera"/>, a DateTime, a GPS IFD (latitude ref "N"); optionally an orientation.</summary>
    /// <param name="noisy">Random pixels, so the JPEG is as large as a real photo of its size (a plain one compresses to almost nothing).</param>
    public static byte[] JpegWithExif(int width = 40, int height = 20, ushort? orientation = null, bool noisy = false)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.SteelBlue);
        if (noisy)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(width * height * 3);
            bitmap.Pixels = [.. Enumerable.Range(0, width * height).Select(i => new SKColor(bytes[3 * i], bytes[(3 * i) + 1], bytes[(3 * i) + 2]))];
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        var jpeg = data.ToArray();

        var entries = orientation is null ? 3 : 4;
        var ifd0 = 8;
        var gps = ifd0 + 2 + (entries * 12) + 4;
        var make = gps + 2 + 12 + 4;
        var date = make + Camera.Length + 1;
        var tiff = new byte[date + 20];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), (uint)ifd0);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(ifd0), (ushort)entries);
        var at = ifd0 + 2;
        void Entry(ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at + 2), type);
            BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at + 4), count);
            BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at + 8), value);
            at += 12;
        }
        Entry(0x010F, 2, (uint)Camera.Length + 1, (uint)make);
        if (orientation is { } o) Entry(0x0112, 3, 1, (uint)o << 16);
        Entry(0x0132, 2, 20, (uint)date);
        Entry(0x8825, 4, 1, (uint)gps);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(gps), 1);
        at = gps + 2;
        Entry(0x0001, 2, 2, 0x4E000000); // GPSLatitudeRef "N"
        Encoding.ASCII.GetBytes(Camera).CopyTo(tiff, make);
        Encoding.ASCII.GetBytes("2026:11:12 10:00:00").CopyTo(tiff, date);

        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + 6 + tiff.Length));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }
}
