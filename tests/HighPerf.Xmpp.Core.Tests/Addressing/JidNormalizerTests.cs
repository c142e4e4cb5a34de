using System.Text;
using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

public class JidNormalizerTests
{
    [Theory]
    [InlineData("JULIET@EXAMPLE.COM/Balcony", "juliet@example.com/Balcony")]
    [InlineData("ΣΑΣ@example.com", "σασ@example.com")]
    [InlineData("ẞ@example.com", "ß@example.com")]                 // U+1E9E capital sharp s lowercases to ß
    [InlineData("İ@example.com", "i\u0307@example.com")]           // toLowerCase's unconditional full mapping
    [InlineData("ДМИТРИЙ@example.com", "дмитрий@example.com")]
    [InlineData("Ꭰ@example.com", "ꭰ@example.com")]                 // Cherokee lowercase (U+13A0 to U+AB70)
    [InlineData("𐐀@example.com", "𐐨@example.com")]                 // Deseret: outside the BMP
    public void Localpart_is_case_mapped(string input, string expected)
        => Assert.Equal(expected, JidAssert.Normalize(input));

    [Theory]
    [InlineData("e\u0301@example.com", "é@example.com")]
    [InlineData("example.com/e\u0301", "example.com/é")]
    [InlineData("example.com/\u212B", "example.com/Å")]            // Ångström sign is fine in a resource, NFC maps it
    [InlineData("ｊｕｌｉｅｔ@example.com", "juliet@example.com")]    // width mapping, localpart only
    [InlineData("ＪＵＬＩＥＴ@example.com", "juliet@example.com")]
    [InlineData("example.com/ＡＢ", "example.com/ＡＢ")]             // OpaqueString keeps fullwidth and case
    [InlineData("example.com/a\u00A0b", "example.com/a b")]        // non-ASCII spaces become U+0020
    [InlineData("example.com/ a ", "example.com/ a ")]
    [InlineData("user@example.org/🍺", "user@example.org/🍺")]
    public void Nfc_and_width_mapping(string input, string expected)
        => Assert.Equal(expected, JidAssert.Normalize(input));

    [Theory]
    [InlineData("\u212B@example.com")]     // HasCompat: rejected in IdentifierClass before NFC
    [InlineData("ﬁ@example.com")]          // ligature with a compatibility decomposition
    [InlineData("ǅ@example.com")]          // titlecase: not an IdentifierClass letter
    [InlineData("a\u200Db@example.com")]   // ZWJ without a virama before it
    [InlineData("a\u00B7b@example.com")]   // middle dot outside l·l
    [InlineData("\u3164@example.com")]     // Hangul filler: default ignorable
    [InlineData("\u1100@example.com")]     // old Hangul jamo
    [InlineData("a\u0378@example.com")]    // unassigned
    [InlineData("example.com/a\u0007")]    // control in a resource
    [InlineData("example.com/a\u200Bb")]   // zero width space (Cf) in a resource
    [InlineData("example.com/\uE000")]     // private use
    [InlineData("a\tb@example.com")]
    public void Disallowed_code_points(string input) => JidAssert.Rejected(input);

    [Theory]
    [InlineData("l\u00B7l@example.com")]
    [InlineData("\u0915\u094D\u200D@example.com")] // ZWJ after a virama
    [InlineData("\u30A2\u30FB\u30A4@example.com")] // katakana middle dot among katakana
    [InlineData("\u0627\u0661\u0662@example.com")] // Arabic-Indic digits after an Arabic letter, not mixed
    [InlineData("שלום@example.com")]               // right-to-left, Bidi Rule holds
    [InlineData("שלום1@example.com")]              // RTL label may end in a European digit
    public void Contextual_and_bidi_rules_allow(string input) => JidAssert.Normalize(input);

    [Theory]
    [InlineData("\u0661\u06F1@example.com")]       // Arabic-Indic and extended Arabic-Indic digits mixed
    [InlineData("שלוםabc@example.com")]            // RTL with left-to-right letters
    [InlineData("1שלום@example.com")]              // must start with a strong letter
    [InlineData("\u30FB@example.com")]             // katakana middle dot without kana or Han
    public void Contextual_and_bidi_rules_reject(string input) => JidAssert.Rejected(input);

    [Theory]
    [InlineData('"')]
    [InlineData('&')]
    [InlineData('\'')]
    [InlineData('/')]
    [InlineData(':')]
    [InlineData('<')]
    [InlineData('>')]
    [InlineData('@')]
    [InlineData(' ')]
    public void Localpart_forbids_rfc7622_characters(char c)
    {
        var input = Encoding.UTF8.GetBytes($"a{c}b");
        Assert.Equal(JidError.Malformed, JidNormalizer.TryNormalizeLocalpart(input, new byte[64], out _));
    }

    [Theory]
    [InlineData("juliet@example.com.", "juliet@example.com")]
    [InlineData("EXAMPLE.COM.", "example.com")]
    [InlineData("user@CaSe-InSeNsItIvE", "user@case-insensitive")]
    [InlineData("user@192.168.1.1", "user@192.168.1.1")]
    [InlineData("conference_1.example.com", "conference_1.example.com")]
    [InlineData("juliet@[2002:4559:1FE2::4559:1FE2]/res", "juliet@[2002:4559:1fe2::4559:1fe2]/res")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("[::FFFF:192.168.0.1]", "[::ffff:192.168.0.1]")]
    [InlineData("BÜCHER.example", "bücher.example")]
    [InlineData("xn--bcher-kva.example", "bücher.example")]
    [InlineData("XN--BCHER-KVA.example", "bücher.example")]
    [InlineData("例え\u3002テスト", "例え.テスト")]
    [InlineData("例え\uFF0Eテスト\uFF61", "例え.テスト")]
    [InlineData("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com")]
    public void Domainparts(string input, string expected)
        => Assert.Equal(expected, JidAssert.Normalize(input));

