using System.Text;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// How a persistent room is stored (configuration, subject and affiliations; occupants and history are not):
/// a versioned binary record in the store's user data under (room JID, "muc-room").
/// </summary>
internal static class RoomRecord
{
    private const byte Version = 1;

    public static byte[] Write(RoomConfig config, string subject, IReadOnlyDictionary<string, MucAffiliation> affiliations)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(config.Name);
            writer.Write(config.Description);
            writer.Write(config.Persistent);
            writer.Write(config.Public);
            writer.Write(config.MembersOnly);
            writer.Write(config.Moderated);
            writer.Write(config.Password);
            writer.Write(config.MaxUsers);
            writer.Write(config.NonAnonymous);
            writer.Write(config.HistoryLength);
            writer.Write(config.ChangeSubject);
            writer.Write(config.AllowInvites);
            writer.Write((byte)config.AllowPrivateMessages);
            writer.Write(subject);
            writer.Write(affiliations.Count);
            foreach (var (jid, affiliation) in affiliations)
            {
                writer.Write(jid);
                writer.Write((byte)affiliation);
            }
        }

        return stream.ToArray();
    }

    public static (RoomConfig Config, string Subject, List<(string Jid, MucAffiliation Affiliation)> Affiliations) Read(byte[] record)
    {
        using var reader = new BinaryReader(new MemoryStream(record), Encoding.UTF8);
        if (reader.ReadByte() != Version)
        {
            throw new InvalidDataException("Unknown MUC room record version.");
        }

        var config = new RoomConfig
        {
            Name = reader.ReadString(),
            Description = reader.ReadString(),
            Persistent = reader.ReadBoolean(),
            Public = reader.ReadBoolean(),
            MembersOnly = reader.ReadBoolean(),
            Moderated = reader.ReadBoolean(),
            Password = reader.ReadString(),
            MaxUsers = reader.ReadInt32(),
            NonAnonymous = reader.ReadBoolean(),
            HistoryLength = reader.ReadInt32(),
            ChangeSubject = reader.ReadBoolean(),
            AllowInvites = reader.ReadBoolean(),
            AllowPrivateMessages = (PrivateMessagePolicy)reader.ReadByte(),
        };
        var subject = reader.ReadString();
        var count = reader.ReadInt32();
        var affiliations = new List<(string, MucAffiliation)>(Math.Min(count, 10_000));
        for (var i = 0; i < count; i++)
        {
            affiliations.Add((reader.ReadString(), (MucAffiliation)reader.ReadByte()));
        }

        return (config, subject, affiliations);
    }
}
