using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue7Sms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "InboundSms",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "VerifiedAt",
                table: "ContactChannels",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PhoneCodeSentAt",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerifiedPhoneLookup",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ReplyCodeTries",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReplyCodeTries", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_VerifiedPhoneLookup",
                table: "AspNetUsers",
                column: "VerifiedPhoneLookup",
                unique: true,
                filter: "\"VerifiedPhoneLookup\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ReplyCodeTries_WindowStart",
                table: "ReplyCodeTries",
                column: "WindowStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReplyCodeTries");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_VerifiedPhoneLookup",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "InboundSms");

            migrationBuilder.DropColumn(
                name: "VerifiedAt",
                table: "ContactChannels");

            migrationBuilder.DropColumn(
                name: "PhoneCodeSentAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "VerifiedPhoneLookup",
                table: "AspNetUsers");
        }
    }
}
