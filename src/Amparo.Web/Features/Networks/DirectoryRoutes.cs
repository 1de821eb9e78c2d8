namespace Amparo.Web.Features.Networks;

/// <summary>The directory's page addresses, in one place for pages, messages and tests.</summary>
public static class DirectoryRoutes
{
    public const string Search = "/directory";
    public static string Entry(Guid entryId) => $"/directory/{entryId}";
    public static string Edit(Guid networkId, Guid organizationId) => $"/directory/edit/{networkId}/{organizationId}";
    /// <summary>A service's form: a new one (no id) when <paramref name="serviceId"/> is null.</summary>
    public static string Service(Guid entryId, Guid? serviceId) => serviceId is { } id ? $"/directory/{entryId}/services/{id}" : $"/directory/{entryId}/services";
    public static string Gaps(Guid networkId) => $"/directory/gaps/{networkId}";
}
