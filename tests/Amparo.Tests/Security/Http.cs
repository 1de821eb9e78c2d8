namespace Amparo.Tests.Security;

/// <summary>Small HTTP helpers the security tests share.</summary>
public static class Http
{
    /// <summary>The path and query a redirect points to, or "(external) …" when it leaves the app's own origin.</summary>
    public static string RedirectPath(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null) return "";
        if (!location.IsAbsoluteUri) return location.OriginalString;
        return location.Host == "localhost" ? location.PathAndQuery : "(external) " + location;
    }

    /// <summary>A client whose requests appear to come from <paramref name="ip"/> (the test host reads X-Test-Client-Ip).</summary>
    public static void UseClientIp(this Infrastructure.TestClient client, string ip)
    {
        client.Http.DefaultRequestHeaders.Remove(Infrastructure.AppFixture.ClientIpHeader);
        client.Http.DefaultRequestHeaders.Add(Infrastructure.AppFixture.ClientIpHeader, ip);
    }
}
