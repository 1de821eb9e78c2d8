using Xunit.Sdk;
using Xunit.v3;

[assembly: TestPipelineStartup(typeof(Amparo.Tests.Infrastructure.TestPipeline))]

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// Stops the throwaway PostgreSQL server when the test run ends, before the runner returns, so that nothing
/// slow is left for process exit (the runner fails a process that lingers after its tests).
/// </summary>
public sealed class TestPipeline : ITestPipelineStartup
{
    public ValueTask StartAsync(IMessageSink diagnosticMessageSink)
    {
        SqlRecord.StartIfAsked();
        return ValueTask.CompletedTask;
    }

    public ValueTask StopAsync()
    {
        SqlRecord.WriteIfAsked();
        PostgresServer.StopIfStarted();
        return ValueTask.CompletedTask;
    }
}
