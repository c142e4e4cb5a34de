using System.Buffers.Binary;
using System.Buffers.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Modules.DataForms;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// A node's configuration (XEP-0060 §16.4 pubsub#node_config, the fields a PEP node supports): who may see its
/// items, whether they are kept and how many, which events are notified and whether the last item goes out on
/// presence. Stored as <c>[version 2][access][persist][max items:4][flags]</c>, then the whitelist members
/// (<see cref="PepWhitelist"/>); version 1 (without flags) reads with the defaults.
/// </summary>
internal readonly record struct PepNodeConfig(PepAccess Access, bool PersistItems, int MaxItems, bool NotifyRetract, bool NotifyDelete, bool SendLastOnPresence)
{
    private const byte Version = 2;
    private const byte FlagNotifyRetract = 1;
    private const byte FlagNotifyDelete = 2;
    private const byte FlagSendLast = 4;

    /// <summary>
    /// XEP-0163 §4.2/§4.3 defaults: presence access, persistent, the last item only, sent on subscription and
    /// presence (on_sub_and_presence); retractions and deletion are notified (XEP-0163 names no default for
    /// pubsub#notify_retract; notifying keeps contacts' views in step with the node).
    /// </summary>
    public static PepNodeConfig Default => new(PepAccess.Presence, true, 1, true, true, true);

    /// <summary>Bytes of the encoded form.</summary>
    public const int EncodedLength = 8;

    /// <summary>How many items the store keeps.</summary>
    public int StoredItems => PersistItems ? MaxItems : 0;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        bytes[0] = Version;
        bytes[1] = (byte)Access;
        bytes[2] = PersistItems ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(3), MaxItems);
        bytes[7] = (byte)((NotifyRetract ? FlagNotifyRetract : 0) | (NotifyDelete ? FlagNotifyDelete : 0) | (SendLastOnPresence ? FlagSendLast : 0));
        return bytes;
    }

    public static PepNodeConfig Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 7 || bytes[1] > (byte)PepAccess.Whitelist || (bytes[0] == 1 ? bytes.Length != 7 : bytes[0] != Version || bytes.Length < EncodedLength))
        {
            throw new InvalidDataException("Unreadable PEP node configuration.");
        }

        var flags = bytes[0] == 1 ? (byte)(FlagNotifyRetract | FlagNotifyDelete | FlagSendLast) : bytes[7];
        return new PepNodeConfig((PepAccess)bytes[1], bytes[2] != 0, BinaryPrimitives.ReadInt32LittleEndian(bytes[3..]),
            (flags & FlagNotifyRetract) != 0, (flags & FlagNotifyDelete) != 0, (flags & FlagSendLast) != 0);
    }

    /// <summary>
    /// This configuration with the form's supported fields applied ("max" items is <paramref name="maxItemsLimit"/>);
    /// other fields are accepted and ignored. False when a value is not one the node supports.
    /// <paramref name="given"/> says which of the supported fields the form named.
    /// </summary>
    public bool TryApply(DataForm form, int maxItemsLimit, out PepNodeConfig result, out ConfigFields given)
    {
        result = this;
        given = ConfigFields.None;
        Span<byte> value = stackalloc byte[32];
        if (Named(form, "pubsub#access_model"u8, ConfigFields.Access, ref given))
        {
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

        if (Named(form, "pubsub#persist_items"u8, ConfigFields.Persist, ref given))
        {
            if (!TryGetBoolean(form, "pubsub#persist_items"u8, value, out var persist))
            {
                return false;
            }

            result = result with { PersistItems = persist };
        }

        if (Named(form, "pubsub#max_items"u8, ConfigFields.MaxItems, ref given))
        {
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

        if (Named(form, "pubsub#notify_retract"u8, ConfigFields.NotifyRetract, ref given))
        {
            if (!TryGetBoolean(form, "pubsub#notify_retract"u8, value, out var notify))
            {
                return false;
            }

            result = result with { NotifyRetract = notify };
        }

        if (Named(form, "pubsub#notify_delete"u8, ConfigFields.NotifyDelete, ref given))
        {
            if (!TryGetBoolean(form, "pubsub#notify_delete"u8, value, out var notify))
            {
                return false;
            }

            result = result with { NotifyDelete = notify };
        }

        if (Named(form, "pubsub#send_last_published_item"u8, ConfigFields.SendLast, ref given))
        {
            if (!form.TryGetValue("pubsub#send_last_published_item"u8, value, out var written))
            {
                return false;
            }

            // on_sub: PEP subscriptions are implicit, so only presence would trigger the send; it is "not on presence".
            var text = value[..written];
            if (text.SequenceEqual("on_sub_and_presence"u8))
            {
                result = result with { SendLastOnPresence = true };
            }
            else if (text.SequenceEqual("never"u8) || text.SequenceEqual("on_sub"u8))
            {
                result = result with { SendLastOnPresence = false };
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
           && ((given & ConfigFields.MaxItems) == 0 || MaxItems == wanted.MaxItems)
           && ((given & ConfigFields.NotifyRetract) == 0 || NotifyRetract == wanted.NotifyRetract)
           && ((given & ConfigFields.NotifyDelete) == 0 || NotifyDelete == wanted.NotifyDelete)
           && ((given & ConfigFields.SendLast) == 0 || SendLastOnPresence == wanted.SendLastOnPresence);

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
        writer.Write("</value></field><field var='pubsub#send_last_published_item' type='list-single' label='When to send the last published item'><option><value>never</value></option><option><value>on_sub</value></option><option><value>on_sub_and_presence</value></option><value>"u8);
        writer.Write(SendLastOnPresence ? "on_sub_and_presence"u8 : "never"u8);
        writer.Write("</value></field><field var='pubsub#notify_retract' type='boolean' label='Notify subscribers when items are removed from the node'><value>"u8);
        writer.Write(NotifyRetract ? "1"u8 : "0"u8);
        writer.Write("</value></field><field var='pubsub#notify_delete' type='boolean' label='Notify subscribers when the node is deleted'><value>"u8);
        writer.Write(NotifyDelete ? "1"u8 : "0"u8);
        writer.Write("</value></field><field var='pubsub#deliver_notifications' type='boolean'><value>1</value></field><field var='pubsub#deliver_payloads' type='boolean'><value>1</value></field></x>"u8);
    }

    private static bool Named(DataForm form, ReadOnlySpan<byte> name, ConfigFields field, ref ConfigFields given)
    {
        if (!form.TryGetField(name, out _))
        {
            return false;
        }

        given |= field;
        return true;
    }

    private static bool TryGetBoolean(DataForm form, ReadOnlySpan<byte> name, Span<byte> buffer, out bool value)
    {
        value = false;
        if (!form.TryGetValue(name, buffer, out var written))
        {
            return false;
        }

        var text = buffer[..written];
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
    NotifyRetract = 8,
    NotifyDelete = 16,
    SendLast = 32,
}
