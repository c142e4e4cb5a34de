using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Offline;

/// <summary>
/// XEP-0160 offline messages: a chat or normal message for a user with no available resource is stored,
/// stamped with its sender and a XEP-0203 delay, and delivered in order at the user's next initial
/// presence with a non-negative priority. The sender hears nothing unless the user's queue is full.
/// </summary>
public sealed class OfflineModule : IXmppModule, IUndeliverableMessageHandler, ISessionObserver
{
    private XmppServer? _server;

    public string Name => "offline";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        if (!registry.IsEnabled("presence"))
        {
            throw new InvalidOperationException("The offline module needs the presence module.");
        }

        _server = server;
        registry.SetUndeliverableMessageHandler(this);
        registry.AddSessionObserver(this);
        registry.AddFeature("msgoffline");
        ImContext.For(server).OnInitialPresence(Deliver);
    }

    public bool TakeMessage(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> recipientBareJid)
    {
        var server = _server!;
        var stored = Stamp(element, sender.FromAttribute, server.DefaultDomain);
        var append = server.Store.Offline.AppendAsync(recipientBareJid.ToArray(), stored);
        if (append.IsCompletedSuccessfully)
        {
            if (append.Result == OfflineAppendResult.Stored)
            {
                server.Metrics.OfflineStored.Add(1);
                return true;
            }

            server.Metrics.OfflineRefused.Add(1);
            ModulesLog.OfflineFull(server.Logger, Encoding.UTF8.GetString(recipientBareJid));
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, recipientBareJid);
            return true;
        }

        // The append went on to wait for its commit: a full queue is reported from there.
        var rawId = element.Id.IsPresent ? element.IdValue.ToArray() : null;
        _ = BounceIfFullAsync(append, sender, rawId, recipientBareJid.ToArray());
        return true;
    }

    public void OnBound(XmppSession session)
    {
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
    }

    /// <summary>XEP-0198: messages a detached session moved to offline storage (its bound was crossed) arrive at
    /// the resume, after the resent backlog; their XEP-0203 delay stamps tell the client where they belong.</summary>
    public void OnResumed(XmppSession session, ResumeGap gap)
    {
        if ((gap & ResumeGap.MessagesStored) != 0 && session.IsAvailable)
        {
            Deliver(session);
        }
    }

    public bool TakeUnacknowledged(in XmlElement element, ReadOnlySpan<byte> recipientBareJid)
    {
        // XEP-0198: a message the ended session never acknowledged keeps its original sender's 'from'.
        var server = _server!;
        Span<byte> fromAttribute = stackalloc byte[element.FromValue.Length + 8];
        var fromLength = 0;
        if (element.From.IsPresent)
        {
            " from='"u8.CopyTo(fromAttribute);
            element.FromValue.CopyTo(fromAttribute[7..]);
            fromAttribute[^1] = (byte)'\'';
            fromLength = fromAttribute.Length;
        }

        var stored = Stamp(element, fromAttribute[..fromLength], server.DefaultDomain);
        var append = server.Store.Offline.AppendAsync(recipientBareJid.ToArray(), stored);
        if (append.IsCompletedSuccessfully)
        {
            if (append.Result != OfflineAppendResult.Stored)
            {
                server.Metrics.OfflineRefused.Add(1);
                return false;
            }

            server.Metrics.OfflineStored.Add(1);
            return true;
        }

        _ = LogIfNotStoredAsync(append, recipientBareJid.ToArray());
        return true;
    }

    private async Task LogIfNotStoredAsync(ValueTask<OfflineAppendResult> append, byte[] recipient)
    {
        try
        {
            if (await append == OfflineAppendResult.Stored)
            {
                _server!.Metrics.OfflineStored.Add(1);
                return;
            }

            _server!.Metrics.OfflineRefused.Add(1);
            ModulesLog.OfflineFull(_server!.Logger, Encoding.UTF8.GetString(recipient));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_server!.Logger, "offline append", ex);
        }
    }

    private async Task BounceIfFullAsync(ValueTask<OfflineAppendResult> append, XmppSession sender, byte[]? rawId, byte[] recipient)
    {
        try
        {
            if (await append == OfflineAppendResult.Stored)
            {
                _server!.Metrics.OfflineStored.Add(1);
                return;
            }

            ModulesLog.OfflineFull(_server!.Logger, Encoding.UTF8.GetString(recipient));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_server!.Logger, "offline append", ex);
        }

        _server!.Metrics.OfflineRefused.Add(1);

        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, XmppNames.Message, rawId, rawId is not null, recipient, sender.FullJid, StanzaErrorCondition.ServiceUnavailable);
        sender.Send(writer.WrittenSpan);
    }

    /// <summary>Delivers the stored messages to a resource that just sent initial presence.</summary>
    private void Deliver(XmppSession session)
    {
        if (session.Priority < 0)
        {
            return; // XEP-0160 §4: a negative priority says "do not send me offline messages"
        }

        var server = _server!;
        var user = session.User!;
        var offline = server.Store.Offline;
        lock (user.Gate)
        {
            if (offline.Count(user.BareJid) == 0)
            {
                return;
            }

            var messages = offline.ReadAll(user.BareJid);
            foreach (var message in messages)
            {
                session.Send(message.Stanza);
            }

            if (messages.Count > 0)
            {
                server.Metrics.OfflineDelivered.Add(messages.Count);
                _ = DeleteAsync(offline, user.BareJid, messages[^1].Sequence);
                ModulesLog.OfflineDelivered(server.Logger, messages.Count, Encoding.UTF8.GetString(session.FullJid));
            }
        }
    }

    private async Task DeleteAsync(IOfflineStore offline, byte[] user, long sequence)
    {
        try
        {
            await offline.DeleteThroughAsync(user, sequence);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_server!.Logger, "offline delete", ex);
        }
    }

    /// <summary>The message with the sender's 'from' and a XEP-0203 &lt;delay/&gt; as its last child.</summary>
    internal static byte[] Stamp(in XmlElement element, ReadOnlySpan<byte> fromAttribute, ReadOnlySpan<byte> domain)
    {
        using var writer = new PooledBufferWriter(element.Raw.Length + 160);
        var slices = StanzaSlices.Of(element, cutTo: false);
        writer.Write(slices.Head);
        writer.Write(fromAttribute);
        writer.Write(slices.S1);
        writer.Write(slices.S2);
        writer.Write(slices.S3);
        var written = writer.WrittenSpan;
        var qualifiedName = slices.Head[1..];
        int insertAt;
        if (element.IsEmpty)
        {
            insertAt = written.LastIndexOf("/>"u8);
        }
        else
        {
            insertAt = written.LastIndexOf("</"u8);
        }

        var tail = written[insertAt..].ToArray();
        var stanza = written[..insertAt].ToArray();
        writer.Reset();
        writer.Write(stanza);
        if (element.IsEmpty)
        {
            writer.Write(">"u8);
        }

        writer.Write("<delay xmlns='urn:xmpp:delay'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, domain);
        writer.Write(" stamp='"u8);
        var span = writer.GetSpan(32);
        DateTime.UtcNow.TryFormat(span, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        writer.Advance(length);
        writer.Write("'>Offline Storage</delay>"u8);
        if (element.IsEmpty)
        {
            writer.Write("</"u8);
            writer.Write(qualifiedName);
            writer.Write(">"u8);
        }
        else
        {
            writer.Write(tail);
        }

        return writer.ToArray();
    }
}
