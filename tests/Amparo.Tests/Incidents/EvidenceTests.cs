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

        byte[] pdf = [.. "%PDF-1.7\n% Author: Someone\n"u8];
        var (kept, _) = Evidence.Clean(pdf);
        Assert.Equal((EvidenceKind.Document, "application/pdf"), (kept!.Kind, kept.ContentType));
        Assert.Equal(pdf, kept.Bytes);
        Assert.Equal(EvidenceKind.Audio, Evidence.Clean([.. "OggS"u8, 0, 2, 0, 0]).File!.Kind);
    }
}
