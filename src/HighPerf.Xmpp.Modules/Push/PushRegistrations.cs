using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Push;

/// <summary>One XEP-0357 registration: app server JID, node, and the publish-options form (raw, may be empty).</summary>
internal sealed record PushRegistration(byte[] Jid, byte[] Node, byte[] PublishOptions);

/// <summary>
/// An account's registrations as stored in user data under "push": &lt;push&gt;&lt;r jid='' node=''&gt;[form]&lt;/r&gt;…&lt;/push&gt;,
/// attribute values kept in their escaped form as received.
/// </summary>
internal static class PushRegistrations
{
    public static ReadOnlySpan<byte> StoreKey => "push"u8;

    public static List<PushRegistration> Parse(byte[]? stored)
    {
        var result = new List<PushRegistration>();
        if (stored is null || stored.Length == 0)
        {
            return result;
        }

        var root = XmlElementReader.Create(stored, default);
        foreach (var child in root.GetChildren())
        {
            if (child.TryGetAttribute("jid"u8, out var jid) && child.TryGetAttribute("node"u8, out var node))
            {
                result.Add(new PushRegistration(jid.ToArray(), node.ToArray(), child.InnerRaw.ToArray()));
            }
        }

        return result;
    }

    public static byte[] Serialize(List<PushRegistration> registrations)
    {
        using var writer = new PooledBufferWriter(256);
        writer.Write("<push>"u8);
        foreach (var registration in registrations)
        {
            writer.Write("<r"u8);
            EscapingWriter.WriteAttribute(writer, "jid"u8, registration.Jid);
            EscapingWriter.WriteAttribute(writer, "node"u8, registration.Node);
            writer.Write(">"u8);
            writer.Write(registration.PublishOptions);
            writer.Write("</r>"u8);
        }

        writer.Write("</push>"u8);
        return writer.ToArray();
    }
}
