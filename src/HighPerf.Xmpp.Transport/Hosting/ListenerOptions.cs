using System.Net;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>One c2s listening socket.</summary>
public sealed record ListenerOptions(IPEndPoint EndPoint, bool DirectTls);
