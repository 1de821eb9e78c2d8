using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>The words the self-check pages share: resource keys for scales, bands and answers (enums to words at the edge).</summary>
public static class SelfCheckPages
{
    public static string ScaleKey(WellbeingScale s) => s switch
    {
        WellbeingScale.Satisfaction => "Wellbeing.Scale.Satisfaction",
        WellbeingScale.Burnout => "Wellbeing.Scale.Burnout",
        WellbeingScale.SecondaryStress => "Wellbeing.Scale.SecondaryStress",
    };

    public static string ScaleHintKey(WellbeingScale s) => ScaleKey(s) + ".Hint";

    public static string BandKey(WellbeingBand b) => b switch
    {
        WellbeingBand.Low => "Wellbeing.Band.Low",
        WellbeingBand.Moderate => "Wellbeing.Band.Moderate",
        WellbeingBand.High => "Wellbeing.Band.High",
    };

    /// <summary>What this band of this scale tends to mean, in plain words.</summary>
    public static string MeaningKey(WellbeingScale s, WellbeingBand b) => $"Wellbeing.Meaning.{s}.{b}";

    /// <summary>What tends to help, per scale.</summary>
    public static string HelpsKey(WellbeingScale s) => $"Wellbeing.Helps.{s}";

    public static string SectionKey(SelfCheckSection s) => s switch
    {
        SelfCheckSection.Helping => "Wellbeing.Section.Helping",
        SelfCheckSection.Load => "Wellbeing.Section.Load",
        SelfCheckSection.Echo => "Wellbeing.Section.Echo",
        SelfCheckSection.Beside => "Wellbeing.Section.Beside",
    };

    public static string AnswerKey(Frequency f) => f switch
    {
        Frequency.Never => "Wellbeing.Answer.Never",
        Frequency.Rarely => "Wellbeing.Answer.Rarely",
        Frequency.Sometimes => "Wellbeing.Answer.Sometimes",
        Frequency.Often => "Wellbeing.Answer.Often",
        Frequency.VeryOften => "Wellbeing.Answer.VeryOften",
    };

    public static string RhythmKey(ReminderRhythm r) => r switch
    {
        ReminderRhythm.Off => "Wellbeing.Rhythm.Off",
        ReminderRhythm.TwoWeeks => "Wellbeing.Rhythm.TwoWeeks",
        ReminderRhythm.Monthly => "Wellbeing.Rhythm.Monthly",
        ReminderRhythm.Quarterly => "Wellbeing.Rhythm.Quarterly",
    };

    public static string MarkKey(WellbeingMarkKind k) => k switch
    {
        WellbeingMarkKind.HardWeek => "Wellbeing.Trend.Mark.HardWeek",
        WellbeingMarkKind.Incident => "Wellbeing.Trend.Mark.Incident",
        WellbeingMarkKind.Alert => "Wellbeing.Trend.Mark.Alert",
        WellbeingMarkKind.HeavyWork => "Wellbeing.Trend.Mark.HeavyWork",
        WellbeingMarkKind.Other => "Wellbeing.Trend.Mark.Other",
    };

    /// <summary>A CSS class per band (a border width and pattern as well as a colour: never colour alone).</summary>
    public static string BandClass(WellbeingBand b) => "wb-band wb-band-" + SelfCheckInstrument.BandName(b);

    /// <summary>The item's position on the page (1 … 27), as the person reads it.</summary>
    public static int Number(SelfCheckItem item) => SelfCheckInstrument.Items.ToList().IndexOf(item) + 1;

    /// <summary>The day of a check in the viewer's zone and language.</summary>
    public static string Day(DateTime utc, string zone) => LocalTimes.ToLocal(utc, zone).ToString("d", CultureInfo.CurrentCulture);
}

/// <summary>A self-check's scale in a result: its score, band and whether to look at it first.</summary>
public sealed record ScaleResult(WellbeingScale Scale, int Score, WellbeingBand Band, bool Warning)
{
    public static IReadOnlyList<ScaleResult> Of(SelfCheckScore score) =>
        [.. SelfCheckInstrument.Scales.Select(s => new ScaleResult(s, score.Scores[s], score.Bands[s], SelfCheckScoring.IsWarning(s, score.Bands[s])))];
}

/// <summary>The home page's line when a self-check is due at the person's rhythm (the "inside Amparo" reminder).</summary>
public sealed class SelfCheckDueViewComponent(AmparoDbContext db, TimeProvider clock) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var due = await SelfCheckReminders.DueAsync(db, UserClaimsPrincipal.UserId(), clock.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
        return View("/Pages/Wellbeing/_SelfCheckDue.cshtml", due);
    }
}
