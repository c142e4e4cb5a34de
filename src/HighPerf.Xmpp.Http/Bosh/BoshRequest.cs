using HighPerf.Xmpp.Http.Framing;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>The attributes of one request's &lt;body/&gt; wrapper (XEP-0124 §7, XEP-0206), read from its raw bytes.</summary>
internal readonly ref struct BoshRequest
{
    private static ReadOnlySpan<byte> NsXml => "http://www.w3.org/XML/1998/namespace"u8;

    private BoshRequest(XmlElementReader body, long rid)
    {
        Body = body;
        Rid = rid;
    }

    public XmlElementReader Body { get; }

    public long Rid { get; }

    /// <summary>The stanzas (or SASL/bind elements) the body carries.</summary>
    public ReadOnlySpan<byte> Payload => Body.InnerRaw;

    public ReadOnlySpan<byte> Sid => Attribute("sid"u8);

    public ReadOnlySpan<byte> To => Attribute("to"u8);

    public ReadOnlySpan<byte> Lang => Body.TryGetAttribute("lang"u8, NsXml, out var value) ? value : default;

    public ReadOnlySpan<byte> XmppVersion => Body.TryGetAttribute("version"u8, FramingNames.NsXBosh, out var value) ? value : default;

    public bool IsRestart => Body.TryGetAttribute("restart"u8, FramingNames.NsXBosh, out var value) && value.SequenceEqual("true"u8);

    public bool IsTerminate => Attribute("type"u8).SequenceEqual("terminate"u8);

    /// <summary>The client asked for acknowledgements (XEP-0124 §9) by sending 'ack' at session creation.</summary>
    public bool WantsAcks => Body.TryGetAttribute("ack"u8, out _);

    public int IntAttribute(ReadOnlySpan<byte> name, int fallback)
        => int.TryParse(Attribute(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public ReadOnlySpan<byte> Attribute(ReadOnlySpan<byte> name) => Body.TryGetAttribute(name, out var value) ? value : default;

    /// <summary>Parses a request body; false (with the XEP-0124 condition) when it is not a usable &lt;body/&gt;.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out BoshRequest request, out string condition)
    {
        request = default;
        var body = XmlElementReader.Create(bytes.Trim(" \t\r\n"u8), default);
        if (!body.IsValid || !body.Is("body"u8, FramingNames.NsHttpBind))
        {
            condition = "bad-request";
            return false;
        }

        if (!body.TryGetAttribute("rid"u8, out var ridText)
            || !long.TryParse(ridText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rid)
            || rid <= 0)
        {
            condition = "bad-request";
            return false;
        }

        request = new BoshRequest(body, rid);
        condition = "";
        return true;
    }
}
