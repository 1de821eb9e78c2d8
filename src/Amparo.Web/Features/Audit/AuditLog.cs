using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Audit;

/// <summary>Event names, kept in one place so the audit page and the tests agree.</summary>
public static class AuditEvents
{
    public const string ChainStarted = "audit.chain-started";
    public const string SignInSucceeded = "signin.succeeded";
    public const string SignInFailed = "signin.failed";
    public const string TwoFactorEnabled = "2fa.enabled";
    public const string TwoFactorDisabled = "2fa.disabled";
    public const string RecoveryCodeUsed = "2fa.recovery-code-used";
    public const string RecoveryCodesRegenerated = "2fa.recovery-codes-regenerated";
    public const string RoleChanged = "org.role-changed";
    public const string MemberRemoved = "org.member-removed";
    public const string MemberJoined = "org.member-joined";
    public const string InvitationCreated = "org.invitation-created";
    public const string InvitationRevoked = "org.invitation-revoked";
    public const string TwoFactorRuleChanged = "org.2fa-rule-changed";
    public const string OrganizationCreated = "org.created";
    public const string OrganizationDeleted = "org.deleted";
    public const string ServerAdminCreated = "admin.created";
    public const string SessionsEnded = "session.ended-all";
    public const string SessionEnded = "session.ended";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string PasswordChanged = "password.changed";
    public const string AccountDeleted = "account.deleted";
    public const string DataExported = "data.exported";
    public const string SharingChanged = "sharing.changed";
    public const string SensitiveRead = "sensitive.read";
    public const string MasterKeyRotated = "keys.master-rotated";
    public const string BackupCreated = "backup.created";
    public const string Restored = "backup.restored";
    public const string NetworkChanged = "network.changed";
    public const string DialogueChanged = "dialogue.changed";
    /// <summary>The server admin resolved a dialogue pseudonym to its account (a recorded command; never in an organization's trail).</summary>
    public const string PseudonymResolved = "dialogue.pseudonym-resolved";
    public const string DirectoryChanged = "directory.changed";
    public const string ReferralChanged = "referral.changed";
    public const string GrantProgramChanged = "grants.program-changed";
    public const string GrantAssignmentChanged = "grants.assignment-changed";
    public const string GrantRequestChanged = "grants.request-changed";
    public const string GrantRequestPurged = "grants.request-purged";
    public const string GrantRestrictedRecordChanged = "grants.restricted-record-changed";
    public const string GrantRestrictedRecordsDeleted = "grants.restricted-records-deleted";
    public const string SecurityAssessed = "grants.security-assessed";
    public const string SecurityProfilePublished = "grants.security-profile-published";
    public const string GrantRequestOpened = "grants.request-opened";
    public const string CheckInPinChanged = "checkin.pin-changed";
    public const string CheckInWrongPin = "checkin.wrong-pin";
    public const string CheckInPinUnlocked = "checkin.pin-unlocked";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertResolved = "alert.resolved";
    /// <summary>Someone told about an alert tried to see or act on it after losing the right to respond (an authorization failure).</summary>
    public const string AlertAccessDenied = "alert.access-denied";
    public const string ContactChanged = "contact.changed";
    public const string TrainingChanged = "training.changed";
    /// <summary>The server admin imported a training pack (its id, the signer's key id, counts of lessons and terms).</summary>
    public const string PackImported = "learning.pack-imported";
}

/// <summary>
/// Append-only, tamper-evident security log. Each process writes its own chain (a writer id, a sequence,
/// and an HMAC over the previous hash and the event), so instances never wait for each other and
/// `audit verify` finds any edited, inserted or removed event inside a chain.
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes, FieldCipher cipher, TimeProvider clock, ILogger<AuditLog> logger) : IDisposable
{
    public const string KeyPurpose = "audit";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Guid _writerId = Guid.NewGuid();
    private long _sequence = -1;
    private string _previousHash = "";

    public async Task WriteAsync(string type, Guid? actorId, Guid? subjectId = null, Guid? organizationId = null, string detail = "", CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
            if (_sequence < 0)
            {
                _sequence = 0;
                await AppendAsync(db, key, AuditEvents.ChainStarted, null, null, null, "", ct);
            }
            await AppendAsync(db, key, type, actorId, subjectId, organizationId, detail, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An audit failure must not break the action for the person, but it must be visible.
            logger.LogError(ex, "Audit event {Type} could not be written", type);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AppendAsync(AmparoDbContext db, byte[] key, string type, Guid? actor, Guid? subject, Guid? org, string detail, CancellationToken ct)
    {
        var e = new AuditEvent
        {
            WriterId = _writerId,
            Sequence = _sequence,
            // Whole microseconds: PostgreSQL keeps no finer time, and the hash must match what is read back.
            At = TruncateToMicroseconds(clock.GetUtcNow().UtcDateTime),
            Type = type,
            ActorId = actor,
            SubjectId = subject,
            OrganizationId = org,
            Detail = detail.Length > 200 ? detail[..200] : detail,
            PreviousHash = _previousHash,
        };
        e.Hash = ComputeHash(key, e);
        db.AuditEvents.Add(e);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        _previousHash = e.Hash;
        _sequence++;
    }

    public void Dispose() => _gate.Dispose();

    private static DateTime TruncateToMicroseconds(DateTime t) => new(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);

    public static string ComputeHash(byte[] key, AuditEvent e)
    {
        var canonical = string.Join('\n',
            e.WriterId.ToString("D"), e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.At.ToString("O", CultureInfo.InvariantCulture), e.Type,
            e.ActorId?.ToString("D") ?? "", e.SubjectId?.ToString("D") ?? "", e.OrganizationId?.ToString("D") ?? "",
            e.Detail, e.PreviousHash);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Checks every chain. Returns a list of problems; empty means intact.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(AmparoDbContext db, FieldCipher cipher, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
        var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.WriterId).ThenBy(e => e.Sequence).ToListAsync(ct);
        foreach (var chain in events.GroupBy(e => e.WriterId))
        {
            var expectedSequence = 0L;
            var previous = "";
            foreach (var e in chain)
            {
                if (e.Sequence != expectedSequence)
                    problems.Add($"chain {chain.Key}: event {expectedSequence} is missing (next is {e.Sequence})");
                if (e.Sequence == 0 && e.Type != AuditEvents.ChainStarted)
                    problems.Add($"chain {chain.Key}: does not start with {AuditEvents.ChainStarted}");
                if (e.PreviousHash != previous && e.Sequence != 0)
                    problems.Add($"chain {chain.Key}: event {e.Sequence} does not follow the one before it");
                if (!Tokens.FixedTimeEquals(ComputeHash(key, e), e.Hash))
                    problems.Add($"chain {chain.Key}: event {e.Sequence} (id {e.Id}) was altered");
                previous = e.Hash;
                expectedSequence = e.Sequence + 1;
            }
            if (chain.First().Sequence != 0)
                problems.Add($"chain {chain.Key}: its first events are missing");
        }
        return problems;
    }
}
