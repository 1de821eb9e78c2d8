using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue15PortfolioRegion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "SubmittedAt", "DecidedAt", "State", "Categories", "Region" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "SubmittedAt", "DecidedAt", "State", "Categories" });
        }
    }
}
