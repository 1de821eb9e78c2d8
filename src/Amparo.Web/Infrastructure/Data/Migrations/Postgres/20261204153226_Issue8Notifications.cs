using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue8Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_State_NextAttemptAt",
                table: "Outbox");

            migrationBuilder.RenameColumn(
                name: "VisitId",
                table: "Outbox",
                newName: "SourceId");

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Outbox",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "Outbox",
                type: "integer",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.AddColumn<string>(
                name: "SourceKind",
                table: "Outbox",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "None");

            // Rows already queued: VisitId became SourceId (a visit's reminders); alert steps point at their alert and
            // go first; replies and codes are worth nothing late; everything else is a notice (Normal, the default).
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Visit', "Priority" = 1 WHERE "SourceId" IS NOT NULL;""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Alert', "SourceId" = "AlertId", "Priority" = 0 WHERE "AlertId" IS NOT NULL;""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'InboundSms', "Priority" = 1 WHERE "NotificationKey" LIKE 'sms-reply:%';""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Account', "Priority" = 1 WHERE "NotificationKey" LIKE 'phone-code:%';""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Account' WHERE "NotificationKey" LIKE 'pins-changed:%';""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Contact' WHERE "NotificationKey" LIKE 'consent:%' OR "NotificationKey" LIKE 'contact-withdrew:%';""");
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceKind" = 'Visit' WHERE "NotificationKey" LIKE 'companion-declined:%';""");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_SourceKind_SourceId",
                table: "Outbox",
                columns: new[] { "SourceKind", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_Priority_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "State", "Priority", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Only a visit's id goes back into VisitId.
            migrationBuilder.Sql("""UPDATE "Outbox" SET "SourceId" = NULL WHERE "SourceKind" <> 'Visit';""");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_SourceKind_SourceId",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_State_Priority_NextAttemptAt",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "SourceKind",
                table: "Outbox");

            migrationBuilder.RenameColumn(
                name: "SourceId",
                table: "Outbox",
                newName: "VisitId");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "State", "NextAttemptAt" });
        }
    }
}
