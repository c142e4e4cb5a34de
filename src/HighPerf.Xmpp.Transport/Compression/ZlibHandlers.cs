using System.Diagnostics.CodeAnalysis;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>Creates a connection's XEP-0138 handler pair (zlib-in, zlib-out), inserted between TLS and the connection.</summary>
internal static class ZlibHandlers
{
    /// <remarks>DotNetty reflects on a handler's public methods to decide which events to skip; the dependencies keep
    /// their metadata under trimming and Native AOT.</remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ZlibInflateHandler))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ZlibDeflateHandler))]
    public static (ZlibInflateHandler Inflater, ZlibDeflateHandler Deflater) Create(CompressionOptions options, XmppSession session, int maxStanzaBytes)
    {
        var inflater = new ZlibInflateHandler(options, session, maxStanzaBytes);
        try
        {
            return (inflater, new ZlibDeflateHandler(options));
        }
        catch
        {
            inflater.HandlerRemoved(null!);
            throw;
        }
    }
}
