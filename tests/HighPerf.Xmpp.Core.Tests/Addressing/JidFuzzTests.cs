using System.Text;
using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

public class JidFuzzTests
{
    private static readonly string[] Fragments =
    [
        "@", "/", ".", "[", "]", ":", "xn--", "-", "_", "a", "Z", "0", " ", "\u00A0", "é", "e\u0301", "Σ", "ß", "İ",
        "ｆ", "\u3002", "\uFF61", "ש", "\u0661", "\u06F1", "\u200D", "\u094D", "\u00B7", "l", "\u30FB", "ア", "中",
        "\u0007", "\uFFFD", "🍺", "\u212B", "::1", "%", "bcher-kva", "\u1100", "\u0345", "\u0F73",
    ];

    [Fact]
    public void Random_input_never_throws_and_successes_are_idempotent()
    {
        var random = new Random(7622);
        var destination = new byte[JidNormalizer.MaxJidBytes];
        var again = new byte[JidNormalizer.MaxJidBytes];
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var input = i % 4 == 0 ? RandomBytes(random) : RandomText(random);
            var size = random.Next(4) == 0 ? random.Next(destination.Length) : destination.Length;
            var error = JidNormalizer.TryNormalize(input, destination.AsSpan(0, size), out var written, out var parts);
            if (error != JidError.None)
            {
                continue;
            }

            accepted++;
            var once = destination.AsSpan(0, written);
            Assert.Equal(parts, JidParts.OfNormalized(once));
            Assert.Equal(JidError.None, JidNormalizer.TryNormalize(once, again, out var writtenAgain, out _));
            Assert.True(once.SequenceEqual(again.AsSpan(0, writtenAgain)), Encoding.UTF8.GetString(input));
        }

        Assert.True(accepted > 1000, $"only {accepted} inputs accepted");
    }

    private static byte[] RandomText(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(1, 12);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 24)];
        random.NextBytes(bytes);
        return bytes;
    }
}
