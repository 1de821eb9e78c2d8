using System.ComponentModel.DataAnnotations;

namespace Amparo.Web.Features.CheckIns;

/// <summary>Section "CheckIns": how the alert engine behaves on this server.</summary>
public sealed class CheckInOptions
{
    public const string Section = "CheckIns";

    /// <summary>Precise locations are deleted this many days after their visit and alert close.</summary>
    [Range(0, 365)]
    public int LocationRetentionDays { get; set; } = 7;

    /// <summary>Extensions without the PIN may move the deadline at most this far past the original one.</summary>
    [Range(0, 24 * 60)]
    public int MaxExtensionWithoutPinMinutes { get; set; } = 60;

    /// <summary>After the last level, its recipients are reminded this often until someone acknowledges.</summary>
    [Range(1, 120)]
    public int RepeatEveryMinutes { get; set; } = 15;

    /// <summary>A channel still not delivered after this wait: the recipient's next channel is tried as well.</summary>
    [Range(0, 60 * 60)]
    public int FallbackAfterSeconds { get; set; } = 120;

    /// <summary>A session signed in this recently may check in on the page without the PIN.</summary>
    [Range(0, 120)]
    public int FreshSessionMinutes { get; set; } = 10;

    /// <summary>Check-ins arriving together are committed in one transaction (each is acknowledged only after it). Off: one commit each.</summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>Run the alert engine and the dispatcher in this process (tests drive them by hand).</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>Longest sleep of a worker with nothing due: a safety net, not what bounds latency.</summary>
    [Range(1, 600)]
    public int MaxSleepSeconds { get; set; } = 30;

    /// <summary>Check-in, panic and alert calls per minute per token: their own budget, apart from the general API limit.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPerMinute { get; set; } = 120;

    /// <summary>Drills end this many minutes after they start unless checked in.</summary>
    [Range(1, 60)]
    public int DrillMinutes { get; set; } = 5;

    /// <summary>A last-resort contact reminded with the last level (for example a network's 24/7 line).</summary>
    public DutyContactOptions DutyContact { get; set; } = new();
}

public sealed class DutyContactOptions
{
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Sms { get; set; }
    public string Language { get; set; } = "en";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email) || !string.IsNullOrWhiteSpace(Sms);
}
