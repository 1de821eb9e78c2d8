using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue13GrantmakerRegions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "GrantmakersToldAt",
                table: "HotZonePeriods",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GrantmakerRegions",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrantmakerRegions", x => new { x.OrganizationId, x.Country });
                    table.ForeignKey(
                        name: "FK_GrantmakerRegions_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrantmakerRegions");

            migrationBuilder.DropColumn(
                name: "GrantmakersToldAt",
                table: "HotZonePeriods");
        }
    }
}
