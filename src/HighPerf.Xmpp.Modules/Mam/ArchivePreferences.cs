using System.Buffers.Binary;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// A user's archiving preferences (XEP-0313 §6.1): the default and the bare JIDs always and never archived.
/// Stored as user data under <see cref="StoreKey"/>: <c>[version:1][default:1]</c> then the always list and the
/// never list, each <c>[count:2]([length:2][jid])*</c>.
/// </summary>
internal sealed class ArchivePreferences
{
    public static ReadOnlySpan<byte> StoreKey => "mam:prefs"u8;

    private const byte Version = 1;

    public ArchivePreferences(ArchiveDefault @default, byte[][] always, byte[][] never)
    {
        Default = @default;
        Always = always;
        Never = never;
    }

    public ArchiveDefault Default { get; }

    public byte[][] Always { get; }

    public byte[][] Never { get; }

    /// <summary>Whether a message with <paramref name="peer"/> (a bare JID) is archived; 'roster' is decided by the caller.</summary>
    public ArchiveDefault DecideFor(ReadOnlySpan<byte> peer)
    {
        if (Contains(Never, peer))
        {
            return ArchiveDefault.Never;
        }

        return Contains(Always, peer) ? ArchiveDefault.Always : Default;
    }

    public byte[] Encode()
    {
        using var writer = new PooledBufferWriter(64);
        writer.Write([Version, (byte)Default]);
        WriteList(writer, Always);
        WriteList(writer, Never);
        return writer.ToArray();
    }

    public static ArchivePreferences? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 6 || bytes[0] != Version || bytes[1] > (byte)ArchiveDefault.Roster)
        {
            return null;
        }

        var rest = bytes[2..];
        var always = ReadList(ref rest);
        var never = ReadList(ref rest);
        return always is null || never is null ? null : new ArchivePreferences((ArchiveDefault)bytes[1], always, never);
    }

    /// <summary>The &lt;prefs/&gt; element (XEP-0313 §6.1).</summary>
    public void WriteElement(PooledBufferWriter writer)
    {
        writer.Write("<prefs xmlns='urn:xmpp:mam:2' default='"u8);
        writer.Write(Default switch { ArchiveDefault.Always => "always"u8, ArchiveDefault.Never => "never"u8, _ => "roster"u8 });
        writer.Write("'>"u8);
        WriteJids(writer, "always"u8, Always);
        WriteJids(writer, "never"u8, Never);
        writer.Write("</prefs>"u8);
    }

    public static bool TryParseDefault(ReadOnlySpan<byte> value, out ArchiveDefault result)
    {
        result = value.SequenceEqual("always"u8) ? ArchiveDefault.Always
            : value.SequenceEqual("never"u8) ? ArchiveDefault.Never
            : ArchiveDefault.Roster;
        return value.SequenceEqual("always"u8) || value.SequenceEqual("never"u8) || value.SequenceEqual("roster"u8);
    }

    public override string ToString() => $"{Default} always=[{string.Join(',', Always.Select(Encoding.UTF8.GetString))}] never=[{string.Join(',', Never.Select(Encoding.UTF8.GetString))}]";

    private static bool Contains(byte[][] list, ReadOnlySpan<byte> jid)
    {
        foreach (var entry in list)
        {
            if (entry.AsSpan().SequenceEqual(jid))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteJids(PooledBufferWriter writer, ReadOnlySpan<byte> name, byte[][] jids)
    {
        writer.Write("<"u8);
        writer.Write(name);
        if (jids.Length == 0)
        {
            writer.Write("/>"u8);
            return;
        }

        writer.Write(">"u8);
        foreach (var jid in jids)
        {
            writer.Write("<jid>"u8);
            EscapingWriter.WriteEscaped(writer, jid);
            writer.Write("</jid>"u8);
        }

        writer.Write("</"u8);
        writer.Write(name);
        writer.Write(">"u8);
    }

    private static void WriteList(PooledBufferWriter writer, byte[][] list)
    {
        var span = writer.GetSpan(2);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)list.Length);
        writer.Advance(2);
        foreach (var jid in list)
        {
            span = writer.GetSpan(2);
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)jid.Length);
            writer.Advance(2);
            writer.Write(jid);
        }
    }

    private static byte[][]? ReadList(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        rest = rest[2..];
        var list = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 2)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            if (rest.Length < 2 + length)
            {
                return null;
            }

            list[i] = rest.Slice(2, length).ToArray();
            rest = rest[(2 + length)..];
        }

        return list;
    }
}
