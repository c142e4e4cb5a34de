using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>Whether the system's OpenSSL 3 can be used.</summary>
internal static class OpenSslLibrary
{
    private static readonly Lazy<string?> Failure = new(Probe);

    /// <summary>Null when libssl.so.3 and libcrypto.so.3 load and report version 3 or later; else the reason.</summary>
    public static string? UnavailableReason => Failure.Value;

    public static bool IsAvailable => Failure.Value is null;

    public static string Version
    {
        get
        {
            var number = LibCrypto.OpenSSL_version_num();
            return $"{(number >> 28) & 0xf}.{(number >> 20) & 0xff}.{(number >> 4) & 0xffff}";
        }
    }

    private static string? Probe()
    {
        if (!NativeLibrary.TryLoad(LibSsl.Name, out _))
        {
            return $"{LibSsl.Name} not found";
        }

        if (!NativeLibrary.TryLoad(LibCrypto.Name, out _))
        {
            return $"{LibCrypto.Name} not found";
        }

        try
        {
            return LibCrypto.OpenSSL_version_num() >= 0x30000000UL ? null : "OpenSSL older than 3.0";
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return exception.Message;
        }
    }
}
