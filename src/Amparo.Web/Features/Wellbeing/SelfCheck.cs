namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// One self-check a person took: theirs alone. The answers and the bands are encrypted with the person's data key,
/// each bound to this table, its column and the row's id (<see cref="Infrastructure.Security.FieldCipher"/>). The bands
/// are kept apart from the answers so that the team view's month-close worker reads three small values, not the
/// questionnaire; nobody but the person ever sees either.
/// </summary>
public sealed class SelfCheck
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>UTC. The team view counts a person's latest self-check of a calendar month (UTC) once.</summary>
    public DateTime TakenAt { get; set; }
    /// <summary>The answers, one per item (see <see cref="SelfCheckBands"/> for the encoding of bands).</summary>
    public byte[]? AnswersCipher { get; set; }
    /// <summary>The band of each scale: <see cref="SelfCheckBands.Encode"/> as text, encrypted.</summary>
    public byte[]? BandsCipher { get; set; }

    public const string Table = "WellbeingSelfChecks";
}

/// <summary>The bands of a self-check as a short text ("S0B1T2"), the plaintext of <see cref="SelfCheck.BandsCipher"/>.</summary>
public static class SelfCheckBands
{
    private static readonly (WellbeingScale Scale, char Letter)[] Letters =
        [(WellbeingScale.Satisfaction, 'S'), (WellbeingScale.Burnout, 'B'), (WellbeingScale.SecondaryStress, 'T')];

    public static string Encode(IReadOnlyDictionary<WellbeingScale, WellbeingBand> bands) =>
        string.Concat(Letters.Select(l => $"{l.Letter}{(int)bands[l.Scale]}"));

    /// <summary>The bands, or null when the text is not a whole, valid encoding.</summary>
    public static IReadOnlyDictionary<WellbeingScale, WellbeingBand>? Decode(string? text)
    {
        if (text is null || text.Length != Letters.Length * 2) return null;
        var bands = new Dictionary<WellbeingScale, WellbeingBand>();
        for (var i = 0; i < Letters.Length; i++)
        {
            if (text[i * 2] != Letters[i].Letter) return null;
            var value = text[(i * 2) + 1] - '0';
            if (!Enum.IsDefined((WellbeingBand)value)) return null;
            bands[Letters[i].Scale] = (WellbeingBand)value;
        }
        return bands;
    }
}

/// <summary>What a person may mark on their own time line: shown on their trend chart; a hard one offers a debrief.</summary>
public enum WellbeingMarkKind
{
    HardWeek = 0,
    Incident = 1,
    Alert = 2,
    HeavyWork = 3,
    Other = 4,
}

/// <summary>
/// A date the person marked on their own well-being time line (a hard week, an incident, an alert, a heavy work
/// period). Theirs alone; the optional words are encrypted with their data key. An alert mark may come from the
/// check-in module through the events seam (then <see cref="AlertId"/> is set and no words are copied).
/// </summary>
public sealed class WellbeingMark
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public WellbeingMarkKind Kind { get; set; }
    /// <summary>The day it started (the person's own calendar day).</summary>
    public DateOnly On { get; set; }
    /// <summary>The last day of a period (a heavy work period, a hard week); null for a single day.</summary>
    public DateOnly? Until { get; set; }
    public byte[]? NoteCipher { get; set; }
    public Guid? AlertId { get; set; }
    /// <summary>The incident the person reported about themself, when the mark came from it (no words are copied).</summary>
    public Guid? IncidentId { get; set; }
    public DateTime CreatedAt { get; set; }

    public const string Table = "WellbeingMarks";
}
