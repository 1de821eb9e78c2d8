using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue14ListOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_State_SubmittedAt",
                table: "GrantRequests");

            migrationBuilder.AddColumn<bool>(
                name: "Closed",
                table: "GrantRequests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Requests already decided (approved 5, declined 6) or withdrawn (7) are closed.
            migrationBuilder.Sql("UPDATE \"GrantRequests\" SET \"Closed\" = TRUE WHERE \"DecidedAt\" IS NOT NULL OR \"State\" = 7;");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_Closed_SubmittedAt_Id",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "Closed", "SubmittedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_Closed_SubmittedAt_Id",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Closed",
                table: "GrantRequests");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_State_SubmittedAt",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "State", "SubmittedAt" });
        }
    }
}
