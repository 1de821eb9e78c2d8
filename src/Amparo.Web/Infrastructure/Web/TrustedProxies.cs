using System.Net;
using Amparo.Web.Features.Notifications;
using Microsoft.AspNetCore.HttpOverrides;

namespace Amparo.Web.Infrastructure.Web;

/// <summary>
/// <c>Amparo:TrustedProxies</c>: the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto Amparo believes —
/// addresses and CIDR networks, as a list or one comma-separated value. Empty (the default): forwarded headers are
/// ignored, whoever sends them, because anyone who can reach Amparo directly could otherwise pick the client address
/// that rate limits count by.
/// </summary>
public sealed class TrustedProxies
{
    public const string Setting = "Amparo:TrustedProxies";

    private readonly List<IPAddress> _addresses = [];
    private readonly List<System.Net.IPNetwork> _networks = [];
    private int _warned;

    public IReadOnlyList<IPAddress> Addresses => _addresses;
    public IReadOnlyList<System.Net.IPNetwork> Networks => _networks;
    /// <summary>Entries that are neither an address nor a network; Amparo does not start with any.</summary>
    public List<string> Invalid { get; } = [];
    public bool IsEmpty => _addresses.Count == 0 && _networks.Count == 0;

    public static TrustedProxies Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value).OfType<string>();
        var result = new TrustedProxies();
        foreach (var entry in values.SelectMany(v => v.Split([',', ';', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)))
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (System.Net.IPNetwork.TryParse(entry, out var network)) result._networks.Add(network);
                else result.Invalid.Add(entry);
            }
            else if (IPAddress.TryParse(entry, out var address)) result._addresses.Add(address);
            else result.Invalid.Add(entry);
        }
        return result;
    }

    public string Problem =>
        $"{Setting}: {string.Join(", ", Invalid.Select(i => $"'{i}'"))} is not an IP address or a CIDR network " +
        "(examples: 127.0.0.1, ::1, 172.16.0.0/12).";

    public bool Contains(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6 && Contains(address.MapToIPv4())) return true;
        return _addresses.Any(a => a.Equals(address)) || _networks.Any(n => n.Contains(address));
    }

    /// <summary>Trust exactly the listed proxies; none listed, read no forwarded header at all.</summary>
    public void Configure(ForwardedHeadersOptions options)
    {
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        // With both lists empty the middleware would believe every sender: switch it off instead.
        options.ForwardedHeaders = IsEmpty ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var address in _addresses) options.KnownProxies.Add(address);
        foreach (var network in _networks) options.KnownIPNetworks.Add(network);
    }

    /// <summary>
    /// Forwarded headers from a sender not in the list are ignored; the operator is told once per process (not per
    /// request). The sender is named only when it is on this machine or a private network — that is a proxy to add;
    /// a public sender is a visitor, whose address stays out of the log.
    /// </summary>
    public void WarnIfUntrusted(HttpContext context, ILogger logger)
    {
        if (Volatile.Read(ref _warned) != 0) return;
        var headers = context.Request.Headers;
        if (!headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName) && !headers.ContainsKey(ForwardedHeadersDefaults.XForwardedProtoHeaderName)) return;
        var peer = context.Connection.RemoteIpAddress;
        if (Contains(peer) || Interlocked.Exchange(ref _warned, 1) != 0) return;
        var who = peer is null ? "an unknown sender"
            : AddressRules.IsPrivate(peer) ? (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString()
            : "a public address";
        logger.LogWarning("Forwarded headers arrived from {Sender}, which is not in " + Setting + ": they are ignored (told once). " +
                          "If Amparo runs behind a reverse proxy, add the proxy's address to " + Setting + ".", who);
    }
}
