using System.Globalization;
using System.Text;

namespace HighPerf.LoadGen;

/// <summary>
/// The roster layout of roster-provision: user i subscribes to the next K/2 users (i+1 … i+K/2, modulo N), each of
/// whom approves and subscribes back, which i approves; every roster ends with K contacts in subscription "both".
/// The receive loop asks <see cref="Answer"/> what to reply to an incoming subscription request.
/// </summary>
internal sealed class RosterRing(Options options)
{
    private readonly int _half = Math.Max(1, options.Contacts / 2);

    /// <summary>How many "subscribed" answers each user receives once the ring is complete.</summary>
    public int ExpectedPerUser => 2 * _half;

    public IEnumerable<string> Targets(int index)
    {
        for (var d = 1; d <= _half && d < options.Users; d++)
        {
            yield return Jid((index + d) % options.Users);
        }
    }

    /// <summary>Approves a request from <paramref name="from"/>; subscribes back when the requester is one of the K/2 users before us.</summary>
    public string Answer(int index, ReadOnlySpan<byte> from)
    {
        var bare = Encoding.UTF8.GetString(from);
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        bare = slash < 0 ? bare : bare[..slash];
        var approve = $"<presence type='subscribed' to='{bare}'/>";
        var at = bare.IndexOf('@', StringComparison.Ordinal);
        if (at <= options.UserPrefix.Length
            || !int.TryParse(bare.AsSpan(options.UserPrefix.Length, at - options.UserPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return approve;
        }

        var distance = ((index - (number - options.FirstUser)) % options.Users + options.Users) % options.Users;
        return distance >= 1 && distance <= _half ? approve + $"<presence type='subscribe' to='{bare}'/>" : approve;
    }

    private string Jid(int index) => $"{options.UserName(index)}@{options.Domain}";
}
