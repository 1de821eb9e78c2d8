using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Amparo.Web.Infrastructure.Data;

/// <summary>Used only by `dotnet ef migrations add`; never at run time.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAmparoDbContext>
{
    public SqliteAmparoDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAmparoDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAmparoDbContext>
{
    public PostgresAmparoDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAmparoDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
