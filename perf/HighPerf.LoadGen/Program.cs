namespace HighPerf.LoadGen;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("The load generator arrives with the c2s server.");
        return 2;
    }
}
