using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// The SMS gateway (section "Sms"). Not configured (no <see cref="Adapter"/>) means no SMS: the dispatcher falls back
/// to the recipient's next channel. Which other settings matter depends on the adapter (docs/check-ins-sms.md).
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string Android = "android", Courier = "courier", SmsSync = "smssync";
    public static readonly string[] Adapters = [Android, Courier, SmsSync];

    /// <summary>android | courier | smssync; empty = SMS off.</summary>
    public string? Adapter { get; set; }
    /// <summary>The secret path segment of the inbound URL /hooks/sms/{adapter}/{ChannelKey}.</summary>
    public string? ChannelKey { get; set; }

    // android: SMS Gateway for Android (local server http://phone:8080, or cloud https://api.sms-gate.app/3rdparty/v1)
    public string? BaseUrl { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>android: the webhook signing key shown in the app (Settings → Webhooks → Signing Key).</summary>
    public string? SigningKey { get; set; }
    /// <summary>android: how far the X-Timestamp of a webhook may be from our clock.</summary>
    public int MaxClockSkewSeconds { get; set; } = 300;

    // courier: a RapidPro/Courier "external" channel
    public string? SendUrl { get; set; }
    /// <summary>courier: POST (default) or GET; with GET the variables go in SendUrl ({{to}}, {{text}}, …).</summary>
    public string SendMethod { get; set; } = "POST";
    /// <summary>courier: urlencoded (default, as Courier) or json.</summary>
    public string ContentType { get; set; } = "urlencoded";
    /// <summary>courier: the gateway's own number, sent as "from".</summary>
    public string? From { get; set; }
    /// <summary>courier: an Authorization header value for the send URL, if the gateway wants one.</summary>
    public string? Authorization { get; set; }

    /// <summary>smssync: the secret configured in the SMSSync app.</summary>
    public string? Secret { get; set; }
    /// <summary>
    /// smssync: also hand pending messages over in the answer to an incoming message. Only with "Get reply from
    /// server" checked in the app — otherwise the app ignores them and they would be lost.
    /// </summary>
    public bool SmsSyncRepliesInResponse { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Adapter);
}

public sealed class SmsOptionsValidator : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions o)
    {
        if (!o.IsConfigured) return ValidateOptionsResult.Success;
        var errors = new List<string>();
        if (!SmsOptions.Adapters.Contains(o.Adapter)) errors.Add($"Sms:Adapter must be one of {string.Join(", ", SmsOptions.Adapters)}.");
        if (string.IsNullOrEmpty(o.ChannelKey) || o.ChannelKey.Length < 16 || !o.ChannelKey.All(char.IsAsciiLetterOrDigit))
            errors.Add("Sms:ChannelKey must be at least 16 letters or digits (it is the secret part of the inbound URL).");
        switch (o.Adapter)
        {
            case SmsOptions.Android:
                if (!IsHttpUrl(o.BaseUrl)) errors.Add("Sms:BaseUrl must be the gateway's http(s) address.");
                if (string.IsNullOrEmpty(o.Username) || string.IsNullOrEmpty(o.Password)) errors.Add("Sms:Username and Sms:Password are required.");
                if (string.IsNullOrEmpty(o.SigningKey)) errors.Add("Sms:SigningKey (the app's webhook signing key) is required.");
                break;
            case SmsOptions.Courier:
                if (!IsHttpUrl(o.SendUrl)) errors.Add("Sms:SendUrl must be an http(s) address.");
                if (o.SendMethod is not ("POST" or "GET")) errors.Add("Sms:SendMethod must be POST or GET.");
                if (o.ContentType is not ("urlencoded" or "json")) errors.Add("Sms:ContentType must be urlencoded or json.");
                break;
            case SmsOptions.SmsSync:
                if (string.IsNullOrEmpty(o.Secret)) errors.Add("Sms:Secret (the secret set in SMSSync) is required.");
                break;
        }
        if (o.MaxClockSkewSeconds is < 10 or > 3600) errors.Add("Sms:MaxClockSkewSeconds must be between 10 and 3600.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

/// <summary>signal-cli-rest-api (section "Signal"): its address and the registered number messages come from.</summary>
public sealed class SignalOptions
{
    public const string Section = "Signal";
    public string? BaseUrl { get; set; }
    public string? Number { get; set; }
    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(Number);
}

public sealed class SignalOptionsValidator : IValidateOptions<SignalOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.BaseUrl) && string.IsNullOrWhiteSpace(o.Number)) return ValidateOptionsResult.Success;
        var errors = new List<string>();
        if (!SmsOptionsValidator.IsHttpUrl(o.BaseUrl)) errors.Add("Signal:BaseUrl must be the http(s) address of signal-cli-rest-api.");
        if (string.IsNullOrWhiteSpace(o.Number) || !o.Number.StartsWith('+')) errors.Add("Signal:Number must be the registered number, with +country code.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Outgoing webhooks (section "Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";
    /// <summary>
    /// Off by default: a contact's webhook URL must not reach the server's own network (SSRF). Turn on only for
    /// a receiver inside a trusted network (and in tests).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}
