using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

/// <summary>The examples of RFC 7622 §3.5, numbered as there.</summary>
public class JidNormalizerRfcTests
{
    [Theory]
    [InlineData("juliet@example.com", "juliet@example.com")]                 // 1
    [InlineData("juliet@example.com/foo", "juliet@example.com/foo")]         // 2
    [InlineData("juliet@example.com/foo bar", "juliet@example.com/foo bar")] // 3
    [InlineData("juliet@example.com/foo@bar", "juliet@example.com/foo@bar")] // 4
    [InlineData("foo\\20bar@example.com", "foo\\20bar@example.com")]         // 5
    [InlineData("fussball@example.com", "fussball@example.com")]             // 6
    [InlineData("fußball@example.com", "fußball@example.com")]               // 7: ß is not folded to ss
    [InlineData("π@example.com", "π@example.com")]                           // 8
    [InlineData("Σ@example.com/foo", "σ@example.com/foo")]                   // 9
    [InlineData("σ@example.com/foo", "σ@example.com/foo")]                   // 10
    [InlineData("ς@example.com/foo", "ς@example.com/foo")]                   // 11
    [InlineData("king@example.com/♚", "king@example.com/♚")]                 // 12
    [InlineData("example.com", "example.com")]                               // 13
    [InlineData("example.com/foobar", "example.com/foobar")]                 // 14
    [InlineData("a.example.com/b@example.net", "a.example.com/b@example.net")] // 15
    public void Valid_examples(string input, string expected)
        => Assert.Equal(expected, JidAssert.Normalize(input));

    [Theory]
    [InlineData("\"juliet\"@example.com")] // 16: quotation marks are forbidden in localparts
    [InlineData("foo bar@example.com")]    // 17: so are spaces
    [InlineData("juliet@example.com/")]    // 18: empty resourcepart
    [InlineData("@example.com/")]          // 18: empty localpart
    [InlineData("henryⅣ@example.com")]     // 19: U+2163 has a compatibility decomposition
    [InlineData("♚@example.com")]          // 20: symbols are not letters
    [InlineData("juliet@")]                // 21: empty domainpart
    [InlineData("/foobar")]                // 22: empty domainpart
    public void Invalid_examples(string input) => JidAssert.Rejected(input);

    [Fact]
    public void Sigma_forms_are_distinct_after_case_mapping()
    {
        // Σ and σ are the same user; ς (final sigma) stays another: UsernameCaseMapped uses toLowerCase, not case folding.
        Assert.Equal(JidAssert.Normalize("Σ@example.com"), JidAssert.Normalize("σ@example.com"));
        Assert.NotEqual(JidAssert.Normalize("ς@example.com"), JidAssert.Normalize("σ@example.com"));
    }

    [Fact]
    public void Parts_locate_local_domain_and_resource()
    {
        Assert.Equal(JidError.None, JidAssert.TryNormalize("Juliet@Example.com/Balcony/Window@1", out var jid, out var parts));
        Assert.Equal("juliet@example.com/Balcony/Window@1", jid);
        Assert.True(parts.HasLocal);
        Assert.True(parts.HasResource);
        Assert.Equal(6, parts.LocalLength);
        Assert.Equal(7, parts.DomainStart);
        Assert.Equal(11, parts.DomainLength);
        Assert.Equal(18, parts.BareLength);
        Assert.Equal(19, parts.ResourceStart);
        Assert.Equal(16, parts.ResourceLength);
        Assert.Equal(jid.Length, parts.TotalLength);

        var bytes = System.Text.Encoding.UTF8.GetBytes(jid);
        Assert.Equal("juliet"u8.ToArray(), parts.Local(bytes).ToArray());
        Assert.Equal("example.com"u8.ToArray(), parts.Domain(bytes).ToArray());
        Assert.Equal("Balcony/Window@1"u8.ToArray(), parts.Resource(bytes).ToArray());
        Assert.Equal("juliet@example.com"u8.ToArray(), parts.Bare(bytes).ToArray());
        Assert.Equal(parts, JidParts.OfNormalized(bytes));
    }

    [Fact]
    public void Domain_only_parts()
    {
        Assert.Equal(JidError.None, JidAssert.TryNormalize("example.com", out _, out var parts));
        Assert.False(parts.HasLocal);
        Assert.False(parts.HasResource);
        Assert.Equal(0, parts.DomainStart);
        Assert.Equal(-1, parts.ResourceStart);
        Assert.Equal(11, parts.BareLength);
        Assert.True(parts.Resource("example.com"u8).IsEmpty);
    }
}
