using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <summary>
    /// Issue 11: individual well-being is never shared. The "well-being" sharing category is retired
    /// (DataCategories.IsRetired): every rule opening it is turned off and every grant of it withdrawn, for everyone.
    /// Data only: the model does not change (the enum value stays, so no value is renumbered).
    /// </summary>
    [DbContext(typeof(PostgresAmparoDbContext))]
    [Migration("20261205040000_Issue11NoWellbeingSharing")]
    public partial class Issue11NoWellbeingSharing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""UPDATE "SharingRules" SET "Enabled" = false WHERE "Category" = 'WellBeing';""");
            migrationBuilder.Sql("""UPDATE "AccessGrants" SET "RevokedAt" = now() WHERE "Category" = 'WellBeing' AND "RevokedAt" IS NULL;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: a choice turned off is not turned back on by a downgrade.
        }
    }
}
