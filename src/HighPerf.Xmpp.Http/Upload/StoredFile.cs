using System.Globalization;
using System.Text;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// What is known of one uploaded file, kept in memory for every stored file (so a download reads no metadata from
/// disk) and in a small "&lt;slot&gt;.meta" file beside its "&lt;slot&gt;.data": one value per line (owner,
/// filename, content type, size, upload time in Unix milliseconds).
/// </summary>
internal sealed record StoredFile(string SlotId, string Owner, string Filename, string ContentType, long Size, DateTimeOffset UploadedAt)
{
    public string Serialize() => string.Join('\n',
        Owner, Filename, ContentType, Size.ToString(CultureInfo.InvariantCulture),
        UploadedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) + "\n";

    public static StoredFile? Parse(string slotId, string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 5
            || !long.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(lines[4], NumberStyles.None, CultureInfo.InvariantCulture, out var uploaded))
        {
            return null;
        }

        return new StoredFile(slotId, lines[0], lines[1], lines[2], size, DateTimeOffset.FromUnixTimeMilliseconds(uploaded));
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Serialize());
}
