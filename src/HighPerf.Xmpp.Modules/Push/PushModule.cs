using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Disco;
using HighPerf.Xmpp.Modules.VCard;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Push;

/// <summary>
/// XEP-0357 push notifications. &lt;enable/&gt; and &lt;disable/&gt; (urn:xmpp:push:0) keep an account's app server
/// registrations in the store, answered after the commit. When a chat/normal message with a body arrives for a
/// user none of whose sessions would get it live (no session, only XEP-0198 detached ones, or no available one
/// for a bare-JID message, so it goes to offline storage), each registered app server gets a pubsub publish of
/// a urn:xmpp:push:summary form (message-count since the user was last bound, last-message-sender, the body
/// only when configured), with the registration's publish-options. App servers are reached by local JID only:
/// this server has no federation yet (remote domains are remote-server-not-found), so an app server here is a
/// local user's session (or a test client playing one).
/// </summary>
public sealed class PushModule(PushOptions options) : IXmppModule, IIqHandler, IStanzaInterceptor, ISessionObserver
{
    private static ReadOnlySpan<byte> Namespace => "urn:xmpp:push:0"u8;

    private readonly ConcurrentDictionary<byte[], int> _pending = new(new Utf8KeyComparer());
    private XmppServer? _server;
    private ILogger? _logger;
    private int _ids;

