using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Networks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// One network's hot-zone analysis of one closed period, as of its close (<see cref="HotZoneWorker"/>): how many reports
/// it counted, and the prospective scan's most likely cluster. Inserted once: its key (network, kind, period) lets only
/// one of two instances, or of a round repeated after a crash, commit the period and its alerts.
/// </summary>
public sealed class HotZonePeriod
{
    public Guid NetworkId { get; set; }
    public PeriodKind Kind { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateTime ComputedAt { get; set; }
    /// <summary>Reports counted in this period (those shared with the network and known when it closed).</summary>
    public int Events { get; set; }
    /// <summary>The scan's most likely cluster, space-separated cells "q:r" (empty when there was none).</summary>
    public string ScanCells { get; set; } = "";
    public int ScanPeriods { get; set; }
    public int ScanObserved { get; set; }
    public double ScanExpected { get; set; }
    public double ScanP { get; set; } = 1;
    public int ScanOrganizations { get; set; }
    public bool ScanAlarm { get; set; }
    /// <summary>The scan over the gazetteer's areas: its most likely cluster, space-separated area ids (empty when there was none).</summary>
    public string AreaScanAreas { get; set; } = "";
    public int AreaScanPeriods { get; set; }
    public int AreaScanObserved { get; set; }
    public double AreaScanExpected { get; set; }
    public double AreaScanP { get; set; } = 1;
    public int AreaScanOrganizations { get; set; }
    public bool AreaScanAlarm { get; set; }
    /// <summary>When the grantmakers following the regions of this (published) month were told; null until then.</summary>
    public DateTime? GrantmakersToldAt { get; set; }

    public const string Table = "HotZonePeriods";
}

/// <summary>
/// What one zone was in one network's period — a hexagon (<see cref="Q"/>, <see cref="R"/>, no <see cref="AreaId"/>) or a
/// gazetteer area (<see cref="AreaId"/>, Q and R 0): only zones with reports in it, or a significant state, or a class.
/// </summary>
public sealed class HotZoneCell
{
    public Guid NetworkId { get; set; }
    public PeriodKind Kind { get; set; }
    public DateOnly PeriodStart { get; set; }
    /// <summary>The gazetteer area this row is about, or "" for a hexagon.</summary>
    public string AreaId { get; set; } = "";
    public int Q { get; set; }
    public int R { get; set; }
    public int Count { get; set; }
    /// <summary>How many organizations' reports the count holds (a zone of one organization's reports is not shown beyond the network).</summary>
    public int Organizations { get; set; }
    /// <summary>Gi*; null where it is undefined (nothing varied).</summary>
    public double? Z { get; set; }
    public double? P { get; set; }
    public SpotState State { get; set; }
    public EmergingClass Class { get; set; }
    /// <summary>The primary act most reports here named (for the act-type band of an alert).</summary>
    public IncidentActs TopAct { get; set; }

    public Hex Cell => new(Q, R);
    public bool IsArea => AreaId.Length > 0;

    public const string Table = "HotZoneCells";
}

/// <summary>
/// A region a grantmaker organization funds in (a country, ISO 3166 alpha-2): its admins are told of published hot
/// zones there. Set by the organization's admins.
/// </summary>
public sealed class GrantmakerRegion
{
    public Guid OrganizationId { get; set; }
    public string Country { get; set; } = "";

    public const string Table = "GrantmakerRegions";
}

public sealed class GrantmakerRegionConfiguration : IEntityTypeConfiguration<GrantmakerRegion>
{
    public void Configure(EntityTypeBuilder<GrantmakerRegion> builder)
    {
        builder.ToTable(GrantmakerRegion.Table);
        builder.HasKey(r => new { r.OrganizationId, r.Country });
        builder.Property(r => r.Country).HasMaxLength(2);
        builder.HasOne<Amparo.Web.Features.Organizations.Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A network whose coordinators turned its public page of published hot zones on (no row: off, the default).</summary>
public sealed class HotZonePublicPage
{
    public Guid NetworkId { get; set; }
    public DateTime Since { get; set; }

    public const string Table = "HotZonePublicPages";
}

public sealed class HotZonePublicPageConfiguration : IEntityTypeConfiguration<HotZonePublicPage>
{
    public void Configure(EntityTypeBuilder<HotZonePublicPage> builder)
    {
        builder.ToTable(HotZonePublicPage.Table);
        builder.HasKey(p => p.NetworkId);
        builder.HasOne<Network>().WithMany().HasForeignKey(p => p.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class HotZonePeriodConfiguration : IEntityTypeConfiguration<HotZonePeriod>
{
    public void Configure(EntityTypeBuilder<HotZonePeriod> builder)
    {
        builder.ToTable(HotZonePeriod.Table);
        builder.HasKey(p => new { p.NetworkId, p.Kind, p.PeriodStart });
        builder.Property(p => p.ScanCells).HasMaxLength(4000);
        builder.Property(p => p.AreaScanAreas).HasMaxLength(8000);
        // A network's results go with the network.
        builder.HasOne<Network>().WithMany().HasForeignKey(p => p.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class HotZoneCellConfiguration : IEntityTypeConfiguration<HotZoneCell>
{
    public void Configure(EntityTypeBuilder<HotZoneCell> builder)
    {
        builder.ToTable(HotZoneCell.Table);
        builder.HasKey(c => new { c.NetworkId, c.Kind, c.PeriodStart, c.AreaId, c.Q, c.R });
        builder.Property(c => c.AreaId).HasMaxLength(Gazetteer.MaxIdLength);
        builder.Ignore(c => c.Cell);
        builder.Ignore(c => c.IsArea);
        builder.HasOne<HotZonePeriod>().WithMany().HasForeignKey(c => new { c.NetworkId, c.Kind, c.PeriodStart }).OnDelete(DeleteBehavior.Cascade);
    }
}
