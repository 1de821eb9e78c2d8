using Amparo.Web.Features;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Web;
using Microsoft.Extensions.Options;

if (AdminCommands.IsCommand(args)) return await AdminCommands.RunAsync(args);

try
{
    var builder = WebApplication.CreateBuilder(WebSetup.ExpandFlags(args));
    builder.AddAmparoWeb();                                      // cross-cutting: hosting, data, keys, security, localization, pages
    builder.Services.AddAmparoFeatures(builder.Configuration);  // every feature, listed in Features/AmparoFeatures.cs
    var app = builder.Build();
    app.UseAmparoWeb();
    app.MapAmparoFeatures();
    await app.RunAsync();
    return 0;
}
// Before the host exists there is no logger: why the server did not start goes to stderr.
#pragma warning disable RS0030 // Console (BannedSymbols.txt)
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Amparo cannot start, the configuration is not valid: " + string.Join(" ", ex.Failures));
    return 1;
}
catch (Amparo.Web.Infrastructure.StartupRefusedException ex)
{
    await Console.Error.WriteLineAsync("Amparo did not start: " + ex.Message);
    return 1;
}
catch (Amparo.Web.Infrastructure.Security.MasterKeyException ex)
{
    await Console.Error.WriteLineAsync("Amparo cannot start: " + ex.Message);
    return 1;
}
#pragma warning restore RS0030

public partial class Program;
