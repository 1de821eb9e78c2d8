using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Infrastructure.Events;

/// <summary>
/// A fact written in the transaction of the action it describes, for one side, until every durable handler of that
/// side has had it (<see cref="FactWorker"/>). Holds ids and kinds only, like every fact: nothing here needs a key.
/// </summary>
public sealed class StoredFact
{
    public const string Table = "Facts";

    public Guid Id { get; set; }
    /// <summary>The fact's record type (full name), to read <see cref="Payload"/> back.</summary>
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    /// <summary>Only handlers of this side receive it: the duress rule holds on this path by construction.</summary>
    public Side Side { get; set; }
    /// <summary>Whose fact it is, so that deleting an account can delete its pending facts too.</summary>
    public Guid OwnerId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When the worker should look at it next: now when written, a lease while a worker holds it, the next retry after a failure, null once delivered.</summary>
    public DateTime? DueAt { get; set; }
    /// <summary>When the last of its handlers had it; the row is deleted <see cref="FactWorker.KeepDelivered"/> later.</summary>
    public DateTime? DeliveredAt { get; set; }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static StoredFact Of(Fact fact, Side side, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        Type = fact.GetType().FullName!,
        Payload = JsonSerializer.Serialize(fact, fact.GetType(), Json),
        Side = side,
        OwnerId = fact.OwnerId,
        CreatedAt = now,
        DueAt = now,
    };

    /// <summary>The fact back, or null if its type no longer exists. Only types deriving from <see cref="Fact"/> in this assembly are read.</summary>
    public Fact? Read()
    {
        var type = typeof(Fact).Assembly.GetType(Type, throwOnError: false);
        if (type is null || type.IsAbstract || !type.IsAssignableTo(typeof(Fact))) return null;
        return (Fact?)JsonSerializer.Deserialize(Payload, type, Json);
    }
}

/// <summary>That one durable handler had one stored fact (<see cref="DoneAt"/>), or when it may try again.</summary>
public sealed class FactDelivery
{
    public const string Table = "FactDeliveries";

    public Guid FactId { get; set; }
    /// <summary>The handler's class full name (see <see cref="IDurableFactHandler"/>).</summary>
    public string Handler { get; set; } = "";
    public int Attempts { get; set; }
    public DateTime? RetryAt { get; set; }
    public DateTime? DoneAt { get; set; }
}

public sealed class StoredFactConfiguration : IEntityTypeConfiguration<StoredFact>
{
    public void Configure(EntityTypeBuilder<StoredFact> builder)
    {
        builder.ToTable(StoredFact.Table);
        builder.Property(f => f.Type).HasMaxLength(200);
        builder.Property(f => f.Payload).HasMaxLength(4000);
        builder.HasIndex(f => f.DueAt);
        builder.HasIndex(f => f.DeliveredAt);
        builder.HasIndex(f => f.OwnerId);
    }
}

public sealed class FactDeliveryConfiguration : IEntityTypeConfiguration<FactDelivery>
{
    public void Configure(EntityTypeBuilder<FactDelivery> builder)
    {
        builder.ToTable(FactDelivery.Table);
        builder.HasKey(d => new { d.FactId, d.Handler });
        builder.Property(d => d.Handler).HasMaxLength(200);
        builder.HasOne<StoredFact>().WithMany().HasForeignKey(d => d.FactId).OnDelete(DeleteBehavior.Cascade);
    }
}
