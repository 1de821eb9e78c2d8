using System.Text;
using Amparo.Web.Features.Incidents;
using SkiaSharp;

namespace Amparo.Tests.Incidents;

/// <summary>Evidence files: photos come out without their metadata (and upright); what cannot be cleaned is refused.</summary>
public sealed class EvidenceTests
{
    [Fact]
    public void AJpegWithExif_ComesOutWithoutLocationDeviceOrDate_AndSaysWhatWasRemoved()
    {
        var sent = EvidenceFiles.JpegWithExif();
        Assert.Equal(PhotoMetadata.Location | PhotoMetadata.Device | PhotoMetadata.DateTaken | PhotoMetadata.Other, Evidence.Find(sent));

        var (file, refusal) = Evidence.Clean(sent);
        Assert.Equal(EvidenceRefusal.None, refusal);
        Assert.Equal((EvidenceKind.Image, "image/jpeg"), (file!.Kind, file.ContentType));
        Assert.Equal(PhotoMetadata.Location | PhotoMetadata.Device | PhotoMetadata.DateTaken | PhotoMetadata.Other, file.Removed);
        Assert.Equal(PhotoMetadata.None, Evidence.Find(file.Bytes));
        Assert.Equal(-1, file.Bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(EvidenceFiles.Camera)));
        Assert.Equal(-1, file.Bytes.AsSpan().IndexOf("Exif\0\0"u8));
        using var decoded = SKBitmap.Decode(file.Bytes);
        Assert.Equal((40, 20), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void APhotoTurnedByItsOrientationTag_IsStoredUpright()
    {
        var (file, _) = Evidence.Clean(EvidenceFiles.JpegWithExif(40, 20, orientation: 6)); // "rotate 90° clockwise to view"
        using var decoded = SKBitmap.Decode(file!.Bytes);
        Assert.Equal((20, 40), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void APngWithoutMetadata_IsKeptAsAPng_AndNothingIsReportedRemoved()
    {
        var (file, _) = Evidence.Clean(EvidenceFiles.Png());
        Assert.Equal(("image/png", PhotoMetadata.None), (file!.ContentType, file.Removed));
    }

    [Fact]
    public void WhatCannotBeCleaned_IsRefused_DocumentsAndRecordingsAreKeptAsSent()
    {
        byte[] heic = [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8];
        Assert.Equal(EvidenceRefusal.ImageNotCleanable, Evidence.Clean(heic).Refusal);
        Assert.Equal(EvidenceRefusal.ImageNotCleanable, Evidence.Clean([.. "GIF89a"u8, 1, 0, 1, 0]).Refusal);
        Assert.Equal(EvidenceRefusal.UnknownType, Evidence.Clean([.. "<html><script>alert(1)</script>"u8]).Refusal);
        Assert.Equal(EvidenceRefusal.Damaged, Evidence.Clean([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0]).Refusal);
        Assert.Equal(EvidenceRefusal.TooLarge, Evidence.Clean(new byte[Evidence.MaxBytes + 1]).Refusal);

        // Hostile structures: a PNG chunk claiming 4 GB (the length must not wrap), and a PNG declaring 100,000 × 100,000 pixels.
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        byte[] hugeChunk = [.. signature, 0xFF, 0xFF, 0xFF, 0xF0, .. "tEXt"u8, 1, 2, 3, 4];
        Assert.Equal(PhotoMetadata.None, Evidence.Find(hugeChunk));
        Assert.Equal(EvidenceRefusal.Damaged, Evidence.Clean(hugeChunk).Refusal);
        Assert.Equal(EvidenceRefusal.TooLarge, Evidence.Clean(PngDeclaring(100_000, 100_000)).Refusal);
        // An EXIF offset near int.MaxValue (the arithmetic must not wrap into a read out of range).
        byte[] badOffset = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, .. "Exif\0\0"u8, .. "II*\0"u8, 0xFE, 0xFF, 0xFF, 0x7F, 0xFF, 0xD9];
        Assert.Equal(PhotoMetadata.Other, Evidence.Find(badOffset));
        Assert.Equal(EvidenceRefusal.Damaged, Evidence.Clean(badOffset).Refusal);
        byte[] hugeWebpChunk = [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBP"u8, .. "EXIF"u8, 0xF0, 0xFF, 0xFF, 0xFF, 1, 2];
        Assert.Equal(PhotoMetadata.None, Evidence.Find(hugeWebpChunk));

        byte[] pdf = [.. "%PDF-1.7\n% Author: Someone\n"u8];
        var (kept, _) = Evidence.Clean(pdf);
        Assert.Equal((EvidenceKind.Document, "application/pdf"), (kept!.Kind, kept.ContentType));
        Assert.Equal(pdf, kept.Bytes);
        Assert.Equal(EvidenceKind.Audio, Evidence.Clean([.. "OggS"u8, 0, 2, 0, 0]).File!.Kind);
    }

    /// <summary>A valid small PNG whose header then claims another size: a decompression bomb's first bytes.</summary>
    private static byte[] PngDeclaring(int width, int height)
    {
        var png = EvidenceFiles.Png();
        // IHDR is the first chunk: 8 (signature) + 4 (length) + 4 ("IHDR"), then width and height, big-endian, and its
        // CRC over type and 13 bytes of data, written again so that the decoder believes the header.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
