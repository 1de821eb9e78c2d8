using Amparo.Web.Features.Plans;

namespace Amparo.Web.Pages.Plans;

/// <summary>The words for why a plan's review is due, one sentence per reason (shown on the plan page while it is due).</summary>
public static class ReviewWords
{
    public static string WhyKey(ReviewReason reason) => reason switch
    {
        ReviewReason.Scheduled => "Plans.Page.ReviewWhy.Scheduled",
        ReviewReason.ContextChanged => "Plans.Page.ReviewWhy.ContextChanged",
        ReviewReason.AfterAlert => "Plans.Page.ReviewWhy.AfterAlert",
        ReviewReason.AfterIncident => "Plans.Page.ReviewWhy.AfterIncident",
    };
}
