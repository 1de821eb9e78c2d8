using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue13HotZones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HotZonePeriods",
                columns: table => new
                {
                    NetworkId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Events = table.Column<int>(type: "integer", nullable: false),
                    ScanCells = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ScanPeriods = table.Column<int>(type: "integer", nullable: false),
                    ScanObserved = table.Column<int>(type: "integer", nullable: false),
                    ScanExpected = table.Column<double>(type: "double precision", nullable: false),
                    ScanP = table.Column<double>(type: "double precision", nullable: false),
                    ScanOrganizations = table.Column<int>(type: "integer", nullable: false),
                    ScanAlarm = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HotZonePeriods", x => new { x.NetworkId, x.Kind, x.PeriodStart });
                    table.ForeignKey(
                        name: "FK_HotZonePeriods_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HotZoneCells",
                columns: table => new
                {
                    NetworkId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    Q = table.Column<int>(type: "integer", nullable: false),
                    R = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Organizations = table.Column<int>(type: "integer", nullable: false),
                    Z = table.Column<double>(type: "double precision", nullable: true),
                    P = table.Column<double>(type: "double precision", nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Class = table.Column<int>(type: "integer", nullable: false),
                    TopAct = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HotZoneCells", x => new { x.NetworkId, x.Kind, x.PeriodStart, x.Q, x.R });
                    table.ForeignKey(
                        name: "FK_HotZoneCells_HotZonePeriods_NetworkId_Kind_PeriodStart",
                        columns: x => new { x.NetworkId, x.Kind, x.PeriodStart },
                        principalTable: "HotZonePeriods",
                        principalColumns: new[] { "NetworkId", "Kind", "PeriodStart" },
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HotZoneCells");

            migrationBuilder.DropTable(
                name: "HotZonePeriods");
        }
    }
}
