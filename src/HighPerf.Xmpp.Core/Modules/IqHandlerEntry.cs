namespace HighPerf.Xmpp.Core.Modules;

public sealed record IqHandlerEntry(string Module, IqTarget Targets, IIqHandler Handler);
