namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>Namespaces and pre-encoded errors of XEP-0060/XEP-0163.</summary>
internal static class PepNames
{
    public const string Namespace = "http://jabber.org/protocol/pubsub";

    /// <summary>Longest node name or item id, in bytes (the store's limit).</summary>
    public const int MaxNameBytes = 1023;

    public static ReadOnlySpan<byte> Ns => "http://jabber.org/protocol/pubsub"u8;

    public static ReadOnlySpan<byte> OwnerNs => "http://jabber.org/protocol/pubsub#owner"u8;

    public static ReadOnlySpan<byte> EventNs => "http://jabber.org/protocol/pubsub#event"u8;

    public static ReadOnlySpan<byte> CapsNs => "http://jabber.org/protocol/caps"u8;

    public static ReadOnlySpan<byte> DiscoInfoNs => "http://jabber.org/protocol/disco#info"u8;

    public static ReadOnlySpan<byte> PublishOptionsFormType => "http://jabber.org/protocol/pubsub#publish-options"u8;

    public static ReadOnlySpan<byte> NodeConfigFormType => "http://jabber.org/protocol/pubsub#node_config"u8;

    /// <summary>The features a PEP service shows on the account (XEP-0163 §6.1, XEP-0060 §10).</summary>
    public static readonly string[] Features =
    [
        Namespace,
        Namespace + "#access-open",
        Namespace + "#access-presence",
        Namespace + "#access-whitelist",
        Namespace + "#auto-create",
        Namespace + "#config-node",
        Namespace + "#create-and-configure",
        Namespace + "#delete-nodes",
        Namespace + "#filtered-notifications",
        Namespace + "#item-ids",
        Namespace + "#last-published",
        Namespace + "#modify-affiliations",
        Namespace + "#persistent-items",
        Namespace + "#publish",
        Namespace + "#publish-options",
        Namespace + "#retract-items",
        Namespace + "#retrieve-affiliations",
        Namespace + "#retrieve-items",
        Namespace + "#retrieve-subscriptions",
    ];

    /// <summary>XEP-0060 §7.1.5: publish-options that the existing node does not match.</summary>
    public static ReadOnlySpan<byte> PreconditionNotMet =>
        "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §6.5.9.2: items of a presence-access node for someone without a subscription.</summary>
    public static ReadOnlySpan<byte> PresenceSubscriptionRequired =>
        "<error type='auth'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><presence-subscription-required xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §6.5.9.4: items of a whitelist node for someone not on the list.</summary>
    public static ReadOnlySpan<byte> ClosedNode =>
        "<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><closed-node xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.1.3.5 / §8.2.3.5: a form field value the service does not support.</summary>
    public static ReadOnlySpan<byte> InvalidOptions =>
        "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><invalid-options xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.2.3.3: a retract without an item id.</summary>
    public static ReadOnlySpan<byte> ItemRequired =>
        "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><item-required xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.1.3.6: a publish whose item carries no payload or more than one.</summary>
    public static ReadOnlySpan<byte> InvalidPayload =>
        "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><invalid-payload xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.1.3.4: a publish that names no node.</summary>
    public static ReadOnlySpan<byte> NodeIdRequired =>
        "<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><nodeid-required xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.1.3.6: an item larger than the service keeps.</summary>
    public static ReadOnlySpan<byte> PayloadTooBig =>
        "<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><payload-too-big xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §7.1.3.2-like: the account has as many nodes as it may (max-nodes-exceeded).</summary>
    public static ReadOnlySpan<byte> MaxNodesExceeded =>
        "<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><max-nodes-exceeded xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"u8;

    /// <summary>XEP-0060 §6.1.3.7 and kin: a feature the service does not offer (&lt;unsupported feature/&gt;).</summary>
    public static byte[] Unsupported(ReadOnlySpan<byte> feature)
    {
        ReadOnlySpan<byte> head = "<error type='cancel'><feature-not-implemented xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><unsupported xmlns='http://jabber.org/protocol/pubsub#errors' feature='"u8;
        ReadOnlySpan<byte> tail = "'/></error>"u8;
        var bytes = new byte[head.Length + feature.Length + tail.Length];
        head.CopyTo(bytes);
        feature.CopyTo(bytes.AsSpan(head.Length));
        tail.CopyTo(bytes.AsSpan(head.Length + feature.Length));
        return bytes;
    }
}
