using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

/// <summary>
/// The referrals made for the person, with the details they shared and any override's reason, decrypted. They go with
/// the account row (and their details were encrypted with the person's key, which goes too).
/// </summary>
public sealed class ReferralsPersonalData(AmparoDbContext db, FieldCipher cipher) : IPersonalData
{
    public sealed record ReferralData(Guid Id, ServiceKind Kind, string? Provider, ReferralState State, ConsentWay? Consent, DateTime CreatedAt,
        ReferralDetails? Details, string? OverrideReason, bool? Helped);

    public string Section => "referrals";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rows = await (from r in db.Referrals.AsNoTracking()
                          where r.DefenderId == person.Id
                          orderby r.CreatedAt
                          select new { r, Provider = db.Organizations.Where(o => o.Id == r.ProviderOrganizationId).Select(o => o.Name).FirstOrDefault() }).ToListAsync(ct);
        var referrals = new List<ReferralData>();
        foreach (var x in rows)
        {
            var (details, reason) = await Referrals.OpenAsync(db, cipher, person.DataKeyId, x.r, details: true, reason: true, ct);
            referrals.Add(new ReferralData(x.r.Id, x.r.Kind, x.Provider, x.r.State, x.r.Consent, x.r.CreatedAt, details, reason, x.r.Helped));
        }
        return referrals;
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
