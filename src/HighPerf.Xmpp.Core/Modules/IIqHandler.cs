namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Answers iqs of one payload (element name + namespace). Called on the sender's event loop with spans that
/// are valid only during the call; work that must outlive it (a durable write) takes a
/// <see cref="DeferredIqReply"/> from <see cref="IqRequest.Defer"/>. Every get/set must be answered.
/// </summary>
public interface IIqHandler
{
    void HandleIq(ref IqRequest request);
}
