using System.Globalization;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Trainings;

namespace Amparo.Web.Pages.Trainings;

/// <summary>What the trainings' pages share: names of enum values in the resources, dates in the page's culture.</summary>
public static class TrainingPages
{
    public static string Date(DateOnly date) => date.ToString("D", CultureInfo.CurrentCulture);

    public static string UnitKey(FollowUpUnit unit) => "Training.Unit." + FollowUpOffset.UnitName(unit);
    public static string ObstacleKey(Obstacle o) => "Training.Obstacle." + TrainingService.ObstacleName(o);
    public static string HappeningKey(Happening h) => "Training.Happening." + TrainingService.HappeningName(h);
    public static string AnswerKey(ProgressState s) => "Training.Answer." + LearningApi.StateWord(s);
    public static string RoundKey(int round) => "Training.Round." + round.ToString(CultureInfo.InvariantCulture);

    /// <summary>"2 weeks", "6 months": one offset in the page's words.</summary>
    public static string Offset(Func<string, object[], string> t, FollowUpOffset o) => t(UnitKey(o.Unit), [o.Count]);
}
