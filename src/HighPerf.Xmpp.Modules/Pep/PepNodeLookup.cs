using System.Diagnostics.CodeAnalysis;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>The first step of every request on an existing node: the node its element names, on the account asked.</summary>
internal static class PepNodeLookup
{
    /// <summary>
    /// The node named by <paramref name="element"/>'s <c>node</c> attribute on <paramref name="owner"/>'s account.
    /// False once the request is answered: <c>nodeid-required</c> without the attribute (XEP-0060 §7.1.3.3, §8.2.3.3),
    /// <c>item-not-found</c> for a node the account does not have.
    /// </summary>
    public static bool TryFind(ref IqRequest request, XmlElementReader element, ReadOnlySpan<byte> owner,
        [NotNullWhen(true)] out byte[]? node, [NotNullWhen(true)] out PepNodeRecord? record)
    {
        record = null;
        node = CapsText.AttributeBytes(element, "node"u8, PepNames.MaxNameBytes);
        if (node is null)
        {
            request.Defer().ReplyError(PepNames.NodeIdRequired);
            return false;
        }

        record = request.Server.Store.Pep.GetNode(owner, node);
        if (record is null)
        {
            request.ReplyError(StanzaErrorCondition.ItemNotFound);
            return false;
        }

        return true;
    }
}
