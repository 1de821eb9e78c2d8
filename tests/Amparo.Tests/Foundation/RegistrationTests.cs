using System.Reflection;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Foundation;

/// <summary>
/// The registration seam: every feature folder has its Add&lt;Feature&gt;() and the program composes each exactly once;
/// every feature API is mapped; every personal-data part is registered with a section of its own.
/// </summary>
public sealed class RegistrationTests(RegistrationTests.App app) : IClassFixture<RegistrationTests.App>
{
    /// <summary>Amparo as Program.cs composes it, with the service collection kept for the tests to read.</summary>
    public sealed class App : AppFixture
    {
        public IServiceCollection? Registrations { get; private set; }
        public override string Provider => "Sqlite";
        protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
        protected override void ConfigureMore(IWebHostBuilder builder) => builder.ConfigureServices(services => Registrations = services);
    }

    private static readonly Assembly Web = typeof(IPersonalData).Assembly;

    /// <summary>Amparo.Web.Features.X for every feature folder X (sub-folders such as CheckIns/Delivery belong to their feature).</summary>
    private static List<string> FeatureNames() => Web.GetTypes()
        .Select(t => t.Namespace)
        .Where(n => n is not null && n.StartsWith("Amparo.Web.Features.", StringComparison.Ordinal))
        .Select(n => n!.Split('.')[3])
        .Distinct().Order(StringComparer.Ordinal).ToList();

    private static bool IsAmparo(ServiceDescriptor d) =>
        d.ServiceType.Assembly == Web || (!d.IsKeyedService && d.ImplementationType?.Assembly == Web);

    private static (Type, Type?) Key(ServiceDescriptor d) => (d.ServiceType, d.IsKeyedService ? null : d.ImplementationType);

    [Fact]
    public void EveryFeatureFolder_HasItsAddFeature_AndTheProgramComposesEachOnce()
    {
        var composed = app.Server is not null ? app.Registrations! : throw new InvalidOperationException();
        var features = FeatureNames();
        Assert.Contains("CheckIns", features);
        Assert.Contains("Accounts", features);
        foreach (var feature in features)
        {
            var add = Web.GetTypes()
                .Where(t => t.IsAbstract && t.IsSealed && t.Namespace == "Amparo.Web.Features." + feature)
                .Select(t => t.GetMethod("Add" + feature, BindingFlags.Public | BindingFlags.Static, [typeof(IServiceCollection), typeof(IConfiguration)]))
                .SingleOrDefault(m => m is not null);
            Assert.True(add is not null, $"Features/{feature} has no public static Add{feature}(this IServiceCollection, IConfiguration) in its folder.");

            // What Add<Feature>() registers on its own is all in the app: the program composes it.
            var alone = new ServiceCollection();
            add.Invoke(null, [alone, new ConfigurationBuilder().Build()]);
            var own = alone.Where(IsAmparo).Select(Key).Distinct().ToList();
            Assert.True(own.Count > 0, $"Add{feature} registers none of the feature's services.");
            foreach (var registration in own)
                Assert.True(composed.Any(d => Key(d) == registration), $"{registration} of Add{feature} is not in the composed app: is Add{feature} called in Features/AmparoFeatures.cs?");
        }

        // Registered once: a service left behind in WebSetup/CoreSetup after moving to its feature would be here twice.
        // (Interfaces with several implementations, such as IPersonalData or a channel sender, are many by design; so are
        // declarations registered as values, such as each feature's system keys or SMS keywords.)
        var twice = composed.Where(d => IsAmparo(d) && !d.ServiceType.IsInterface && d.ImplementationInstance is null).GroupBy(Key).Where(g => g.Count() > 1).Select(g => g.Key.ToString()).ToList();
        Assert.True(twice.Count == 0, "Registered more than once: " + string.Join(", ", twice));
    }

    [Fact]
    public void EveryFeatureApi_IsMapped()
    {
        var maps = Web.GetTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Namespace?.StartsWith("Amparo.Web.Features", StringComparison.Ordinal) == true)
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name.EndsWith("Api", StringComparison.Ordinal)))
            .ToList();
        Assert.Contains(maps, t => t.Name == "CheckInsApi");
        Assert.Contains(maps, t => t.Name == "AccountsApi");

        var handlers = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<MethodInfo>())
            .Select(m => Outermost(m.DeclaringType))
            .ToHashSet();
        foreach (var api in maps)
            Assert.True(handlers.Contains(api), $"No endpoint of {api.Name} is mapped: is its Map…Api() called in Features/AmparoFeatures.cs?");
    }

    [Fact]
    public async Task EveryPersonalDataPart_IsRegistered_WithASectionOfItsOwn()
    {
        var implemented = Web.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPersonalData).IsAssignableFrom(t)).ToHashSet();
        Assert.True(implemented.Count >= 7, string.Join(", ", implemented.Select(t => t.Name)));
        var (registered, sections) = await app.WithServicesAsync(sp =>
        {
            var parts = sp.GetServices<IPersonalData>().ToList();
            return Task.FromResult((parts.Select(p => p.GetType()).ToList(), parts.Select(p => p.Section).ToList()));
        });
        Assert.Equal(implemented.Select(t => t.FullName).Order(StringComparer.Ordinal), registered.Select(t => t.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(sections.Count, sections.Distinct(StringComparer.Ordinal).Count());
        // Accounts' own sections are not any part's.
        Assert.DoesNotContain(sections, s => s is "exportedAt" or "profile" or "sessions" or "apiTokens");
    }

    private static Type? Outermost(Type? type)
    {
        while (type?.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }
}
