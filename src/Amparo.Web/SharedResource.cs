[assembly: Microsoft.Extensions.Localization.RootNamespace("Amparo.Web")]

namespace Amparo.Web;

/// <summary>Marker type for the shared translations in Resources/SharedResource.*.resx.</summary>
public sealed class SharedResource
{
    private SharedResource() { }
}
