using Amparo.Web.Infrastructure.Mail;

namespace Amparo.Web.Features.Notifications;

/// <summary>What the dispatcher hands a channel: everything needed, already decrypted.</summary>
/// <param name="Secret">For webhooks: the HMAC key the receiver checks.</param>
public sealed record OutgoingMessage(string IdempotencyKey, ChannelKind Channel, string Address, string Subject, string Text, string? Secret = null);

public enum SendStatus { Sent, RetryLater, Permanent }

public sealed record SendResult(SendStatus Status, string? Error = null)
{
    public static readonly SendResult Ok = new(SendStatus.Sent);
    public static SendResult Retry(string error) => new(SendStatus.RetryLater, error);
    public static SendResult Refused(string error) => new(SendStatus.Permanent, error);
}

/// <summary>The I/O edge to one delivery channel (e-mail, an SMS gateway, Signal, a webhook).</summary>
public interface IChannelSender
{
    ChannelKind Channel { get; }
    bool IsConfigured { get; }
    /// <summary>
    /// True for gateways that fetch their messages (SMSSync polls us): the dispatcher leaves such messages pending and
    /// the gateway's poll claims them from the outbox instead.
    /// </summary>
    bool IsPull => false;
    /// <summary>Never throws for delivery problems: answers RetryLater (down, timeout, 5xx) or Permanent (bad address, 4xx).</summary>
    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct);
}

public sealed class EmailChannel(IMailSender mail, ILogger<EmailChannel> logger) : IChannelSender
{
    public ChannelKind Channel => ChannelKind.Email;
    public bool IsConfigured => mail.IsConfigured;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        try
        {
            await mail.SendAsync(new MailMessage(message.Address, message.Subject, message.Text, MessageId(message.IdempotencyKey)), ct);
            return SendResult.Ok;
        }
        catch (MimeKit.ParseException)
        {
            return SendResult.Refused("bad address");
        }
        catch (MailKit.Net.Smtp.SmtpCommandException ex) when ((int)ex.StatusCode >= 500 && ex.ErrorCode == MailKit.Net.Smtp.SmtpErrorCode.RecipientNotAccepted)
        {
            return SendResult.Refused("recipient refused");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Connection refused, timeouts, 4xx: the server may come back. The exception type only — no addresses in logs.
            logger.LogWarning("E-mail delivery failed: {Error}", ex.GetType().Name);
            return SendResult.Retry(ex.GetType().Name);
        }
    }

    private static string MessageId(string idempotencyKey) =>
        Infrastructure.Security.Tokens.Hash(idempotencyKey)[..32] + "@amparo.invalid";
}
