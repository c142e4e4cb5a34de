using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// Iqs before authentication: only payloads a module registered for <see cref="IqTarget.Unauthenticated"/> (XEP-0077
/// in-band registration) are answered; anything else ends the stream as before (RFC 6120 §6.4.1).
/// </summary>
public sealed partial class XmppSession
{
    private bool HandlePreAuthIq(in XmlElement element)
    {
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (!reader.TryGetFirstChild(out var payload)
            || !_server.Modules.TryGetIqHandler(payload.Namespace, payload.LocalName, out var entry)
            || (entry.Targets & IqTarget.Unauthenticated) == 0)
        {
            CloseWithStreamError(StreamErrorCondition.NotAuthorized);
            return false;
        }

        var type = StanzaTypes.ParseIq(element.TypeValue);
        if (type is not (IqType.Get or IqType.Set) || !element.Id.IsPresent)
        {
            SendError(element, StanzaErrorCondition.BadRequest);
            return true;
        }

        var request = new IqRequest(this, element, type, default, IqTarget.Unauthenticated, payload);
        try
        {
            entry.Handler.HandleIq(ref request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            CoreLog.ModuleFailed(_server.Logger, entry.Module, ex);
        }

        if (!request.Answered)
        {
            SendError(element, StanzaErrorCondition.InternalServerError);
        }

        return _stage != StreamStage.Closed;
    }
}
