using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.UploadSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>XEP-0363 HTTP File Upload: discovery, slots, PUT to disk, GET with ranges, limits, quota, expiry.</summary>
public sealed class UploadTests
{
    [Fact]
    public async Task The_upload_service_is_listed_and_announces_its_identity_feature_and_max_file_size()
    {
        await using var server = await StartUploadServerAsync(u => u.MaxFileSize = 5_000_000);
        await using var client = await server.LoginAsync("alice");
        var items = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", "localhost");
        Assert.Contains(items.Descendants(ModuleSteps.DiscoItems + "item"), i => (string?)i.Attribute("jid") == "upload.localhost");

        var info = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "upload.localhost");
        var identity = Assert.Single(info.Descendants(ModuleSteps.DiscoInfo + "identity"));
        Assert.Equal(("store", "file"), ((string?)identity.Attribute("category"), (string?)identity.Attribute("type")));
        Assert.Contains(info.Descendants(ModuleSteps.DiscoInfo + "feature"), f => (string?)f.Attribute("var") == "urn:xmpp:http:upload:0");
        var form = info.Descendants(ModuleSteps.DataForms + "x").Single();
        var fields = form.Elements(ModuleSteps.DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!, f => f.Element(ModuleSteps.DataForms + "value")!.Value);
        Assert.Equal("urn:xmpp:http:upload:0", fields["FORM_TYPE"]);
        Assert.Equal("5000000", fields["max-file-size"]);
    }

    [Fact]
    public async Task A_file_put_to_its_slot_is_served_at_the_get_url_with_its_content_type()
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        var file = RandomNumberGenerator.GetBytes(200_000);
        var (put, get) = await SlotAsync(client, "très cool.png", file.Length, "image/png");
        Assert.StartsWith($"http://127.0.0.1:{server.HttpEndPoint.Port}/upload/", get.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("/tr%C3%A8s%20cool.png", get.AbsoluteUri, StringComparison.Ordinal);
        Assert.NotEqual(get.GetLeftPart(UriPartial.Path), put.GetLeftPart(UriPartial.Path) + "x");

        using var http = NewHttpClient();
        using (var created = await PutAsync(http, put, file, "image/png"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var response = await http.GetAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(file.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", string.Join(",", response.Headers.AcceptRanges));
        Assert.Contains("nosniff", response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Contains("sandbox", string.Join(",", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, get));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(file.Length, head.Content.Headers.ContentLength);

        using var wrongName = await http.GetAsync(new Uri(get, "other.png"));
        Assert.Equal(HttpStatusCode.NotFound, wrongName.StatusCode);
    }

    [Theory]
    [InlineData("bytes=10-19", 206, 10, 10)]
    [InlineData("bytes=-5", 206, 995, 5)]
    [InlineData("bytes=990-", 206, 990, 10)]
    [InlineData("bytes=990-5000", 206, 990, 10)]
    [InlineData("bytes=0-0,5-9", 200, 0, 1000)]
    [InlineData("items=0-9", 200, 0, 1000)]
    [InlineData("bytes=1000-", 416, 0, 0)]
    public async Task A_range_request_gets_that_range_the_whole_file_or_416(string range, int status, int start, int length)
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        var file = RandomNumberGenerator.GetBytes(1000);
        var (put, get) = await SlotAsync(client, "range.bin", file.Length);
        using var http = NewHttpClient();
        (await PutAsync(http, put, file)).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Get, get);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await http.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (status == 416)
        {
            Assert.Equal("bytes */1000", response.Content.Headers.ContentRange!.ToString());
            return;
        }

        Assert.Equal(file.AsSpan(start, length).ToArray(), body);
        if (status == 206)
        {
            Assert.Equal(new ContentRangeHeaderValue(start, start + length - 1, 1000), response.Content.Headers.ContentRange);
        }
    }

    [Fact]
    public async Task A_slot_larger_than_the_limit_is_refused_with_file_too_large_and_nothing_is_written()
    {
        await using var server = await StartUploadServerAsync(u => u.MaxFileSize = 1000);
        await using var client = await server.LoginAsync("alice");
        var reply = await RequestSlotAsync(client, "big.bin", 1001);
        Assert.Equal("not-acceptable", UploadError(reply, out var error));
        Assert.Equal("modify", (string?)error!.Attribute("type"));
        Assert.Equal("1000", error.Element(Upload + "file-too-large")!.Element(Upload + "max-file-size")!.Value);
        Assert.Empty(StoredFiles(server));
    }

    [Fact]
    public async Task A_put_beyond_its_slot_is_refused_before_its_body_is_written()
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        var (put, get) = await SlotAsync(client, "small.bin", 1000);
        using var http = NewHttpClient();
        // With Expect: 100-continue (curl's way for large bodies) the refusal comes before the body is sent.
        using var expecting = new HttpRequestMessage(HttpMethod.Put, put) { Content = new ByteArrayContent(new byte[4 * 1024 * 1024]) };
        expecting.Headers.ExpectContinue = true;
        using (var tooLarge = await http.SendAsync(expecting))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        }

        Assert.Empty(StoredFiles(server));

        // Without it the client is still sending when the refusal comes and the connection is closed: it may see the
        // 413 or only the reset, and nothing is stored either way.
        using var blindClient = NewHttpClient();
        try
        {
            using var blind = await PutAsync(blindClient, put, new byte[4 * 1024 * 1024]);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, blind.StatusCode);
        }
        catch (HttpRequestException)
        {
        }

        Assert.Empty(StoredFiles(server));
        using (var tooSmall = await PutAsync(http, put, new byte[999]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooSmall.StatusCode);
        }

        Assert.Empty(StoredFiles(server));
        using var missing = await http.GetAsync(get);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Without Content-Length (chunked) the size cannot be checked first: 411.
        using var chunked = new HttpRequestMessage(HttpMethod.Put, put) { Content = new StreamContent(new MemoryStream(new byte[1000])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var lengthRequired = await http.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.LengthRequired, lengthRequired.StatusCode);
        Assert.Empty(StoredFiles(server));
    }

    [Fact]
    public async Task A_tampered_reused_or_mistyped_put_is_refused()
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        var file = new byte[100];
        var (put, _) = await SlotAsync(client, "a.txt", file.Length, "text/plain");
        using var http = NewHttpClient();

        var biggerGrant = new Uri(put.ToString().Replace("&s=100&", "&s=200&", StringComparison.Ordinal));
        using (var forged = await PutAsync(http, biggerGrant, new byte[200], "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        var otherName = new Uri(put.ToString().Replace("/a.txt?", "/b.txt?", StringComparison.Ordinal));
        using (var renamed = await PutAsync(http, otherName, file, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, renamed.StatusCode);
        }

        var otherOwner = new Uri(put.ToString().Replace("u=alice%40localhost", "u=bob%40localhost", StringComparison.Ordinal));
        using (var stolen = await PutAsync(http, otherOwner, file, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stolen.StatusCode);
        }

        using (var mistyped = await PutAsync(http, put, file, "text/html"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, mistyped.StatusCode);
        }

        Assert.Empty(StoredFiles(server));
        using (var created = await PutAsync(http, put, file, "text/plain; charset=utf-8"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var again = await PutAsync(http, put, file, "text/plain");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_slot_requested_without_content_type_takes_the_puts_and_serves_it()
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        var (put, get) = await SlotAsync(client, "notes.txt", 5, contentType: null);
        using var http = NewHttpClient();
        (await PutAsync(http, put, "hello"u8.ToArray(), "text/plain")).Dispose();
        using var response = await http.GetAsync(get);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_expired_slot_cannot_be_used()
    {
        await using var server = await StartUploadServerAsync(u => u.SlotLifetimeSeconds = 1);
        await using var client = await server.LoginAsync("alice");
        var (put, _) = await SlotAsync(client, "late.bin", 10);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var http = NewHttpClient();
        using var late = await PutAsync(http, put, new byte[10]);
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Empty(StoredFiles(server));
    }

    [Fact]
    public async Task The_quota_counts_stored_files_and_open_slots_and_refuses_with_a_retry_stamp()
    {
        await using var server = await StartUploadServerAsync(u => u.QuotaBytes = 1000);
        await using var alice = await server.LoginAsync("alice");
        await using var bob = await server.LoginAsync("bob");
        var (put, _) = await SlotAsync(alice, "one.bin", 600);
        var refused = await RequestSlotAsync(alice, "two.bin", 600);
        Assert.Equal("resource-constraint", UploadError(refused, out var error));
        Assert.Equal("wait", (string?)error!.Attribute("type"));
        var stamp = DateTimeOffset.Parse((string)error.Element(Upload + "retry")!.Attribute("stamp")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stamp > DateTimeOffset.UtcNow);

        // Quotas are per user.
        await SlotAsync(bob, "two.bin", 600);

        using var http = NewHttpClient();
        (await PutAsync(http, put, new byte[600])).Dispose();
        Assert.Equal(600, server.Host.Upload!.StoredBytes("alice@localhost"));
        Assert.Equal("resource-constraint", UploadError(await RequestSlotAsync(alice, "three.bin", 401), out _));
        await SlotAsync(alice, "three.bin", 400);
    }

    [Fact]
    public async Task An_uploaded_file_expires_and_is_deleted()
    {
        await using var server = await StartUploadServerAsync(u => u.ExpireAfterSeconds = 1);
        await using var client = await server.LoginAsync("alice");
        var (put, get) = await SlotAsync(client, "brief.bin", 10);
        using var http = NewHttpClient();
        (await PutAsync(http, put, new byte[10])).Dispose();
        Assert.NotEmpty(StoredFiles(server));
        await ProxyTests.WaitForAsync(() => StoredFiles(server).Length == 0);
        using var gone = await http.GetAsync(get);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(0, server.Host.Upload!.StoredBytes("alice@localhost"));
    }

    [Fact]
    public async Task An_acknowledged_upload_is_still_served_after_a_restart()
    {
        await using var server = await StartUploadServerAsync();
        var file = RandomNumberGenerator.GetBytes(5000);
        string path;
        await using (var client = await server.LoginAsync("alice"))
        {
            var (put, get) = await SlotAsync(client, "kept.bin", file.Length);
            using var http = NewHttpClient();
            using var created = await PutAsync(http, put, file);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            path = get.AbsolutePath;
        }

        await server.RestartAsync();
        using var again = NewHttpClient();
        using var response = await again.GetAsync(new Uri($"http://127.0.0.1:{server.HttpEndPoint.Port}{path}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("filename='a/b.txt' size='1'")]
    [InlineData("filename='..' size='1'")]
    [InlineData("filename='' size='1'")]
    [InlineData("filename='a.txt'")]
    [InlineData("filename='a.txt' size='-1'")]
    [InlineData("filename='a.txt' size='ten'")]
    [InlineData("filename='a.txt' size='1' content-type='text/plain&#10;X-Evil: 1'")]
    [InlineData("filename='a&#10;b.txt' size='1'")]
    public async Task A_malformed_slot_request_is_bad_request(string attributes)
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        Assert.Equal("bad-request", await client.IqErrorAsync("get", $"<request xmlns='urn:xmpp:http:upload:0' {attributes}/>", "upload.localhost"));
    }

    [Fact]
    public async Task Other_stanzas_to_the_upload_service_are_refused_as_xmpp_says()
    {
        await using var server = await StartUploadServerAsync();
        await using var client = await server.LoginAsync("alice");
        Assert.Equal("bad-request", await client.IqErrorAsync("set", "<request xmlns='urn:xmpp:http:upload:0' filename='a' size='1'/>", "upload.localhost"));
        Assert.Equal("service-unavailable", await client.IqErrorAsync("get", "<vCard xmlns='vcard-temp'/>", "upload.localhost"));
        await client.SendAsync("<message to='upload.localhost' id='m1'><body>hi</body></message>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await client.ExpectAsync(Wire.Reply("m1"))));
    }
}
