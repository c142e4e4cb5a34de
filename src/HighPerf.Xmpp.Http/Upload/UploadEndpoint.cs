using System.Globalization;
using HighPerf.Xmpp.Http.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// The HTTP side of XEP-0363 under <c>/upload/&lt;slot&gt;/&lt;file name&gt;</c>: PUT streams the body straight to
/// disk (Kestrel's pooled buffers written as they arrive; the body is never held whole), refusing before a byte is
/// read when the signed grant, its expiry, the Content-Length, the Content-Type or the quota say no; GET and HEAD
/// serve stored files with their content type, one byte range (206/416) and headers that stop a browser from running
/// uploaded content on the server's origin.
/// </summary>
internal static class UploadEndpoint
{
    public const string PathPrefix = "/upload/";

    /// <summary>Bytes gathered before a disk write (Kestrel buffers up to 1 MiB of a request body by default).</summary>
    private const int WriteBatchBytes = 256 * 1024;

    public static async Task HandleAsync(HttpContext context, UploadStore store, ILogger logger)
    {
        var path = context.Request.Path.Value!;
        var rest = path.AsSpan(PathPrefix.Length);
        var slash = rest.IndexOf('/');
        var slotId = slash < 0 ? "" : rest[..slash].ToString();
        var filename = slash < 0 ? "" : rest[(slash + 1)..].ToString();
        if (!SlotSignature.IsSlotId(slotId) || filename.Length == 0 || filename.Contains('/', StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsPut(method))
        {
            await PutAsync(context, store, logger, slotId, filename).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            await GetAsync(context, store, slotId, filename, HttpMethods.IsHead(method)).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD, PUT, OPTIONS";
        }
    }

    private static async Task PutAsync(HttpContext context, UploadStore store, ILogger logger, string slotId, string filename)
    {
        var request = context.Request;
        var query = request.Query;
        var remote = HttpTransportHost.RemoteAddressOf(context);
        if (!long.TryParse(query["e"], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !long.TryParse(query["s"], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || query["t"].ToString() is not { } contentType
            || query["u"].ToString() is not { Length: > 0 } owner
            || query["sig"].ToString() is not { Length: > 0 } signature
            || !store.VerifyGrant(signature, slotId, filename, size, contentType, owner, expires))
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status403Forbidden, "not a slot this server issued").ConfigureAwait(false);
            return;
        }

        if (store.Now.ToUnixTimeSeconds() > expires)
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status403Forbidden, "the slot expired").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength is not { } length)
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status411LengthRequired, "no Content-Length").ConfigureAwait(false);
            return;
        }

        if (length > size || length > store.MaxFileSize)
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status413PayloadTooLarge, "larger than the slot").ConfigureAwait(false);
            return;
        }

        if (length != size)
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status400BadRequest, "Content-Length differs from the slot's size").ConfigureAwait(false);
            return;
        }

        // A slot asked for with a content type takes only that one; without, the PUT's own (XEP-0363 §6).
        if (contentType.Length > 0 && request.ContentType is { } given && !SameMediaType(given, contentType))
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status415UnsupportedMediaType, "Content-Type differs from the slot's").ConfigureAwait(false);
            return;
        }

        if (store.Exists(slotId))
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status409Conflict, "the slot was used already").ConfigureAwait(false);
            return;
        }

        if (!store.HasRoom(owner, slotId, size))
        {
            await RefuseAsync(context, logger, remote, StatusCodes.Status403Forbidden, "quota exceeded").ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = size;
        }

        var servedType = contentType.Length > 0 ? contentType : request.ContentType ?? "application/octet-stream";
        var file = new StoredFile(slotId, owner, filename, servedType, size, store.Now);
        var stored = false;
        var ownsPart = true;
        try
        {
            var received = await ReceiveAsync(request, store.PartPath(slotId), size, context.RequestAborted).ConfigureAwait(false);
            if (received < 0)
            {
                ownsPart = false;
                await RefuseAsync(context, logger, remote, StatusCodes.Status409Conflict, "an upload to the slot is in progress").ConfigureAwait(false);
                return;
            }

            if (received != size)
            {
                await RefuseAsync(context, logger, remote, StatusCodes.Status400BadRequest, "the body ended before Content-Length").ConfigureAwait(false);
                return;
            }

            stored = await store.CommitAsync(file, context.RequestAborted).ConfigureAwait(false);
            if (!stored)
            {
                await RefuseAsync(context, logger, remote, StatusCodes.Status409Conflict, "the slot was used already").ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            UploadLog.PutFailed(logger, remote, ex.Message);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.StatusCode = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            }
        }
        finally
        {
            if (!stored && ownsPart)
            {
                store.Discard(slotId);
            }
        }
    }

    /// <summary>Writes the body to a new part file as it arrives; returns the bytes written, or -1 when the part
    /// file exists (another PUT to the same slot is running). Kestrel's 4 KiB segments are gathered, not copied:
    /// once at least <see cref="WriteBatchBytes"/> are buffered (or the body ended) they go to disk in one vectored
    /// write (pwritev) at the file's offset, and only then are they released to Kestrel's pool.</summary>
    private static async Task<long> ReceiveAsync(HttpRequest request, string partPath, long size, CancellationToken cancellation)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(partPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, size);
        }
        catch (IOException) when (File.Exists(partPath))
        {
            return -1;
        }

        using (file)
        {
            var reader = request.BodyReader;
            var segments = new List<ReadOnlyMemory<byte>>();
            long written = 0;
            while (true)
            {
                var result = await reader.ReadAsync(cancellation).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.Length < WriteBatchBytes && !result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End); // wait for more before writing
                    continue;
                }

                segments.Clear();
                foreach (var segment in buffer)
                {
                    segments.Add(segment);
                }

                await RandomAccess.WriteAsync(file, segments, written, cancellation).ConfigureAwait(false);
                written += buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            RandomAccess.FlushToDisk(file);
            return written;
        }
    }

    private static async Task GetAsync(HttpContext context, UploadStore store, string slotId, string filename, bool head)
    {
        var response = context.Response;
        var file = store.Find(slotId);
        if (file is null || !string.Equals(file.Filename, filename, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = response.Headers;
        var etag = "\"" + slotId + "\"";
        headers.AcceptRanges = "bytes";
        headers.ETag = etag;
        headers.LastModified = file.UploadedAt.ToString("R", CultureInfo.InvariantCulture);
        headers.XContentTypeOptions = "nosniff";
        // Uploaded content is the users', served from the server's own origin: never let a browser run it there.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var maxAge = (long)Math.Max(0, (store.ExpiresAt(file) - store.Now).TotalSeconds);
        headers.CacheControl = "public, max-age=" + maxAge.ToString(CultureInfo.InvariantCulture) + ", immutable";
        response.ContentType = file.ContentType;

        var offset = 0L;
        var count = file.Size;
        var ifRange = context.Request.Headers.IfRange.ToString();
        var rangeHeader = ifRange.Length == 0 || ifRange == etag ? context.Request.Headers.Range.ToString() : null;
        switch (ByteRange.Parse(rangeHeader, file.Size, out var range))
        {
            case RangeOutcome.Satisfiable:
                response.StatusCode = StatusCodes.Status206PartialContent;
                headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Length - 1}/{file.Size}";
                offset = range.Start;
                count = range.Length;
                break;
            case RangeOutcome.Unsatisfiable:
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                headers.ContentRange = $"bytes */{file.Size}";
                return;
            default:
                response.StatusCode = StatusCodes.Status200OK;
                break;
        }

        response.ContentLength = count;
        if (head || count == 0)
        {
            return;
        }

        try
        {
            await response.SendFileAsync(store.DataPath(slotId), offset, count, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away, or the file expired while it was sent.
            context.Abort();
        }
    }

    private static bool SameMediaType(string header, string expected)
    {
        var semicolon = header.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? header : header[..semicolon]).Trim();
        var expectedSemicolon = expected.IndexOf(';', StringComparison.Ordinal);
        var expectedType = (expectedSemicolon < 0 ? expected : expected[..expectedSemicolon]).Trim();
        return string.Equals(type, expectedType, StringComparison.OrdinalIgnoreCase);
    }

    private static Task RefuseAsync(HttpContext context, ILogger logger, string remote, int status, string reason)
    {
        UploadLog.PutRefused(logger, remote, status, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason + "\n", context.RequestAborted);
    }
}