    public string Name => "push";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _server = server;
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        registry.AddIqHandler(Namespace, "enable"u8, IqTarget.OwnAccount, this);
        registry.AddIqHandler(Namespace, "disable"u8, IqTarget.OwnAccount, this);
        registry.AddInterceptor(this);
        registry.AddSessionObserver(this);
        DiscoContext.For(server).AddAccountFeature("urn:xmpp:push:0");
    }

    public void HandleIq(ref IqRequest request)
    {
        var payload = request.Payload;
        if (request.Type != IqType.Set || !payload.TryGetAttribute("jid"u8, out var jid) || !IsJid(jid))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var enable = payload.LocalName.SequenceEqual("enable"u8);
        var hasNode = payload.TryGetAttribute("node"u8, out var node) && !node.IsEmpty;
        if (enable && !hasNode)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest); // XEP-0357 §5: the node is required to enable
            return;
        }

        byte[] form = [];
        if (enable && payload.TryGetChild("x"u8, "jabber:x:data"u8, out var x))
        {
            if (!x.Prefix.IsEmpty)
            {
                request.ReplyError(StanzaErrorCondition.BadRequest); // stored bytes must declare their namespace
                return;
            }

            form = x.Raw.ToArray();
        }

        var server = request.Server;
        var user = request.Session.User!;
        byte[] value;
        lock (user.Gate)
        {
            // Read-modify-write per account under the user's gate; the store applies writes in order.
            var registrations = PushRegistrations.Parse(server.Store.UserData.Get(user.BareJid, PushRegistrations.StoreKey));
            var jidBytes = jid.ToArray();
            var nodeBytes = hasNode ? node.ToArray() : null;
            registrations.RemoveAll(r => r.Jid.AsSpan().SequenceEqual(jidBytes) && (nodeBytes is null || r.Node.AsSpan().SequenceEqual(nodeBytes)));
            if (enable)
            {
                if (registrations.Count >= options.MaxRegistrationsPerAccount)
                {
                    request.ReplyError(StanzaErrorCondition.ResourceConstraint);
                    return;
                }

                registrations.Add(new PushRegistration(jidBytes, nodeBytes!, form));
            }

            value = PushRegistrations.Serialize(registrations);
            var reply = request.Defer();
            _ = StoredThen.ReplyAsync(
                server.Store.UserData.SetAsync(user.BareJid, PushRegistrations.StoreKey.ToArray(), value), reply, _logger!, "push registration");
        }
    }

    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        if (kind != StanzaKind.Message || to.IsEmpty
            || StanzaTypes.ParseMessage(element.TypeValue) is not (MessageType.Chat or MessageType.Normal)
            || element.Raw.IndexOf("<body"u8) < 0)
        {
            return true;
        }

        var at = to.IndexOf((byte)'@');
        if (at <= 0)
        {
            return true;
        }

        var slash = to.IndexOf((byte)'/');
        var bare = slash < 0 ? to : to[..slash];
        var resource = slash < 0 ? default : to[(slash + 1)..];
        var server = _server!;
        if (!server.IsLocalDomain(bare[(at + 1)..]) || bare.SequenceEqual(sender.BareJid) || IsReachable(bare, resource))
        {
            return true;
        }

        // Rare path (the recipient is offline or detached): a store read, and allocation is fine.
        var stored = server.Store.UserData.Get(bare, PushRegistrations.StoreKey);
        if (stored is null)
        {
            return true;
        }

        try
        {
            Notify(bare, sender, element, PushRegistrations.Parse(stored));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, "push notification", ex);
        }

        return true;
    }

    public void OnBound(XmppSession session) => _pending.TryRemove(session.BareJid.ToArray(), out _);

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
    }

    /// <summary>Would the router hand this message to a live connection? (Detached sessions only keep it.)</summary>
    private bool IsReachable(ReadOnlySpan<byte> bare, ReadOnlySpan<byte> resource)
    {
        if (!_server!.Routes.TryGetUser(bare, out var user))
        {
            return false;
        }

        foreach (var session in user.Sessions)
        {
            if (!session.IsDetached && (session.IsAvailable || (!resource.IsEmpty && session.Resource.SequenceEqual(resource))))
            {
                return true;
            }
        }

        return false;
    }

    private void Notify(ReadOnlySpan<byte> bare, XmppSession sender, in XmlElement element, List<PushRegistration> registrations)
    {
        if (registrations.Count == 0)
        {
            return;
        }

        var count = _pending.AddOrUpdate(bare.ToArray(), 1, static (_, n) => n + 1);
        var body = default(ReadOnlySpan<byte>);
        if (options.IncludeBody
            && XmlElementReader.Create(element.Raw, XmppNames.NsClient).TryGetChild("body"u8, XmppNames.NsClient, out var bodyElement))
        {
            body = bodyElement.InnerRaw;
        }

        Span<byte> target = stackalloc byte[JidNormalizer.MaxJidBytes];
        foreach (var registration in registrations)
        {
            if (!JidText.TryNormalize(registration.Jid, target, out var length, out var parts))
            {
                continue;
            }

            var appServer = target[..length];
            if (!parts.HasLocal || !parts.HasResource || !_server!.IsLocalDomain(parts.Domain(appServer)))
            {
                // Needs federation (remote app servers) or a component: not reachable from this server yet.
                PushLog.Unreachable(_logger!, Encoding.UTF8.GetString(appServer));
                continue;
            }

            var session = _server!.Routes.FindSession(parts.Bare(appServer), parts.Resource(appServer));
            if (session is null)
            {
                PushLog.Unreachable(_logger!, Encoding.UTF8.GetString(appServer));
                continue;
            }

            using var writer = new PooledBufferWriter(512);
            WriteNotification(writer, bare, appServer, registration, count, sender.FullJid, body);
            session.Send(writer.WrittenSpan);
        }
    }

    private void WriteNotification(
        PooledBufferWriter writer, ReadOnlySpan<byte> user, ReadOnlySpan<byte> appServer, PushRegistration registration,
        int count, ReadOnlySpan<byte> lastSender, ReadOnlySpan<byte> body)
    {
        writer.Write("<iq type='set'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, user);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, appServer);
        writer.Write(" id='push-"u8);
        writer.Write(Encoding.ASCII.GetBytes(Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        writer.Write("'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish"u8);
        EscapingWriter.WriteAttribute(writer, "node"u8, registration.Node);
        writer.Write("><item><notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='form'>"u8);
        writer.Write("<field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field><field var='message-count'><value>"u8);
        writer.Write(Encoding.ASCII.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        writer.Write("</value></field><field var='last-message-sender'><value>"u8);
        EscapingWriter.WriteEscaped(writer, lastSender);
        writer.Write("</value></field>"u8);
        if (!body.IsEmpty)
        {
            writer.Write("<field var='last-message-body'><value>"u8);
            writer.Write(body);
            writer.Write("</value></field>"u8);
        }

        writer.Write("</x></notification></item></publish>"u8);
        if (registration.PublishOptions.Length > 0)
        {
            writer.Write("<publish-options>"u8);
            writer.Write(registration.PublishOptions);
            writer.Write("</publish-options>"u8);
        }

        writer.Write("</pubsub></iq>"u8);
    }

    private static bool IsJid(ReadOnlySpan<byte> raw)
    {
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        return JidText.TryNormalize(raw, buffer, out _, out _);
    }
}
