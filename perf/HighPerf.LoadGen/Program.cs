using System.Globalization;

namespace HighPerf.LoadGen;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: HighPerf.LoadGen SCENARIO [--host H] [--port P] [--domain D] [--users N] [--user-prefix P] [--first-user 1] [--password W]");
            Console.Error.WriteLine("       [--tls] [--mechanism PLAIN|SCRAM-SHA-1|SCRAM-SHA-256] [--rate MSGS_PER_S_PER_SESSION] [--duration S] [--ramp SESSIONS_PER_S]");
            Console.Error.WriteLine("       [--concurrency N] [--sources K] [--server-pid PID] [--server-stats FILE] [--label TEXT] [--contacts K] [--drain S] [--login-timeout S]");
            Console.Error.WriteLine("       [--endpoints HOST:PORT,HOST:PORT,...|PORT,PORT,...] [--cross-node FRACTION] [--metrics HOST:PORT,...] [--server-pid PID,PID,...]");
            Console.Error.WriteLine("scenarios: idle, chat, login-storm, roster-presence, roster-provision (--contacts K rosters), register (XEP-0077 accounts). See perf/HighPerf.LoadGen/README.md.");
            return 2;
        }

        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"loadgen: {ex.Message}");
            return 2;
        }

        var limit = ProcessStats.OpenFileLimit();
        if (limit < options.Users + 256 && options.Scenario is not ("login-storm" or "register"))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loadgen: open-file limit {limit} < {options.Users} sessions: run 'ulimit -n {Math.Max(65536, options.Users * 2 + 1024)}' first (the server needs as many)."));
            return 2;
        }

        // One thread-pool thread per core is enough for socket completions; more only adds context switches.
        ThreadPool.SetMinThreads(Environment.ProcessorCount, Environment.ProcessorCount);
        Report report;
        try
        {
            report = await new Runner(options).RunAsync();
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"loadgen: {ex.Message}");
            return 2;
        }

        report.Print(Console.Out);
        return 0;
    }
}
