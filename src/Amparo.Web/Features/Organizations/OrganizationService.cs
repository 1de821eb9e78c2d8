using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Organizations;

/// <summary>Organizations, their members and invitations. Every method that takes an actor checks the actor's right itself.</summary>
public sealed class OrganizationService(
    AmparoDbContext db, AccountService accounts, AccountDeletion deletion, UserManager<User> users, FieldCipher cipher, AuditLog audit, TimeProvider clock, IOptions<AmparoOptions> options)
{
    public async Task<Organization?> CreateAsync(string name, OrganizationKind kind, Guid? actorId, CancellationToken ct = default)
    {
        name = name.Trim();
        // Control characters (NUL among them, which PostgreSQL refuses in text) are no part of a name.
        if (name.Length is 0 or > 200 || name.Any(char.IsControl) || !Enum.IsDefined(kind)) return null;
        // Its own data key, written with it in one SaveChanges (one transaction).
        var key = cipher.NewDataKey(OrganizationKeys.Purpose);
        var org = new Organization { Id = Guid.NewGuid(), Name = name, Kind = kind, CreatedAt = clock.GetUtcNow().UtcDateTime, DataKeyId = key.Id };
        db.DataKeys.Add(key);
        db.Organizations.Add(org);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            cipher.Forget(key.Id);
            throw;
        }
        await audit.WriteAsync(AuditEvents.OrganizationCreated, actorId, organizationId: org.Id, detail: kind.ToString(), ct: ct);
        return org;
    }

    /// <summary>
    /// Deletes the organization (a server admin's command): its data key is destroyed first and recorded in the
    /// destroyed-key ledger (so what was encrypted with it is unreadable, in backups too, and a restore deletes the
    /// organization again), then the organization with its memberships, invitations and network links, and any
    /// coordinator seat that existed only through it. The audit trail keeps the organization's id.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid orgId, Guid? actorId, CancellationToken ct = default)
    {
        var keyId = await db.Organizations.Where(o => o.Id == orgId).Select(o => (Guid?)o.DataKeyId).SingleOrDefaultAsync(ct);
        if (keyId is null) return false;
        var memberIds = await db.Memberships.Where(m => m.OrganizationId == orgId).Select(m => m.UserId).ToListAsync(ct);
        var networkIds = await db.NetworkOrganizations.Where(n => n.OrganizationId == orgId).Select(n => n.NetworkId).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // As for a person: the key goes into the ledger before the commit, so a failure errs toward deletion.
        if (keyId != Guid.Empty) await cipher.DestroyAsync(db, keyId.Value, ct);
        await db.SaveChangesAsync(ct);
        // A coordinator seat exists only through an organization of the network (as when a member leaves).
        foreach (var seat in await db.NetworkCoordinators.Where(c => networkIds.Contains(c.NetworkId) && memberIds.Contains(c.UserId)).ToListAsync(ct))
        {
            var viaOther = await db.Memberships.AnyAsync(m => m.UserId == seat.UserId && m.OrganizationId != orgId &&
                db.NetworkOrganizations.Any(n => n.NetworkId == seat.NetworkId && n.OrganizationId == m.OrganizationId), ct);
            if (!viaOther) db.NetworkCoordinators.Remove(seat);
        }
        await db.SaveChangesAsync(ct);
        // Grants of its data, given by it, or to its members or staff: no foreign key reaches them (their owner may be an item).
        await db.AccessGrants.Where(g => g.OwnerId == orgId || g.GrantedById == orgId || (g.GranteeKind != Sharing.GranteeKind.Person && g.GranteeId == orgId))
            .ExecuteDeleteAsync(ct);
        // Memberships, invitations and network links go with it (ON DELETE CASCADE).
        await db.Organizations.Where(o => o.Id == orgId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        await audit.WriteAsync(AuditEvents.OrganizationDeleted, actorId, organizationId: orgId, ct: ct);
        return true;
    }

    public Task<OrgRole?> RoleOfAsync(Guid userId, Guid orgId, CancellationToken ct = default) =>
        db.Memberships.Where(m => m.UserId == userId && m.OrganizationId == orgId).Select(m => (OrgRole?)m.Role).SingleOrDefaultAsync(ct);

    /// <summary>
    /// True when the person may act as an admin of the organization: the role, and two-factor on when the
    /// organization requires it for its staff (an admin without it keeps the role but cannot use it).
    /// </summary>
    public async Task<bool> IsAdminAsync(Guid userId, Guid orgId, CancellationToken ct = default) =>
        await RoleOfAsync(userId, orgId, ct) == OrgRole.OrgAdmin && await MeetsTwoFactorRuleAsync(userId, orgId, ct);

    /// <summary>False only when the organization requires two-factor for its staff and this person has it off.</summary>
    public async Task<bool> MeetsTwoFactorRuleAsync(Guid userId, Guid orgId, CancellationToken ct = default)
    {
        var required = await db.Organizations.Where(o => o.Id == orgId).Select(o => o.RequireTwoFactorForStaff).SingleOrDefaultAsync(ct);
        return !required || await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, ct);
    }

    public enum TwoFactorRuleResult { Done, NotAllowed, TurnOnYourOwnFirst }

    /// <summary>Turns the organization's two-factor requirement for focal points and admins on or off.</summary>
    public async Task<TwoFactorRuleResult> SetTwoFactorRuleAsync(Guid orgId, Guid actorId, bool required, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(actorId, orgId, ct)) return TwoFactorRuleResult.NotAllowed;
        // An admin without two-factor would otherwise lock themself out of the admin role at once.
        if (required && !await db.Users.AnyAsync(u => u.Id == actorId && u.TwoFactorEnabled, ct)) return TwoFactorRuleResult.TurnOnYourOwnFirst;
        var org = await db.Organizations.SingleAsync(o => o.Id == orgId, ct);
        if (org.RequireTwoFactorForStaff == required) return TwoFactorRuleResult.Done;
        org.RequireTwoFactorForStaff = required;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.TwoFactorRuleChanged, actorId, organizationId: orgId, detail: required ? "required" : "optional", ct: ct);
        return TwoFactorRuleResult.Done;
    }

    /// <summary>Adds an existing person directly (CLI, demo, accepted invitation).</summary>
    public async Task AddMemberAsync(Guid orgId, Guid userId, OrgRole role, Guid? actorId, CancellationToken ct = default)
    {
        var existing = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == userId, ct);
        if (existing is null)
            db.Memberships.Add(new Membership { OrganizationId = orgId, UserId = userId, Role = role, JoinedAt = clock.GetUtcNow().UtcDateTime });
        else existing.Role = role;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.MemberJoined, actorId, userId, orgId, role.ToString(), ct);
    }

    public sealed record InvitationLink(Invitation Invitation, string Token);

    /// <summary>An org admin invites by e-mail; the token is shown once (for the link or QR code) and stored hashed.</summary>
    public async Task<InvitationLink?> InviteAsync(Guid orgId, Guid actorId, string email, OrgRole role, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(actorId, orgId, ct)) return null;
        email = email.Trim();
        if (!Validation.IsEmail(email) || !Enum.IsDefined(role)) return null;
        var token = Tokens.NewUrlSafe();
        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            OrganizationId = orgId,
            Email = email,
            Role = role,
            TokenHash = Tokens.Hash(token),
            InvitedBy = actorId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.InvitationDays),
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.InvitationCreated, actorId, invitation.Id, orgId, role.ToString(), ct);
        return new InvitationLink(invitation, token);
    }

    /// <summary>The invitation a link names, if it is still open.</summary>
    public async Task<Invitation?> OpenInvitationAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Tokens.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invitations.SingleOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
    }

    public sealed record Accepted(User? User, IReadOnlyList<string> Errors);

    /// <summary>
    /// Accepts an invitation with a new account (display name and passphrase). The invitation is claimed
    /// with a conditional update first, so a link works exactly once even when two people race.
    /// </summary>
    public async Task<Accepted> AcceptAsync(string token, string displayName, string password, string language, CancellationToken ct = default)
    {
        var invitation = await OpenInvitationAsync(token, ct);
        if (invitation is null) return new Accepted(null, ["Invitation.Invalid"]);
        var created = await accounts.CreateAsync(invitation.Email, displayName, password, language: language, ct: ct);
        if (created.User is null) return new Accepted(null, created.Errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.Invitations.Where(i => i.Id == invitation.Id && i.AcceptedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now), ct);
        if (claimed != 1)
        {
            await deletion.DeleteAsync(created.User, ct);
            return new Accepted(null, ["Invitation.Invalid"]);
        }
        await AddMemberAsync(invitation.OrganizationId, created.User.Id, invitation.Role, created.User.Id, ct);
        return new Accepted(created.User, []);
    }

    /// <summary>A person who already has an account joins with the link while signed in.</summary>
    public async Task<bool> AcceptAsExistingAsync(string token, Guid userId, CancellationToken ct = default)
    {
        var invitation = await OpenInvitationAsync(token, ct);
        if (invitation is null) return false;
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || !string.Equals(user.NormalizedEmail, users.NormalizeEmail(invitation.Email), StringComparison.Ordinal)) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.Invitations.Where(i => i.Id == invitation.Id && i.AcceptedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now), ct);
        if (claimed != 1) return false;
        await AddMemberAsync(invitation.OrganizationId, userId, invitation.Role, userId, ct);
        return true;
    }

    /// <summary>An org admin withdraws an open invitation; its link stops working at once.</summary>
    public async Task<bool> RevokeInvitationAsync(Guid orgId, Guid actorId, Guid invitationId, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(actorId, orgId, ct)) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var revoked = await db.Invitations
            .Where(i => i.Id == invitationId && i.OrganizationId == orgId && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), ct);
        if (revoked == 1) await audit.WriteAsync(AuditEvents.InvitationRevoked, actorId, invitationId, orgId, ct: ct);
        return revoked == 1;
    }

    /// <summary>Invitations of the organization that can still be accepted.</summary>
    public IQueryable<Invitation> PendingInvitations(Guid orgId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Invitations.Where(i => i.OrganizationId == orgId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);
    }

    public enum ChangeResult { Done, NotAllowed, LastAdmin, NotFound }

    public async Task<ChangeResult> ChangeRoleAsync(Guid orgId, Guid actorId, Guid memberId, OrgRole role, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(role)) return ChangeResult.NotFound;
        if (!await IsAdminAsync(actorId, orgId, ct)) return ChangeResult.NotAllowed;
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == memberId, ct);
        if (membership is null) return ChangeResult.NotFound;
        if (membership.Role == OrgRole.OrgAdmin && role != OrgRole.OrgAdmin && await AdminCountAsync(orgId, ct) == 1) return ChangeResult.LastAdmin;
        var before = membership.Role;
        membership.Role = role;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.RoleChanged, actorId, memberId, orgId, $"{before}->{role}", ct);
        return ChangeResult.Done;
    }

    /// <summary>Removes a member (an admin removing someone, or a person leaving). The last admin cannot go.</summary>
    public async Task<ChangeResult> RemoveAsync(Guid orgId, Guid actorId, Guid memberId, CancellationToken ct = default)
    {
        if (actorId != memberId && !await IsAdminAsync(actorId, orgId, ct)) return ChangeResult.NotAllowed;
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == memberId, ct);
        if (membership is null) return ChangeResult.NotFound;
        if (membership.Role == OrgRole.OrgAdmin && await AdminCountAsync(orgId, ct) == 1) return ChangeResult.LastAdmin;
        db.Memberships.Remove(membership);
        // A coordinator seat exists only through an organization of the network.
        var stillIn = await db.Memberships.Where(m => m.UserId == memberId && m.OrganizationId != orgId).Select(m => m.OrganizationId).ToListAsync(ct);
        var seats = await db.NetworkCoordinators.Where(c => c.UserId == memberId).ToListAsync(ct);
        foreach (var seat in seats)
        {
            var viaOther = await db.NetworkOrganizations.AnyAsync(n => n.NetworkId == seat.NetworkId && stillIn.Contains(n.OrganizationId), ct);
            if (!viaOther) db.NetworkCoordinators.Remove(seat);
        }
        // Roles on a grantmaker's programs exist only through membership: leaving ends them (rejoining does not bring them back).
        db.ProgramAssignments.RemoveRange(await db.ProgramAssignments
            .Where(a => a.UserId == memberId && db.GrantPrograms.Any(p => p.Id == a.ProgramId && p.OrganizationId == orgId)).ToListAsync(ct));
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.MemberRemoved, actorId, memberId, orgId, ct: ct);
        return ChangeResult.Done;
    }

    private Task<int> AdminCountAsync(Guid orgId, CancellationToken ct) =>
        db.Memberships.CountAsync(m => m.OrganizationId == orgId && m.Role == OrgRole.OrgAdmin, ct);
}
