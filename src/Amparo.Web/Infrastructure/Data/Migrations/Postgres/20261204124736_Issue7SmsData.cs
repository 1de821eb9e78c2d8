using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <summary>
    /// Data only (issue 7, SMS numbers): a trusted contact who already agreed counts as verified on their SMS/Signal
    /// numbers, for that relationship, from the moment they agreed (before the upgrade YES carried no code, and consent
    /// by link and by SMS were not told apart). Account holders' numbers stay unverified: their owners are asked to
    /// confirm them; outbound alerts and reminders are not affected.
    /// </summary>
    public partial class Issue7SmsData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "ContactChannels"
                SET "VerifiedAt" = (SELECT c."ConfirmedAt" FROM "TrustedContacts" c WHERE c."Id" = "ContactChannels"."ContactId")
                WHERE "VerifiedAt" IS NULL AND "AddressLookup" IS NOT NULL
                  AND "ContactId" IN (SELECT "Id" FROM "TrustedContacts" WHERE "Consent" = 'Confirmed' AND "ConfirmedAt" IS NOT NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
