using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// Subscriptions and affiliations as far as PEP has them: one's subscriptions (XEP-0060 §5.6: none explicit, PEP
/// subscriptions follow presence), one's affiliations (§5.7: owner of one's own nodes, member of the whitelists
/// one is on) and the owner's management of a node's affiliations (§8.9: whitelist members; the owner stays owner).
/// </summary>
internal static class PepAffiliations
{
    /// <summary>§5.6: the requester's explicit subscriptions at this service, which PEP does not have.</summary>
    public static void Subscriptions(ref IqRequest request, XmlElementReader subscriptions)
    {
        using var writer = new PooledBufferWriter(256);
        writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions"u8);
        if (CapsText.AttributeBytes(subscriptions, "node"u8, PepNames.MaxNameBytes) is { } node)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        }

        writer.Write("/></pubsub>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    /// <summary>§5.7: the requester's affiliations with the account's nodes (all, or the one named).</summary>
    public static void Affiliations(ref IqRequest request, XmlElementReader affiliations)
    {
        var owner = request.Account;
        var requester = request.Session.BareJid;
        var isOwner = requester.SequenceEqual(owner);
        var only = CapsText.AttributeBytes(affiliations, "node"u8, PepNames.MaxNameBytes);
        var pep = request.Server.Store.Pep;
        using var writer = new PooledBufferWriter(1024);
        writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub'><affiliations"u8);
        if (only is not null)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "node"u8, only);
        }

        writer.Write(">"u8);
        foreach (var node in pep.GetNodes(owner))
        {
            if ((only is not null && !node.AsSpan().SequenceEqual(only)) || pep.GetNode(owner, node) is not { } record)
            {
                continue;
            }

            if (isOwner || PepWhitelist.Contains(PepWhitelist.Read(record.Configuration), requester))
            {
                writer.Write("<affiliation"u8);
                EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
                writer.Write(isOwner ? " affiliation='owner'/>"u8 : " affiliation='member'/>"u8);
            }
        }

        writer.Write("</affiliations></pubsub>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    /// <summary>§8.9: the owner gets or sets a node's affiliations (owner, whitelist members).</summary>
    public static void Manage(ref IqRequest request, XmlElementReader affiliations, ILogger logger)
    {
        var owner = request.Session.BareJid.ToArray();
        if (!PepNodeLookup.TryFind(ref request, affiliations, owner, out var node, out var record))
        {
            return;
        }

        var pep = request.Server.Store.Pep;

        var members = PepWhitelist.Read(record.Configuration);
        if (request.Type == IqType.Get)
        {
            using var writer = new PooledBufferWriter(1024);
            writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
            writer.Write("><affiliation"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, owner);
            writer.Write(" affiliation='owner'/>"u8);
            foreach (var member in members)
            {
                writer.Write("<affiliation"u8);
                EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, member);
                writer.Write(" affiliation='member'/>"u8);
            }

            writer.Write("</affiliations></pubsub>"u8);
            request.ReplyResult(writer.WrittenSpan);
            return;
        }

        // Every change is checked before any is made (§8.9.2: the request succeeds or fails as a whole).
        foreach (var child in affiliations.GetChildren())
        {
            if (!child.Is("affiliation"u8, PepNames.OwnerNs))
            {
                continue;
            }

            if (!child.TryGetAttribute("jid"u8, out var jidText) || !Jid.TryParse(CapsText.Attribute(child, "jid"u8), out var jid) || jidText.IsEmpty)
            {
                request.ReplyError(StanzaErrorCondition.JidMalformed);
                return;
            }

            var bare = jid.Bare.ToArray();
            var value = CapsText.Attribute(child, "affiliation"u8);
            if (bare.AsSpan().SequenceEqual(owner))
            {
                if (value != "owner")
                {
                    request.ReplyError(StanzaErrorCondition.NotAcceptable); // the owner of a PEP node stays its owner
                    return;
                }

                continue;
            }

            switch (value)
            {
                case "member":
                    if (!PepWhitelist.Contains(members, bare))
                    {
                        members.Add(bare);
                    }

                    break;
                case "none":
                    members.RemoveAll(m => m.AsSpan().SequenceEqual(bare));
                    break;
                case "owner" or "publisher" or "publish-only" or "outcast":
                    request.Defer().ReplyError(PepNames.Unsupported(System.Text.Encoding.UTF8.GetBytes(value + "-affiliation")));
                    return;
                default:
                    request.ReplyError(StanzaErrorCondition.BadRequest);
                    return;
            }
        }

        if (members.Count > PepWhitelist.MaxMembers)
        {
            request.ReplyError(StanzaErrorCondition.ResourceConstraint);
            return;
        }

        var config = PepNodeConfig.Decode(record.Configuration);
        _ = VCard.StoredThen.ReplyAsync(pep.SetNodeAsync(owner, node, PepWhitelist.Encode(config, members), config.StoredItems).AsTask(), request.Defer(), logger, "pep affiliations");
    }
}
