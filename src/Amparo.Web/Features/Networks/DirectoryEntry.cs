using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Networks;

/// <summary>Who may find an entry: the people of its network, of any network on this installation, or anyone.</summary>
public enum EntryVisibility { Network = 1, AllNetworks = 2, Public = 3 }

/// <summary>
/// Who may read one contact (an address, a phone): anyone who can see the entry; the people of its network; only someone
/// whose referral the provider has accepted; or nobody outside the organization (a safe house's street address).
/// </summary>
public enum Confidentiality { Public = 1, NetworkMembers = 2, AfterReferral = 3, Never = 4 }

/// <summary>The kinds of help the directory lists.</summary>
public enum ServiceKind
{
    Legal = 1,
    Psychosocial = 2,
    Medical = 3,
    DigitalSecurity = 4,
    DigitalHelpLine = 5,
    PhysicalProtection = 6,
    Relocation = 7,
    RapidResponse = 8,
    Funding = 9,
}

/// <summary>Who a service is for, beyond "any defender at risk" (<see cref="None"/>): a service may name several.</summary>
[Flags]
public enum Eligibility
{
    None = 0,
    WomenAndTrans = 1,
    Lgbti = 2,
    Journalists = 4,
    LandAndEnvironment = 8,
    Lawyers = 16,
    Indigenous = 32,
    Youth = 64,
}

/// <summary>Whether a service takes new cases now: yes; full until a day; emergencies only.</summary>
public enum Capacity { Taking = 1, FullUntil = 2, EmergenciesOnly = 3 }

public enum ContactKind { Address = 1, Phone = 2, Email = 3, Messaging = 4, Website = 5 }

/// <summary>
/// An organization's page in a network's directory (issue 16): what it is, who may find it, and a public "front gate"
/// (a contact that reaches it without saying where it is). One per organization and network.
/// </summary>
public sealed class DirectoryEntry
{
    public Guid Id { get; set; }
    public Guid NetworkId { get; set; }
    public Guid OrganizationId { get; set; }
    public string Description { get; set; } = "";
    public EntryVisibility Visibility { get; set; } = EntryVisibility.Network;
    /// <summary>Shown to everyone who can see the entry; never a place.</summary>
    public string FrontGate { get; set; } = "";
    public DateTime UpdatedAt { get; set; }

    public const int DescriptionMax = 2000, FrontGateMax = 300;
}

/// <summary>One kind of help an entry offers, for whom, in which languages and regions, how fast, and whether it takes cases now.</summary>
public sealed class DirectoryService
{
    public Guid Id { get; set; }
    public Guid EntryId { get; set; }
    public ServiceKind Kind { get; set; }
    /// <summary>Language codes served, space-separated (at least one).</summary>
    public string Languages { get; set; } = "";
    /// <summary>UN M49 sub-region codes served, space-separated; empty: anywhere.</summary>
    public string Regions { get; set; } = "";
    public Eligibility Eligible { get; set; }
    /// <summary>The response promise: answers within this many hours (none promised: null).</summary>
    public int? ResponseHours { get; set; }
    public Capacity Capacity { get; set; } = Capacity.Taking;
    public DateOnly? FullUntil { get; set; }
    /// <summary>When the provider last said what its capacity is (set on every change and every "still true").</summary>
    public DateTime CapacityConfirmedAt { get; set; }
    public string Notes { get; set; } = "";

    public const int NotesMax = 1000, LanguagesMax = 60, RegionsMax = 200, ResponseHoursMax = 720;
}

/// <summary>An address, phone or other way to reach an entry, encrypted with its organization's data key, with its level.</summary>
public sealed class DirectoryContact
{
    public Guid Id { get; set; }
    public Guid EntryId { get; set; }
    public ContactKind Kind { get; set; }
    public Confidentiality Level { get; set; }
    public byte[] ValueCipher { get; set; } = [];
    public int Order { get; set; }

    public const string Table = "DirectoryContacts", ValueColumn = "Value";
    public const int ValueMax = 300;
}

/// <summary>
/// A search that found no provider (a gap in service is itself information): what was looked for, in which network, and
/// on which day — never by whom, nor the time (the same click in two networks would otherwise tie them to one person).
/// One row per network, day and search.
/// </summary>
public sealed class DirectoryGap
{
    public Guid Id { get; set; }
    public Guid NetworkId { get; set; }
    public DateOnly Day { get; set; }
    public ServiceKind Kind { get; set; }
    /// <summary>The language looked for; "" for any (not null: it is part of the unique key).</summary>
    public string Language { get; set; } = "";
    /// <summary>The region looked for; "" for any.</summary>
    public string Region { get; set; } = "";
    public Eligibility Eligible { get; set; }
}

public sealed class DirectoryEntryConfiguration : IEntityTypeConfiguration<DirectoryEntry>
{
    public void Configure(EntityTypeBuilder<DirectoryEntry> builder)
    {
        builder.Property(e => e.Description).HasMaxLength(DirectoryEntry.DescriptionMax);
        builder.Property(e => e.FrontGate).HasMaxLength(DirectoryEntry.FrontGateMax);
        builder.HasIndex(e => new { e.NetworkId, e.OrganizationId }).IsUnique();
        builder.HasIndex(e => e.Visibility);
        // An organization that leaves the network takes its entry with it (services and contacts cascade from the entry).
        builder.HasOne<NetworkOrganization>().WithMany().HasForeignKey(e => new { e.NetworkId, e.OrganizationId }).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DirectoryServiceConfiguration : IEntityTypeConfiguration<DirectoryService>
{
    public void Configure(EntityTypeBuilder<DirectoryService> builder)
    {
        builder.Property(s => s.Languages).HasMaxLength(DirectoryService.LanguagesMax);
        builder.Property(s => s.Regions).HasMaxLength(DirectoryService.RegionsMax);
        builder.Property(s => s.Notes).HasMaxLength(DirectoryService.NotesMax);
        builder.HasIndex(s => new { s.Kind, s.EntryId });
        builder.HasOne<DirectoryEntry>().WithMany().HasForeignKey(s => s.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DirectoryContactConfiguration : IEntityTypeConfiguration<DirectoryContact>
{
    public void Configure(EntityTypeBuilder<DirectoryContact> builder)
    {
        builder.ToTable(DirectoryContact.Table);
        builder.HasIndex(c => c.EntryId);
        builder.HasOne<DirectoryEntry>().WithMany().HasForeignKey(c => c.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DirectoryGapConfiguration : IEntityTypeConfiguration<DirectoryGap>
{
    public void Configure(EntityTypeBuilder<DirectoryGap> builder)
    {
        builder.Property(g => g.Language).HasMaxLength(8);
        builder.Property(g => g.Region).HasMaxLength(8);
        builder.HasIndex(g => new { g.NetworkId, g.Day, g.Kind, g.Language, g.Region, g.Eligible }).IsUnique();
        builder.HasOne<Network>().WithMany().HasForeignKey(g => g.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}
