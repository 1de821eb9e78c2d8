using System.ComponentModel.DataAnnotations;

namespace Amparo.Web.Features.Incidents;

/// <summary>Settings of incident reports ("Incidents" in configuration).</summary>
public sealed class IncidentsOptions
{
    public const string Section = "Incidents";

    /// <summary>
    /// The installation's gazetteer: a GeoJSON file of administrative areas (docs/incidents.md). Empty: reports give a
    /// point or no place. A relative path is read from the app's own folder (the sample: "gazetteer-sample.geojson").
    /// </summary>
    [MaxLength(1000)]
    public string GazetteerPath { get; set; } = "";
}
