using System.Net;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>One c2s listening socket. <paramref name="Compression"/>: offer XEP-0138 zlib after authentication
/// (closed deployments only: see the README on compression and CRIME).</summary>
public sealed record ListenerOptions(IPEndPoint EndPoint, bool DirectTls, bool Compression = false);
