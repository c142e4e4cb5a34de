using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Storage.Abstractions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// XEP-0313 §4: iq get returns the query form; iq set runs the query against the user's own archive (no 'to' or
/// the own bare JID; anyone else's is the router's service-unavailable), sends each result as a message to the
/// querying resource, then the &lt;fin/&gt; with the XEP-0059 set (first, last, count) and complete='true' when the
/// page reaches the end in its direction. An id the archive does not hold is item-not-found.
/// </summary>
internal sealed class MamQueryHandler(MamOptions options, ILogger logger) : IIqHandler
{
    private static readonly byte[] QueryForm = BuildForm();

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type == IqType.Get)
        {
            request.ReplyResult(QueryForm);
            return;
        }

        var parsed = MamQueryRequest.Parse(request.Payload, options.DefaultPageSize, options.MaxPageSize, out var error);
        if (parsed is null)
        {
            request.ReplyError(error);
            return;
        }

        var session = request.Session;
        var owner = session.BareJid.ToArray();
        var from = request.To.ToArray();
        var reply = request.Defer();
        _ = RunAsync(request.Server.Store.Archive, session, owner, from, parsed, reply);
    }

    private async Task RunAsync(IArchiveStore archive, XmppSession session, byte[] owner, byte[] from, MamQueryRequest request, DeferredIqReply reply)
    {
        try
        {
            var page = await archive.QueryAsync(owner, request.Query).ConfigureAwait(false);
            if (page.UnknownId)
            {
                reply.ReplyError(StanzaErrorCondition.ItemNotFound);
                return;
            }

            var backward = request.Query.PageBefore is not null || request.Query.LastPage;
            var (messages, cut) = WithinBudget(page.Messages, backward);
            var firstIndex = page.FirstIndex + (backward ? cut : 0);
            var complete = page.Complete && cut == 0;
            if (request.FlipPage)
            {
                messages.Reverse();
            }

            using var writer = new PooledBufferWriter(4096);
            foreach (var message in messages)
            {
                writer.Reset();
                ArchiveResultWriter.WriteResult(writer, session.FullJid, from, request.QueryId, message);
                session.Send(writer.WrittenSpan);
            }

            writer.Reset();
            ArchiveResultWriter.WriteFin(writer, messages, complete, page.Count, firstIndex);
            reply.ReplyResult(writer.WrittenSpan);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, "archive query", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
        }
    }

    // Keeps the messages nearest the page's anchor that fit the byte budget (at least one); returns how many were cut.
    private static (List<ArchivedMessage> Messages, int Cut) WithinBudget(IReadOnlyList<ArchivedMessage> page, bool backward)
    {
        var kept = new List<ArchivedMessage>(page.Count);
        var bytes = 0;
        for (var i = 0; i < page.Count; i++)
        {
            var message = page[backward ? page.Count - 1 - i : i];
            bytes += message.Message.Length + ArchiveResultWriter.ResultOverheadBytes;
            if (kept.Count > 0 && bytes > ArchiveResultWriter.MaxPageBytes)
            {
                break;
            }

            kept.Add(message);
        }

        if (backward)
        {
            kept.Reverse();
        }

        return (kept, page.Count - kept.Count);
    }

    private static byte[] BuildForm()
    {
        using var writer = new PooledBufferWriter(1024);
        writer.Write("<query xmlns='urn:xmpp:mam:2'>"u8);
        var form = new DataFormWriter(writer);
        form.Begin("form"u8);
        form.FormType(MamNames.Namespace);
        form.Field("with", FieldTypes.JidSingle, null, false, []);
        form.Field("start", FieldTypes.TextSingle, null, false, []);
        form.Field("end", FieldTypes.TextSingle, null, false, []);
        form.Field("before-id", FieldTypes.TextSingle, null, false, []);
        form.Field("after-id", FieldTypes.TextSingle, null, false, []);
        form.Field("ids", FieldTypes.TextMulti, null, false, []);
        form.End();
        writer.Write("</query>"u8);
        return writer.ToArray();
    }
}
