using System.Buffers;
using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// Tells, for each unit queued to a compressed connection, whether it comes from a different sender than the unit
/// before it, by reading the 'from' of its start tag: the router stamps every routed stanza's 'from', so the
/// wire bytes themselves say whose data they carry, whichever module or path produced them. The deflater resets
/// its dictionary at each change (a full flush), so that one sender's data never shares compression history with
/// another's (CRIME/BREACH: an attacker who can inject text next to a victim's secret learns it from lengths).
/// Used under the outbound queue's lock.
/// </summary>
internal sealed class SenderTracker
{
    /// <summary>Start-tag bytes examined; 'from' comes first in routed stanzas, right after the name.</summary>
    private const int MaxHeadBytes = 1024;

    private static readonly SearchValues<byte> NameEnd = SearchValues.Create(" \t\r\n/>"u8);

    private readonly byte[] _last = new byte[MaxHeadBytes];
    private int _lastLength = -1;

    /// <summary>
    /// True when the unit starts a new sender's data. Units without a sender (whitespace keepalives, the closing
    /// tag) belong to whoever came before; a start tag that cannot be read counts as a new, unknown sender.
    /// </summary>
    public bool IsNewSender(scoped in OutboundParts parts)
    {
        Span<byte> head = stackalloc byte[MaxHeadBytes];
        var length = CopyPrefix(parts, head);
        var kind = ReadSender(head[..length], out var from);
        switch (kind)
        {
            case SenderKind.None:
                return false;
            case SenderKind.Unknown:
                _lastLength = -1;
                return true;
            default:
                if (_lastLength >= 0 && from.SequenceEqual(_last.AsSpan(0, _lastLength)))
                {
                    return false;
                }

                from.CopyTo(_last);
                _lastLength = from.Length;
                return true;
        }
    }

    /// <summary>Reads the 'from' of the unit's first start tag (raw value; empty when it has none).</summary>
    internal static SenderKind ReadSender(ReadOnlySpan<byte> unit, out ReadOnlySpan<byte> from)
    {
        from = default;
        var i = unit.IndexOfAnyExcept(" \t\r\n"u8);
        if (i < 0 || unit[i] != (byte)'<')
        {
            return SenderKind.None;
        }

        if (i + 1 >= unit.Length)
        {
            return SenderKind.Unknown;
        }

        switch (unit[i + 1])
        {
            case (byte)'/':
                return SenderKind.None;
            case (byte)'?':
                return SenderKind.Sender; // our stream header: the server's own words
            case (byte)'!':
                return SenderKind.Unknown;
        }

        var tag = unit[(i + 1)..];
        var pos = tag.IndexOfAny(NameEnd);
        while (pos >= 0)
        {
            var skip = tag[pos..].IndexOfAnyExcept(" \t\r\n"u8);
            if (skip < 0)
            {
                return SenderKind.Unknown;
            }

            pos += skip;
            if (tag[pos] is (byte)'>' or (byte)'/')
            {
                return SenderKind.Sender; // no 'from': the server, or this session's own account
            }

            var equals = tag[pos..].IndexOf((byte)'=');
            if (equals < 0 || pos + equals + 1 >= tag.Length)
            {
                return SenderKind.Unknown;
            }

            var name = tag.Slice(pos, equals).TrimEnd(" \t\r\n"u8);
            pos += equals + 1;
            var quoteAt = tag[pos..].IndexOfAnyExcept(" \t\r\n"u8);
            if (quoteAt < 0)
            {
                return SenderKind.Unknown;
            }

            pos += quoteAt;
            var quote = tag[pos];
            if (quote is not ((byte)'\'' or (byte)'"'))
            {
                return SenderKind.Unknown;
            }

            // A value never holds its own quote character, so this end is exact whatever the value contains.
            var close = tag[(pos + 1)..].IndexOf(quote);
            if (close < 0)
            {
                return SenderKind.Unknown;
            }

            if (name.SequenceEqual("from"u8))
            {
                from = tag.Slice(pos + 1, close);
                return SenderKind.Sender;
            }

            pos += close + 2;
            if (pos >= tag.Length)
            {
                return SenderKind.Unknown;
            }
        }

        return SenderKind.Unknown;
    }

    private static int CopyPrefix(scoped in OutboundParts parts, Span<byte> destination)
    {
        var written = 0;
        Append(parts.P0, destination, ref written);
        Append(parts.P1, destination, ref written);
        Append(parts.P2, destination, ref written);
        Append(parts.P3, destination, ref written);
        Append(parts.P4, destination, ref written);
        Append(parts.P5, destination, ref written);
        return written;
    }

    private static void Append(ReadOnlySpan<byte> part, Span<byte> destination, ref int written)
    {
        var take = Math.Min(part.Length, destination.Length - written);
        part[..take].CopyTo(destination[written..]);
        written += take;
    }
}
