using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>CPU seconds and resident memory of a process, and the machine's CPU time split, from /proc.</summary>
internal static class ProcessStats
{
    private static readonly double s_ticksPerSecond = 100; // USER_HZ is 100 on Linux for /proc/*/stat.

    /// <summary>utime + stime of <paramref name="pid"/> (children excluded) in seconds; -1 when unreadable.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields after "pid (comm) ": state is [0], utime [11], stime [12].
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / s_ticksPerSecond;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// CPU seconds of each of <paramref name="pid"/>'s threads, summed per thread name with digits removed (".NET TP
    /// Worker", "dotnetty-loop", ".NET Tiered Com…"), split into user and system time; for "which part costs what".
    /// </summary>
    public static Dictionary<string, (double User, double System)> ThreadCpu(int pid)
    {
        var groups = new Dictionary<string, (double User, double System)>(StringComparer.Ordinal);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    var name = new string(stat[(open + 1)..close].Where(c => !char.IsAsciiDigit(c)).ToArray()).Trim(' ', '-', '_', '#');
                    var fields = stat[(close + 2)..].Split(' ');
                    var user = long.Parse(fields[11], CultureInfo.InvariantCulture) / s_ticksPerSecond;
                    var system = long.Parse(fields[12], CultureInfo.InvariantCulture) / s_ticksPerSecond;
                    var sum = groups.GetValueOrDefault(name);
                    groups[name] = (sum.User + user, sum.System + system);
                }
                catch (IOException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (IOException)
        {
        }

        return groups;
    }

    /// <summary>VmRSS of <paramref name="pid"/> in KiB; -1 when unreadable.</summary>
    public static long RssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    /// <summary>Machine-wide (busy, total) jiffies from /proc/stat.</summary>
    public static (long Busy, long Total) MachineJiffies()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Sum();
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        return (total - idle, total);
    }

    /// <summary>The soft limit on open files of this process.</summary>
    public static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line[26..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
