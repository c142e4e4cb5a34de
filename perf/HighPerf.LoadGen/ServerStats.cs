using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// The server's own counters, read from the stats file our server writes when started with
/// HIGHPERF_XMPP_STATS_FILE set (one line of key=value pairs, rewritten every 100 ms): managed bytes allocated
/// since start (GC.GetTotalAllocatedBytes), GC counts, heap size, bound sessions; as of the last requested collection,
/// the GC's committed bytes and glibc malloc's bytes in use and free (0 before any). Absent for other servers.
/// </summary>
internal sealed record ServerStats(long AllocatedBytes, long Gen0, long Gen1, long Gen2, long HeapBytes, long Sessions, long RequestedCollections,
    long CommittedBytes = 0, long NativeBytes = 0, long NativeFreeBytes = 0)
{
    public static ServerStats? Read(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var pair in File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && long.TryParse(pair[(eq + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    values[pair[..eq]] = value;
                }
            }

            return new ServerStats(values.GetValueOrDefault("allocated"), values.GetValueOrDefault("gen0"), values.GetValueOrDefault("gen1"),
                values.GetValueOrDefault("gen2"), values.GetValueOrDefault("heap"), values.GetValueOrDefault("sessions"), values.GetValueOrDefault("gcs"),
                values.GetValueOrDefault("committed"), values.GetValueOrDefault("native"), values.GetValueOrDefault("nativefree"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits past the writer's 100 ms period so the figure covers everything before this call.</summary>
    public static async Task<ServerStats?> ReadFreshAsync(string? path)
    {
        if (path is null)
        {
            return null;
        }

        await Task.Delay(250).ConfigureAwait(false);
        return Read(path);
    }

    /// <summary>Asks the server for a full, compacting collection (FILE.gc) and returns the first line written after
    /// it, so that the heap figure holds only live objects. Null when the server writes no stats or does not answer.</summary>
    public static async Task<ServerStats?> ReadAfterCollectionAsync(string? path)
    {
        if (path is null || Read(path) is not { } before)
        {
            return null;
        }

        await File.WriteAllTextAsync(path + ".gc", "").ConfigureAwait(false);
        for (var i = 0; i < 300; i++)
        {
            await Task.Delay(100).ConfigureAwait(false);
            if (Read(path) is { } after && after.RequestedCollections > before.RequestedCollections)
            {
                return after;
            }
        }

        return null;
    }
}
