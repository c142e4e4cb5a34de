namespace HighPerf.Xmpp.Xml.Internal;

internal enum ReferenceStatus : byte
{
    Ok,
    NeedMore,
    Malformed,

    /// <summary>A syntactically valid entity reference to something other than the five predefined entities:
    /// RFC 6120 §11.1 makes that restricted XML.</summary>
    UnknownEntity,
}
