using System.Buffers.Binary;
using System.Buffers.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Modules.DataForms;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// A node's configuration (XEP-0060 §16.4 pubsub#node_config, the fields a PEP node supports): who may see its
/// items, whether they are kept, how many. Stored as <c>[version][access][persist][max items:4]</c>.
/// </summary>
internal readonly record struct PepNodeConfig(PepAccess Access, bool PersistItems, int MaxItems)
{
    private const byte Version = 1;

    /// <summary>XEP-0163 §4.2 defaults: presence access, persistent, the last item only.</summary>
    public static PepNodeConfig Default => new(PepAccess.Presence, true, 1);

    /// <summary>How many items the store keeps.</summary>
    public int StoredItems => PersistItems ? MaxItems : 0;

    public byte[] Encode()
    {
        var bytes = new byte[7];
        bytes[0] = Version;
        bytes[1] = (byte)Access;
        bytes[2] = PersistItems ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(3), MaxItems);
        return bytes;
    }

    public static PepNodeConfig Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 7 || bytes[0] != Version || bytes[1] > (byte)PepAccess.Whitelist)
        {
            throw new InvalidDataException("Unreadable PEP node configuration.");
        }

        return new PepNodeConfig((PepAccess)bytes[1], bytes[2] != 0, BinaryPrimitives.ReadInt32LittleEndian(bytes[3..]));
    }

    /// <summary>
    /// This configuration with the form's pubsub#access_model, pubsub#persist_items and pubsub#max_items applied
    /// ("max" is <paramref name="maxItemsLimit"/>); other fields are accepted and ignored. False when a value is not
    /// one the node supports. <paramref name="given"/> says which of the three the form named.
    /// </summary>
    public bool TryApply(DataForm form, int maxItemsLimit, out PepNodeConfig result, out ConfigFields given)
    {
        result = this;
        given = ConfigFields.None;
        Span<byte> value = stackalloc byte[32];
        if (form.TryGetField("pubsub#access_model"u8, out _))
        {
            given |= ConfigFields.Access;
            if (!form.TryGetValue("pubsub#access_model"u8, value, out var written))
            {
                return false;
            }

            switch (value[..written])
            {
                case var v when v.SequenceEqual("presence"u8):
                    result = result with { Access = PepAccess.Presence };
                    break;
                case var v when v.SequenceEqual("open"u8):
                    result = result with { Access = PepAccess.Open };
                    break;
                case var v when v.SequenceEqual("whitelist"u8):
                    result = result with { Access = PepAccess.Whitelist };
                    break;
                default:
                    return false;
            }
        }

        if (form.TryGetField("pubsub#persist_items"u8, out _))
        {
            given |= ConfigFields.Persist;
            if (!form.TryGetValue("pubsub#persist_items"u8, value, out var written) || !TryParseBoolean(value[..written], out var persist))
            {
                return false;
            }

            result = result with { PersistItems = persist };
        }

        if (form.TryGetField("pubsub#max_items"u8, out _))
        {
            given |= ConfigFields.MaxItems;
            if (!form.TryGetValue("pubsub#max_items"u8, value, out var written))
            {
                return false;
            }

            var text = value[..written];
            if (text.SequenceEqual("max"u8))
            {
                result = result with { MaxItems = maxItemsLimit };
            }
            else if (Utf8Parser.TryParse(text, out int count, out var consumed) && consumed == text.Length && count >= 0 && count <= maxItemsLimit)
            {
                result = result with { MaxItems = count };
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>XEP-0060 §7.1.5: the node satisfies every option the publisher named.</summary>
    public bool Satisfies(PepNodeConfig wanted, ConfigFields given)
        => ((given & ConfigFields.Access) == 0 || Access == wanted.Access)
           && ((given & ConfigFields.Persist) == 0 || PersistItems == wanted.PersistItems)
           && ((given & ConfigFields.MaxItems) == 0 || MaxItems == wanted.MaxItems);

    /// <summary>The node configuration form (XEP-0060 §8.2.1), with the current values.</summary>
    public void WriteForm(PooledBufferWriter writer)
    {
        writer.Write("<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"u8);
        writer.Write("<field var='pubsub#access_model' type='list-single' label='Who may subscribe and retrieve items'><option><value>presence</value></option><option><value>open</value></option><option><value>whitelist</value></option><value>"u8);
        writer.Write(Access switch
        {
            PepAccess.Open => "open"u8,
            PepAccess.Whitelist => "whitelist"u8,
            _ => "presence"u8,
        });
        writer.Write("</value></field><field var='pubsub#persist_items' type='boolean' label='Persist items to storage'><value>"u8);
        writer.Write(PersistItems ? "1"u8 : "0"u8);
        writer.Write("</value></field><field var='pubsub#max_items' type='text-single' label='Max number of items to persist'><value>"u8);
        Span<byte> digits = stackalloc byte[12];
        Utf8Formatter.TryFormat(MaxItems, digits, out var length);
        writer.Write(digits[..length]);
        writer.Write("</value></field><field var='pubsub#send_last_published_item' type='list-single'><option><value>on_sub_and_presence</value></option><value>on_sub_and_presence</value></field>"u8);
        writer.Write("<field var='pubsub#deliver_notifications' type='boolean'><value>1</value></field><field var='pubsub#deliver_payloads' type='boolean'><value>1</value></field></x>"u8);
    }

    private static bool TryParseBoolean(ReadOnlySpan<byte> text, out bool value)
    {
        value = text.SequenceEqual("1"u8) || text.SequenceEqual("true"u8);
        return value || text.SequenceEqual("0"u8) || text.SequenceEqual("false"u8);
    }
}

/// <summary>Which configuration fields a form named.</summary>
[Flags]
internal enum ConfigFields : byte
{
    None = 0,
    Access = 1,
    Persist = 2,
    MaxItems = 4,
}
