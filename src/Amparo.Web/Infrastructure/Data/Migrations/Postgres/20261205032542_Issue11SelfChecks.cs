using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue11SelfChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WellbeingMarks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    Until = table.Column<DateOnly>(type: "date", nullable: true),
                    NoteCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingMarks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingMarks_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingSelfChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    TakenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AnswersCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    BandsCipher = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingSelfChecks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingSelfChecks_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingMarks_UserId_On",
                table: "WellbeingMarks",
                columns: new[] { "UserId", "On" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingSelfChecks_TakenAt",
                table: "WellbeingSelfChecks",
                column: "TakenAt");

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingSelfChecks_UserId_TakenAt",
                table: "WellbeingSelfChecks",
                columns: new[] { "UserId", "TakenAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WellbeingMarks");

            migrationBuilder.DropTable(
                name: "WellbeingSelfChecks");
        }
    }
}
