using System.Runtime.CompilerServices;

namespace Amparo.Tests.Security;

/// <summary>
/// Test hosts do not watch appsettings files for changes. Each watcher is an inotify instance, the machine
/// allows 128 per user, and the suite starts dozens of hosts (several at a time, beside other test runs):
/// without this, fixtures fail at start with "the configured user limit (128) on the number of inotify
/// instances has been reached". Nothing in the tests edits configuration files while a host runs.
/// </summary>
internal static class TestHostSettings
{
    [ModuleInitializer]
    internal static void DoNotWatchConfigurationFiles()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange") is null)
            Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }
}
