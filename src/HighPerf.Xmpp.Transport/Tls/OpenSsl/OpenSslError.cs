using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>Reads OpenSSL's thread-local error queue into text; the cold throw path for setup code.</summary>
internal static unsafe class OpenSslError
{
    /// <summary>Drains the error queue; returns the first (root-cause) entry's text, or null when empty.</summary>
    public static string? Drain()
    {
        string? first = null;
        ulong code;
        while ((code = LibCrypto.ERR_get_error()) != 0)
        {
            first ??= Describe(code);
        }

        return first;
    }

    public static string Describe(ulong code)
    {
        byte* text = stackalloc byte[256];
        LibCrypto.ERR_error_string_n(code, text, 256);
        var span = new ReadOnlySpan<byte>(text, 256);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    [DoesNotReturn]
    public static void Throw(string operation)
    {
        var reason = Drain() ?? "no OpenSSL error queued";
        throw new OpenSslException($"{operation} failed: {reason}");
    }
}
