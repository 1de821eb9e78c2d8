using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue13Areas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_HotZoneCells",
                table: "HotZoneCells");

            migrationBuilder.AddColumn<bool>(
                name: "AreaScanAlarm",
                table: "HotZonePeriods",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "AreaScanAreas",
                table: "HotZonePeriods",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<double>(
                name: "AreaScanExpected",
                table: "HotZonePeriods",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<int>(
                name: "AreaScanObserved",
                table: "HotZonePeriods",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "AreaScanOrganizations",
                table: "HotZonePeriods",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "AreaScanP",
                table: "HotZonePeriods",
                type: "double precision",
                nullable: false,
                defaultValue: 1.0);

            migrationBuilder.AddColumn<int>(
                name: "AreaScanPeriods",
                table: "HotZonePeriods",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "AreaId",
                table: "HotZoneCells",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_HotZoneCells",
                table: "HotZoneCells",
                columns: new[] { "NetworkId", "Kind", "PeriodStart", "AreaId", "Q", "R" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_HotZoneCells",
                table: "HotZoneCells");

            migrationBuilder.DropColumn(
                name: "AreaScanAlarm",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanAreas",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanExpected",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanObserved",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanOrganizations",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanP",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaScanPeriods",
                table: "HotZonePeriods");

            migrationBuilder.DropColumn(
                name: "AreaId",
                table: "HotZoneCells");

            migrationBuilder.AddPrimaryKey(
                name: "PK_HotZoneCells",
                table: "HotZoneCells",
                columns: new[] { "NetworkId", "Kind", "PeriodStart", "Q", "R" });
        }
    }
}
