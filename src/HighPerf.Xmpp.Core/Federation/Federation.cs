using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// Server-to-server federation (RFC 6120 s2s, XEP-0220 dialback, SASL EXTERNAL): the outbound link of each domain
/// pair, the dialback secret, the remote senders of inbound stanzas, and the count of inbound streams per peer.
/// For the router, another domain is one more kind of route: <see cref="SendFromLocal"/>.
/// </summary>
public sealed class Federation
{
    private readonly XmppServer _server;
    private readonly ConcurrentDictionary<byte[], OutboundLink> _links = new(Utf8KeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], OutboundLink>.AlternateLookup<ReadOnlySpan<byte>> _linksBySpan;
    private readonly ConcurrentDictionary<byte[], XmppSession> _entities = new(Utf8KeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], XmppSession>.AlternateLookup<ReadOnlySpan<byte>> _entitiesBySpan;
    private readonly ConcurrentDictionary<string, int> _inboundPerDomain = new(StringComparer.Ordinal);
    private IRemoteConnector? _connector;

    public Federation(XmppServer server, FederationOptions options, ReadOnlySpan<byte> dialbackSecret)
    {
        _server = server;
        Options = options;
        Keys = new DialbackKey(dialbackSecret);
        Logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Federation");
        Bouncer = new QueuedStanzaBouncer(server);
        _linksBySpan = _links.GetAlternateLookup<ReadOnlySpan<byte>>();
        _entitiesBySpan = _entities.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public XmppServer Server => _server;

    public FederationOptions Options { get; }

    public DialbackKey Keys { get; }

    public ILogger Logger { get; }

    internal QueuedStanzaBouncer Bouncer { get; }

    /// <summary>The transport's connector; set once before the first stanza can be routed.</summary>
    public IRemoteConnector Connector
    {
        get => _connector ?? throw new InvalidOperationException("Federation has no connector.");
        set => _connector = value;
    }

    /// <summary>Outbound links (for admin commands and tests; a snapshot).</summary>
    public IEnumerable<OutboundLink> Links => _links.Values;

    /// <summary>True for a domain we answer for on s2s streams: a served domain or a module's hosted one (MUC).</summary>
    public bool IsServedDomain(ReadOnlySpan<byte> domain)
        => _server.IsLocalDomain(domain) || _server.Modules.TryGetHostedDomain(domain, out _);

    /// <summary>
    /// Routes a stanza from a local session to another domain: copied once, with its 'from' stamped, into the link of
    /// the pair (sender's domain, remote domain). A full queue bounces it with resource-constraint.
    /// </summary>
    public void SendFromLocal(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        var bare = sender.BareJid;
        var local = JidParts.OfNormalized(bare).Domain(bare);
        var link = LinkFor(local, toParts.Domain(to));
        if (!link.Send(StanzaSlices.Of(element, cutTo: false).With(sender.FromAttribute, default)))
        {
            sender.SendError(element, StanzaErrorCondition.ResourceConstraint, to);
        }
    }

    /// <summary>Queues bytes our server composed (from <paramref name="localDomain"/> or one of its JIDs) for the remote domain.</summary>
    public bool Send(ReadOnlySpan<byte> localDomain, ReadOnlySpan<byte> remoteDomain, scoped in Buffers.OutboundParts parts)
        => LinkFor(localDomain, remoteDomain).Send(parts);

    /// <summary>The link of a domain pair, created on first use (no allocation once it exists).</summary>
    public OutboundLink LinkFor(ReadOnlySpan<byte> localDomain, ReadOnlySpan<byte> remoteDomain)
    {
        Span<byte> key = stackalloc byte[localDomain.Length + 1 + remoteDomain.Length];
        PairKey(localDomain, remoteDomain, key);
        if (_linksBySpan.TryGetValue(key, out var link))
        {
            return link;
        }

        var local = _server.FindDomain(localDomain) ?? localDomain.ToArray();
        var remote = remoteDomain.ToArray();
        return _links.GetOrAdd(key.ToArray(), _ => new OutboundLink(this, local, remote));
    }

    /// <summary>
    /// The stand-in session of a remote entity that sent a stanza to <paramref name="localDomain"/> (or one of its
    /// JIDs): replies and errors written to it go back over the pair's link. Kept per JID so that a deferred reply
    /// still knows its addressee; the set is bounded by <see cref="FederationOptions.MaxRemoteEntities"/>.
    /// </summary>
    public XmppSession RemoteEntity(ReadOnlySpan<byte> localDomain, ReadOnlySpan<byte> jid, in JidParts parts)
    {
        Span<byte> key = stackalloc byte[localDomain.Length + 1 + jid.Length];
        PairKey(localDomain, jid, key);
        if (_entitiesBySpan.TryGetValue(key, out var entity))
        {
            return entity;
        }

        if (_entities.Count >= Options.MaxRemoteEntities)
        {
            // Forgetting stand-ins loses nothing: a later stanza makes a new one, and replies already queued keep theirs.
            _entities.Clear();
        }

        var link = LinkFor(localDomain, parts.Domain(jid));
        var created = XmppSession.ForRemoteEntity(_server, new RemoteEntityTransport(link), jid, parts);
        return _entities.GetOrAdd(key.ToArray(), created);
    }

    /// <summary>Counts an inbound stream authenticated for <paramref name="remoteDomain"/>; false over the limit.</summary>
    internal bool TryAdmitInbound(string remoteDomain)
    {
        while (true)
        {
            var count = _inboundPerDomain.GetValueOrDefault(remoteDomain);
            if (count >= Options.MaxInboundStreamsPerDomain)
            {
                return false;
            }

            if (count == 0 ? _inboundPerDomain.TryAdd(remoteDomain, 1) : _inboundPerDomain.TryUpdate(remoteDomain, count + 1, count))
            {
                return true;
            }
        }
    }

    internal void ReleaseInbound(string remoteDomain)
    {
        while (_inboundPerDomain.TryGetValue(remoteDomain, out var count))
        {
            if (count <= 1 ? _inboundPerDomain.TryRemove(new KeyValuePair<string, int>(remoteDomain, count)) : _inboundPerDomain.TryUpdate(remoteDomain, count - 1, count))
            {
                return;
            }
        }
    }

    private static void PairKey(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        // NUL never occurs in a JID (RFC 7622), so the pair is unambiguous.
        first.CopyTo(destination);
        destination[first.Length] = 0;
        second.CopyTo(destination[(first.Length + 1)..]);
    }
}
