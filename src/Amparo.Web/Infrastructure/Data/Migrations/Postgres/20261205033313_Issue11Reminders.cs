using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue11Reminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WellbeingReminders",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Rhythm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ByEmail = table.Column<bool>(type: "boolean", nullable: false),
                    NextEmailAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingReminders", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_WellbeingReminders_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingReminders_NextEmailAt",
                table: "WellbeingReminders",
                column: "NextEmailAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WellbeingReminders");
        }
    }
}
