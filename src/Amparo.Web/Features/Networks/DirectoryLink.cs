using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Networks;

/// <summary>
/// A link a network recommends beside its directory's services (issue 17: "a resource can be added to the directory"):
/// a guide, a helpline's page, a tool that came up in one of its dialogues. Its coordinators add it from a dialogue's
/// curated resources and remove it; the network's members read it on the directory page and the network's page.
/// </summary>
public sealed class DirectoryLink
{
    public Guid Id { get; set; }
    public Guid NetworkId { get; set; }
    public string Title { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>The dialogue it came from (kept as a plain id: the link stays when the dialogue goes).</summary>
    public Guid? DialogueId { get; set; }
    public DateTime AddedAt { get; set; }
}

public sealed class DirectoryLinkConfiguration : IEntityTypeConfiguration<DirectoryLink>
{
    public void Configure(EntityTypeBuilder<DirectoryLink> builder)
    {
        builder.ToTable("DirectoryLinks");
        builder.Property(l => l.Title).HasMaxLength(200);
        builder.Property(l => l.Url).HasMaxLength(1000);
        builder.HasIndex(l => new { l.NetworkId, l.Url }).IsUnique();
        builder.HasOne<Network>().WithMany().HasForeignKey(l => l.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A network's recommended links: read by whoever has a link to the network; added and removed by its coordinators.</summary>
public sealed class DirectoryLinks(AmparoDbContext db, NetworkService networks, AuditLog audit, TimeProvider clock)
{
    public sealed record Line(Guid Id, Guid NetworkId, string Network, string Title, string Url);

    /// <summary>The links of the networks the person has a link to (none for someone signed out), newest first.</summary>
    public async Task<List<Line>> ForAsync(Guid? viewer, Guid? networkId = null, CancellationToken ct = default)
    {
        if (viewer is not { } id) return [];
        var visible = networks.VisibleTo(id).Select(n => n.Id);
        return await (from l in db.DirectoryLinks.AsNoTracking()
                      where visible.Contains(l.NetworkId) && (networkId == null || l.NetworkId == networkId)
                      join n in db.Networks on l.NetworkId equals n.Id
                      orderby l.AddedAt descending
                      select new Line(l.Id, l.NetworkId, n.Name, l.Title, l.Url)).Take(100).ToListAsync(ct);
    }

    /// <summary>Adds the link once per network (the same address again changes nothing); false when the caller coordinates no such network.</summary>
    public async Task<bool> AddAsync(Guid coordinatorId, Guid networkId, string title, string url, Guid? dialogueId, CancellationToken ct = default)
    {
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == coordinatorId, ct)) return false;
        if (await db.DirectoryLinks.AnyAsync(l => l.NetworkId == networkId && l.Url == url, ct)) return true;
        db.DirectoryLinks.Add(new DirectoryLink { Id = Guid.NewGuid(), NetworkId = networkId, Title = title, Url = url, DialogueId = dialogueId, AddedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // the same address added at once by another coordinator: once is enough
            return true;
        }
        await audit.WriteAsync(AuditEvents.DirectoryChanged, coordinatorId, networkId, detail: "link-added", ct: ct);
        return true;
    }

    public async Task<bool> RemoveAsync(Guid coordinatorId, Guid linkId, CancellationToken ct = default)
    {
        var link = await db.DirectoryLinks.SingleOrDefaultAsync(l => l.Id == linkId, ct);
        if (link is null || !await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == link.NetworkId && c.UserId == coordinatorId, ct)) return false;
        db.DirectoryLinks.Remove(link);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.DirectoryChanged, coordinatorId, link.NetworkId, detail: "link-removed", ct: ct);
        return true;
    }
}
