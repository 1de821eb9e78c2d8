namespace Amparo.Web.Infrastructure.Cli;

public static partial class AdminCommands
{
    // backup, restore, rotate-master-key, audit verify, org export: see Operations.cs when present.
    private static Command[] MoreCommands => [];
}
