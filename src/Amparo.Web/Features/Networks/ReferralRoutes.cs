namespace Amparo.Web.Features.Networks;

/// <summary>The referrals' page addresses, in one place for pages, messages and tests.</summary>
public static class ReferralRoutes
{
    public const string List = "/referrals";
    public static string Referral(Guid referralId) => $"/referrals/{referralId}";
    public static string New(Guid serviceId) => $"/referrals/new/{serviceId}";
}
