namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Checks that a FASTER log's segment files (<c>name.0</c>, <c>name.1</c>, …) hold every byte up to an address
/// known to have been written. FASTER reads a truncated or missing segment as zeros, which would look like
/// an empty or shorter log; this turns that into an error before recovery.
/// </summary>
internal static class SegmentFiles
{
    public static string? FindGap(string basePath, int segmentSizeBits, long beginAddress, long untilAddress)
    {
        if (untilAddress <= beginAddress)
            return null;
        var segmentSize = 1L << segmentSizeBits;
        var first = beginAddress >> segmentSizeBits;
        var last = (untilAddress - 1) >> segmentSizeBits;
        for (var segment = first; segment <= last; segment++)
        {
            var path = $"{basePath}.{segment}";
            var needed = segment == last ? untilAddress - (segment << segmentSizeBits) : segmentSize;
            var info = new FileInfo(path);
            if (!info.Exists)
                return $"'{Path.GetFileName(path)}' is missing";
            if (info.Length < needed)
                return $"'{Path.GetFileName(path)}' is truncated ({info.Length} bytes, at least {needed} expected)";
        }

        return null;
    }
}
