namespace HighPerf.Xmpp.Modules.DataForms;

/// <summary>XEP-0004 §3.3 field types used by the modules.</summary>
public static class FieldTypes
{
    public const string Hidden = "hidden";
    public const string TextSingle = "text-single";
    public const string TextPrivate = "text-private";
    public const string TextMulti = "text-multi";
    public const string ListMulti = "list-multi";
    public const string JidSingle = "jid-single";
    public const string Boolean = "boolean";
}
