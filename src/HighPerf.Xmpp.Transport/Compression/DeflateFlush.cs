namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>How a deflate call ends (zlib's flush parameter).</summary>
internal enum DeflateFlush
{
    /// <summary>Keep data in the compressor; output appears when its buffers fill.</summary>
    None = LibZ.NoFlush,

    /// <summary>Emit everything so far, byte-aligned, so the peer can decode all of it; history is kept.</summary>
    Sync = LibZ.SyncFlush,

    /// <summary>As <see cref="Sync"/>, and forget the history: later output never refers to earlier input.</summary>
    Full = LibZ.FullFlush,
}
