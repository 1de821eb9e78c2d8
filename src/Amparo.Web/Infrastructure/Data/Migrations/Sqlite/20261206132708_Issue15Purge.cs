using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue15Purge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "EndedAt",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "KeptAmount",
                table: "GrantRequests",
                type: "TEXT",
                precision: 18,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgeNoticeAt",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgedAt",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "GrantRequests",
                type: "TEXT",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Kept",
                table: "GrantPrograms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<int>(
                name: "PurgeAfterMonths",
                table: "GrantPrograms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 12);

            // Requests that had already ended (declined, withdrawn, closed) count their purge months from their last change.
            migrationBuilder.Sql("UPDATE \"GrantRequests\" SET \"EndedAt\" = \"UpdatedAt\" WHERE \"State\" IN (6, 7, 11)");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_EndedAt",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "EndedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_EndedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "EndedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "KeptAmount",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PurgeNoticeAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PurgedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Region",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Kept",
                table: "GrantPrograms");

            migrationBuilder.DropColumn(
                name: "PurgeAfterMonths",
                table: "GrantPrograms");
        }
    }
}
