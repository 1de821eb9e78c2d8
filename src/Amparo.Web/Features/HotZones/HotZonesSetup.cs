using Amparo.Web.Infrastructure.Workers;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Features.HotZones;

/// <summary>Settings of hot zones ("HotZones" in configuration).</summary>
public sealed class HotZonesOptions
{
    public const string Section = "HotZones";

    /// <summary>
    /// How wide the hexagon cells are, in km across their flat sides: fixed for the installation (a cell must mean the
    /// same place in every period), never finer than 25 km (the privacy floor).
    /// </summary>
    [Range(HexGrid.FinestAcross, 1000)]
    public double CellAcrossKm { get; set; } = 50;

    /// <summary>How many periods each cell's series holds for the emerging classes (the period just closed and those before).</summary>
    [Range(4, 104)]
    public int SeriesPeriods { get; set; } = 10;

    /// <summary>Monte Carlo replicates of Gi* and of the scan.</summary>
    [Range(99, 9999)]
    public int Replicates { get; set; } = 999;

    /// <summary>The scan's largest circle, in km between cell centres.</summary>
    [Range(HexGrid.FinestAcross, 1000)]
    public double ScanRadiusKm { get; set; } = 50;

    /// <summary>The largest circle of the scan over the gazetteer's areas, in km between area centres (areas are larger than cells).</summary>
    [Range(HexGrid.FinestAcross, 2000)]
    public double AreaScanRadiusKm { get; set; } = 100;

    /// <summary>The scan's longest cluster, in periods; its study period is twelve times as long.</summary>
    [Range(1, 8)]
    public int ScanMaxPeriods { get; set; } = 3;

    /// <summary>Published figures (grantmakers): a count below this is shown as "fewer than k". Never below 5.</summary>
    [Range(5, 1000)]
    public int MinimumCount { get; set; } = 5;

    /// <summary>Published figures: only months that closed at least this many days ago.</summary>
    [Range(0, 365)]
    public int PublishAfterDays { get; set; } = 14;

    public HotSpotParameters Spots => new(SeriesPeriods, Replicates);
    public ScanParameters Scan => new(ScanRadiusKm, ScanMaxPeriods, 12 * ScanMaxPeriods, Replicates);
    public ScanParameters AreaScan => Scan with { MaxRadiusKm = AreaScanRadiusKm };
}

/// <summary>Hot zones (issue 13): the installation's fixed hexagon grid, the worker that computes each network's periods, and what a viewer may see of them.</summary>
public static class HotZonesSetup
{
    public static IServiceCollection AddHotZones(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HotZonesOptions>().Bind(configuration.GetSection(HotZonesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new HexGrid(sp.GetRequiredService<IOptions<HotZonesOptions>>().Value.CellAcrossKm));
        services.TryAddSingleton<CountryOutlines>();
        services.AddSingleton(sp => AreaLayout.Of(sp.GetRequiredService<Incidents.Gazetteer>()));
        services.AddDurableWorker<HotZoneWorker>();
        services.AddScoped<HotZoneViews>();
        services.AddScoped<GrantmakerRegions>();
        return services;
    }
}
