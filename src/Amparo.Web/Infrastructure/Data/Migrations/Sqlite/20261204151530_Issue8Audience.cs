using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue8Audience : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessGrants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    GrantedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    GranteeKind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    GranteeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessGrants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AccessGrantAssignees",
                columns: table => new
                {
                    GrantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssignedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessGrantAssignees", x => new { x.GrantId, x.UserId });
                    table.ForeignKey(
                        name: "FK_AccessGrantAssignees_AccessGrants_GrantId",
                        column: x => x.GrantId,
                        principalTable: "AccessGrants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AccessGrantAssignees_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessGrantAssignees_UserId",
                table: "AccessGrantAssignees",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AccessGrants_GrantedById",
                table: "AccessGrants",
                column: "GrantedById");

            migrationBuilder.CreateIndex(
                name: "IX_AccessGrants_GranteeId_Category",
                table: "AccessGrants",
                columns: new[] { "GranteeId", "Category" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessGrants_OwnerId_Category",
                table: "AccessGrants",
                columns: new[] { "OwnerId", "Category" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessGrantAssignees");

            migrationBuilder.DropTable(
                name: "AccessGrants");
        }
    }
}
