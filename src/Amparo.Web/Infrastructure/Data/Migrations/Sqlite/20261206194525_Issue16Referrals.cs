using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue16Referrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Referrals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DefenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ServiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ProviderOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Consent = table.Column<int>(type: "INTEGER", nullable: true),
                    OverrideReasonCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    DetailsCipher = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Declined = table.Column<int>(type: "INTEGER", nullable: true),
                    Outcome = table.Column<int>(type: "INTEGER", nullable: true),
                    Helped = table.Column<bool>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConsentAsk = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Referrals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Referrals_AspNetUsers_DefenderId",
                        column: x => x.DefenderId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Referrals_AspNetUsers_SenderId",
                        column: x => x.SenderId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Referrals_DirectoryServices_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "DirectoryServices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Referrals_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Referrals_Organizations_ProviderOrganizationId",
                        column: x => x.ProviderOrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_DefenderId_State",
                table: "Referrals",
                columns: new[] { "DefenderId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_NetworkId_State",
                table: "Referrals",
                columns: new[] { "NetworkId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ProviderOrganizationId_State",
                table: "Referrals",
                columns: new[] { "ProviderOrganizationId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_SenderId",
                table: "Referrals",
                column: "SenderId");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ServiceId",
                table: "Referrals",
                column: "ServiceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Referrals");
        }
    }
}
