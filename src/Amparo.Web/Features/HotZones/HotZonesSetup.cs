using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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
}

/// <summary>Hot zones (issue 13). So far: the installation's fixed hexagon grid; the statistics are static (HotSpotStatistics, SpaceTimeScan).</summary>
public static class HotZonesSetup
{
    public static IServiceCollection AddHotZones(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HotZonesOptions>().Bind(configuration.GetSection(HotZonesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new HexGrid(sp.GetRequiredService<IOptions<HotZonesOptions>>().Value.CellAcrossKm));
        return services;
    }
}
