using System.Text;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Support;

/// <summary>Feeds a stream to a tokenizer in given pieces and collects events and the first error.</summary>
public static class Tokenize
{
    public static byte[] Bytes(string xml) => Encoding.UTF8.GetBytes(xml);

    public static Result Whole(string xml, XmlStreamMode mode = XmlStreamMode.Stream, XmlStreamLimits? limits = null) =>
        Pieces(Bytes(xml), [], mode, limits);

    public static Result Whole(byte[] xml, XmlStreamMode mode = XmlStreamMode.Stream, XmlStreamLimits? limits = null) =>
        Pieces(xml, [], mode, limits);

    /// <summary>Feeds input cut at the given ascending offsets.</summary>
    public static Result Pieces(byte[] input, int[] cuts, XmlStreamMode mode = XmlStreamMode.Stream, XmlStreamLimits? limits = null, EventLog? log = null)
    {
        using var tokenizer = new XmlStreamTokenizer(limits, mode);
        return Pieces(tokenizer, input, cuts, log);
    }

    public static Result Pieces(XmlStreamTokenizer tokenizer, byte[] input, int[] cuts, EventLog? log = null)
    {
        log ??= new EventLog();
        var start = 0;
        for (var i = 0; i <= cuts.Length; i++)
        {
            var end = i < cuts.Length ? cuts[i] : input.Length;
            var error = FeedAll(tokenizer, input[start..end], log);
            if (error != XmlStreamError.None)
            {
                return new Result(log.Events, error, log);
            }

            start = end;
        }

        return new Result(log.Events, XmlStreamError.None, log);
    }

    /// <summary>Like <see cref="Pieces(byte[], int[], XmlStreamMode, XmlStreamLimits?, EventLog?)"/> recording event strings only.</summary>
    public static Result Light(byte[] input, int[] cuts, XmlStreamMode mode = XmlStreamMode.Stream, XmlStreamLimits? limits = null) =>
        Pieces(input, cuts, mode, limits, new EventLog { Detailed = false });

    public static Result Chunks(byte[] input, Random random, int maxChunk, XmlStreamMode mode = XmlStreamMode.Stream, XmlStreamLimits? limits = null)
    {
        var cuts = new List<int>();
        var at = 0;
        while (true)
        {
            at += random.Next(1, maxChunk + 1);
            if (at >= input.Length)
            {
                break;
            }

            cuts.Add(at);
        }

        return Light(input, [.. cuts], mode, limits);
    }

    /// <summary>Feeds one chunk, re-feeding the rest whenever the sink stopped early.</summary>
    public static XmlStreamError FeedAll(XmlStreamTokenizer tokenizer, byte[] chunk, EventLog log)
    {
        var sink = new RecordingSink(log);
        var offset = 0;
        while (true)
        {
            var piece = chunk[offset..];
            log.CurrentInput = piece;
            var error = tokenizer.Feed(piece, ref sink, out var consumed);
            log.CurrentInput = null;
            if (error != XmlStreamError.None)
            {
                return error;
            }

            Assert.InRange(consumed, 0, piece.Length);
            offset += consumed;
            if (offset == chunk.Length)
            {
                return XmlStreamError.None;
            }

            // Stopped by the sink: it must have consumed something (progress).
            Assert.True(consumed > 0 || log.StopEvery > 0);
        }
    }

    public sealed record Result(List<string> Events, XmlStreamError Error, EventLog Log)
    {
        public List<Captured> Captured => Log.Captured;

        public Captured Element(int index) => Log.Captured.Where(c => c.Kind == "element").ElementAt(index);

        public Captured Header => Assert.Single(Log.Captured, c => c.Kind == "open");
    }
}
