using System.Net;
using Amparo.Web.Features.Notifications;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// The webhook SSRF guard, form by form: an internal IPv4 address written inside an IPv6 address that a translator or
/// tunnel turns back into IPv4 is still internal; the same forms carrying a public address stay allowed.
/// </summary>
public sealed class AddressRulesTests
{
    [Theory]
    // IPv4-mapped ::ffff:a.b.c.d
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    // IPv4-compatible ::a.b.c.d (deprecated, still parsed and routed by some stacks)
    [InlineData("::127.0.0.1")]
    [InlineData("::10.1.2.3")]
    [InlineData("::192.168.1.1")]
    [InlineData("::169.254.169.254")]
    // IPv4-translated (SIIT) ::ffff:0:a.b.c.d
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("::ffff:0:172.16.0.1")]
    [InlineData("::ffff:0:169.254.169.254")]
    // NAT64 well-known prefix 64:ff9b::/96
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("64:ff9b::100.64.0.1")]
    // NAT64 local-use prefix 64:ff9b:1::/48: refused whatever it carries
    [InlineData("64:ff9b:1::1")]
    [InlineData("64:ff9b:1::8.8.8.8")]
    [InlineData("64:ff9b:1:abcd::808:808")]
    // 6to4 2002::/16 (the IPv4 address in bits 16–47)
    [InlineData("2002:7f00:1::1")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("2002:a9fe:a9fe::")]
    [InlineData("2002:a00:1::1")]
    // Teredo 2001::/32: refused whatever it carries
    [InlineData("2001::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    // the plain forms, as before
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    public void InternalAddresses_InEveryIPv6Disguise_AreRefused(string address) =>
        Assert.True(AddressRules.IsPrivate(IPAddress.Parse(address)), $"{address} should be refused");

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("::8.8.8.8")]
    [InlineData("::ffff:0:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("64:ff9b::5db8:d822")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    public void PublicAddresses_InTheSameForms_AreAllowed(string address) =>
        Assert.False(AddressRules.IsPrivate(IPAddress.Parse(address)), $"{address} should be allowed");
}
