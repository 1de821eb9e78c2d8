using System.ComponentModel.DataAnnotations;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Amparo.Web.Infrastructure.Mail;

public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    /// <summary>Empty: mail is not configured; messages that must be sent by e-mail are refused with a clear message.</summary>
    public string? Host { get; set; }
    [Range(1, 65535)]
    public int Port { get; set; } = 25;
    /// <summary>none | starttls | tls</summary>
    public string Security { get; set; } = "starttls";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "amparo@localhost";
}

public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (options.Security is not ("none" or "starttls" or "tls"))
            return ValidateOptionsResult.Fail("Smtp:Security must be one of: none, starttls, tls.");
        if (!MailboxAddress.TryParse(options.From, out _) || !options.From.Contains('@', StringComparison.Ordinal))
            return ValidateOptionsResult.Fail("Smtp:From must be an e-mail address.");
        return ValidateOptionsResult.Success;
    }
}

/// <param name="MessageId">Stable per notification, so a message sent twice after a crash can be recognised as one.</param>
public sealed record MailMessage(string To, string Subject, string Body, string? MessageId = null);

/// <summary>The I/O edge for e-mail (an interface so a later outbox can wrap it).</summary>
public interface IMailSender
{
    bool IsConfigured { get; }
    Task SendAsync(MailMessage message, CancellationToken ct = default);
}

public sealed class SmtpMailSender(IOptions<SmtpOptions> options) : IMailSender
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public async Task SendAsync(MailMessage message, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!IsConfigured) throw new InvalidOperationException("SMTP is not configured (Smtp:Host).");
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(o.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        if (message.MessageId is not null) mime.MessageId = message.MessageId;
        mime.Body = new TextPart("plain") { Text = message.Body };
        // 15 s per operation instead of MailKit's 2 minutes: a hanging server must not hold an alert back for long.
        var client = new SmtpClient { Timeout = 15_000 };
        var security = o.Security switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(o.Host!, o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.UserName)) await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
            await client.SendAsync(mime, ct);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        // The server has the message once it answered the DATA. The caller records that at once; the polite QUIT
        // goes on without it, since a crash before the record would send the message a second time.
        _ = QuitAsync(client);
    }

    private static async Task QuitAsync(SmtpClient client)
    {
        using (client)
        {
            try { await client.DisconnectAsync(true, CancellationToken.None); }
            catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or MailKit.CommandException or OperationCanceledException or TimeoutException)
            {
                // The message was accepted; a server that hangs up first changes nothing.
            }
        }
    }
}
