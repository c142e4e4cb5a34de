namespace HighPerf.Xmpp.TestKit.Processes;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr, bool TimedOut)
{
    public override string ToString() => $"exit {ExitCode}{(TimedOut ? " (timed out)" : "")}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}
