namespace Amparo.Web.Infrastructure.Cli;

public static partial class AdminCommands
{
    // Operations: BackupCommands.cs (backup, restore), KeyCommands.cs (rotate-master-key),
    // AuditCommands.cs (audit verify), OrgExportCommand.cs (org list, org export, org delete), DialogueCommands.cs (dialogue resolve),
    // ContentCommands.cs (content check), PackCommands.cs (content key, content pack, content import).
    private static Command[] MoreCommands =>
    [
        new("backup", "backup --to FILE --passphrase-stdin [--include-master-key] [--force]", BackupAsync, BackupHelp),
        new("restore", "restore --from FILE --passphrase-stdin", RestoreAsync, RestoreHelp),
        new("rotate-master-key", "rotate-master-key", RotateMasterKeyAsync, RotateHelp),
        new("audit verify", "audit verify", AuditVerifyAsync, AuditVerifyHelp),
        new("org list", "org list", OrgListAsync, OrgListHelp),
        new("org export", "org export --org ID --to FILE [--force]", OrgExportAsync, OrgExportHelp),
        new("org delete", "org delete --org ID --name NAME", OrgDeleteAsync, OrgDeleteHelp),
        new("dialogue resolve", "dialogue resolve --dialogue ID --pseudonym NAME --reason TEXT", DialogueResolveAsync, DialogueResolveHelp),
        new("content check", "content check [--path DIR]", ContentCheckAsync, ContentCheckHelp),
        new("content key", "content key", ContentKeyAsync, ContentKeyHelp),
        new("content pack", "content pack --lessons ID,ID --languages en,es --out FILE [--force]", ContentPackAsync, ContentPackHelp),
        new("content import", "content import FILE [--yes]", ContentImportAsync, ContentImportHelp, Arguments: 1),
    ];
}
