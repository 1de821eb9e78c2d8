using Amparo.Web.Features.Trainings;

namespace Amparo.Tests.Trainings;

/// <summary>
/// When follow-ups come (10:00 in the participant's own zone, across daylight-saving changes and hemispheres) and which
/// figures a trainer may see (k ≥ 5 on every figure and on what it leaves out; nothing before it is final).
/// </summary>
public sealed class FollowUpPlanTests
{
    private static DateTime Utc(int y, int m, int d, int h, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    [Fact]
    public void Madrid_KeepsTenInTheMorning_WhenSummerTimeStartsInBetween()
    {
        // Ends on 15 March 2027 (CET, UTC+1); Europe moves to CEST (UTC+2) on 28 March.
        var due = FollowUpPlan.Default.DueTimes(new DateOnly(2027, 3, 15), "Europe/Madrid");
        Assert.Equal([Utc(2027, 3, 29, 8), Utc(2027, 5, 15, 8), Utc(2027, 9, 15, 8)], due);
    }

    [Fact]
    public void Sydney_KeepsTenInTheMorning_WhenSummerTimeEnds()
    {
        // Ends on 20 March 2027 (AEDT, UTC+11); Sydney returns to AEST (UTC+10) on 4 April, and moves forward again in October.
        var due = FollowUpPlan.Default.DueTimes(new DateOnly(2027, 3, 20), "Australia/Sydney");
        Assert.Equal([Utc(2027, 4, 2, 23), Utc(2027, 5, 20, 0), Utc(2027, 9, 20, 0)], due);
        Assert.Equal(Utc(2027, 10, 19, 23), FollowUpPlan.Parse("7m")!.DueTimes(new DateOnly(2027, 3, 20), "Australia/Sydney")[0]);
    }

    [Fact]
    public void ZonesWithoutDaylightSaving_AndHalfHourOffsets()
    {
        Assert.Equal(Utc(2027, 1, 15, 13), FollowUpPlan.Default.DueTimes(new DateOnly(2027, 1, 1), "America/Sao_Paulo")[0]);
        Assert.Equal(Utc(2027, 1, 15, 4, 30), FollowUpPlan.Default.DueTimes(new DateOnly(2027, 1, 1), "Asia/Kolkata")[0]);
        Assert.Equal(Utc(2027, 1, 15, 10), FollowUpPlan.Default.DueTimes(new DateOnly(2027, 1, 1), "Not/AZone")[0]); // unknown: UTC
    }

    [Fact]
    public void Months_FollowTheCalendar_FromAMonthsEnd()
    {
        var plan = FollowUpPlan.Parse("1m,2m")!;
        Assert.Equal([Utc(2027, 2, 28, 10), Utc(2027, 3, 31, 10)], plan.DueTimes(new DateOnly(2027, 1, 31), "UTC"));
    }

    [Theory]
    [InlineData("2w,2m,6m", true)]
    [InlineData("14d,61d,183d", true)]
    [InlineData("3d", true)]
    [InlineData("2m,14d", false)]         // not later than the one before
    [InlineData("2w,14d", false)]         // the same day twice
    [InlineData("0d", false)]
    [InlineData("25m", false)]            // beyond two years
    [InlineData("1d,2d,3d,4d", false)]    // more than three
    [InlineData("2x", false)]
    [InlineData("-2w", false)]
    [InlineData("2147483647d", false)]  // no overflow, just refused
    [InlineData("731d", false)]
    [InlineData("", false)]
    public void Plans_AreOneToThreeRisingOffsetsWithinTwoYears(string text, bool valid)
    {
        Assert.Equal(valid, FollowUpPlan.Parse(text) is not null);
        if (valid) Assert.Equal(text, FollowUpPlan.Parse(text)!.ToString());
    }

    [Theory]
    [InlineData(7, 12, true)]
    [InlineData(5, 10, true)]
    [InlineData(4, 12, false)]   // too few did it
    [InlineData(12, 12, false)]  // everyone: tells each one's answer
    [InlineData(8, 12, false)]   // the four who did not are too few
    [InlineData(5, 9, false)]
    [InlineData(0, 20, false)]
    public void AFigure_IsShownOnlyWithFiveOnEachSide(int count, int of, bool shown)
    {
        var share = TrainingFigures.Of(count, of);
        Assert.Equal(shown, share.Shown);
        Assert.Equal(shown ? count : null, share.Count);
        Assert.Equal(of >= TrainingFigures.K ? of : null, share.Of);
    }

    [Fact]
    public void Figures_WaitForJoiningToClose_AndEachRoundForItsLastWindow()
    {
        var joinCloses = Utc(2027, 1, 8, 0);
        var due = Utc(2027, 1, 15, 10);
        var people = Enumerable.Range(0, 4).Select(i => new CountedParticipant(new HashSet<string> { "a/x" }, false,
            new Dictionary<int, CountedFollowUp> { [0] = new(due.AddHours(i), null) })).ToList();
        Assert.False(TrainingFigures.Compute(["a/x"], ["a"], 1, joinCloses, joinCloses.AddMinutes(-1), people).JoinClosed);

        var afterJoin = TrainingFigures.Compute(["a/x"], ["a"], 1, joinCloses, joinCloses, people);
        Assert.Null(afterJoin.Participants); // four people: not even the headline
        Assert.False(afterJoin.Rounds.Single().Closed);
        // The round closes with the last person's window (their follow-up came three hours later).
        Assert.Equal(due.AddHours(3) + TrainingFigures.AnswerWindow, afterJoin.Rounds.Single().ClosesAt);
        Assert.True(TrainingFigures.Compute(["a/x"], ["a"], 1, joinCloses, due.AddHours(3) + TrainingFigures.AnswerWindow, people).Rounds.Single().Closed);
    }
}
