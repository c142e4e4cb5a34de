using System.Runtime.InteropServices;
using System.Text;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// The <c>SSL_CTX</c>s of one certificate set: one per served domain (the first is the default one that every
/// <c>SSL</c> starts from; SNI may move it to another). Shared by all connections and reference counted:
/// <see cref="TlsServerContext.Reload"/> drops the context's own reference, and the set is freed when the last
/// connection made from it releases its reference, so the SNI callback never sees a freed set.
/// </summary>
internal sealed class OpenSslCertificateSet
{
    private readonly SafeSslContextHandle[] _contexts;
    private readonly byte[][] _domains;
    private GCHandle _self;
    private int _references = 1;

    private OpenSslCertificateSet(SafeSslContextHandle[] contexts, byte[][] domains)
    {
        _contexts = contexts;
        _domains = domains;
    }

    public SafeSslContextHandle DefaultContext => _contexts[0];

    /// <summary>Loads every certificate; throws <see cref="OpenSslException"/> naming the file that failed.</summary>
    public static OpenSslCertificateSet Load(IReadOnlyList<TlsCertificateFiles> certificates, TlsServerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfZero(certificates.Count);
        var contexts = new SafeSslContextHandle[certificates.Count];
        var domains = new byte[certificates.Count][];
        try
        {
            for (var i = 0; i < certificates.Count; i++)
            {
                contexts[i] = OpenSslContextFactory.Create(certificates[i], options);
                domains[i] = Encoding.ASCII.GetBytes(certificates[i].Domain.ToLowerInvariant());
            }
        }
        catch
        {
            foreach (var context in contexts)
            {
                context?.Dispose();
            }

            throw;
        }

        var set = new OpenSslCertificateSet(contexts, domains);
        set._self = GCHandle.Alloc(set, GCHandleType.Normal);
        var argument = GCHandle.ToIntPtr(set._self);
        foreach (var context in contexts)
        {
            OpenSslCallbacks.Install(context, argument);
        }

        return set;
    }

    /// <summary>Takes a reference for a new connection; false once the set has been freed.</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        // SSLs still alive keep their own OpenSSL references to the contexts; only ours goes here.
        foreach (var context in _contexts)
        {
            context.Dispose();
        }

        _self.Free();
    }

    /// <summary>The context for an SNI host name: exact domain, else its parent (one label up), else null.</summary>
    public SafeSslContextHandle? Find(ReadOnlySpan<byte> hostName)
    {
        var index = IndexOf(hostName);
        if (index < 0)
        {
            var dot = hostName.IndexOf((byte)'.');
            if (dot > 0)
            {
                index = IndexOf(hostName[(dot + 1)..]);
            }
        }

        return index < 0 ? null : _contexts[index];
    }

    private int IndexOf(ReadOnlySpan<byte> hostName)
    {
        for (var i = 0; i < _domains.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(hostName, _domains[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
