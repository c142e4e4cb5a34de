namespace HighPerf.Xmpp.TestKit.Processes;

/// <summary>
/// The native stacks of every thread of a process that hangs, through gdb (on the CI machines): for the Native AOT
/// binary they name our methods, so a stop that never finishes says where it waits. Empty when gdb is missing.
/// </summary>
public static class ThreadStacks
{
    private const int MaxChars = 40_000;

    public static async Task<string> CaptureAsync(int pid)
    {
        if (!File.Exists("/usr/bin/gdb"))
        {
            return "(no gdb: thread stacks not captured)";
        }

        try
        {
            var result = await ChildProcess.RunAsync(
                "/usr/bin/gdb", ["-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-batch", "-nx", "-ex", "thread apply all bt 25"],
                timeout: TimeSpan.FromSeconds(60));
            var text = result.StdOut;
            return text.Length > MaxChars ? text[..MaxChars] + "\n(cut)" : text;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"(gdb failed: {ex.Message})";
        }
    }
}
