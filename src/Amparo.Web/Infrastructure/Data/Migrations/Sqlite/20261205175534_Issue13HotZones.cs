using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
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
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Events = table.Column<int>(type: "INTEGER", nullable: false),
                    ScanCells = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ScanPeriods = table.Column<int>(type: "INTEGER", nullable: false),
                    ScanObserved = table.Column<int>(type: "INTEGER", nullable: false),
                    ScanExpected = table.Column<double>(type: "REAL", nullable: false),
                    ScanP = table.Column<double>(type: "REAL", nullable: false),
                    ScanOrganizations = table.Column<int>(type: "INTEGER", nullable: false),
                    ScanAlarm = table.Column<bool>(type: "INTEGER", nullable: false)
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
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Q = table.Column<int>(type: "INTEGER", nullable: false),
                    R = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Organizations = table.Column<int>(type: "INTEGER", nullable: false),
                    Z = table.Column<double>(type: "REAL", nullable: true),
                    P = table.Column<double>(type: "REAL", nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Class = table.Column<int>(type: "INTEGER", nullable: false),
                    TopAct = table.Column<int>(type: "INTEGER", nullable: false)
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
