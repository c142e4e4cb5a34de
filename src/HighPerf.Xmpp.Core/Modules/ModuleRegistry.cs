using System.Diagnostics.CodeAnalysis;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// What the enabled modules handle. Filled once at start-up by <see cref="IXmppModule.Register"/>, read
/// without locks afterwards. Iq dispatch is keyed by the payload's namespace and name as bytes, looked up
/// with a span so that dispatch decodes no strings.
/// </summary>
public sealed class ModuleRegistry
{
    private const int MaxKeyBytes = 512;
    private readonly Dictionary<byte[], IqHandlerEntry> _iqHandlers = new(new Utf8KeyComparer());
    private readonly Dictionary<byte[], IStreamElementHandler> _streamElementHandlers = new(new Utf8KeyComparer());
    private readonly List<string> _features = [];
    private readonly List<DiscoIdentity> _identities = [];
    private readonly List<string> _enabledModules = [];
    private readonly List<IStreamFeatureProvider> _streamFeatures = [];
    private readonly List<IStreamFeatureProvider> _preAuthStreamFeatures = [];
    private readonly List<ISessionObserver> _sessionObservers = [];
    private readonly List<IStanzaInterceptor> _interceptors = [];
    private readonly List<string> _hostedDomainNames = [];
    private (byte[] Domain, IHostedDomainHandler Handler)[] _hostedDomains = [];
    private readonly List<Action> _stopHandlers = [];
    private IMessageDeliveryObserver[] _deliveryObservers = [];
    private string _currentModule = "core";
    private bool _sealed;

    public IReadOnlyList<string> EnabledModules => _enabledModules;

    /// <summary>Disco features of the server (XEP-0030), in registration order.</summary>
    public IReadOnlyList<string> Features => _features;

    public IReadOnlyList<DiscoIdentity> Identities => _identities;

    public IReadOnlyList<IStreamFeatureProvider> StreamFeatures => _streamFeatures;

    /// <summary>Features offered before authentication, after the SASL mechanisms (XEP-0077's &lt;register/&gt;).</summary>
    public IReadOnlyList<IStreamFeatureProvider> PreAuthStreamFeatures => _preAuthStreamFeatures;

    public IReadOnlyList<ISessionObserver> SessionObservers => _sessionObservers;

    public IReadOnlyList<IStanzaInterceptor> Interceptors => _interceptors;

    /// <summary>Domains hosted by modules (normalized), for the server's disco#items.</summary>
    public IReadOnlyList<string> HostedDomains => _hostedDomainNames;
    /// <summary>Observers of local message deliveries (an array: the router walks it per message without boxing).</summary>
    public ReadOnlySpan<IMessageDeliveryObserver> MessageDeliveryObservers => _deliveryObservers;

    public IPresenceHandler? Presence { get; private set; }

    public IUndeliverableMessageHandler? UndeliverableMessages { get; private set; }

    /// <summary>The delivery gate (at most one), or null.</summary>
    public IDeliveryGate? DeliveryGate { get; private set; }

    /// <summary>How many of <see cref="Interceptors"/> run before the <see cref="DeliveryGate"/> (those registered before it).</summary>
    public int InterceptorsBeforeGate { get; private set; }

    public bool IsEnabled(string module) => _enabledModules.Contains(module);

    public void AddIqHandler(ReadOnlySpan<byte> namespaceName, ReadOnlySpan<byte> localName, IqTarget targets, IIqHandler handler)
    {
        EnsureOpen();
        var key = MakeKey(namespaceName, localName);
        if (!_iqHandlers.TryAdd(key, new IqHandlerEntry(_currentModule, targets, handler)))
        {
            throw new InvalidOperationException($"Module '{_currentModule}' registers an iq payload another module already handles.");
        }
    }

    public void AddStreamElementHandler(ReadOnlySpan<byte> namespaceName, IStreamElementHandler handler)
    {
        EnsureOpen();
        _streamElementHandlers.Add(namespaceName.ToArray(), handler);
    }

    public void AddFeature(string feature)
    {
        EnsureOpen();
        if (!_features.Contains(feature))
        {
            _features.Add(feature);
        }
    }

    public void AddIdentity(DiscoIdentity identity)
    {
        EnsureOpen();
        _identities.Add(identity);
    }

    public void AddStreamFeatures(IStreamFeatureProvider provider)
    {
        EnsureOpen();
        _streamFeatures.Add(provider);
    }

    /// <summary>Adds features to the stream features offered before authentication (once TLS is up where required).</summary>
    public void AddPreAuthStreamFeatures(IStreamFeatureProvider provider)
    {
        EnsureOpen();
        _preAuthStreamFeatures.Add(provider);
    }

