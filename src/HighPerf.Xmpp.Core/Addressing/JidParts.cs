namespace HighPerf.Xmpp.Core.Addressing;

/// <summary>
/// Where the parts of a normalized JID lie in its buffer: <c>[local '@'] domain ['/' resource]</c>.
/// A value type of three lengths, so it travels with the buffer at no cost.
/// </summary>
public readonly struct JidParts : IEquatable<JidParts>
{
    private readonly int _localLength;
    private readonly int _domainLength;
    private readonly int _resourceLength;

    internal JidParts(int localLength, int domainLength, int resourceLength)
    {
        _localLength = localLength;
        _domainLength = domainLength;
        _resourceLength = resourceLength;
    }

    /// <summary>Length of the localpart; 0 when there is none.</summary>
    public int LocalLength => _localLength;

    public bool HasLocal => _localLength > 0;

    public int DomainStart => _localLength > 0 ? _localLength + 1 : 0;

    public int DomainLength => _domainLength;

    /// <summary>Start of the resourcepart; -1 when there is none.</summary>
    public int ResourceStart => _resourceLength > 0 ? DomainStart + _domainLength + 1 : -1;

    /// <summary>Length of the resourcepart; 0 when there is none.</summary>
    public int ResourceLength => _resourceLength;

    public bool HasResource => _resourceLength > 0;

    /// <summary>Length of <c>local@domain</c> (or of the domain alone), which is also the prefix of the full JID.</summary>
    public int BareLength => DomainStart + _domainLength;

    /// <summary>Length of the whole normalized JID.</summary>
    public int TotalLength => _resourceLength > 0 ? BareLength + 1 + _resourceLength : BareLength;

    /// <summary>True for a default value (no domain), which no successful normalization returns.</summary>
    public bool IsEmpty => _domainLength == 0;

    public ReadOnlySpan<byte> Local(ReadOnlySpan<byte> jid) => jid[.._localLength];

    public ReadOnlySpan<byte> Domain(ReadOnlySpan<byte> jid) => jid.Slice(DomainStart, _domainLength);

    public ReadOnlySpan<byte> Resource(ReadOnlySpan<byte> jid)
        => _resourceLength > 0 ? jid.Slice(ResourceStart, _resourceLength) : default;

    public ReadOnlySpan<byte> Bare(ReadOnlySpan<byte> jid) => jid[..BareLength];

    /// <summary>
    /// The parts of a JID that is already normalized (from storage or from a previous normalization): splits
    /// on the first '/' and on the first '@' before it, without validating anything else.
    /// </summary>
    public static JidParts OfNormalized(ReadOnlySpan<byte> jid)
    {
        var slash = jid.IndexOf((byte)'/');
        var bare = slash < 0 ? jid : jid[..slash];
        var at = bare.IndexOf((byte)'@');
        var local = at < 0 ? 0 : at;
        var domain = at < 0 ? bare.Length : bare.Length - at - 1;
        return new JidParts(local, domain, slash < 0 ? 0 : jid.Length - slash - 1);
    }

    public bool Equals(JidParts other)
        => _localLength == other._localLength && _domainLength == other._domainLength && _resourceLength == other._resourceLength;

    public override bool Equals(object? obj) => obj is JidParts other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_localLength, _domainLength, _resourceLength);

    public static bool operator ==(JidParts left, JidParts right) => left.Equals(right);

    public static bool operator !=(JidParts left, JidParts right) => !left.Equals(right);
}
