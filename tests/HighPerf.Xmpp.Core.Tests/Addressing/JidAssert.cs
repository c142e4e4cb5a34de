using System.Text;
using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

/// <summary>String-level helpers over the byte API, for readable test cases.</summary>
internal static class JidAssert
{
    public static string Normalize(string input)
    {
        var error = TryNormalize(input, out var result, out _);
        Assert.True(error == JidError.None, $"'{input}' was rejected: {error}");
        return result;
    }

    public static JidError TryNormalize(string input, out string result, out JidParts parts)
        => TryNormalize(Encoding.UTF8.GetBytes(input), out result, out parts);

    public static JidError TryNormalize(byte[] input, out string result, out JidParts parts)
    {
        var buffer = new byte[JidNormalizer.MaxJidBytes];
        var error = JidNormalizer.TryNormalize(input, buffer, out var written, out parts);
        result = Encoding.UTF8.GetString(buffer, 0, written);
        return error;
    }

    public static void Rejected(string input, JidError expected = JidError.Malformed)
        => Assert.Equal(expected, TryNormalize(input, out _, out _));
}
