using System.Collections.Concurrent;

namespace Amparo.Web.Features.CheckIns.Delivery;

/// <summary>
/// Wrong alert codes in SMS acknowledgements, per sender. Codes are two digits, and acknowledging stops the automatic
/// escalation: someone who can fake a responder's number must not try them all. After <see cref="Limit"/> wrong codes
/// in <see cref="Window"/>, SMS acknowledgements from that number are refused until the window ends (the link in the
/// message still works). Only numbers Amparo knows are counted (only they can be recipients), so strangers cannot
/// grow the table. Kept in memory: a restart forgets, and each instance counts on its own.
/// </summary>
public sealed class AckGuesses(TimeProvider clock)
{
    public const int Limit = 3;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private readonly ConcurrentDictionary<string, (int Wrong, DateTime Since)> _senders = new(StringComparer.Ordinal);

    public bool Blocked(string senderLookup)
    {
        if (!_senders.TryGetValue(senderLookup, out var entry)) return false;
        if (clock.GetUtcNow().UtcDateTime < entry.Since + Window) return entry.Wrong >= Limit;
        _senders.TryRemove(KeyValuePair.Create(senderLookup, entry)); // the window is over: forget it
        return false;
    }

    public void Wrong(string senderLookup)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        _senders.AddOrUpdate(senderLookup, (1, now), (_, e) => now >= e.Since + Window ? (1, now) : (e.Wrong + 1, e.Since));
    }
}
