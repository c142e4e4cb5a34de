using System.Globalization;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// A Range header (RFC 9110 §14.2) reduced to what a download needs: one byte range. A header with several ranges
/// is ignored (the whole file is sent, which §14.2 allows), as is one in another unit or malformed.
/// </summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>Parses <paramref name="header"/> against a file of <paramref name="size"/> bytes.</summary>
    /// <returns>None (no usable range: send everything), Satisfiable, or Unsatisfiable (416).</returns>
    public static RangeOutcome Parse(string? header, long size, out ByteRange range)
    {
        range = default;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return RangeOutcome.None;
        }

        var spec = header.AsSpan(6).Trim();
        if (spec.Contains(','))
        {
            return RangeOutcome.None;
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return RangeOutcome.None;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // bytes=-N: the last N bytes.
            if (!TryParse(last, out var suffix))
            {
                return RangeOutcome.None;
            }

            if (suffix == 0 || size == 0)
            {
                return RangeOutcome.Unsatisfiable;
            }

            var length = Math.Min(suffix, size);
            range = new ByteRange(size - length, length);
            return RangeOutcome.Satisfiable;
        }

        if (!TryParse(first, out var start))
        {
            return RangeOutcome.None;
        }

        long end;
        if (last.IsEmpty)
        {
            end = size - 1;
        }
        else if (!TryParse(last, out end) || end < start)
        {
            return RangeOutcome.None;
        }

        if (start >= size)
        {
            return RangeOutcome.Unsatisfiable;
        }

        end = Math.Min(end, size - 1);
        range = new ByteRange(start, end - start + 1);
        return RangeOutcome.Satisfiable;
    }

    private static bool TryParse(ReadOnlySpan<char> digits, out long value)
        => long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

internal enum RangeOutcome : byte
{
    None,
    Satisfiable,
    Unsatisfiable,
}
