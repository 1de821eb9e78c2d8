using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue17DialogueReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DialogueParticipants_DialogueId_Pseudonym",
                table: "DialogueParticipants");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "DialoguePosts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "Invited",
                table: "DialogueParticipants",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PseudonymKey",
                table: "DialogueParticipants",
                type: "TEXT",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "UsedAt",
                table: "DialogueInvitations",
                type: "TEXT",
                nullable: true);

            // Rows from before the key: their names, compared as the app compares them (upper case).
            migrationBuilder.Sql("UPDATE \"DialogueParticipants\" SET \"PseudonymKey\" = upper(\"Pseudonym\")");

            migrationBuilder.CreateIndex(
                name: "IX_DialogueParticipants_DialogueId_PseudonymKey",
                table: "DialogueParticipants",
                columns: new[] { "DialogueId", "PseudonymKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DialogueParticipants_DialogueId_PseudonymKey",
                table: "DialogueParticipants");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "DialoguePosts");

            migrationBuilder.DropColumn(
                name: "Invited",
                table: "DialogueParticipants");

            migrationBuilder.DropColumn(
                name: "PseudonymKey",
                table: "DialogueParticipants");

            migrationBuilder.DropColumn(
                name: "UsedAt",
                table: "DialogueInvitations");

            migrationBuilder.CreateIndex(
                name: "IX_DialogueParticipants_DialogueId_Pseudonym",
                table: "DialogueParticipants",
                columns: new[] { "DialogueId", "Pseudonym" },
                unique: true);
        }
    }
}
