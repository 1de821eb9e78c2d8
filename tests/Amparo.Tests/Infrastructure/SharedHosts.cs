using Amparo.Tests.CheckIns;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// One app host per feature and database for the test classes that need no fresh installation: the classes of a
/// collection run one after the other on the same host (its clock too), and the collections run in parallel. Each
/// test makes its own people and organizations, as it did when its class had its own host; a class whose tests need
/// an installation of their own (no admin yet, a setting of its own, a count of a whole table) keeps its own fixture.
/// An app host costs about a second of CPU to start and serve its first requests, and the suite is bound by CPU.
/// </summary>
public static class SharedHosts
{
    [CollectionDefinition(nameof(AccountsOnSqlite))] public sealed class AccountsOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(AccountsOnPostgres))] public sealed class AccountsOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(CheckInsOnSqlite))] public sealed class CheckInsOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(CheckInsOnPostgres))] public sealed class CheckInsOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(CheckInsWithClockOnSqlite))] public sealed class CheckInsWithClockOnSqlite : ICollectionFixture<CheckInSqliteApp>;
    [CollectionDefinition(nameof(CheckInsWithClockOnPostgres))] public sealed class CheckInsWithClockOnPostgres : ICollectionFixture<CheckInPostgresApp>;
    [CollectionDefinition(nameof(FoundationOnSqlite))] public sealed class FoundationOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(FoundationOnPostgres))] public sealed class FoundationOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(IncidentsOnSqlite))] public sealed class IncidentsOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(IncidentsOnPostgres))] public sealed class IncidentsOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(LearningOnSqlite))] public sealed class LearningOnSqlite : ICollectionFixture<Learning.LearningSqliteApp>;
    [CollectionDefinition(nameof(LearningOnPostgres))] public sealed class LearningOnPostgres : ICollectionFixture<Learning.LearningPostgresApp>;
    [CollectionDefinition(nameof(OrganizationsOnSqlite))] public sealed class OrganizationsOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(OrganizationsOnPostgres))] public sealed class OrganizationsOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(PlansOnSqlite))] public sealed class PlansOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(PlansOnPostgres))] public sealed class PlansOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(SecurityOnSqlite))] public sealed class SecurityOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(SecurityOnPostgres))] public sealed class SecurityOnPostgres : ICollectionFixture<PostgresApp>;
    [CollectionDefinition(nameof(WellbeingOnSqlite))] public sealed class WellbeingOnSqlite : ICollectionFixture<SqliteApp>;
    [CollectionDefinition(nameof(WellbeingOnPostgres))] public sealed class WellbeingOnPostgres : ICollectionFixture<PostgresApp>;
}
