using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// A parsed archive query (XEP-0313 §4): the data form's filters (with, start, end, and urn:xmpp:mam:2#extended's
/// before-id, after-id, ids), the XEP-0059 set (max, after, before), &lt;flip-page/&gt; and the queryid, turned into
/// an <see cref="ArchiveQuery"/>. A query is parsed once per request (not per message), so it may allocate.
/// </summary>
internal sealed class MamQueryRequest
{
    public required ArchiveQuery Query { get; init; }

    /// <summary>The raw queryid attribute (written back as given), or null.</summary>
    public byte[]? QueryId { get; init; }

    public bool FlipPage { get; init; }

    /// <summary>Parses the &lt;query/&gt;; on failure returns null with the error to answer.</summary>
    public static MamQueryRequest? Parse(XmlElementReader query, int defaultMax, int maxMax, out StanzaErrorCondition error)
    {
        error = StanzaErrorCondition.BadRequest;
        var request = new ArchiveQuery { Max = defaultMax };
        byte[]? queryId = query.TryGetAttribute("queryid"u8, out var rawId) ? rawId.ToArray() : null;
        if (query.TryGetAttribute("node"u8, out _))
        {
            error = StanzaErrorCondition.ItemNotFound; // a user archive has no nodes (those are pubsub's)
            return null;
        }

        var flip = false;
        foreach (var child in query.GetChildren())
        {
            if (child.Is("x"u8, DataForm.Namespace))
            {
                if (!ParseForm(child, ref request, out error))
                {
                    return null;
                }
            }
            else if (child.Is("set"u8, MamNames.Rsm))
            {
                if (!ParseSet(child, maxMax, ref request, out error))
                {
                    return null;
                }
            }
            else if (child.Is("flip-page"u8, MamNames.Ns))
            {
                flip = true;
            }
        }

        return new MamQueryRequest { Query = request, QueryId = queryId, FlipPage = flip };
    }

    private static bool ParseForm(XmlElementReader form, ref ArchiveQuery query, out StanzaErrorCondition error)
    {
        error = StanzaErrorCondition.BadRequest;
        if (form.TryGetAttribute("type"u8, out var type) && !type.SequenceEqual("submit"u8))
        {
            return false;
        }

        foreach (var field in form.GetChildren())
        {
            if (!field.Is("field"u8, DataForm.Namespace) || !field.TryGetAttribute("var"u8, out var name))
            {
                continue;
            }

            var values = Values(field);
            if (name.SequenceEqual("FORM_TYPE"u8))
            {
                if (values.Count != 1 || values[0] != MamNames.Namespace)
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("with"u8))
            {
                if (values.Count != 1 || !TryJid(values[0], out var bare, out var full))
                {
                    error = StanzaErrorCondition.JidMalformed;
                    return false;
                }

                query = query with { Peer = bare, PeerDetail = full };
            }
            else if (name.SequenceEqual("start"u8) || name.SequenceEqual("end"u8))
            {
                if (values.Count != 1 || !TryTime(values[0], out var micros))
                {
                    return false;
                }

                query = name.SequenceEqual("start"u8) ? query with { StartUs = micros } : query with { EndUs = micros };
            }
            else if (name.SequenceEqual("after-id"u8) || name.SequenceEqual("before-id"u8))
            {
                if (values.Count != 1)
                {
                    return false;
                }

                var id = IdOrUnknown(values[0]);
                query = name.SequenceEqual("after-id"u8) ? query with { AfterId = id } : query with { BeforeId = id };
            }
            else if (name.SequenceEqual("ids"u8))
            {
                query = query with { Ids = values.Select(IdOrUnknown).ToArray() };
            }
            else if (name.SequenceEqual("include-groupchat"u8))
            {
                // XEP-0313 §5.1.2: groupchat messages are never in a user's archive here, whatever the value.
            }
            else
            {
                error = StanzaErrorCondition.FeatureNotImplemented;
                return false;
            }
        }

        return true;
    }

    private static bool ParseSet(XmlElementReader set, int maxMax, ref ArchiveQuery query, out StanzaErrorCondition error)
    {
        error = StanzaErrorCondition.BadRequest;
        foreach (var child in set.GetChildren())
        {
            var text = Text(child);
            if (child.Is("max"u8, MamNames.Rsm))
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max))
                {
                    return false;
                }

                query = query with { Max = Math.Min(max, maxMax) };
            }
            else if (child.Is("after"u8, MamNames.Rsm))
            {
                if (text.Length == 0)
                {
                    return false;
                }

                query = query with { PageAfter = IdOrUnknown(text) };
            }
            else if (child.Is("before"u8, MamNames.Rsm))
            {
                query = text.Length == 0 ? query with { LastPage = true } : query with { PageBefore = IdOrUnknown(text) };
            }
            else if (child.Is("index"u8, MamNames.Rsm))
            {
                error = StanzaErrorCondition.FeatureNotImplemented; // XEP-0059 §2.6 lets a server not jump by index
                return false;
            }
        }

        if (query.PageAfter is not null && (query.PageBefore is not null || query.LastPage))
        {
            return false;
        }

        return true;
    }

    // An id we never issued cannot be in the archive: it is kept as one the store reports as unknown (item-not-found).
    private static ArchiveId IdOrUnknown(string text)
        => ArchiveId.TryParse(Encoding.UTF8.GetBytes(text), out var id) ? id : new ArchiveId(0);

    private static bool TryJid(string text, out byte[] bare, out byte[]? full)
    {
        bare = [];
        full = null;
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        var input = Encoding.UTF8.GetBytes(text);
        if (JidNormalizer.TryNormalize(input, buffer, out var length, out var parts) != JidError.None)
        {
            return false;
        }

        var jid = buffer[..length];
        bare = parts.Bare(jid).ToArray();
        full = parts.HasResource ? jid.ToArray() : null;
        return true;
    }

    /// <summary>XEP-0082 DateTime (a zone is required), as Unix microseconds.</summary>
    public static bool TryTime(string text, out long micros)
    {
        micros = 0;
        if (text.Length < 20 || !(text.EndsWith('Z') || text[^6] is '+' or '-'))
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return true;
    }

    private static List<string> Values(XmlElementReader field)
    {
        var values = new List<string>();
        foreach (var value in field.GetChildren())
        {
            if (value.Is("value"u8, DataForm.Namespace))
            {
                values.Add(Text(value));
            }
        }

        return values;
    }

    private static string Text(XmlElementReader element)
    {
        var length = element.GetTextLength();
        if (length <= 0)
        {
            return "";
        }

        var buffer = new byte[length];
        return element.TryGetText(buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written).Trim() : "";
    }
}
