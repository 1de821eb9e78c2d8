namespace Amparo.Web.Features.Networks;

/// <summary>A regional network of organizations, run by coordinators who belong to member organizations.</summary>
public sealed class Network
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class NetworkOrganization
{
    public Guid NetworkId { get; set; }
    public Guid OrganizationId { get; set; }
}

public sealed class NetworkCoordinator
{
    public Guid NetworkId { get; set; }
    public Guid UserId { get; set; }
}
