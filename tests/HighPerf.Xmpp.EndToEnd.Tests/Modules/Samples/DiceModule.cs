using System.Buffers.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules.Samples;

/// <summary>
/// The README's example of a custom module: the server answers
/// <c>&lt;iq type='get'&gt;&lt;roll xmlns='urn:example:dice' sides='20'/&gt;&lt;/iq&gt;</c> with
/// <c>&lt;roll xmlns='urn:example:dice' sides='20'&gt;17&lt;/roll&gt;</c> and lists the namespace in disco#info.
/// <see cref="CustomModuleTests"/> proves it end to end.
/// </summary>
public sealed class DiceModule : IXmppModule, IIqHandler
{
    public string Name => "dice";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddIqHandler("urn:example:dice"u8, "roll"u8, IqTarget.Server, this);
        registry.AddFeature("urn:example:dice");
    }

    // On the sender's event loop; the spans in the request are valid only during the call.
    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Get
            || !request.Payload.TryGetAttribute("sides"u8, out var raw)
            || !Utf8Parser.TryParse(raw, out int sides, out var used) || used != raw.Length
            || sides is < 2 or > 1000)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var writer = ScratchWriter.RentPayload();
        writer.Write("<roll xmlns='urn:example:dice' sides='"u8);
        writer.Write(raw);
        writer.Write("'>"u8);
        Utf8Formatter.TryFormat(Random.Shared.Next(1, sides + 1), writer.GetSpan(8), out var length);
        writer.Advance(length);
        writer.Write("</roll>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }
}
