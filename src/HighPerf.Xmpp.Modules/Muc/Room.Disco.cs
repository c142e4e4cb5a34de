using System.Globalization;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Service discovery of a room (XEP-0045 §6.4): its muc_* features and the muc#roominfo form.</summary>
internal sealed partial class Room
{
    public byte[] DiscoInfo()
    {
        lock (Gate)
        {
            var config = Config;
            using var form = new MucFormWriter(1024);
            form.Raw("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'");
            form.RawAttribute("name", config.Name.Length > 0 ? config.Name : LocalPart);
            form.Raw("/>");
            Feature(form, MucNames.Muc);
            Feature(form, "http://jabber.org/protocol/disco#info");
            Feature(form, config.Public ? "muc_public" : "muc_hidden");
            Feature(form, config.Persistent ? "muc_persistent" : "muc_temporary");
            Feature(form, config.MembersOnly ? "muc_membersonly" : "muc_open");
            Feature(form, config.Moderated ? "muc_moderated" : "muc_unmoderated");
            Feature(form, config.PasswordProtected ? "muc_passwordprotected" : "muc_unsecured");
            Feature(form, config.NonAnonymous ? "muc_nonanonymous" : "muc_semianonymous");
            Feature(form, "urn:xmpp:ping");
            form.Raw("<x xmlns='jabber:x:data' type='result'>");
            form.Field("FORM_TYPE", FieldTypes.Hidden, null, MucNames.RoomInfoForm);
            form.Field("muc#roominfo_description", FieldTypes.TextSingle, "Description", config.Description);
            form.Field("muc#roominfo_subject", FieldTypes.TextSingle, "Subject", Subject);
            form.Field("muc#roominfo_occupants", FieldTypes.TextSingle, "Number of occupants", _occupants.Count.ToString(CultureInfo.InvariantCulture));
            form.Field("muc#roomconfig_roomname", FieldTypes.TextSingle, "Name", config.Name);
            form.Field("muc#maxhistoryfetch", FieldTypes.TextSingle, "Maximum number of history messages returned by the room", config.HistoryLength.ToString(CultureInfo.InvariantCulture));
            form.Field("muc#roomconfig_changesubject", FieldTypes.Boolean, "Occupants may change the subject", config.ChangeSubject);
            form.Raw("</x></query>");
            return form.ToArray();
        }
    }

    /// <summary>The room's localpart (its default name).</summary>
    public string LocalPart => JidString[..JidString.IndexOf('@', StringComparison.Ordinal)];

    /// <summary>Writes the service's disco#items entry for this room when it is public and open for entry.</summary>
    public void WriteDirectoryItem(PooledBufferWriter writer)
    {
        lock (Gate)
        {
            if (!Config.Public || Locked || Destroyed)
            {
                return;
            }

            writer.Write("<item"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, Jid);
            EscapingWriter.WriteEscapedAttribute(writer, "name"u8, System.Text.Encoding.UTF8.GetBytes(Config.Name.Length > 0 ? Config.Name : LocalPart));
            writer.Write("/>"u8);
        }
    }

    private static void Feature(MucFormWriter form, string feature)
    {
        form.Raw("<feature");
        form.RawAttribute("var", feature);
        form.Raw("/>");
    }
}
