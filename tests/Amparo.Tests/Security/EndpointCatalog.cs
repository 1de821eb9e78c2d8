using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// Every endpoint the running app has (Razor pages and minimal APIs), read from the routing data source,
/// so tests that walk "all endpoints" pick up pages and routes added later without being edited.
/// </summary>
public sealed record EndpointInfo(RouteEndpoint Endpoint, string Pattern, IReadOnlyList<string> Methods, bool IsPage)
{
    public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);

    public bool AllowsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public IReadOnlyList<IAuthorizeData> Authorize => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();

    public Type? RequestBodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public bool HasParameters => Endpoint.RoutePattern.Parameters.Count > 0;

    /// <summary>"PAGE /account/sign-in" or "POST /api/v1/auth/token": how the allow-list names an endpoint.</summary>
    public string Key => IsPage ? $"PAGE {Pattern}" : $"{string.Join('|', Methods)} {Pattern}";

    /// <summary>A concrete URL: route parameters get a value their constraint accepts (a fresh GUID, 1, or a word).</summary>
    public string SampleUrl(Func<RoutePatternParameterPart, string>? value = null)
    {
        var parts = new List<string>();
        foreach (var segment in Endpoint.RoutePattern.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(p => p switch
            {
                RoutePatternLiteralPart l => l.Content,
                RoutePatternSeparatorPart s => s.Content,
                RoutePatternParameterPart param => value?.Invoke(param) ?? DummyValue(param),
                _ => "",
            }));
            parts.Add(text);
        }
        return "/" + string.Join('/', parts).TrimEnd('/');
    }

    public static string DummyValue(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? p.ParameterPolicy?.GetType().Name ?? "").ToList();
        if (constraints.Any(c => c.Contains("guid", StringComparison.OrdinalIgnoreCase))) return Guid.NewGuid().ToString("D");
        if (constraints.Any(c => c.Contains("int", StringComparison.OrdinalIgnoreCase) || c.Contains("long", StringComparison.OrdinalIgnoreCase))) return "1";
        if (string.Equals(parameter.Name, "documentName", StringComparison.Ordinal)) return "v1";
        return "x" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
    }

    public override string ToString() => Key;

    /// <summary>
    /// For a page: every name it reads from the query string — its handlers' parameters, and the properties bound on
    /// GET ([BindProperty(SupportsGet = true)], [FromQuery]) — under the name they bind to, route values excluded;
    /// and whether it has a POST handler without a name (the one a POST without ?handler= reaches).
    /// </summary>
    public async Task<(IReadOnlyList<string> QueryNames, bool HasPlainPost)> PageInputsAsync(IServiceProvider services)
    {
        if (Endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page) return ([], false);
        var compiled = await services.GetRequiredService<PageLoader>().LoadAsync(page, Endpoint.Metadata);
        var route = Endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = compiled.HandlerMethods.SelectMany(h => h.Parameters).Select(p => (p.Name, p.BindingInfo))
            .Concat(compiled.BoundProperties.OfType<PageBoundPropertyDescriptor>()
                .Where(p => p.BindingInfo?.BindingSource == BindingSource.Query || p.Property.GetCustomAttribute<BindPropertyAttribute>()?.SupportsGet == true)
                .Select(p => (p.Name, p.BindingInfo)))
            .Where(p => p.BindingInfo?.BindingSource is null || p.BindingInfo.BindingSource == BindingSource.Query || p.BindingInfo.BindingSource == BindingSource.ModelBinding)
            .Select(p => p.BindingInfo?.BinderModelName ?? p.Name)
            .Where(n => !route.Contains(n))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return (names, compiled.HandlerMethods.Any(h => h.Name is null && string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Whether a concrete path (no query) is one of this endpoint's URLs: same segments, literals equal, GUID parameters GUIDs.</summary>
    public bool Matches(string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pattern = Endpoint.RoutePattern.PathSegments;
        if (segments.Length != pattern.Count) return false;
        for (var i = 0; i < segments.Length; i++)
        {
            if (pattern[i].Parts is [RoutePatternLiteralPart literal] && !string.Equals(literal.Content, segments[i], StringComparison.OrdinalIgnoreCase))
                return false;
            if (pattern[i].Parts is [RoutePatternParameterPart parameter] && DummyValue(parameter) is var sample && Guid.TryParse(sample, out _) && !Guid.TryParse(segments[i], out _))
                return false;
        }
        return true;
    }
}

public static class EndpointCatalog
{
    public static IReadOnlyList<EndpointInfo> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e =>
            {
                var isPage = e.Metadata.GetMetadata<PageActionDescriptor>() is not null;
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? [];
                if (methods.Count == 0) methods = isPage ? ["GET", "POST"] : ["GET"];
                var pattern = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
                if (pattern.Length > 1) pattern = pattern.TrimEnd('/');
                return new EndpointInfo(e, pattern, methods, isPage);
            })
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)
            .ToList();
}
