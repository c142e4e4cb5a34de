using System.Diagnostics;
using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>
/// Bounded randomized robustness: valid streams with bytes flipped, dropped, duplicated or replaced by
/// markup-significant bytes never make the tokenizer throw or hang, it only returns its own error kinds,
/// and the outcome is the same whether the mutant is fed at once or in random chunks.
/// </summary>
public class MutationTests
{
    private static readonly byte[][] Specials =
    [
        "<"u8.ToArray(), ">"u8.ToArray(), "&"u8.ToArray(), "'"u8.ToArray(), "\""u8.ToArray(), "/"u8.ToArray(),
        ":"u8.ToArray(), "="u8.ToArray(), "]]>"u8.ToArray(), "<!--"u8.ToArray(), "<![CDATA["u8.ToArray(), "&#x"u8.ToArray(),
        "xmlns:"u8.ToArray(), [0x00], [0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x8C], [0xEF, 0xBF, 0xBF], " "u8.ToArray(),
    ];

    [Theory]
    [InlineData(1, XmlStreamMode.Stream)]
    [InlineData(2, XmlStreamMode.Stream)]
    [InlineData(3, XmlStreamMode.Framed)]
    public void Mutated_streams_only_ever_produce_tokenizer_errors(int seed, XmlStreamMode mode)
    {
        var random = new Random(seed);
        var sources = mode == XmlStreamMode.Stream
            ? new[] { Corpus.Client, Tokenize.Bytes(Corpus.Dense) }
            : [Tokenize.Bytes("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/><message xmlns='jabber:client' to='a@b' xml:lang='en'><body>h&amp;i é</body><x:y xmlns:x='u' x:a='1'><![CDATA[c]]></x:y></message><close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")];
        var limits = new XmlStreamLimits { MaxStanzaBytes = 1024, MaxDepth = 4, MaxAttributes = 8, MaxNameBytes = 32, MaxStreamHeaderBytes = 512 };
        var clock = Stopwatch.StartNew();
        var runs = 0;
        var errors = new Dictionary<XmlStreamError, int>();

        // Bounded by count; the time caps keep a loaded machine from running long, but never below 200 runs.
        while (runs < 5_000 && (runs < 200 || clock.Elapsed < TimeSpan.FromSeconds(2)) && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var mutant = Mutate(sources[random.Next(sources.Length)], random);
            var whole = Tokenize.Light(mutant, [], mode, limits);
            var chunked = Tokenize.Chunks(mutant, random, 1 + random.Next(40), mode, limits);

            Assert.True(Enum.IsDefined(whole.Error));
            Assert.Equal(whole.Error, chunked.Error);
            Assert.Equal(whole.Events, chunked.Events);
            errors[whole.Error] = errors.GetValueOrDefault(whole.Error) + 1;
            runs++;
        }

        Assert.True(runs >= 200, $"only {runs} runs");
        Assert.True(errors.Count >= 3, "mutations should reach several error kinds: " + string.Join(", ", errors));
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        var count = 1 + random.Next(3);
        for (var i = 0; i < count && bytes.Count > 1; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(4), bytes.Count - at));
                    break;
                case 2:
                    var length = Math.Min(1 + random.Next(16), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 3:
                    bytes[at] = (byte)random.Next(256);
                    break;
                default:
                    bytes.InsertRange(at, Specials[random.Next(Specials.Length)]);
                    break;
            }
        }

        return [.. bytes];
    }
}
