using System.Diagnostics.CodeAnalysis;
using System.Text;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Xmpp.Core.Addressing;

/// <summary>
/// An immutable, normalized JID for code off the hot path (configuration, modules, tests). Equality is on the
/// normalized bytes. Hot code keeps bytes and <see cref="JidParts"/> from <see cref="JidNormalizer"/> instead.
/// </summary>
public sealed class Jid : IEquatable<Jid>
{
    private readonly byte[] _bytes;
    private readonly JidParts _parts;
    private string? _text;

    private Jid(byte[] bytes, JidParts parts)
    {
        _bytes = bytes;
        _parts = parts;
    }

    /// <summary>The normalized JID, UTF-8.</summary>
    public ReadOnlySpan<byte> Full => _bytes;

    /// <summary>The normalized bare JID (<c>local@domain</c> or the domain), UTF-8.</summary>
    public ReadOnlySpan<byte> Bare => _bytes.AsSpan(0, _parts.BareLength);

    public JidParts Parts => _parts;

    public bool HasLocal => _parts.HasLocal;

    public bool HasResource => _parts.HasResource;

    public bool IsBare => !_parts.HasResource;

    public string? Local => _parts.HasLocal ? Encoding.UTF8.GetString(_parts.Local(_bytes)) : null;

    public string Domain => Encoding.UTF8.GetString(_parts.Domain(_bytes));

    public string? Resource => _parts.HasResource ? Encoding.UTF8.GetString(_parts.Resource(_bytes)) : null;

    /// <summary>Parses and normalizes; throws <see cref="FormatException"/> when the text is not a valid JID.</summary>
    public static Jid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = TryCreate(Encoding.UTF8.GetBytes(text), out var jid);
        return jid ?? throw new FormatException($"'{text}' is not a valid JID ({error}).");
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        return text is not null && TryCreate(Encoding.UTF8.GetBytes(text), out jid) == JidError.None;
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out Jid? jid)
        => TryCreate(utf8, out jid) == JidError.None;

    /// <summary>The JID without its resource (this instance when it has none).</summary>
    public Jid ToBare()
        => IsBare ? this : new Jid(Bare.ToArray(), new JidParts(_parts.LocalLength, _parts.DomainLength, 0));

    public bool Equals(Jid? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as Jid);

    public override int GetHashCode() => Utf8KeyComparer.Hash(_bytes);

    public override string ToString() => _text ??= Encoding.UTF8.GetString(_bytes);

    public static bool operator ==(Jid? left, Jid? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Jid? left, Jid? right) => !(left == right);

    private static JidError TryCreate(ReadOnlySpan<byte> utf8, out Jid? jid)
    {
        jid = null;
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        var error = JidNormalizer.TryNormalize(utf8, buffer, out var written, out var parts);
        if (error == JidError.None)
        {
            jid = new Jid(buffer[..written].ToArray(), parts);
        }

        return error;
    }
}
