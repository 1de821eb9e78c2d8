using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Mail;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Amparo.Web.Features.Organizations;

public enum MailOutcome { Sent, NotConfigured, Failed }

/// <summary>
/// Handing an invitation link over: by e-mail, on screen and as a QR code. The token itself is stored only
/// hashed, so for the minutes after inviting, the inviting admin's pages carry it encrypted with Data
/// Protection, bound to that admin, organization and invitation, instead of in clear in any URL.
/// </summary>
public sealed class InvitationLinks(ShortLivedValues shortLived, IMailSender mail, IOptions<AmparoOptions> options, ILogger<InvitationLinks> logger)
{
    public static readonly TimeSpan ShownFor = TimeSpan.FromHours(1);

    public string Url(HttpRequest request, string token)
    {
        return options.Value.BaseUrlFor(request) + "/invitation/" + Uri.EscapeDataString(token);
    }

    public string Protect(string token, Guid orgId, Guid invitationId, Guid adminId) =>
        shortLived.Protect(token, ShownFor, Purpose, orgId, invitationId, adminId);

    /// <summary>The token, or null when the value is foreign, tampered with, for someone else, or too old.</summary>
    public string? Unprotect(string? protectedToken, Guid orgId, Guid invitationId, Guid adminId) =>
        protectedToken is { Length: <= 1000 } ? shortLived.Unprotect(protectedToken, Purpose, orgId, invitationId, adminId) : null;

    private const string Purpose = "Amparo.InvitationLink";

    public static byte[] QrPng(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    /// <summary>Sends the link. Never throws for a mail problem and never logs the address or the link.</summary>
    public async Task<MailOutcome> SendAsync(IStringLocalizer t, string to, string organizationName, string url, CancellationToken ct)
    {
        if (!mail.IsConfigured) return MailOutcome.NotConfigured;
        try
        {
            var body = t["Invite.Mail.Body", organizationName, url, options.Value.InvitationDays].Value;
            await mail.SendAsync(new MailMessage(to, t["Invite.Mail.Subject"].Value, body), ct);
            return MailOutcome.Sent;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only the kind of failure: a server's message can quote the recipient's address.
            logger.LogWarning("An invitation e-mail could not be sent ({Failure})", ex.GetType().Name);
            return MailOutcome.Failed;
        }
    }
}
