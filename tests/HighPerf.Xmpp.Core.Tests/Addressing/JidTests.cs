using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

public class JidTests
{
    [Fact]
    public void Parse_exposes_normalized_parts()
    {
        var jid = Jid.Parse("Juliet@Example.com/Balcony");
        Assert.Equal("juliet", jid.Local);
        Assert.Equal("example.com", jid.Domain);
        Assert.Equal("Balcony", jid.Resource);
        Assert.Equal("juliet@example.com/Balcony", jid.ToString());
        Assert.Equal("juliet@example.com"u8.ToArray(), jid.Bare.ToArray());
        Assert.Equal("juliet@example.com/Balcony"u8.ToArray(), jid.Full.ToArray());
        Assert.False(jid.IsBare);
    }

    [Fact]
    public void Equality_is_on_normalized_bytes()
    {
        Assert.Equal(Jid.Parse("JULIET@example.com"), Jid.Parse("juliet@EXAMPLE.com."));
        Assert.True(Jid.Parse("a@b/c") == Jid.Parse("A@B/c"));
        Assert.True(Jid.Parse("a@b/c") != Jid.Parse("a@b/C"));
        Assert.Equal(Jid.Parse("a@b").GetHashCode(), Jid.Parse("A@B").GetHashCode());
        Assert.False(Jid.Parse("a@b").Equals(null));
    }

    [Fact]
    public void ToBare_drops_the_resource()
    {
        var full = Jid.Parse("romeo@example.net/orchard");
        var bare = full.ToBare();
        Assert.Equal("romeo@example.net", bare.ToString());
        Assert.Null(bare.Resource);
        Assert.Same(bare, bare.ToBare());
    }

    [Fact]
    public void Domain_jid_has_no_local()
    {
        var jid = Jid.Parse("example.com");
        Assert.Null(jid.Local);
        Assert.False(jid.HasLocal);
        Assert.True(jid.IsBare);
    }

    [Fact]
    public void Invalid_text_is_refused()
    {
        Assert.Throws<FormatException>(() => Jid.Parse("@example.com"));
        Assert.False(Jid.TryParse("a b@example.com", out _));
        Assert.False(Jid.TryParse((string?)null, out _));
        Assert.True(Jid.TryParse("é@example.com"u8, out var jid));
        Assert.Equal("é", jid.Local);
    }
}
