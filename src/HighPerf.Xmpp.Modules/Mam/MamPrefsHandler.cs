using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// XEP-0313 §6: get returns the user's preferences (the server's default with empty lists when never set); set
/// replaces them and answers with what is now stored, once durable. JIDs are kept as bare JIDs (messages are
/// matched by their peer's bare JID). A missing 'default' keeps the current one.
/// </summary>
internal sealed class MamPrefsHandler(PreferenceBook preferences, ILogger logger) : IIqHandler
{
    private const int MaxJids = 1000;

    public void HandleIq(ref IqRequest request)
    {
        var owner = request.Session.BareJid;
        var current = preferences.Get(owner) ?? new ArchivePreferences(preferences.ServerDefault, [], []);
        if (request.Type == IqType.Get)
        {
            Reply(ref request, current);
            return;
        }

        var payload = request.Payload;
        var @default = current.Default;
        if (payload.TryGetAttribute("default"u8, out var raw) && !ArchivePreferences.TryParseDefault(raw, out @default))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        if (!TryReadJids(payload, "always"u8, out var always) || !TryReadJids(payload, "never"u8, out var never))
        {
            request.ReplyError(StanzaErrorCondition.JidMalformed);
            return;
        }

        var prefs = new ArchivePreferences(@default, always, never);
        var reply = request.Defer();
        _ = SaveAsync(owner.ToArray(), prefs, reply);
    }

    private static void Reply(ref IqRequest request, ArchivePreferences prefs)
    {
        var writer = ScratchWriter.RentPayload();
        prefs.WriteElement(writer);
        request.ReplyResult(writer.WrittenSpan);
    }

    private async Task SaveAsync(byte[] owner, ArchivePreferences prefs, DeferredIqReply reply)
    {
        try
        {
            await preferences.SetAsync(owner, prefs).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, "archive preferences", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        using var writer = new PooledBufferWriter(512);
        prefs.WriteElement(writer);
        reply.ReplyResult(writer.WrittenSpan);
    }

    private static bool TryReadJids(XmlElementReader prefs, ReadOnlySpan<byte> listName, out byte[][] jids)
    {
        jids = [];
        if (!prefs.TryGetChild(listName, MamNames.Ns, out var list))
        {
            return true;
        }

        var result = new List<byte[]>();
        Span<byte> text = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
        foreach (var child in list.GetChildren())
        {
            if (!child.Is("jid"u8, MamNames.Ns))
            {
                continue;
            }

            if (result.Count >= MaxJids || child.GetTextLength() > text.Length || !child.TryGetText(text, out var length)
                || JidNormalizer.TryNormalize(text[..length].Trim(" \t\r\n"u8), normalized, out var written, out var parts) != JidError.None)
            {
                return false;
            }

            var bare = parts.Bare(normalized[..written]).ToArray();
            if (!result.Exists(existing => existing.AsSpan().SequenceEqual(bare)))
            {
                result.Add(bare);
            }
        }

        jids = [.. result];
        return true;
    }

}
