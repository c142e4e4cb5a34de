using System.Diagnostics;

namespace HighPerf.Xmpp.EndToEnd.Tests.Interop;

/// <summary>
/// A fact that needs slixmpp under /usr/bin/python3 (Debian package python3-slixmpp, which .ci/run installs):
/// skipped with the reason when it cannot be imported, so a local run without it says so instead of failing.
/// </summary>
public sealed class SlixmppFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingReason = new(FindMissingReason);

    public SlixmppFactAttribute()
    {
        if (MissingReason.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? FindMissingReason()
    {
        if (!File.Exists(Python))
        {
            return $"slixmpp interop skipped: {Python} is missing (install python3-slixmpp; .ci/run does).";
        }

        try
        {
            var start = new ProcessStartInfo(Python, ["-c", "import slixmpp"]) { RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(20_000))
            {
                process.Kill();
                return "slixmpp interop skipped: 'import slixmpp' did not finish in 20 s.";
            }

            return process.ExitCode == 0
                ? null
                : $"slixmpp interop skipped: {Python} cannot import slixmpp (install python3-slixmpp; .ci/run does). {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"slixmpp interop skipped: cannot run {Python}: {ex.Message}";
        }
    }
}
