using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Setup;

/// <summary>
/// The one-time code that guards the setup page of an empty installation. It lives only in this
/// process's memory and is printed to the console at start, so only whoever sees the console can
/// create the first server admin.
/// </summary>
public sealed class SetupCode
{
    private string? _code;
    private readonly Lock _lock = new();

    public string? Current { get { lock (_lock) return _code; } }

    public string Issue()
    {
        lock (_lock) return _code ??= Tokens.NewDigits(12);
    }

    public bool Matches(string? candidate)
    {
        lock (_lock)
        {
            if (_code is null || candidate is null) return false;
            return Tokens.FixedTimeEquals(_code, candidate.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim());
        }
    }

    public void Spend()
    {
        lock (_lock) _code = null;
    }

    public static Task<bool> AdminExistsAsync(AmparoDbContext db, CancellationToken ct = default) =>
        db.Users.AnyAsync(u => u.IsServerAdmin, ct);

    public static string Format(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));
}
