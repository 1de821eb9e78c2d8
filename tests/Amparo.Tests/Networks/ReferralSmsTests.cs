using Amparo.Tests.Organizations;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// In the SMS tests' class (and namespace) so that it shares their app with an SMS gateway, on both databases.
namespace Amparo.Tests.CheckIns;

/// <summary>
/// Consent to a referral by SMS (issue 16): the request reaches a verified phone with a reply code and no story; "AGREE
/// code" from that number sends the referral; a wrong code, a code from another number, or an unverified number sends
/// nothing.
/// </summary>
public abstract partial class SmsInboundTests
{
    [Fact]
    public async Task Referrals_AgreeWithTheCode_FromTheDefendersVerifiedNumber_SendsTheReferral_AndNothingElseDoes()
    {
        var (defender, phone) = await PersonWithPhoneAsync();
        var (_, strangerPhone) = await PersonWithPhoneAsync();
        var focal = await app.PersonAsync("smsreffocal");
        var providerAdmin = await app.PersonAsync("smsrefprovider");
        var org = await app.OrganizationAsync(focal);
        var provider = await app.OrganizationAsync(providerAdmin);
        var serviceId = await app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<OrganizationService>();
            await orgs.AddMemberAsync(org, defender, OrgRole.Member, null);
            await orgs.AddMemberAsync(org, focal.Id, OrgRole.FocalPoint, null);
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, org, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, provider, null));
            var directory = sp.GetRequiredService<NetworkDirectory>();
            var entry = (await directory.SaveEntryAsync(providerAdmin.Id, network.Id, provider, new EntryInput("", EntryVisibility.Network, "Signal: abogadas"))).Id!.Value;
            return (await directory.SaveServiceAsync(providerAdmin.Id, entry, null, new ServiceInput(ServiceKind.Legal, ["es"], [], Eligibility.None, null, ""))).Id!.Value;
        });
        var referral = await app.WithServicesAsync(async sp => (await sp.GetRequiredService<Referrals>().CreateAsync(focal.Id,
            new ReferralInput(serviceId, defender, "es", "Rosa", "", "Citación de la fiscalía el lunes."))).Id!.Value);
        Task<ReferralState> StateAsync() => app.WithDbAsync(db => db.Referrals.Where(r => r.Id == referral).Select(r => r.State).SingleAsync());

        // The SMS asks in the defender's words-free way: the need, the word to answer with, the code, the link.
        var sms = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var row = await db.Outbox.AsNoTracking().SingleAsync(m => m.NotificationKey.StartsWith("referral-consent:" + referral.ToString("N")) && m.Channel == ChannelKind.Sms);
            return (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, row)).Text;
        });
        // The e-mail is its own notice: both reach the person (one notice with two channels would stop at the first).
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.NotificationKey.StartsWith("referral-consent:" + referral.ToString("N")) && m.Channel == ChannelKind.Email)));
        var code = System.Text.RegularExpressions.Regex.Match(sms, @"AGREE (\d{8})").Groups[1].Value;
        Assert.Equal(8, code.Length);
        Assert.Contains("Legal help", sms, StringComparison.Ordinal);
        Assert.DoesNotContain("fiscal", sms, StringComparison.Ordinal);

        // The right code from another verified number, a wrong code, no code, an unverified number: nothing is sent.
        const string noMatch = "Amparo: that code matches no referral waiting for you. Open the link in our message to agree.";
        Assert.Equal(noMatch, await SmsAsync(strangerPhone, "AGREE " + code));
        Assert.Equal(noMatch, await SmsAsync(phone, "AGREE " + (code[0] == '1' ? "2" : "1") + code[1..]));
        Assert.Equal(noMatch, await SmsAsync(phone, "AGREE"));
        var (_, unverified) = await PersonWithPhoneAsync(verified: false);
        Assert.Equal("Amparo: nothing was done. Commands are carried out only from a confirmed number.", await SmsAsync(unverified, "AGREE " + code));
        Assert.Equal(ReferralState.AwaitingConsent, await StateAsync());

        // From the defender's number, in two groups and lower case: sent, by SMS, and the provider is told.
        Assert.Equal("Amparo: thank you. Your referral for Legal help was sent.", await SmsAsync(phone, $"agree {code[..4]} {code[4..]}"));
        Assert.Equal(ReferralState.Sent, await StateAsync());
        Assert.Equal(ConsentWay.Sms, await app.WithDbAsync(db => db.Referrals.Where(r => r.Id == referral).Select(r => r.Consent).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.NotificationKey == $"referral:{referral:N}:waiting:Sent:{providerAdmin.Id:N}")));
        // The code is spent: the same SMS again matches nothing.
        Assert.Equal(noMatch, await SmsAsync(phone, "AGREE " + code));

        // The provider accepts: the defender is told by e-mail, and by SMS to the verified number should the e-mail not go.
        Assert.Equal(DirectoryWriteStatus.Done, (await app.WithServicesAsync(sp => sp.GetRequiredService<Referrals>().ActAsync(providerAdmin.Id, referral, ReferralAct.Accept))).Status);
        var told = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.NotificationKey == $"referral:{referral:N}:Accept:Accepted:{defender:N}")
            .OrderBy(m => m.ChannelIndex).Select(m => new { m.Channel, m.ChannelIndex, m.FallbackAt }).ToListAsync());
        Assert.Equal([(ChannelKind.Email, 0), (ChannelKind.Sms, 1)], told.Select(m => (m.Channel, m.ChannelIndex)));
    }
}
