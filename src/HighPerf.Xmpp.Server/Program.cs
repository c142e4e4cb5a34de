namespace HighPerf.Xmpp.Server;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("highperf-xmpp: the server host arrives with the c2s issue.");
        return 2;
    }
}
