using System.Globalization;
using Amparo.Web.Features.Wellbeing;

namespace Amparo.Web.Pages.Wellbeing.Team;

/// <summary>Words the team pages share: a month's name, a band group, a scale.</summary>
public static class TeamPages
{
    public static string MonthName(DateOnly month) => month.ToString("MMMM yyyy", CultureInfo.CurrentCulture);

    public static string ScaleKey(WellbeingScale scale) => scale switch
    {
        WellbeingScale.Satisfaction => "WbTeam.Scale.Satisfaction",
        WellbeingScale.Burnout => "WbTeam.Scale.Burnout",
        WellbeingScale.SecondaryStress => "WbTeam.Scale.SecondaryStress",
    };

    public static string BandKey(WellbeingBand band) => band switch
    {
        WellbeingBand.Low => "WbTeam.Band.Low",
        WellbeingBand.Moderate => "WbTeam.Band.Moderate",
        WellbeingBand.High => "WbTeam.Band.High",
    };
}