    [Theory]
    [InlineData("example.com..")]
    [InlineData(".")]
    [InlineData(".example.com")]
    [InlineData("example..com")]
    [InlineData("-example.com")]
    [InlineData("example-.com")]
    [InlineData("exa mple.com")]
    [InlineData("exa!mple.com")]
    [InlineData("user@host@example.com")]
    [InlineData("[::1%eth0]")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[zz::1]")]
    [InlineData("[::1")]
    [InlineData("[]")]
    [InlineData("[")]
    [InlineData("a@[")]
    [InlineData("[:]")]
    [InlineData("[::1]]")]
    [InlineData("xn--zz.example")]
    [InlineData("xn--abc-.example")]
    [InlineData("bü_cher.example")]
    [InlineData("bü!cher.example")]
    [InlineData("♚.example")]
    [InlineData("\u0301bücher.example")]
    public void Invalid_domainparts(string input) => JidAssert.Rejected(input);

    [Fact]
    public void Ascii_labels_are_limited_to_63_bytes()
    {
        JidAssert.Normalize(new string('a', 63) + ".example");
        JidAssert.Rejected(new string('a', 64) + ".example");
    }

    [Fact]
    public void Parts_are_limited_to_1023_bytes()
    {
        var local = new string('a', 1023);
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 63), 16))[..1023];
        var resource = new string('r', 1023);
        var max = $"{local}@{domain}/{resource}";
        Assert.Equal(JidNormalizer.MaxJidBytes, JidAssert.Normalize(max).Length);

        JidAssert.Rejected($"{local}a@example.com", JidError.TooLong);
        JidAssert.Rejected($"example.com/{resource}r", JidError.TooLong);
        JidAssert.Rejected($"{domain}d", JidError.TooLong);

        // 341 × 'é' is 682 bytes; 512 × 'é' is 1024 bytes after normalization.
        JidAssert.Normalize(new string('é', 511) + "@example.com");
        JidAssert.Rejected(new string('é', 512) + "@example.com", JidError.TooLong);

        // 1023 fullwidth letters are 3069 bytes of input but 1023 bytes once width-mapped.
        Assert.Equal(1023, JidAssert.Normalize(new string('ａ', 1023) + "@x").IndexOf('@'));
        JidAssert.Rejected(new string('ａ', JidNormalizer.MaxPartInputBytes) + "@x", JidError.TooLong);
    }

    [Fact]
    public void Invalid_utf8_is_malformed()
    {
        Assert.Equal(JidError.Malformed, JidAssert.TryNormalize([0xC3, (byte)'@', (byte)'x'], out _, out _));
        Assert.Equal(JidError.Malformed, JidAssert.TryNormalize([(byte)'x', (byte)'/', 0xFF], out _, out _));
        Assert.Equal(JidError.Malformed, JidAssert.TryNormalize([(byte)'x', (byte)'/', 0xED, 0xA0, 0x80], out _, out _)); // surrogate
    }

    [Fact]
    public void Small_destination_is_reported_not_overrun()
    {
        var input = "juliet@example.com/balcony"u8;
        Span<byte> small = stackalloc byte[20];
        Assert.Equal(JidError.DestinationTooSmall, JidNormalizer.TryNormalize(input, small, out _, out _));
        Assert.Equal(JidError.DestinationTooSmall, JidNormalizer.TryNormalize(input, small[..18], out _, out _));
        Assert.Equal(JidError.Malformed, JidNormalizer.TryNormalize("juliet@example.com/\u0007"u8, small[..18], out _, out _));
        Assert.Equal(JidError.None, JidNormalizer.TryNormalize(input, stackalloc byte[input.Length], out var written, out _));
        Assert.Equal(input.Length, written);
        Assert.Equal(JidError.DestinationTooSmall, JidNormalizer.TryNormalize("é@x"u8, stackalloc byte[3], out _, out _));
    }

    [Theory]
    [InlineData("Juliet@Example.com/Balcony")]
    [InlineData("ΣΑΣ@BÜCHER.example/ＡＢ e\u0301")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("ｊｕｌｉｅｔ@[::FFFF:1.2.3.4]/x")]
    public void Normalization_is_idempotent(string input)
    {
        var once = JidAssert.Normalize(input);
        Assert.Equal(once, JidAssert.Normalize(once));
    }

    [Fact]
    public void Single_part_entry_points()
    {
        var buffer = new byte[JidNormalizer.MaxPartBytes];
        Assert.Equal(JidError.None, JidNormalizer.TryNormalizeLocalpart("Ｕser"u8, buffer, out var written));
        Assert.Equal("user", Encoding.UTF8.GetString(buffer, 0, written));
        Assert.Equal(JidError.None, JidNormalizer.TryNormalizeDomainpart("Example.COM."u8, buffer, out written));
        Assert.Equal("example.com", Encoding.UTF8.GetString(buffer, 0, written));
        Assert.Equal(JidError.None, JidNormalizer.TryNormalizeResourcepart("Phone/1"u8, buffer, out written));
        Assert.Equal("Phone/1", Encoding.UTF8.GetString(buffer, 0, written));
        Assert.Equal(JidError.Malformed, JidNormalizer.TryNormalizeLocalpart(default, buffer, out _));
        Assert.Equal(JidError.Malformed, JidNormalizer.TryNormalizeResourcepart(default, buffer, out _));
        Assert.Equal(JidError.Malformed, JidNormalizer.TryNormalizeDomainpart(default, buffer, out _));
    }
}