    /// <summary>Work to do when the server stops, after the listeners closed and before the store's final commit
    /// (e.g. ending XEP-0198 detached sessions so that their unacknowledged messages are stored).</summary>
    public void AddStopHandler(Action handler)
    {
        EnsureOpen();
        _stopHandlers.Add(handler);
    }

    public IReadOnlyList<Action> StopHandlers => _stopHandlers;

    public void AddSessionObserver(ISessionObserver observer)
    {
        EnsureOpen();
        _sessionObservers.Add(observer);
    }

    public void AddInterceptor(IStanzaInterceptor interceptor)
    {
        EnsureOpen();
        _interceptors.Add(interceptor);
    }

    /// <summary>
    /// Hands every client stanza addressed to <paramref name="normalizedDomain"/> (or a JID at it) to
    /// <paramref name="handler"/>. The domain must be normalized (RFC 7622) and must not be a served domain.
    /// </summary>
    public void AddHostedDomain(string normalizedDomain, IHostedDomainHandler handler)
    {
        EnsureOpen();
        if (_hostedDomainNames.Contains(normalizedDomain))
        {
            throw new InvalidOperationException($"Module '{_currentModule}' hosts domain '{normalizedDomain}' that another module already hosts.");
        }

        _hostedDomainNames.Add(normalizedDomain);
        _hostedDomains = [.. _hostedDomains, (System.Text.Encoding.UTF8.GetBytes(normalizedDomain), handler)];
    }

    /// <summary>The handler hosting <paramref name="domain"/> (normalized); allocation-free (a few entries at most).</summary>
    public bool TryGetHostedDomain(ReadOnlySpan<byte> domain, [NotNullWhen(true)] out IHostedDomainHandler? handler)
    {
        foreach (var (hosted, candidate) in _hostedDomains)
        {
            if (hosted.AsSpan().SequenceEqual(domain))
            {
                handler = candidate;
                return true;
            }
        }

        handler = null;
        return false;
    }

    public void AddMessageDeliveryObserver(IMessageDeliveryObserver observer)
    {
        EnsureOpen();
        _deliveryObservers = [.. _deliveryObservers, observer];
    }

    public void SetPresenceHandler(IPresenceHandler handler)
    {
        EnsureOpen();
        Presence = handler;
    }

    /// <summary>Installs the delivery gate; interceptors registered so far run before it, later ones after it.</summary>
    public void SetDeliveryGate(IDeliveryGate gate)
    {
        EnsureOpen();
        if (DeliveryGate is not null)
        {
            throw new InvalidOperationException($"Module '{_currentModule}' installs a delivery gate; another module already did.");
        }

        DeliveryGate = gate;
        InterceptorsBeforeGate = _interceptors.Count;
    }

    public void SetUndeliverableMessageHandler(IUndeliverableMessageHandler handler)
    {
        EnsureOpen();
        UndeliverableMessages = handler;
    }

    public bool TryGetIqHandler(ReadOnlySpan<byte> namespaceName, ReadOnlySpan<byte> localName, [NotNullWhen(true)] out IqHandlerEntry? entry)
    {
        var length = namespaceName.Length + 1 + localName.Length;
        if (length > MaxKeyBytes)
        {
            entry = null;
            return false;
        }

        Span<byte> key = stackalloc byte[length];
        WriteKey(key, namespaceName, localName);
        return _iqHandlers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out entry);
    }

    public bool TryGetStreamElementHandler(ReadOnlySpan<byte> namespaceName, [NotNullWhen(true)] out IStreamElementHandler? handler)
        => _streamElementHandlers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(namespaceName, out handler);

    internal void BeginModule(string name)
    {
        EnsureOpen();
        if (_enabledModules.Contains(name))
        {
            throw new InvalidOperationException($"Module '{name}' is registered twice.");
        }

        _currentModule = name;
        _enabledModules.Add(name);
    }

    internal void Seal()
    {
        _currentModule = "core";
        _sealed = true;
    }

    private void EnsureOpen()
    {
        if (_sealed)
        {
            throw new InvalidOperationException("Modules register at start-up only.");
        }
    }

    private static byte[] MakeKey(ReadOnlySpan<byte> namespaceName, ReadOnlySpan<byte> localName)
    {
        var key = new byte[namespaceName.Length + 1 + localName.Length];
        if (key.Length > MaxKeyBytes)
        {
            throw new ArgumentException("Iq payload name and namespace are too long.", nameof(namespaceName));
        }

        WriteKey(key, namespaceName, localName);
        return key;
    }

    private static void WriteKey(Span<byte> key, ReadOnlySpan<byte> namespaceName, ReadOnlySpan<byte> localName)
    {
        namespaceName.CopyTo(key);
        key[namespaceName.Length] = (byte)' ';
        localName.CopyTo(key[(namespaceName.Length + 1)..]);
    }
}
