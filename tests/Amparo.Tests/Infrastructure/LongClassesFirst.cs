using System.Reflection;
using Amparo.Tests.Infrastructure;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LongClassesFirst))]

namespace Amparo.Tests.Infrastructure;

/// <summary>Marks a test class that runs for a minute or more: it starts before the short ones.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RunsLongAttribute : Attribute;

/// <summary>
/// Starts the long classes first. Classes run in parallel on a few threads; a long class that happens to start last
/// (the form fuzzer, the crash test) leaves the other threads idle at the end and adds its whole length to the run.
/// </summary>
public sealed class LongClassesFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        testCollections.OrderBy(c => IsLong(c) ? 0 : 1).ThenBy(c => c.UniqueID, StringComparer.Ordinal).ToList();

    private static bool IsLong(ITestCollection collection)
    {
        // One collection per class: "Test collection for Amparo.Tests.Security.BadInputTestsPostgres (id: …)".
        var name = collection.TestCollectionClassName ?? collection.TestCollectionDisplayName;
        if (name.StartsWith("Test collection for ", StringComparison.Ordinal)) name = name["Test collection for ".Length..];
        var paren = name.IndexOf(" (id:", StringComparison.Ordinal);
        if (paren > 0) name = name[..paren];
        return typeof(LongClassesFirst).Assembly.GetType(name)?.GetCustomAttribute<RunsLongAttribute>() is not null;
    }
}
