using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.Cluster.Tests.Store;

/// <summary>
/// One Garnet process for the tests that only need an engine (each test keeps to its own key prefix); killed when the
/// test process exits. Tests that kill the engine start their own <see cref="GarnetProcess"/>.
/// </summary>
internal static class SharedGarnet
{
    private static readonly Lazy<Task<GarnetProcess>> Engine = new(StartAsync);

    public static Task<GarnetProcess> GetAsync() => Engine.Value;

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    private static async Task<GarnetProcess> StartAsync()
    {
        var garnet = await GarnetProcess.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => garnet.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return garnet;
    }
}
