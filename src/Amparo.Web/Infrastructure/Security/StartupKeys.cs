using System.Security.Cryptography;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>A system key a feature needs (see <see cref="FieldCipher.SystemKeyAsync"/>); declared with AddSystemKey.</summary>
public sealed record SystemKeyPurpose(string Name);

public static class SystemKeyRegistration
{
    /// <summary>Declares a system key: it is created at start, before the app serves, if it does not exist yet.</summary>
    public static IServiceCollection AddSystemKey(this IServiceCollection services, string purpose)
    {
        if (purpose.Length is 0 or > 20) throw new ArgumentException("A key purpose is 1 to 20 characters.", nameof(purpose));
        return services.AddSingleton(new SystemKeyPurpose(purpose));
    }
}

/// <summary>
/// The keys step of start-up, after migrations and before anything is served (the server's StartupTasks and every
/// admin command run it): checks that the master key opens the data keys already here, creates the declared system
/// keys, and gives every organization that has none its data key (an installation upgraded from before organization
/// keys needs no manual step).
/// </summary>
public static class StartupKeys
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var cipher = services.GetRequiredService<FieldCipher>();
        var masterKey = services.GetRequiredService<MasterKey>();
        await RequireMasterKeyOpensAsync(db, masterKey, ct);
        var purposes = services.GetServices<SystemKeyPurpose>().Select(p => p.Name);
        await cipher.CreateSystemKeysAsync(db, purposes, ct);
        await OrganizationKeys.CreateMissingAsync(db, cipher, ct);
    }

    /// <summary>A wrong master key (another installation's, a mistyped AMPARO_MASTER_KEY) must not wrap new keys beside the old ones.</summary>
    private static async Task RequireMasterKeyOpensAsync(AmparoDbContext db, MasterKey masterKey, CancellationToken ct)
    {
        var sample = await db.DataKeys.AsNoTracking().Where(k => k.Wrapped != null).OrderBy(k => k.CreatedAt).FirstOrDefaultAsync(ct);
        if (sample is null) return;
        try
        {
            CryptographicOperations.ZeroMemory(masterKey.Unwrap(sample.Id, sample.Wrapped!));
        }
        catch (CryptographicException)
        {
            throw new MasterKeyException("The master key (keys/master.key or AMPARO_MASTER_KEY) does not open the data keys in this database: it is not the key this database was encrypted with.");
        }
    }
}
